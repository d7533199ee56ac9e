using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary><c>xform debug</c> and <c>xform show</c> through the CLI on DuckDB files, as dbt's debug and show behave.</summary>
public class DebugShowTests
{
    [Test]
    public void Debug_prints_each_check_and_passes_when_all_do()
    {
        using var p = new TestProject();
        var r = p.Run("debug");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        foreach (var line in new[]
        {
            $"Using profiles dir at {p.Dir}", "  profiles.yml file [OK found and valid]", "  project file [OK found and valid]",
            "  profile: proj [OK found]", "  target: dev [OK found]", " - packages [OK none declared]",
            "  Connection test: [OK connection ok]", "All checks passed!", "adapter type: duckdb",
        })
            Assert.That(r.Out, Does.Contain(line), r.ToString());
        Assert.That(r.Out, Does.Contain(" - git [OK found]").Or.Contain(" - git [ERROR not found]"));
    }

    [Test]
    public void Debug_runs_every_check_and_exits_1_listing_the_failed_ones()
    {
        using var p = new TestProject();
        p.Write("profiles.yml", "proj:\n  target: prod\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n");
        p.Write("packages.yml", "packages:\n  - local: ../helpers\n");
        var r = p.Run("debug");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("  profiles.yml file [ERROR invalid] profiles.yml").And.Contain("target 'prod' is not an output of profile 'proj'"));
        Assert.That(r.Out, Does.Contain("  project file [OK found and valid]"), "a broken profile does not stop the other checks");
        Assert.That(r.Out, Does.Contain(" - packages [ERROR not installed] packages.yml lists 1, 0 installed under dbt_packages/ (missing: helpers); run 'xform deps'"));
        Assert.That(r.Out, Does.Contain("Connection test skipped: no profile was found"));
        Assert.That(r.Err, Does.Contain("2 checks failed:").And.Contain("profiles.yml: ").And.Contain("packages: packages.yml lists 1"));
        Assert.That(r.Out, Does.Not.Contain("All checks passed!"));
    }

    [Test]
    public void Debug_finds_a_missing_project_file_and_still_tests_the_named_profile()
    {
        using var p = new TestProject();
        File.Delete(Path.Combine(p.Dir, "project.yml"));
        var r = p.Run("debug", "--profile", "proj");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("  project file [ERROR not found] ").And.Contain("no project.yml (or dbt_project.yml)"));
        Assert.That(r.Out, Does.Contain("  profiles.yml file [OK found and valid]").And.Contain("  Connection test: [OK connection ok]"));
        Assert.That(r.Err, Does.Contain("1 check failed:"));
    }

    [Test]
    public void Debug_config_dir_says_where_profiles_are_read_and_checks_nothing()
    {
        using var p = new TestProject();
        using var elsewhere = new TestProject("other", withDefaults: false);
        var r = p.Run("debug", "--config-dir", "--profiles-dir", elsewhere.Dir);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out.Trim(), Is.EqualTo($"profiles.yml is read from {elsewhere.Dir} (--profiles-dir)"));
        Assert.That(p.Run("debug", "--config-dir").Out.Trim(), Is.EqualTo($"profiles.yml is read from {p.Dir} (the project folder has a profiles.yml)"));
        Assert.That(p.Exists("target/test.duckdb"), Is.False, "no connection was opened");
    }

    [Test]
    public void Debug_connection_skips_the_configuration_checks()
    {
        using var p = new TestProject();
        var r = p.Run("debug", "--connection");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("Connection test: [OK connection ok]").And.Not.Contain("Configuration:").And.Not.Contain(" - git"));
    }

    static TestProject Numbers()
    {
        var p = new TestProject();
        p.Write("seeds/nums.csv", "n,label\n1,a\n2,b\n3,c\n4,d\n5,e\n6,f\n7,g\n");
        p.Write("models/desc_nums.sql", "select n, label from {{ ref('nums') }} order by n desc");
        Assert.That(p.Run("build").ExitCode, Is.Zero);
        return p;
    }

    static string CompiledCode(TestProject p) => (string)JsonNode.Parse(p.Read("target/run_results.json"))!["results"]![0]!["compiled_code"]!;

    [Test]
    public void Show_appends_the_limit_keeps_the_order_and_says_when_the_limit_cut_the_rows()
    {
        using var p = Numbers();
        var r = p.Run("show", "-s", "desc_nums");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("Previewing node 'desc_nums':\n| n | label |\n| - | ----- |\n| 7 | g     |\n| 6 | f     |\n| 5 | e     |\n| 4 | d     |\n| 3 | c     |\n"));
        Assert.That(r.Out, Does.Not.Contain("| 2 "));
        Assert.That(r.Out, Does.Contain("first 5 rows (--limit); --limit -1 shows them all"));
        // dbt's get_limit_sql appends the limit (one more row here, to know whether the limit cut the result).
        Assert.That(CompiledCode(p), Does.EndWith("order by n desc\nlimit 6"));

        var all = p.Run("show", "-s", "desc_nums", "--limit", "-1");
        Assert.That(all.Out, Does.Contain("| 1 | a     |").And.Not.Contain("first"));
        Assert.That(CompiledCode(p), Does.Not.Contain("limit"));
        var exact = p.Run("show", "-s", "desc_nums", "--limit", "7");
        Assert.That(exact.Out, Does.Contain("| 1 | a     |").And.Not.Contain("first 7 rows"), "nothing was cut");
    }

    [Test]
    public void Show_of_a_query_with_its_own_limit_wraps_it_and_the_smaller_limit_wins()
    {
        using var p = Numbers();
        var smaller = p.Run("show", "--inline", "select n from {{ ref('nums') }} order by n limit 3", "--limit", "2");
        Assert.That(smaller.ExitCode, Is.Zero, smaller.ToString());
        Assert.That(smaller.Out, Does.Contain("Previewing inline node:\n| n |\n| - |\n| 1 |\n| 2 |\n").And.Contain("first 2 rows (--limit)"));
        Assert.That(CompiledCode(p), Does.Contain(") as model_limit_subq\nlimit 3"));
        var own = p.Run("show", "--inline", "select n from {{ ref('nums') }} order by n limit 3;", "--limit", "5");
        Assert.That(own.ExitCode, Is.Zero, own.ToString());
        Assert.That(own.Out, Does.Contain("| 3 |").And.Not.Contain("| 4 |").And.Not.Contain("first"));
        // A limit inside a subquery, a string or a comment is not the query's own.
        var inner = p.Run("show", "--inline", "select n, 'limit' as w from (select n from {{ ref('nums') }} limit 4) x -- limit\norder by n", "--limit", "1");
        Assert.That(inner.Out, Does.Contain("| 1 | limit |").And.Contain("first 1 row (--limit)"));
        Assert.That(CompiledCode(p), Does.EndWith("order by n\nlimit 2"));
    }

    [Test]
    public void Show_output_json_has_dbts_shape()
    {
        using var p = Numbers();
        var r = p.Run("show", "-s", "desc_nums", "--limit", "2", "--output", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var json = JsonNode.Parse(r.Out)!;
        Assert.That((string)json["node"]!, Is.EqualTo("desc_nums"));
        Assert.That(json["show"]!.AsArray().Select(row => ((long)row!["n"]!, (string)row["label"]!)), Is.EqualTo(new[] { (7L, "g"), (6L, "f") }));
        var inline = JsonNode.Parse(p.Run("show", "--inline", "select 1.5 as x, null as y, true as z, date '2024-01-02' as d", "-o", "json").Out)!.AsObject();
        Assert.That(inline.ContainsKey("node"), Is.False, "dbt's inline shape has only 'show'");
        Assert.That(inline["show"]!.ToJsonString(), Is.EqualTo("""[{"x":1.5,"y":null,"z":true,"d":"2024-01-02"}]"""));
        Assert.That(p.Run("show", "-s", "desc_nums", "-o", "csv").ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void Show_reads_a_seed_and_a_snapshot_from_their_relations()
    {
        using var p = Numbers();
        p.Write("snapshots/nums_snap.sql", "{% snapshot nums_snap %}\n{{ config(target_schema='main', unique_key='n', strategy='check', check_cols='all') }}\nselect * from {{ ref('nums') }}\n{% endsnapshot %}\n");
        Assert.That(p.Run("snapshot").ExitCode, Is.Zero);
        var seed = p.Run("show", "-s", "nums", "--limit", "1");
        Assert.That(seed.ExitCode, Is.Zero, seed.ToString());
        Assert.That(seed.Out, Does.Contain("Previewing node 'nums':\n| n | label |"));
        Assert.That(CompiledCode(p), Does.StartWith("select * from \"main\".\"nums\""));
        var snap = p.Run("show", "-s", "nums_snap", "-o", "json", "--limit", "-1");
        Assert.That(snap.ExitCode, Is.Zero, snap.ToString());
        var rows = JsonNode.Parse(snap.Out)!["show"]!.AsArray();
        Assert.That(rows, Has.Count.EqualTo(7));
        Assert.That(rows[0]!.AsObject().ContainsKey("dbt_valid_from"), "the snapshot's table, with its metadata columns");
        var none = p.Run("show");
        Assert.That(none.ExitCode, Is.EqualTo(2));
        Assert.That(none.Err, Does.Contain("show needs --select NAME (a model, seed, snapshot or analysis) or --inline SQL"));
    }

    [Test]
    public void Show_writes_lists_structs_maps_and_blobs_as_duckdb_writes_them()
    {
        using var p = new TestProject();
        const string sql = "select [1, 2, null] as ints, [1.5, null] as decimals, ['a', null] as texts, [[1], [2, 3]] as nested, " +
            "{'a': 1, 'b': 'x'} as fields, map {'k': 1} as pairs, [date '2011-12-09', null] as dates, '\\x01ab'::blob as bytes, [true, null] as flags";
        var text = p.Run("show", "--inline", sql);
        Assert.That(text.ExitCode, Is.Zero, text.ToString());
        // the same text as DuckDB's own cast of each value to varchar
        var expected = p.Run("show", "--inline", "select " + string.Join(", ",
            new[] { "ints", "decimals", "texts", "nested", "fields", "pairs", "dates", "bytes", "flags" }.Select(c => $"{c}::varchar as {c}")) + $" from ({sql})");
        Assert.That(expected.ExitCode, Is.Zero, expected.ToString());
        Assert.That(expected.Out, Does.Contain("[1, 2, NULL]").And.Contain("{'a': 1, 'b': x}").And.Contain("{k=1}").And.Contain("\\x01ab"));
        Assert.That(ConsoleText.Untimed(text.Out), Is.EqualTo(ConsoleText.Untimed(expected.Out)));

        var json = p.Run("show", "--inline", sql, "--output", "json");
        Assert.That(json.ExitCode, Is.Zero, json.ToString());
        var row = JsonNode.Parse(json.Out)!["show"]![0]!;
        Assert.That(row["ints"]!.ToJsonString(), Is.EqualTo("[1,2,null]"));
        Assert.That(row["decimals"]!.ToJsonString(), Is.EqualTo("[1.5,null]"));
        Assert.That(row["nested"]!.ToJsonString(), Is.EqualTo("[[1],[2,3]]"));
        Assert.That(row["fields"]!.ToJsonString(), Is.EqualTo("{\"a\":1,\"b\":\"x\"}"));
        Assert.That(row["pairs"]!.ToJsonString(), Is.EqualTo("{\"k\":1}"));
        Assert.That(row["dates"]!.ToJsonString(), Is.EqualTo("[\"2011-12-09\",null]"));
        Assert.That(row["bytes"]!.GetValue<string>(), Is.EqualTo("\\x01ab"));
    }

    [Test]
    public void A_value_xform_cannot_read_is_a_database_error_naming_its_column()
    {
        using var p = new TestProject();
        var r = p.Run("show", "--inline", "select [[1, null]] as deep");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.All, Does.Contain("column 'deep' holds a value xform cannot read").And.Contain("deep::varchar"));
        Assert.That(r.All, Does.Not.Contain("internal error"));
    }
}
