using static Xform.Cli.Tests.ErrorMessageTests;

namespace Xform.Cli.Tests;

/// <summary>
/// A value of the wrong type in the project file, a properties file or profiles.yml is an error at the value
/// (file:line:col), exit 2, before anything runs: as dbt's schema rejects it, and never where dbt accepts it.
/// </summary>
public class ProjectFileTypeTests
{
    const string Head = "name: proj\nprofile: proj\n";

    static Case Project(string name, string expected, string text) => C(name, expected, ["build"], ("project.yml", text));

    static Case Folder(string name, string expected, string configs) =>
        Project(name, expected, Head + "models:\n  proj:\n" + configs);

    static Case Profile(string name, string expected, string output) =>
        C(name, expected, ["build"], ("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n" + output));

    internal static IEnumerable<Case> Cases()
    {
        yield return Project("model-paths a number", "project.yml:3:14: error: 'model-paths' must be a list of text values, such as [models], not the number 5",
            Head + "model-paths: 5\n");
        yield return Project("model-paths one text value (dbt's schema wants a list)",
            "project.yml:3:14: error: 'model-paths' must be a list of text values, such as [models], not the text 'models'", Head + "model-paths: models\n");
        yield return Project("an entry of model-paths a number", "project.yml:3:23: error: each entry of 'model-paths' must be text, not the number 5",
            Head + "model-paths: [models, 5]\n");
        yield return Project("seed-paths a mapping", "project.yml:3:13: error: 'seed-paths' must be a list of text values, such as [seeds], not a mapping",
            Head + "seed-paths: {a: 1}\n");
        yield return Project("an entry of macro-paths a list", "project.yml:5:5: error: each entry of 'macro-paths' must be text, not a list",
            Head + "macro-paths:\n  - macros\n  - [x]\n");
        yield return Project("snapshot-paths a boolean", "project.yml:3:17: error: 'snapshot-paths' must be a list of text values, such as [snapshots], not the boolean true",
            Head + "snapshot-paths: true\n");
        yield return Project("clean-targets one value", "project.yml:3:16: error: 'clean-targets' must be a list of text values, such as [target], not the text 'target'",
            Head + "clean-targets: target\n");
        yield return Project("name a boolean", "project.yml:1:7: error: 'name' must be text, not the boolean true", "name: true\nprofile: proj\n");
        yield return Project("profile a number", "project.yml:2:10: error: 'profile' must be text, not the number 5", "name: proj\nprofile: 5\n");
        yield return Project("target-path a list", "project.yml:3:14: error: 'target-path' must be text, not a list", Head + "target-path: [a]\n");
        yield return Project("packages-install-path a number", "project.yml:3:24: error: 'packages-install-path' must be text, not the number 1",
            Head + "packages-install-path: 1\n");
        yield return Project("vars a list", "project.yml:3:7: error: 'vars' must be a mapping of names to values", Head + "vars: [1]\n");
        yield return Project("models a number", "project.yml:3:9: error: 'models' of project.yml must be a mapping of keys to values", Head + "models: 5\n");
        yield return Project("version a list", "project.yml:3:10: error: 'version' must be a version such as '1.0.0', not a list", Head + "version: [1]\n");
        yield return Project("config-version text", "project.yml:3:17: error: 'config-version' must be a whole number (2), not the text 'two'", Head + "config-version: two\n");
        yield return Project("search_order one value", "project.yml:5:19: error: 'search_order' must be a list of text values, not the text 'proj'",
            Head + "dispatch:\n  - macro_namespace: dbt_utils\n    search_order: proj\n");
        yield return Project("tests and data_tests both", "project.yml:6:3: error: the project file sets both 'tests' and 'data_tests'; keep 'data_tests' (dbt's newer name)",
            Head + "tests:\n  +severity: warn\ndata_tests:\n  +severity: error\n");

        yield return Folder("+materialized a number", "project.yml:5:20: error: config 'materialized' must be text, not the number 5", "    +materialized: 5\n");
        yield return Folder("+enabled not a boolean", "project.yml:5:15: error: config 'enabled' must be true or false, not the text 'maybe'", "    +enabled: maybe\n");
        yield return Folder("+enabled rendered to no boolean", "project.yml:5:15: error: config 'enabled' must be true or false, not the text 'dev'",
            "    +enabled: \"{{ target.name }}\"\n");
        yield return Folder("+tags a mapping", "project.yml:5:12: error: config 'tags' must be text or a list of text values, not a mapping", "    +tags: {a: 1}\n");
        yield return Folder("+tags with a list in it", "project.yml:5:12: error: config 'tags' must be text or a list of text values; an entry is a list", "    +tags: [a, [b]]\n");
        yield return Folder("+meta a list", "project.yml:5:12: error: config 'meta' must be a mapping, not a list", "    +meta: [a]\n");
        yield return Folder("+schema a list", "project.yml:5:14: error: config 'schema' must be text, not a list", "    +schema: [a]\n");
        yield return Folder("+full_refresh text", "project.yml:5:20: error: config 'full_refresh' must be true or false, not the text 'sometimes'", "    +full_refresh: sometimes\n");
        yield return Folder("+unique_key a mapping", "project.yml:5:18: error: config 'unique_key' must be text or a list of text values, not a mapping", "    +unique_key: {a: 1}\n");
        yield return Folder("a wrong type in a disabled folder is still an error (dbt validates every config)",
            "project.yml:7:22: error: config 'materialized' must be text, not the number 5", "    off:\n      +enabled: false\n      +materialized: 5\n");

        yield return C("config block in a properties file", "models/s.yml:5:16: error: config 'enabled' must be true or false, not the text 'perhaps'",
            ["build"], ("models/s.yml", "version: 2\nmodels:\n  - name: built\n    config:\n      enabled: perhaps\n"));
        yield return C("tags of a properties entry", "models/s.yml:4:11: error: config 'tags' must be text or a list of text values, not a mapping",
            ["build"], ("models/s.yml", "version: 2\nmodels:\n  - name: built\n    tags: {a: 1}\n"));

        yield return Profile("threads as text in profiles.yml", "profiles.yml:7:16: error: 'threads' of target 'dev' must be a whole number of at least 1, not 'lots'",
            "      type: duckdb\n      path: target/test.duckdb\n      threads: lots\n");
        yield return C("target a list", "profiles.yml:2:11: error: 'target' must be a text value", ["build"],
            ("profiles.yml", "proj:\n  target: [dev]\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n"));
        yield return Profile("port as text", "profiles.yml:6:13: error: 'port' of target 'dev' must be a TCP port number (1 to 65535), not 'abc'",
            "      type: postgres\n      port: abc\n      user: x\n      dbname: x\n");
        yield return Profile("an unsupported type, with the supported ones",
            "profiles.yml:5:13: error: target 'dev' has type 'oracle', which this build of xform cannot connect to; supported: duckdb, snowflake, postgres",
            "      type: oracle\n");
        yield return Profile("a type one typo away", "profiles.yml:5:13: error: target 'dev' has type 'duckbd', which this build of xform cannot connect to; supported: duckdb, snowflake, postgres. Did you mean 'duckdb'?",
            "      type: duckbd\n");
    }

    [TestCaseSource(nameof(Cases))]
    public void A_value_of_the_wrong_type_is_an_error_at_the_value(Case c) => CheckBeforeBuild(c);

    [Test]
    public void Values_dbt_accepts_are_accepted()
    {
        using var p = new TestProject();
        p.Write("project.yml", Head + "version: 1.0\nconfig-version: 2\nmodel-paths:\n  - \"models\"\nclean-targets: [target]\ntests: {}\n" +
                               "data_tests:\n  +severity: warn\nmodels:\n  proj:\n    +tags: nightly\n    kept:\n      +enabled: yes\n      +tags: [a, 2024]\n" +
                               "    dropped:\n      +enabled: \"{{ target.name != 'dev' }}\"\n    also_dropped:\n      +enabled: No\n");
        p.Write("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n      threads: \"2\"\n");
        p.Write("models/kept/a.sql", "select 1 as v");
        p.Write("models/dropped/b.sql", "select 1 as v");
        p.Write("models/also_dropped/c.sql", "select 1 as v");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "a" }), "yes enables, a rendered false and No disable");
        Assert.That(r.Out, Does.Contain("2 threads"));
    }
}
