using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary>Seeds through the CLI on DuckDB: hooks, properties under models:, reloads with dependent views, --show, empty runs.</summary>
public class SeedBehaviourTests
{
    static void NoCrash(CliResult r)
    {
        Assert.That(r.All, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(r.All, Does.Not.Contain("internal error"));
    }

    static JsonArray Results(TestProject p) => JsonNode.Parse(p.Read("target/run_results.json"))!["results"]!.AsArray();

    [Test]
    public void A_seed_post_hook_column_is_seen_by_the_tests_that_follow()
    {
        using var p = new TestProject();
        p.Write("project.yml", """
            name: proj
            profile: proj
            seeds:
              proj:
                +pre-hook: "create table if not exists main.log (step varchar)"
                +post-hook:
                  - "alter table {{ this }} add column region varchar default 'EU'"
                  - "insert into main.log select 'loaded ' || count(*) from {{ this }}"
            """);
        p.Write("seeds/countries.csv", "id,name\n1,France\n2,Spain\n");
        p.Write("seeds/props.yml", "seeds:\n  - name: countries\n    columns:\n      - name: region\n        data_tests: [not_null, {accepted_values: {values: ['EU']}}]\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select region from main.countries where id = 2")[0][0], Is.EqualTo("EU"));
        Assert.That(p.Query("select step from main.log")[0][0], Is.EqualTo("loaded 2"));
        var tests = Results(p).Where(x => ((string)x!["unique_id"]!).StartsWith("test.")).Select(x => (string)x!["status"]!).ToList();
        Assert.That(tests, Is.EqualTo(new[] { "pass", "pass" }).AsCollection);
    }

    [Test]
    public void A_failing_seed_post_hook_fails_the_seed_and_keeps_the_previous_table()
    {
        using var p = new TestProject();
        p.Write("seeds/s.csv", "id\n1\n");
        Assert.That(p.Run("seed").ExitCode, Is.Zero);
        p.Write("seeds/s.csv", "id\n1\n2\n");
        p.Write("seeds/props.yml", "seeds:\n  - name: s\n    config:\n      post_hook: \"insert into no_such_log select 1\"\n");
        var r = p.Run("seed");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        NoCrash(r);
        Assert.That(r.Err, Does.Contain("seeds/s.csv: database error: post-hook 1 of seed 's' failed:"));
        Assert.That(p.Query("select count(*) from main.s")[0][0], Is.EqualTo(1L), "the post-hook runs in the swap's transaction");
        Assert.That(p.Query("select count(*) from information_schema.tables where table_name like 's__%'")[0][0], Is.EqualTo(0L), "no staging table left");
    }

    [Test]
    public void Seed_properties_written_under_models_in_the_seed_folder_attach_to_the_seed()
    {
        using var p = new TestProject();
        p.Write("seeds/codes.csv", "code\nA\n\n");
        p.Write("seeds/schema.yml", "models:\n  - name: codes\n    description: the codes\n    columns:\n      - name: code\n        data_tests: [not_null]\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Not.Contain("match no model file"));
        Assert.That(r.Err, Does.Contain("Failure in test not_null_codes_code"), "the test attached to the seed ran and found the empty code");
        var ls = p.Run("ls", "--resource-type", "test", "--output", "name");
        Assert.That(ls.Out, Does.Contain("not_null_codes_code"));
        var manifest = JsonNode.Parse(p.Read("target/manifest.json"))!;
        Assert.That((string)manifest["nodes"]!["seed.proj.codes"]!["description"]!, Is.EqualTo("the codes"));
    }

    [Test]
    public void Properties_under_models_outside_the_seed_folder_still_warn()
    {
        using var p = new TestProject();
        p.Write("seeds/codes.csv", "code\nA\n");
        p.Write("models/schema.yml", "models:\n  - name: codes\n    description: x\n");
        var r = p.Run("seed");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Contain("models/schema.yml:2:5: warning: properties for model 'codes' match no model file in the project"));
    }

    [Test]
    public void Reloading_a_seed_with_new_columns_rebuilds_the_views_on_it()
    {
        using var p = new TestProject();
        p.Write("seeds/s.csv", "id,name\n1,a\n");
        p.Write("models/v.sql", "select * from {{ ref('s') }}");
        p.Write("models/v2.sql", "select * from {{ ref('v') }}");
        p.Write("models/t.sql", "{{ config(materialized='table') }}\nselect * from {{ ref('s') }}");
        p.Write("models/never_built.sql", "select id from {{ ref('s') }}");
        Assert.That(p.Run("build", "--exclude", "never_built").ExitCode, Is.Zero);
        p.Write("seeds/s.csv", "id,name,extra\n1,a,x\n2,b,y\n");
        var r = p.Run("seed", "--full-refresh");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select count(*), max(extra) from main.v2")[0], Is.EqualTo(new object?[] { 2L, "y" }).AsCollection,
            "the views (and views on them) see the new columns");
        Assert.That(p.Query("select count(*) from main.t")[0][0], Is.EqualTo(1L), "a table model keeps its rows until the next run");
        Assert.That(p.Query("select count(*) from information_schema.tables where table_name = 'never_built'")[0][0], Is.EqualTo(0L),
            "a view that did not exist is not created by seed");
        var ids = Results(p).Select(x => (string)x!["unique_id"]!).ToList();
        Assert.That(ids, Is.EqualTo(new[] { "seed.proj.s", "model.proj.v", "model.proj.v2" }).AsCollection);
    }

    [Test]
    public void Seed_show_prints_the_first_rows_of_each_seed()
    {
        using var p = new TestProject();
        p.Write("seeds/s.csv", "id,name\n" + string.Concat(Enumerable.Range(1, 12).Select(i => $"{i},n{i}\n")));
        var r = p.Run("seed", "--show");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("First 10 rows of seed s (\"main\".\"s\"):"));
        Assert.That(r.Out, Does.Contain("| 10 | n10  |"));
        Assert.That(r.Out, Does.Not.Contain("n11"));
        Assert.That(p.Run("seed").Out, Does.Not.Contain("First 10 rows"));
    }

    [Test]
    public void A_command_that_selects_nothing_writes_an_empty_run_results()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", "select 1 as id");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        Assert.That(Results(p), Has.Count.EqualTo(1));
        var r = p.Run("seed");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Contain("nothing to do"));
        Assert.That(Results(p), Is.Empty, "the previous run's results are replaced");
        Assert.That((string)JsonNode.Parse(p.Read("target/run_results.json"))!["args"]!["which"]!, Is.EqualTo("seed"));
        Assert.That(p.Run("run", "--select", "tag:none").ExitCode, Is.Zero);
        Assert.That(Results(p), Is.Empty);
    }

    [Test]
    public void Numbers_are_bigint_and_exact_decimals_not_dbt_duckdb_integer_and_double()
    {
        using var p = new TestProject();
        p.Write("seeds/n.csv", "whole,part,big\n1,1.25,3000000000\n-2,10.5,1\n");
        var r = p.Run("seed");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var types = p.Query("select column_name, data_type from information_schema.columns where table_name = 'n' order by ordinal_position")
            .Select(row => $"{row[0]} {row[1]}").ToList();
        Assert.That(types, Is.EqualTo(new[] { "whole BIGINT", "part DECIMAL(4,2)", "big BIGINT" }).AsCollection);
        Assert.That(p.Query("select sum(part) from main.n")[0][0], Is.EqualTo(11.75m), "exact: no binary floating point");
    }
}
