using static Xform.Cli.Tests.ErrorMessageTests;

namespace Xform.Cli.Tests;

/// <summary>
/// Messages in the user's terms: a wrong option is one line and a hint (never the whole help, never a .NET type
/// name), exit 2, before the database is touched; a YAML mistake is reported at its real line and column.
/// </summary>
public class CliMessageTests
{
    const string BuildHint = "run 'xform build --help' to see the options";

    static Case Usage(string name, string expected, params string[] args) => C(name, expected, args);

    internal static IEnumerable<Case> UsageCases()
    {
        yield return Usage("--threads not a number", $"error: --threads: 'lots' is not a whole number\n{BuildHint}", "build", "--threads", "lots");
        yield return Usage("--limit not a number", "error: --limit: 'x' is not a whole number\nrun 'xform show --help' to see the options", "show", "-s", "built", "--limit", "x");
        yield return Usage("--port not a number", "error: --port: 'abc' is not a whole number\nrun 'xform docs serve --help' to see the options", "docs", "serve", "--port", "abc");
        yield return Usage("--log-format not one of its values", $"error: --log-format: 'xml' is not one of text, json\n{BuildHint}", "build", "--log-format", "xml");
        yield return Usage("--output one typo away", "error: --output: 'nme' is not one of selector, name, path, json. Did you mean 'name'?\nrun 'xform ls --help' to see the options",
            "ls", "-o", "nme");
        yield return Usage("--event-time-start not a date",
            $"error: --event-time-start: 'yesterday' is not a date or timestamp; write e.g. 2024-01-01 or 2024-01-01T06:00:00\n{BuildHint}",
            "build", "--event-time-start", "yesterday");
        yield return Usage("an unknown option", $"error: unknown option '--bogus' for 'xform build'\n{BuildHint}", "build", "--bogus");
        yield return Usage("an option one typo away, its value not reported again",
            $"error: unknown option '--thread' for 'xform build'. Did you mean '--threads'?\n{BuildHint}", "build", "--thread", "3");
        yield return Usage("an unknown command", "error: unknown command 'buidl'. Did you mean 'build'?\nrun 'xform --help' to see the commands", "buidl");
        yield return Usage("a command group without its command",
            "error: 'xform docs' needs a command: generate, serve, lineage\nrun 'xform docs --help' to see the commands", "docs");
    }

    [TestCaseSource(nameof(UsageCases))]
    public void A_usage_error_is_one_line_and_a_hint(Case c) => CheckBeforeBuild(c);

    internal static IEnumerable<Case> OptionValueCases()
    {
        yield return C("--threads 0", "error: --threads must be at least 1, not 0", ["build", "--threads", "0"]);
        yield return C("--state missing", "error: --state '{dir}/nope' does not exist; point it at the target folder of the run to compare with",
            ["build", "--state", "{dir}/nope"]);
        yield return C("--state without a manifest", "error: --state '{dir}/models' has no manifest.json, which --defer reads; point it at the target folder of the run to compare with",
            ["build", "--state", "{dir}/models", "--defer"]);
        yield return C("--target unknown", "profiles.yml:4:5: error: target 'prod' is not an output of profile 'proj'. Targets there: dev.", ["build", "--target", "prod"]);
        yield return C("--profile unknown", "profiles.yml:1:1: error: profile 'nope' (named by --profile) is not in profiles.yml. Profiles there: proj.",
            ["build", "--profile", "nope"]);
        yield return C("--vars invalid", "error: --vars is not valid YAML or JSON: invalid YAML: While parsing a flow sequence, did not find expected ',' or ']'.",
            ["build", "--vars", "{a: [1"]);
    }

    [TestCaseSource(nameof(OptionValueCases))]
    public void A_bad_option_value_is_named_before_the_database_is_touched(Case c) => CheckBeforeBuild(c);

    internal static IEnumerable<Case> YamlCases()
    {
        const string Tab = "error: invalid YAML: a tab indents this line; YAML indents with spaces only";
        yield return C("a tab in profiles.yml, at its line", $"profiles.yml:4:1: {Tab}", ["build"],
            ("profiles.yml", "proj:\n  target: dev\n  outputs:\n\tdev:\n      type: duckdb\n"));
        yield return C("a tab after spaces, at its column", $"profiles.yml:5:5: {Tab}", ["build"],
            ("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n    \t  type: duckdb\n"));
        yield return C("a tab in the project file", $"project.yml:4:1: {Tab}", ["build"], ("project.yml", "name: proj\nprofile: proj\nmodels:\n\tproj:\n    +tags: x\n"));
        yield return C("a tab in a properties file", $"models/s.yml:4:1: {Tab}", ["build"], ("models/s.yml", "version: 2\nmodels:\n  - name: built\n\t  description: x\n"));
        yield return C("a tab in packages.yml", $"packages.yml:2:1: {Tab}", ["deps"], ("packages.yml", "packages:\n\t- local: x\n"));
        yield return C("an unclosed flow mapping followed by more lines is a user error",
            "profiles.yml:7:11: error: invalid YAML: a flow collection ('{...}' or '[...]') is not closed where it should be", ["build"],
            ("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n  other: {a: 1\n  x: 2\n"));
    }

    [TestCaseSource(nameof(YamlCases))]
    public void A_YAML_mistake_is_reported_at_its_line_and_column(Case c) => CheckBeforeBuild(c);

    [Test]
    public void An_option_without_its_value_says_so()
    {
        // Last on the line (the test project's --project-dir would be taken as the value), so run the CLI directly.
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = XformCli.Run(["build", "--threads"], stdout, stderr);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')),
            Is.EqualTo(new[] { "error: --threads needs a value", BuildHint }));
        Assert.That(stdout.ToString(), Is.Empty, "no help text");
    }

    [Test]
    public void The_profile_option_picks_another_profile()
    {
        using var p = new TestProject();
        p.Write("profiles.yml", "proj:\n  outputs:\n    dev: {type: duckdb, path: target/test.duckdb}\n" +
                                "other:\n  outputs:\n    dev: {type: duckdb, path: target/other.duckdb}\n");
        p.Write("models/a.sql", "{{ config(materialized='table') }}select 1 as v");
        var r = p.Run("build", "--profile", "other");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select v from a", Path.Combine(p.Dir, "target/other.duckdb"))[0][0], Is.EqualTo(1));
        Assert.That(File.Exists(p.DatabasePath), Is.False, "the project file's profile was not used");
    }
}
