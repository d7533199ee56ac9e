using static Xform.Cli.Tests.ErrorMessageTests;

namespace Xform.Cli.Tests;

/// <summary>
/// A selector that cannot mean anything is an error naming it, exit 2, before the database is touched; a
/// well-formed criterion that matches nothing is a warning naming it (as dbt's "does not match any enabled nodes")
/// while the rest of the selection still runs.
/// </summary>
public class SelectorErrorTests
{
    static Case Bad(string name, string expected, params string[] args) => C(name, expected, ["build", .. args]);

    internal static IEnumerable<Case> Cases()
    {
        const string Operators = "misplaced '+'; graph operators go before the name ('+name', '2+name') or after it ('name+', 'name+3'), once each";
        yield return Bad("a '+' too many after", $"error: --select '+built+++': {Operators}", "-s", "+built+++");
        yield return Bad("a '+' too many before", $"error: --select '++built': {Operators}", "-s", "++built");
        yield return Bad("nothing between the operators", "error: --select '+': it names no node; write a name, a path or method:value between the graph operators", "-s", "+");
        yield return Bad("a method without a value", "error: --select 'tag:': 'tag:' needs a value after the colon, e.g. 'tag:nightly'", "-s", "tag:");
        yield return Bad("an unknown method with the closest", "error: --select 'tags:nightly': unknown selector method 'tags'. Did you mean 'tag'?", "-s", "tags:nightly");
        yield return Bad("an unknown method", "error: --select 'foo:bar': unknown selector method 'foo'. Did you mean 'fqn'?", "-s", "foo:bar");
        yield return Bad("selectors.yml's method on the command line",
            "error: --select 'selector:nightly': 'selector' names a selector of selectors.yml: use --selector NAME on the command line ('method: selector' inside selectors.yml)",
            "-s", "selector:nightly");
        yield return Bad("an unknown result status",
            "error: --select 'result:failed': 'failed' is not a result status; use one of success, error, skipped, fail, warn, pass. Did you mean 'fail'?", "-s", "result:failed");
        yield return Bad("an unknown source status",
            "error: --select 'source_status:stale+': 'stale' is not a source status; dbt's only one is 'fresher' (sources with newer data than at the --state run's freshness check)",
            "-s", "source_status:stale+");
        yield return Bad("result: without --state",
            "error: 'result:error+' reads the results of a previous run: pass --state DIR (the target folder holding its run_results.json)", "-s", "result:error+");
        yield return Bad("source_status: without --state",
            "error: 'source_status:fresher+' compares source freshness with a previous run: pass --state DIR (the target folder holding its sources.json)", "-s", "source_status:fresher+");
        yield return Bad("result: with a --state that has no run_results.json",
            "error: 'result:' selectors read the previous run's results: --state '{dir}/models' has no run_results.json; point --state at the target folder of a run, build, test or seed",
            "-s", "result:error", "--state", "{dir}/models");
        yield return Bad("source_status: with a --state that has no sources.json",
            "error: 'source_status:' compares source freshness with the previous run: --state '{dir}/models' has no sources.json; keep the target folder of a run of 'xform source freshness' as the state",
            "-s", "source_status:fresher", "--state", "{dir}/models");
        yield return Bad("state: with a --state that has no manifest.json",
            "error: --state '{dir}/models' has no manifest.json, which a 'state:' selector reads; point it at the target folder of the run to compare with",
            "-s", "state:modified", "--state", "{dir}/models");
        yield return Bad("a depth that is no number, before", "error: --select '2x+built': '2x' before '+' is not a number of generations; write a whole number, as in '2+name'", "-s", "2x+built");
        yield return Bad("a depth that is no number, after", "error: --select 'built+2x': '2x' after '+' is not a number of generations; write a whole number, as in 'name+2'", "-s", "built+2x");
        yield return Bad("a depth too large", "error: --select '99999999999+built': the depth 99999999999 is too large", "-s", "99999999999+built");
        yield return Bad("'@' with a trailing '+'",
            "error: --select '@built+': '@' cannot be combined with a trailing '+' ('@name' already takes every descendant and their ancestors)", "-s", "@built+");
        yield return Bad("an empty selector", "error: --select is empty; give a selector such as 'my_model', '+my_model' or 'tag:nightly'", "-s", "");
        yield return Bad("an empty criterion in an intersection",
            "error: --select 'built,,x': an empty criterion between commas (write 'a,b' with no spaces for an intersection)", "-s", "built,,x");
        yield return Bad("config without its key", "error: --select 'config:table': 'config' selectors name the config key: 'config.materialized:table'", "-s", "config:table");
        yield return Bad("an unknown resource type",
            "error: --select 'resource_type:modle': 'modle' is not a resource type; use one of model, seed, source, test, snapshot. Did you mean 'model'?", "-s", "resource_type:modle");
        yield return Bad("an unknown test type", "error: --select 'test_type:unique': 'unique' is not a test type; use generic, singular, data or unit.", "-s", "test_type:unique");
        yield return Bad("an unknown part of state:modified",
            "error: --select 'state:modified.bodyy': unknown part 'bodyy' of state:modified; use one of body, configs, relation, persisted_descriptions, macros, contract, properties. Did you mean 'body'?",
            "-s", "state:modified.bodyy");
        yield return Bad("state: without --state", "error: 'state:new' compares with a previous run: pass --state DIR (the target folder holding its manifest.json)", "-s", "state:new");
        yield return Bad("a bad --exclude is named as such", "error: --exclude 'tag:': 'tag:' needs a value after the colon, e.g. 'tag:nightly'", "--exclude", "tag:");
        yield return Bad("the bad one of several", $"error: --select 'built+++': {Operators}", "-s", "built", "-s", "tag:x built+++");
    }

    [TestCaseSource(nameof(Cases))]
    public void A_malformed_selector_is_an_error_before_the_database_is_touched(Case c) => CheckBeforeBuild(c);

    static TestProject Chain()
    {
        var p = new TestProject();
        p.Write("models/a.sql", "select 1 as v");
        p.Write("models/b.sql", "select * from {{ ref('a') }}");
        p.Write("models/c.sql", "select * from {{ ref('b') }}");
        return p;
    }

    static List<string> Warnings(CliResult r) =>
        r.All.Split('\n').Select(ConsoleText.Untimed).Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToList();

    static IEnumerable<string> Built(TestProject p) => p.Relations().Keys.Order(StringComparer.Ordinal);

    [Test]
    public void A_criterion_that_matches_nothing_warns_and_the_rest_still_runs()
    {
        using var p = Chain();
        var r = p.Run("build", "-s", "nonexistent", "a", "--exclude", "zzz");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Warnings(r), Is.EqualTo(new[]
        {
            "warning: the selection criterion 'nonexistent' does not match any enabled nodes",
            "warning: the selection criterion 'zzz' does not match any enabled nodes",
        }), r.ToString());
        Assert.That(Built(p), Is.EqualTo(new[] { "a" }), "the matching part of the selection ran");
    }

    [Test]
    public void An_intersection_that_matches_nothing_is_named_whole()
    {
        using var p = Chain();
        var r = p.Run("build", "-s", "c,tag:nightly", "a");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Warnings(r), Is.EqualTo(new[] { "warning: the selection criterion 'c,tag:nightly' does not match any enabled nodes" }), r.ToString());
        Assert.That(Built(p), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void A_selection_that_matches_nothing_at_all_warns_and_does_nothing()
    {
        using var p = Chain();
        var r = p.Run("ls", "-s", "tag:nightly");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Warnings(r), Is.EqualTo(new[] { "warning: the selection criterion 'tag:nightly' does not match any enabled nodes", "warning: No nodes selected!" }), r.ToString());
        Assert.That(r.Out.Split('\n').Select(ConsoleText.Untimed).Where(l => l.Length > 0 && !l.StartsWith("warning:", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void A_disabled_node_does_not_count_as_a_match()
    {
        using var p = Chain();
        p.Write("models/off.sql", "{{ config(enabled=false) }}select 1 as v");
        var r = p.Run("ls", "-s", "off");
        Assert.That(Warnings(r), Is.EqualTo(new[] { "warning: the selection criterion 'off' does not match any enabled nodes", "warning: No nodes selected!" }), r.ToString());
    }

    [TestCase("@+b", "a b c", TestName = "'@' takes a leading '+' (dbt allows it; it adds nothing)")]
    [TestCase("1+b+1", "a b c")]
    [TestCase("+c", "a b c")]
    [TestCase("b+", "b c")]
    [TestCase("@b", "a b c")]
    public void Well_formed_selectors_still_select(string selector, string expected)
    {
        using var p = Chain();
        var r = p.Run("ls", "-s", selector, "--output", "name");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Warnings(r), Is.Empty);
        Assert.That(string.Join(" ", r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)), Is.EqualTo(expected));
    }

    [Test]
    public void A_plus_inside_a_config_value_is_part_of_the_value()
    {
        using var p = Chain();
        p.Write("models/inc.sql", "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='v') }}select 1 as v");
        var r = p.Run("ls", "-s", "config.incremental_strategy:delete+insert", "--output", "name");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out.Trim(), Is.EqualTo("inc"));
    }
}
