using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Xform.Cli.Tests;

/// <summary>
/// Runaway templates (issue 13): nesting thousands deep, strings and loops without end, a render that never
/// finishes. Each is a user error with file:line:col naming the limit, exit 2 and no stack trace, and comes fast.
/// The cases that used to overflow the stack run the CLI as its own process: a regression kills that process,
/// not the test host.
/// </summary>
public class TemplateLimitTests
{
    static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    static (CliResult Result, TimeSpan Elapsed) Timed(Func<CliResult> run)
    {
        var watch = Stopwatch.StartNew();
        var r = run();
        return (r, watch.Elapsed);
    }

    /// <summary>Exit 2, the one-line located message, nothing of an internal error.</summary>
    static void AssertUserError(CliResult r, string expected)
    {
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Match(expected), r.ToString());
        Assert.That(r.All, Does.Not.Contain("   at ").And.Not.Contain("internal error").And.Not.Contain("Stack overflow"), r.ToString());
    }

    const string TooDeep = "nested deeper than 200 levels, xform's limit for expressions and blocks in one template or macro";

    // Nesting, in a child process -------------------------------------------------------------------------

    public static IEnumerable<TestCaseData> DeepTemplates()
    {
        TestCaseData Case(string name, string text, string position) => new TestCaseData(text, position).SetName($"Deep nesting: {name}");
        yield return Case("5,000 nots", "select {{ " + Repeat("not ", 5_000) + "x }}", "1:807");
        yield return Case("5,000 attribute links", "select {{ x" + Repeat(".a", 5_000) + " }}", "1:411");
        yield return Case("5,000 parentheses", "select {{ " + new string('(', 5_000) + "1" + new string(')', 5_000) + " }}", "1:211");
        yield return Case("5,000 brackets", "select {{ " + Repeat("[1,", 5_000) + "1" + new string(']', 5_000) + " }}", "1:609");
        yield return Case("5,000 unary minus", "select {{ " + new string('-', 5_000) + "1 }}", "1:210");
        yield return Case("5,000 filters", "select {{ 'a'" + Repeat(" | upper", 5_000) + " }}", "1:1609");
        yield return Case("5,000 nested ifs", "select 1\n" + Repeat("{% if true %}", 5_000) + "x" + Repeat("{% endif %}", 5_000), "2:2594");
    }

    [TestCaseSource(nameof(DeepTemplates))]
    public void Deep_nesting_is_a_located_error_not_a_crash(string text, string position)
    {
        using var p = new TestProject();
        p.Write("models/m.sql", text);
        var (r, elapsed) = Timed(() => p.RunProcess("compile"));
        AssertUserError(r, $"models/m\\.sql:{position}: error: {Regex.Escape(TooDeep)}");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void Long_flat_expressions_and_elif_chains_compile()
    {
        using var p = new TestProject();
        p.Write("models/sum.sql", "select {{ " + string.Join(" + ", Enumerable.Repeat("1", 20_000)) + " }} as n");
        p.Write("models/list.sql", "select {{ [" + string.Join(", ", Enumerable.Range(0, 20_000)) + "] | length }} as n");
        p.Write("models/branches.sql", "{% set k = 4321 %}select {% if k == 0 %}0" +
            string.Concat(Enumerable.Range(1, 5_000).Select(i => $"{{% elif k == {i} %}}{i}")) + "{% else %}-1{% endif %} as n");
        var r = p.RunProcess("compile");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("target/compiled/proj/models/sum.sql"), Is.EqualTo("select 20000 as n"));
        Assert.That(p.Read("target/compiled/proj/models/list.sql"), Is.EqualTo("select 20000 as n"));
        Assert.That(p.Read("target/compiled/proj/models/branches.sql"), Is.EqualTo("select 4321 as n"));
    }

    [Test]
    public void Runaway_recursion_is_a_located_error_not_a_crash()
    {
        using var p = new TestProject();
        // Plain: stopped by the macro depth limit.
        p.Write("macros/loop.sql", "{% macro forever(k) %}{{ forever(k) }}{% endmacro %}");
        p.Write("models/m.sql", "select {{ forever(1) }}");
        AssertUserError(p.RunProcess("compile"), @"macros/loop\.sql:1:26: error: macro calls nested deeper than 200 levels \(infinite recursion\?\) \(in macro 'forever'\)");

        // Each level nested 150 deep: the stack runs out long before 200 calls, and that is an error too.
        p.Write("macros/loop.sql", "{% macro forever(k) %}{{ " + new string('[', 150) + "forever(k)" + new string(']', 150) + " }}{% endmacro %}");
        AssertUserError(p.RunProcess("compile"), @"macros/loop\.sql:1:\d+: error: nested too deeply to run: \d+ macro calls deep, their expressions and blocks together exhaust the stack \(in macro 'forever'\)");
    }

    [Test]
    public void A_runaway_name_in_a_macro_that_many_models_call_is_one_short_error()
    {
        using var p = new TestProject();
        // a whole line pasted into a name, in a macro every model calls: one line naming the macro, not one per model
        p.Write("macros/helpers.sql", "{% macro cents(x) %}{{ x }} / {{ " + new string('c', 133_000) + " }}{% endmacro %}");
        for (var i = 0; i < 6; i++) p.Write($"models/m{i}.sql", "select {{ cents('amount') }} as v");
        var r = p.Run("compile");
        AssertUserError(r, $@"^\S*  macros/helpers\.sql:1:\d+: error: '{new string('c', 60)}\.\.\. \(133,000 characters\)' is undefined \(in macro 'cents'\)\n$");
    }

    [Test]
    public void Values_that_contain_themselves_or_nest_thousands_deep_do_not_crash()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "{% set x = [1] %}{% do x.append(x) %}select '{{ x }} {{ x == x }}' as v");
        var r = p.RunProcess("compile");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("target/compiled/proj/models/m.sql"), Is.EqualTo("select '[1, [...]] True' as v"));

        p.Write("models/m.sql", "{% set d = {} %}{% do d.update({'me': d}) %}\nselect '{{ d | tojson }}'");
        AssertUserError(p.RunProcess("compile"), @"models/m\.sql:2:16: error: Circular reference detected");

        p.Write("models/m.sql", "{% set n = namespace(v=[]) %}{% for i in range(5000) %}{% set n.v = [n.v] %}{% endfor %}\nselect '{{ n.v }}'");
        AssertUserError(p.RunProcess("compile"), @"models/m\.sql:2:14: error: maximum recursion depth exceeded while getting the repr of an object");
    }

    // Size, loops: in process, with the default limits -------------------------------------------------------

    [Test]
    public void A_string_multiplied_a_billion_times_fails_at_once()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "select {{ 'a' * 999999999 }} as v");
        var (r, elapsed) = Timed(() => p.Run("compile"));
        AssertUserError(r, "models/m\\.sql:1:15: error: a string of 999,999,999 characters is longer than 100,000,000, xform's limit for one string value");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the size is checked before the string is built");
    }

    [Test]
    public void A_huge_range_fails_at_once()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "{% for i in range(999999999) %}{% endfor %}select 1");
        var (r, elapsed) = Timed(() => p.Run("compile"));
        AssertUserError(r, @"models/m\.sql:1:13: error: Range too big\. The sandbox blocks ranges larger than MAX_RANGE \(100000\)\.");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void Loops_that_multiply_stop_at_the_loop_limit()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "{% set r = range(100000) %}\n{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}select 1");
        var (r, elapsed) = Timed(() => p.Run("compile"));
        AssertUserError(r, @"models/m\.sql:2:20: error: loops ran more than 5,000,000 iterations in one render, xform's loop limit");
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void Output_strings_and_lists_past_their_limits_are_errors()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "{% set s = 'a' * 60000000 %}select '{{ s }}\n{{ s }}'");
        AssertUserError(p.Run("compile"), "models/m\\.sql:2:4: error: the rendered text is longer than 100,000,000 characters, xform's output limit for one template or macro");
        p.Write("models/m.sql", "{% set s = 'a' * 60000000 %}{% set t = s ~ s %}select 1");
        AssertUserError(p.Run("compile"), "models/m\\.sql:1:42: error: a string of 120,000,000 characters is longer than 100,000,000, xform's limit for one string value");
        p.Write("models/m.sql", "{% set l = [0] * 20000000 %}select 1");
        AssertUserError(p.Run("compile"), "models/m\\.sql:1:16: error: a list of 20,000,000 items is longer than 10,000,000, xform's limit for one list value");
    }

    [Test]
    public void A_limit_hit_in_run_leaves_the_database_untouched()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", "{{ config(materialized='table') }}select 1 as v");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        p.Write("models/a.sql", "{{ config(materialized='table') }}select 2 as v, '{{ 'x' * 999999999 }}' as w");
        AssertUserError(p.Run("run"), "models/a\\.sql:1:58: error: a string of 999,999,999 characters");
        Assert.That(p.Scalar("select v from a"), Is.EqualTo(1));
    }

    [Test]
    public void The_defaults_leave_room_for_real_projects()
    {
        using var p = new TestProject();
        // ten years of days through the cross-database date_spine, and a loop over range(100000)
        p.Write("models/days.sql", "{{ config(materialized='table') }}{{ dbt.date_spine('day', \"cast('2015-01-01' as date)\", \"cast('2025-01-01' as date)\") }}");
        p.Write("models/loop.sql", "{{ config(materialized='table') }}{% set n = namespace(sum=0) %}{% for i in range(100000) %}{% set n.sum = n.sum + i %}{% endfor %}select {{ n.sum }} as total");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Scalar("select count(*) from days"), Is.EqualTo(3653L));
        Assert.That(p.Scalar("select total from loop"), Is.EqualTo(4999950000L));
    }

    // --debug: an internal error through the real process ----------------------------------------------------

    /// <summary>
    /// A real internal error (a bug, not a test hook): --target-path naming a file, which compile tries to create
    /// folders under. If that becomes a user error one day, this test needs another internal error.
    /// </summary>
    static TestProject WithInternalError()
    {
        var p = new TestProject();
        p.Write("models/m.sql", "select 1 as v");
        p.Write("not_a_folder", "");
        return p;
    }

    [Test]
    public void With_debug_an_internal_error_prints_its_stack_and_exits_2()
    {
        using var p = WithInternalError();
        var r = p.RunProcess("compile", "--target-path", "not_a_folder", "--debug");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString()); // was 134: the process aborted on the unhandled exception
        Assert.That(r.Err, Does.Contain("internal error: System.AggregateException: One or more errors occurred."), r.ToString());
        Assert.That(r.Err, Does.Contain("   at Xform.Core.Tasks.CompileTask.Run("), r.ToString());
        Assert.That(r.Err, Does.Not.Contain("Unhandled exception"), r.ToString());
    }

    [Test]
    public void Without_debug_an_internal_error_is_one_line()
    {
        using var p = WithInternalError();
        var r = p.RunProcess("compile", "--target-path", "not_a_folder");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), r.ToString());
        Assert.That(lines[0], Does.Match(@"internal error: AggregateException: .* \(run with --debug for the stack trace, and please report it\)$"));
        Assert.That(r.All, Does.Not.Contain("   at "));
    }
}
