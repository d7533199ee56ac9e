using System.Diagnostics;
using Xform.Core.Diagnostics;
using Xform.Core.Templating;

namespace Xform.Core.Tests.TemplatingTests;

/// <summary>
/// The limits of <see cref="TemplateLimits"/>: each a located error, raised before the work (or the memory) runs
/// away. Nesting far past the limit, which would overflow the stack if the limit failed, is tested through the CLI
/// in a separate process (TemplateLimitTests there); the cases here stay within what a test host survives.
/// </summary>
public class TemplateLimitsTests
{
    private static TemplateEngine Engine(TemplateLimits? limits = null) =>
        new(Array.Empty<TemplateSource>(), Array.Empty<TemplateSource>(), "duckdb") { Limits = limits ?? TemplateLimits.Default };

    private static string Render(string text, TemplateLimits? limits = null, Dictionary<string, object?>? globals = null)
    {
        var engine = Engine(limits);
        return engine.Render(engine.Parse(new TemplateSource("models/m.sql", text)), globals ?? new Dictionary<string, object?> { ["x"] = 1L });
    }

    private static XformException Fails(string text, TemplateLimits? limits = null, Dictionary<string, object?>? globals = null) =>
        Assert.Throws<XformException>(() => Render(text, limits, globals))!;

    private static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    // Nesting ---------------------------------------------------------------------------------------------

    /// <summary>Each construct at a depth a template may have, and one past the limit: name, ok, too deep.</summary>
    public static IEnumerable<TestCaseData> NestingCases()
    {
        TestCaseData Case(string name, Func<int, string> make) => new TestCaseData(make).SetName($"Nesting of {name}");
        yield return Case("parentheses", n => "{{ " + new string('(', n) + "x" + new string(')', n) + " }}");
        yield return Case("list brackets", n => "{{ " + new string('[', n) + "x" + new string(']', n) + " }}");
        yield return Case("dict braces", n => "{{ " + Repeat("{'k': ", n) + "x" + new string('}', n) + " }}");
        yield return Case("calls", n => "{{ " + Repeat("dict(a=", n) + "x" + new string(')', n) + " }}");
        yield return Case("not", n => "{{ " + Repeat("not ", n) + "x }}");
        yield return Case("unary minus", n => "{{ " + new string('-', n) + "x }}");
        yield return Case("attributes", n => "{% set d = {'a': 1} %}{{ d" + Repeat(".a", n) + " }}");
        yield return Case("subscripts", n => "{% set d = {'a': 1} %}{{ d" + Repeat("['a']", n) + " }}");
        yield return Case("filters", n => "{{ x" + Repeat(" | abs", n) + " }}");
        yield return Case("or", n => "{{ " + string.Join(" or ", Enumerable.Repeat("x", n + 1)) + " }}");
        yield return Case("conditional expressions", n => "{{ " + Repeat("x if x else ", n) + "x }}");
        yield return Case("if blocks", n => Repeat("{% if x %}", n) + "y" + Repeat("{% endif %}", n));
        yield return Case("for blocks", n => Repeat("{% for i in [1] %}", n) + "y" + Repeat("{% endfor %}", n));
        yield return Case("set blocks", n => Repeat("{% set s %}", n) + "y" + Repeat("{% endset %}", n));
        yield return Case("blocks around expressions", n => Repeat("{% if x %}", n / 2) + "{{ " + new string('(', n / 2) + "x" + new string(')', n / 2) + " }}" + Repeat("{% endif %}", n / 2));
    }

    [TestCaseSource(nameof(NestingCases))]
    public void Nesting_is_limited_with_a_located_error(Func<int, string> make)
    {
        Assert.DoesNotThrow(() => Engine().Parse(new TemplateSource("models/m.sql", make(TemplateLimits.MaxNesting - 10))));
        var text = make(TemplateLimits.MaxNesting + 10);
        var ex = Assert.Throws<XformException>(() => Engine().Parse(new TemplateSource("models/m.sql", text)))!;
        Assert.That(ex.Message, Does.StartWith($"nested deeper than {TemplateLimits.MaxNesting} levels, xform's limit for expressions and blocks"));
        Assert.That(ex.Location.File, Is.EqualTo("models/m.sql"));
        Assert.That(ex.Location.Line, Is.EqualTo(1));
        // the error points inside the nesting, not at the start of the template
        Assert.That(ex.Location.Column, Is.GreaterThan(TemplateLimits.MaxNesting).And.LessThan(text.Length));
    }

    [Test]
    public void The_error_points_where_the_limit_is_crossed()
    {
        // {{ then 200 parentheses: the 200th opens level 201 (the {{ }} is a level), at column 3 + 200
        var ex = Assert.Throws<XformException>(() => Engine().Parse(new TemplateSource("models/m.sql", "{{ " + new string('(', 300) + "x" + new string(')', 300) + " }}")))!;
        Assert.That(ex.Location, Is.EqualTo(new SourceLocation("models/m.sql", 1, 204)));
        var chain = Assert.Throws<XformException>(() => Engine().Parse(new TemplateSource("models/m.sql", "select\n  {{ x" + Repeat(".a", 300) + " }}")))!;
        Assert.That(chain.Location, Is.EqualTo(new SourceLocation("models/m.sql", 2, 6 + 2 * TemplateLimits.MaxNesting)));
    }

    [Test]
    public void Limits_count_each_macro_on_its_own()
    {
        // ten macros each nested 150 deep: fine, the limit is per template or macro
        var macros = string.Concat(Enumerable.Range(0, 10).Select(i => $"{{% macro m{i}() %}}{{{{ {new string('(', 150)}{i}{new string(')', 150)} }}}}{{% endmacro %}}"));
        Assert.That(Render(macros + "{{ m3() }}{{ m9() }}"), Is.EqualTo("39"));
    }

    // Flat constructs of any length -------------------------------------------------------------------------

    [Test]
    public void A_long_flat_sum_is_one_level()
    {
        Assert.That(Render("{{ " + string.Join(" + ", Enumerable.Repeat("x", 20_000)) + " }}"), Is.EqualTo("20000"));
        Assert.That(Render("{{ " + string.Join(" - ", Enumerable.Repeat("x", 5_000)) + " * 2 }}"), Is.EqualTo((1 - 4_998 - 2).ToString()));
        Assert.That(Render("{{ " + string.Join(" ~ ", Enumerable.Repeat("'a'", 5_000)) + " }}"), Is.EqualTo(new string('a', 5_000)));
        Assert.That(Render("{{ [" + string.Join(", ", Enumerable.Repeat("x", 20_000)) + "] | sum }}"), Is.EqualTo("20000"));
    }

    [Test]
    public void An_error_inside_a_chain_points_at_its_operator()
    {
        var ex = Fails("{{ 1 + 2 + 'a' + 3 }}");
        Assert.That(ex.Location, Is.EqualTo(new SourceLocation("models/m.sql", 1, 10)));
        Assert.That(ex.Message, Is.EqualTo("unsupported operand types for +: 'int' and 'str'"));
        Assert.That(Fails("{{ 6 / 3 * 2 // 0 }}").Location.Column, Is.EqualTo(14));
        Assert.That(Fails("{{ x + x - nope * 2 }}").Message, Is.EqualTo("'nope' is undefined"));
    }

    [Test]
    public void A_long_elif_chain_is_flat()
    {
        var text = "{% if x == 0 %}zero" + string.Concat(Enumerable.Range(1, 3_000).Select(i => $"{{% elif x == {i} %}}{i}")) + "{% else %}other{% endif %}";
        Assert.That(Render(text, globals: new() { ["x"] = 2_999L }), Is.EqualTo("2999"));
        Assert.That(Render(text, globals: new() { ["x"] = 0L }), Is.EqualTo("zero"));
        Assert.That(Render(text, globals: new() { ["x"] = 5_000L }), Is.EqualTo("other"));
    }

    // Size -------------------------------------------------------------------------------------------------

    [Test]
    public void A_string_repeated_past_the_limit_fails_before_it_is_built()
    {
        var watch = Stopwatch.StartNew();
        var ex = Fails("select {{ 'a' * 999999999 }}");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
        Assert.That(ex.Format(), Is.EqualTo("models/m.sql:1:15: error: a string of 999,999,999 characters is longer than 100,000,000, xform's limit for one string value"));
        Assert.That(Fails("{{ 3 * 'abc' * 99999999 }}").Message, Does.StartWith("a string of 899,999,991 characters"));
        Assert.That(Fails("{{ [1, 2] * 99999999 }}").Message, Is.EqualTo("a list of 199,999,998 items is longer than 10,000,000, xform's limit for one list value"));
    }

    [Test]
    public void Strings_and_lists_built_any_other_way_are_checked_too()
    {
        var small = new TemplateLimits { MaxStringLength = 100, MaxListLength = 10 };
        Assert.That(Render("{{ 'a' * 100 }}", small), Has.Length.EqualTo(100));
        Assert.That(Fails("{{ 'a' * 101 }}", small).Message, Does.StartWith("a string of 101 characters is longer than 100"));
        Assert.That(Fails("{% set s = 'a' * 60 %}{{ s ~ s }}", small).Location.Column, Is.EqualTo(28));
        Assert.That(Fails("{% set s = 'a' * 60 %}{{ 'b' + s + s }}", small).Message, Does.StartWith("a string of 121 characters"));
        Assert.That(Fails("{{ ('a' * 60) | replace('a', 'aa') }}", small).Message, Does.StartWith("a string of 120 characters"));
        Assert.That(Fails("{% set l = [1] * 6 %}{{ l + l }}", small).Message, Does.StartWith("a list of 12 items"));
        Assert.That(Fails("{{ range(11) | list }}", small).Message, Does.StartWith("a list of 11 items"));
    }

    [Test]
    public void The_output_of_a_template_a_macro_or_a_captured_block_is_limited()
    {
        var small = new TemplateLimits { MaxOutputLength = 1_000 };
        Assert.That(Render("{% for i in range(100) %}0123456789{% endfor %}", small), Has.Length.EqualTo(1_000));
        var loop = Fails("select\n{% for i in range(1000) %}0123456789{% endfor %}", small);
        Assert.That(loop.Format(), Is.EqualTo("models/m.sql:2:4: error: the rendered text is longer than 1,000 characters, xform's output limit for one template or macro"));
        Assert.That(Fails("{% set s = 'a' * 600 %}{{ s }}\n{{ s }}", small).Location, Is.EqualTo(new SourceLocation("models/m.sql", 2, 4)));
        Assert.That(Fails("{% macro m() %}{% for i in range(200) %}0123456789{% endfor %}{% endmacro %}{{ 'x' if m() else '' }}", small).Message,
            Does.Contain("output limit").And.EndWith("(in macro 'm')"));
        Assert.That(Fails("{% set s %}{% for i in range(200) %}0123456789{% endfor %}{% endset %}", small).Message, Does.Contain("output limit"));
    }

    // Loops and time -----------------------------------------------------------------------------------------

    [Test]
    public void Loop_iterations_of_a_render_are_limited_across_loops_and_macros()
    {
        var limits = new TemplateLimits { MaxLoopIterations = 1_000 };
        Assert.That(Render("{% for i in range(10) %}{% for j in range(99) %}{% endfor %}{% endfor %}", limits), Is.Empty);
        var ex = Fails("{% macro m() %}{% for j in range(100) %}{% endfor %}{% endmacro %}\n{% for i in range(10) %}{{ m() }}{% endfor %}", limits);
        Assert.That(ex.Format(), Is.EqualTo("models/m.sql:1:19: error: loops ran more than 1,000 iterations in one render, xform's loop limit (in macro 'm')"));
        // a new render starts from zero
        Assert.That(Render("{% for i in range(1000) %}{% endfor %}", limits), Is.Empty);
    }

    [Test]
    public void The_default_limits_allow_what_real_projects_do()
    {
        // range(100000), as dbt's sandbox allows, and ten years of days
        Assert.That(Render("{% set n = namespace(k=0) %}{% for i in range(100000) %}{% set n.k = n.k + 1 %}{% endfor %}{{ n.k }}"), Is.EqualTo("100000"));
        Assert.That(Render("{% for d in range(3653) %}select {{ d }} as day_offset{% if not loop.last %} union all\n{% endif %}{% endfor %}").Split('\n'), Has.Length.EqualTo(3653));
    }

    [Test]
    public void A_render_that_runs_too_long_stops_with_a_located_error()
    {
        var limits = new TemplateLimits { MaxRenderTime = TimeSpan.FromMilliseconds(300) };
        var watch = Stopwatch.StartNew();
        var ex = Fails("select 1\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", limits with { MaxLoopIterations = long.MaxValue });
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(ex.Message, Is.EqualTo("rendering took longer than 0.3 seconds, xform's time limit for one template (time spent in database queries does not count)"));
        Assert.That(ex.Location.Line, Is.EqualTo(2));

        // no loop at all: a macro calling itself twice at each of 40 levels
        var fanOut = Fails("{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}", limits);
        Assert.That(fanOut.Message, Does.StartWith("rendering took longer than 0.3 seconds"));
    }

    [Test]
    public void Time_spent_in_host_calls_does_not_count()
    {
        var limits = new TemplateLimits { MaxRenderTime = TimeSpan.FromMilliseconds(200) };
        var globals = new Dictionary<string, object?> { ["slow_query"] = (HostFunction)(_ => { Thread.Sleep(150); return "done"; }) };
        Assert.That(Render("{% for i in range(3) %}{{ slow_query() }} {% endfor %}", limits, globals), Is.EqualTo("done done done "));
    }

    // Values that nest ------------------------------------------------------------------------------------------

    [Test]
    public void A_value_that_contains_itself_prints_and_compares_as_in_Python()
    {
        Assert.That(Render("{% set x = [1] %}{% do x.append(x) %}{{ x }} {{ x == x }} {{ x | pprint }}"), Is.EqualTo("[1, [...]] True [1, [...]]"));
        var json = Fails("{% set d = {} %}{% do d.update({'me': d}) %}\n{{ d | tojson }}");
        Assert.That(json.Format(), Is.EqualTo("models/m.sql:2:8: error: Circular reference detected"));
        var compare = Fails("{% set a = [] %}{% do a.append(a) %}{% set b = [] %}{% do b.append(b) %}{{ a == b }}");
        Assert.That(compare.Message, Is.EqualTo("maximum recursion depth exceeded in comparison"));
    }

    [Test]
    public void A_value_nested_thousands_deep_is_a_recursion_error()
    {
        var ex = Fails("{% set n = namespace(v=[]) %}{% for i in range(3000) %}{% set n.v = [n.v] %}{% endfor %}\n{{ n.v }}");
        Assert.That(ex.Format(), Is.EqualTo("models/m.sql:2:6: error: maximum recursion depth exceeded while getting the repr of an object"));
    }
}
