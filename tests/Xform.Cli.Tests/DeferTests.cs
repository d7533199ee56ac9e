using System.Security.Cryptography;

namespace Xform.Cli.Tests;

/// <summary>
/// --defer on DuckDB across files: production's file is attached read-only under its database name, found through the
/// profile's output that writes it or an <c>attach</c> entry; what cannot be read is one error before anything runs.
/// (The recipe itself runs on every engine in the conformance suite's DeferConformance.)
/// </summary>
public class DeferTests
{
    const string Prod = "    prod:\n      type: duckdb\n      path: target/prod.duckdb\n";
    const string Ci = "    ci:\n      type: duckdb\n      path: target/ci.duckdb\n";

    static TestProject Project(string outputs)
    {
        var p = new TestProject();
        p.Write("profiles.yml", "proj:\n  target: prod\n  outputs:\n" + outputs);
        p.Write("models/stg.sql", "select 1 as id, 10 as amount union all select 2, 20");
        p.Write("models/doubled.sql", "{{ config(materialized='table') }}\nselect id, amount * 2 as amount from {{ ref('stg') }}");
        p.Write("models/total.sql", "{{ config(materialized='table') }}\nselect sum(amount) as total from {{ ref('doubled') }}");
        return p;
    }

    static string BuildProduction(TestProject p)
    {
        var r = p.Run("build", "-t", "prod");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var state = Path.Combine(p.Dir, "prod-artifacts");
        Directory.CreateDirectory(state);
        File.Copy(Path.Combine(p.Dir, "target", "manifest.json"), Path.Combine(state, "manifest.json"));
        p.Write("models/doubled.sql", "{{ config(materialized='table') }}\nselect id, amount * 3 as amount from {{ ref('stg') }}");
        return state;
    }

    static string Sha256(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    [Test]
    public void An_attach_entry_of_the_ci_output_reads_production_and_leaves_its_file_as_it_was()
    {
        using var p = Project(Prod + Ci);
        var state = BuildProduction(p);
        var prodFile = Path.Combine(p.Dir, "target", "prod.duckdb");
        var before = Sha256(prodFile);
        // CI has no output for production, only its file, attached as dbt-duckdb attaches databases.
        p.Write("profiles.yml", "proj:\n  target: ci\n  outputs:\n" + Ci + "      attach:\n        - {path: target/prod.duckdb, read_only: true}\n");

        var r = p.Run("build", "-s", "state:modified+", "--defer", "--state", state);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("target/compiled/proj/models/doubled.sql"), Does.Contain("from \"prod\".\"main\".\"stg\""));
        Assert.That(p.Query("select total from main.total", Path.Combine(p.Dir, "target", "ci.duckdb"))[0][0]?.ToString(), Is.EqualTo("90"));
        Assert.That(p.Query("select table_name from information_schema.tables order by 1", Path.Combine(p.Dir, "target", "ci.duckdb")).Select(x => x[0]),
            Is.EqualTo(new[] { "doubled", "total" }));
        Assert.That(Sha256(prodFile), Is.EqualTo(before), "production's file is read, never written");
    }

    [Test]
    public void Without_a_way_to_read_production_the_error_says_how_to_give_one()
    {
        using var p = Project(Prod + Ci);
        var state = BuildProduction(p);
        p.Write("profiles.yml", "proj:\n  target: ci\n  outputs:\n" + Ci);
        var r = p.Run("build", "-s", "state:modified+", "--defer", "--state", state);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(ConsoleText.Untimed(r.Err.Trim()), Is.EqualTo("profiles.yml:4:5: error: --defer reads relations the --state run built in the DuckDB database 'prod', which output 'ci' " +
            "cannot see: attach it in profiles.yml (attach: [{path: path/to/prod.duckdb, alias: prod, read_only: true}]) or give profile 'proj' an output " +
            "whose path is that file (e.g. prod: {type: duckdb, path: target/prod.duckdb})"));
        Assert.That(r.Out, Does.Not.Contain("START"));
    }

    [Test]
    public void A_production_file_that_is_not_there_is_named()
    {
        using var p = Project(Prod + Ci);
        var state = BuildProduction(p);
        File.Delete(Path.Combine(p.Dir, "target", "prod.duckdb"));
        var r = p.Run("build", "-s", "state:modified+", "--defer", "--state", state, "-t", "ci");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(ConsoleText.Untimed(r.Err.Trim()), Is.EqualTo("profiles.yml:6:13: error: --defer reads the --state run's relations from the DuckDB file 'target/prod.duckdb' " +
            "(output 'prod'), which does not exist: build production first (xform build -t prod) or copy its file there"));
    }

    [Test]
    public void Favor_state_reads_production_even_where_the_ci_file_has_its_own_relation()
    {
        using var p = Project(Prod + Ci);
        var state = BuildProduction(p);
        Assert.That(p.Run("build", "-t", "ci").ExitCode, Is.Zero, "the ci file has every relation, stg among them");
        var own = p.Run("build", "-s", "doubled", "--defer", "--state", state, "-t", "ci");
        Assert.That(own.ExitCode, Is.Zero, own.ToString());
        Assert.That(p.Read("target/compiled/proj/models/doubled.sql"), Does.Contain("from \"ci\".\"main\".\"stg\"").Or.Contain("from \"main\".\"stg\""));
        var favor = p.Run("build", "-s", "doubled", "--defer", "--favor-state", "--state", state, "-t", "ci");
        Assert.That(favor.ExitCode, Is.Zero, favor.ToString());
        Assert.That(p.Read("target/compiled/proj/models/doubled.sql"), Does.Contain("from \"prod\".\"main\".\"stg\""));
    }

    [Test]
    public void A_database_that_is_not_the_files_name_is_refused_as_dbt_duckdb_does()
    {
        using var p = Project("    prod:\n      type: duckdb\n      path: target/prod.duckdb\n      database: production\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(ConsoleText.Untimed(r.Err.Trim()), Is.EqualTo("profiles.yml:7:17: error: 'database: production' does not match 'path' (target/prod.duckdb): a DuckDB file's " +
            "database is its name without the extension, 'prod'; remove 'database' or set it to 'prod'"));
    }
}
