using System.IO.Compression;

namespace Xform.Cli.Tests;

/// <summary>On DuckDB a source table can be a file read in place: CSV, CSV.GZ or Parquet.</summary>
public class ExternalSourceTests
{
    const string Csv = "id,name,amount\n1,a,1.50\n2,b,2.25\n3,c,3.00\n";

    static TestProject Project(string location, string extra = "")
    {
        var p = new TestProject();
        p.Write("models/src.yml", $"version: 2\nsources:\n  - name: files\n    tables:\n      - name: rows\n        config:\n          external_location: '{location}'\n{extra}");
        p.Write("models/total.sql", "{{ config(materialized='table') }}\nselect count(*) as n, sum(cast(amount as decimal(10,2))) as total from {{ source('files', 'rows') }}");
        return p;
    }

    static void Check(TestProject p)
    {
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var row = p.Query("select n, total from total")[0];
        Assert.That(row[0], Is.EqualTo(3L));
        Assert.That(Convert.ToDecimal(row[1]), Is.EqualTo(6.75m));
    }

    [Test]
    public void Csv_relative_to_the_project()
    {
        using var p = Project("data/rows.csv");
        p.Write("data/rows.csv", Csv);
        Check(p);
        Assert.That(p.Read("target/compiled/proj/models/total.sql"), Does.Contain("read_csv('data/rows.csv')"));
    }

    [Test]
    public void Gzipped_csv_with_csv_options()
    {
        using var p = Project("data/rows.csv.gz", "          csv_options: {all_varchar: true}\n");
        Directory.CreateDirectory(Path.Combine(p.Dir, "data"));
        using (var file = File.Create(Path.Combine(p.Dir, "data", "rows.csv.gz")))
        using (var gz = new GZipStream(file, CompressionLevel.Fastest))
            gz.Write(System.Text.Encoding.UTF8.GetBytes(Csv));
        Check(p);
        Assert.That(p.Read("target/compiled/proj/models/total.sql"), Does.Contain("read_csv('data/rows.csv.gz', all_varchar = true)"));
    }

    [Test]
    public void Parquet_and_the_location_from_a_var()
    {
        using var p = Project("{{ var(\"rows_path\") }}");
        p.Write("data/rows.csv", Csv);
        // Make the Parquet file with DuckDB itself.
        p.Query($"copy (select * from read_csv('{Path.Combine(p.Dir, "data", "rows.csv")}')) to '{Path.Combine(p.Dir, "data", "rows.parquet")}' (format parquet)", Path.Combine(p.Dir, "scratch.duckdb"));
        p.Write("project.yml", "name: proj\nprofile: proj\nvars:\n  rows_path: data/rows.parquet\n");
        Check(p);
        Assert.That(p.Read("target/compiled/proj/models/total.sql"), Does.Contain("read_parquet('data/rows.parquet')"));
        var r = p.Run("run", "--vars", "{rows_path: data/rows.csv}");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("target/compiled/proj/models/total.sql"), Does.Contain("read_csv('data/rows.csv')"));
    }

    [Test]
    public void A_missing_file_is_a_clear_node_error()
    {
        using var p = Project("data/nope.csv");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Err, Does.Contain("No files found that match the pattern \"data/nope.csv\""));
    }
}
