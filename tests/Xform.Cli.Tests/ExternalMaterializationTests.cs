namespace Xform.Cli.Tests;

/// <summary>
/// dbt-duckdb's <c>external</c> materialization (issue 14 item 8b): the model written to parquet, csv or json files with
/// COPY, partitioned or not, and a view over them that downstream models read; refused before the run elsewhere.
/// </summary>
public class ExternalMaterializationTests
{
    const string Rows = "select * from (values (1, 'a', 10.5), (2, 'b', 20.0), (3, 'a', 30.25)) t(id, region, amount)";

    [Test]
    public void Parquet_by_default_under_external_root_read_by_a_downstream_model()
    {
        using var p = new TestProject();
        p.Write("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n      external_root: out/files\n");
        p.Write("models/sales.sql", "{{ config(materialized='external') }}" + Rows);
        p.Write("models/by_region.sql", "select region, sum(amount) as total from {{ ref('sales') }} group by 1");
        p.Write("models/schema.yml", "models:\n  - name: sales\n    columns:\n      - name: id\n        tests: [unique]\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(p.Exists("out/files/sales.parquet"), "the default location is <external_root>/<name>.parquet, relative to the project");
        Assert.That(p.Relations()["sales"], Is.EqualTo("VIEW"));
        Assert.That(p.Scalar($"select count(*) from read_parquet('{Path.Combine(p.Dir, "out/files/sales.parquet")}')"), Is.EqualTo(3L));
        Assert.That(p.Scalar("select total from by_region where region = 'a'"), Is.EqualTo(40.75m));

        // a second run replaces the file
        p.Write("models/sales.sql", "{{ config(materialized='external') }}select 7 as id, 'z' as region, 1.0 as amount");
        Assert.That(p.Run("run").ExitCode, Is.EqualTo(0));
        Assert.That(p.Scalar("select count(*) from sales"), Is.EqualTo(1L));
    }

    [Test]
    public void Csv_with_a_delimiter_and_json_at_a_location()
    {
        using var p = new TestProject();
        p.Write("models/as_csv.sql", "{{ config(materialized='external', format='csv', delimiter='|', location='exports/sales.csv') }}" + Rows);
        p.Write("models/as_json.sql", "{{ config(materialized='external', location='exports/sales.json') }}" + Rows);
        p.Write("models/combined.sql", "select (select count(*) from {{ ref('as_csv') }}) + (select count(*) from {{ ref('as_json') }}) as n");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var csv = File.ReadAllText(Path.Combine(p.Dir, "exports/sales.csv"));
        Assert.That(csv, Does.StartWith("id|region|amount"), "a header and the delimiter");
        Assert.That(csv.Trim().Split('\n'), Has.Length.EqualTo(4));
        Assert.That(File.ReadAllLines(Path.Combine(p.Dir, "exports/sales.json")), Has.Length.EqualTo(3), "json from the location's extension, one object per line");
        Assert.That(p.Scalar("select n from combined"), Is.EqualTo(6L));
        Assert.That(p.Scalar("select sum(amount) from as_csv"), Is.EqualTo(60.75m).Or.EqualTo(60.75));
    }

    [Test]
    public void Partitioned_parquet_writes_hive_folders_and_reads_them_back()
    {
        using var p = new TestProject();
        p.Write("models/parts.sql", "{{ config(materialized='external', location='lake/parts', partition_by='region', options={'compression': 'zstd'}) }}" + Rows);
        p.Write("models/down.sql", "select region, count(*) as n from {{ ref('parts') }} group by 1 order by 1");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(p.Exists("lake/parts/region=a"), Is.True);
        Assert.That(p.Exists("lake/parts/region=b"), Is.True);
        Assert.That(p.Query("select region, n from down").Select(x => $"{x[0]}={x[1]}"), Is.EqualTo(new[] { "a=2", "b=1" }));
        Assert.That(p.Read("target/run/proj/models/parts.sql"), Does.Contain("partition_by (\"region\")").And.Contain("compression zstd"));

        // a rerun replaces the folder instead of adding files beside the old ones
        Assert.That(p.Run("run").ExitCode, Is.EqualTo(0));
        Assert.That(p.Scalar("select count(*) from parts"), Is.EqualTo(3L));
    }

    [Test]
    public void A_bad_format_is_found_before_the_run()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "{{ config(materialized='external', format='xlsx') }}select 1 as v");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.All, Does.Contain("models/m.sql:1:4: error: format 'xlsx' of external model 'm' is not one of parquet, csv, json"));
    }
}
