namespace Xform.Cli.Tests;

/// <summary>
/// dbt-duckdb's <c>settings</c> and <c>extensions</c> of a duckdb output: set and loaded on every connection (the
/// workers' too), and a setting or extension DuckDB refuses stops the command at the profile's line with exit 2.
/// </summary>
public class DuckDbProfileSettingsTests
{
    static TestProject Project(string output)
    {
        var p = new TestProject("duckset");
        p.Write("profiles.yml", "duckset:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n      threads: 4\n" + output);
        // Four models built by four workers, each on its own connection: every one sees the settings.
        for (var i = 1; i <= 4; i++)
            p.Write($"models/m{i}.sql",
                "{{ config(materialized='table') }} select current_setting('threads') as threads, current_setting('memory_limit') as memory_limit, " +
                "current_setting('preserve_insertion_order') as preserve_order, json_valid('{}') as json_loaded");
        return p;
    }

    [Test]
    public void Settings_and_extensions_apply_to_every_connection()
    {
        using var p = Project("      settings:\n        threads: 1\n        memory_limit: 1GB\n        preserve_insertion_order: false\n      extensions: [json, {name: parquet}]\n");
        var run = p.Run("run");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        for (var i = 1; i <= 4; i++)
        {
            var row = p.Query($"select threads, memory_limit, preserve_order, json_loaded from m{i}").Single();
            Assert.That(row, Is.EqualTo(new object?[] { 1L, "953.6 MiB", false, true }), $"m{i}");
        }
    }

    [Test]
    public void Without_settings_duckdb_keeps_its_defaults()
    {
        using var p = Project("");
        Assert.That(p.Run("run").ExitCode, Is.EqualTo(0));
        Assert.That(p.Query("select preserve_order from m1").Single()[0], Is.EqualTo(true));
    }

    [Test]
    public void Debug_lists_the_settings_with_secrets_masked()
    {
        using var p = Project("      settings:\n        threads: 1\n        s3_secret_access_key: hunter2-not-shown\n      extensions: [json]\n");
        var debug = p.Run("debug");
        Assert.That(debug.All, Does.Contain("  settings: {threads: 1, s3_secret_access_key: ****}"), debug.ToString());
        Assert.That(debug.All, Does.Contain("  extensions: [json]"));
        Assert.That(debug.All, Does.Not.Contain("hunter2"));
    }

    [TestCase("      settings:\n        no_such_option: 1\n", "profiles.yml:9:9: error: DuckDB refused the setting 'no_such_option' of profiles.yml 'settings': Catalog Error: unrecognized configuration parameter \"no_such_option\"")]
    [TestCase("      settings:\n        threads: many\n", "profiles.yml:9:9: error: DuckDB refused the setting 'threads' of profiles.yml 'settings':")]
    [TestCase("      settings: [threads]\n", "profiles.yml:8:17: error: 'settings' must map DuckDB options to values, e.g. {threads: 4, memory_limit: 4GB}")]
    [TestCase("      settings:\n        \"bad name\": 1\n", "profiles.yml:9:9: error: 'settings' key 'bad name' is not a DuckDB option name (letters, digits, _)")]
    [TestCase("      plugins:\n        - module: excel\n", "profiles.yml:9:9: error: 'plugins' of a duckdb output (dbt-duckdb) is not supported yet; xform reads path, threads, attach, extensions and settings")]
    [TestCase("      attach:\n        - {path: nope/missing.duckdb, alias: prod, read_only: true}\n", "profiles.yml:9:9: error: cannot attach the DuckDB database 'nope/missing.duckdb' as 'prod' (read-only): Cannot open database")]
    [TestCase("      extensions: json\n", "profiles.yml:8:19: error: 'extensions' must be a list of DuckDB extension names, e.g. [json, parquet]")]
    [TestCase("      extensions: [\"json; drop table x\"]\n", "profiles.yml:8:19: error: each 'extensions' entry must be an extension's name (letters, digits, _), e.g. [json, parquet]")]
    public void A_refused_setting_stops_at_the_profile_with_exit_2(string output, string message)
    {
        using var p = Project(output);
        var run = p.Run("run");
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.All, Does.Contain(message));
        Assert.That(run.All, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(File.Exists(p.DatabasePath) && p.Query("select count(*) from information_schema.tables where table_name = 'm1'").Single()[0] is 1L, Is.False,
            "nothing was built");
    }

    /// <summary>An existing database file is opened while the command parses: a refusal then still stops it at the profile, the tables left as they were.</summary>
    [Test]
    public void A_refused_setting_on_an_existing_database_stops_the_same_way()
    {
        using var p = Project("");
        Assert.That(p.Run("run").ExitCode, Is.EqualTo(0));
        p.Write("profiles.yml", "duckset:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n      threads: 4\n" +
            "      settings:\n        no_such_option: 1\n");
        p.Write("models/m1.sql", "{{ config(materialized='table') }} select 'changed' as threads");
        var run = p.Run("run");
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.All, Does.Contain("profiles.yml:9:9: error: DuckDB refused the setting 'no_such_option'"));
        Assert.That(run.All, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(p.Query("select count(*) from information_schema.columns where table_name = 'm1'").Single()[0], Is.EqualTo(4L), "m1 as the first run built it");
    }
}
