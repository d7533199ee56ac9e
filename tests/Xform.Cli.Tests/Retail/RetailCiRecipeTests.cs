using System.Security.Cryptography;
using DuckDB.NET.Data;
using NUnit.Framework;

namespace Xform.Cli.Tests.Retail;

/// <summary>
/// The README's CI recipe on the retail project, with the repository's profiles.yml: production built by the dev output
/// (target/retail.duckdb), its artifacts kept, one intermediate model changed, then
/// <c>xform build -s state:modified+ --defer --state prod-artifacts -t ci</c> into target/ci.duckdb.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RetailCiRecipeTests
{
    [Test]
    public void A_pull_request_builds_the_changed_model_and_its_descendants_in_its_own_file()
    {
        using var p = RetailProjectTests.CopyRetailProject("retail");
        // one thread, as RetailProjectTests builds it
        var prod = p.Run("build", "--threads", "1");
        Assert.That(prod.ExitCode, Is.Zero, prod.ToString());
        var state = Path.Combine(p.Dir, "prod-artifacts");
        Directory.CreateDirectory(state);
        File.Copy(Path.Combine(p.Dir, "target", "manifest.json"), Path.Combine(state, "manifest.json"));
        var prodFile = Path.Combine(p.Dir, "target", "retail.duckdb");
        var before = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(prodFile)));

        // The pull request: a comment in one intermediate model (a body change; the results stay those of a full build).
        var changed = "models/intermediate/int_customer_rfm_score.sql";
        p.Write(changed, p.Read(changed) + "\n-- reviewed\n");
        var expected = p.Run("ls", "-s", "int_customer_rfm_score+", "--resource-type", "model", "-o", "name").Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
        Assert.That(expected, Has.Length.GreaterThan(3));

        var ci = p.Run("build", "-s", "state:modified+", "--defer", "--state", state, "-t", "ci", "--threads", "1");
        Assert.That(ci.ExitCode, Is.Zero, ci.ToString());
        Assert.That(ci.Out, Does.Contain("ERROR=0"));
        Assert.That(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(prodFile))), Is.EqualTo(before), "production's file is untouched");

        using var connection = new DuckDBConnection($"Data Source={Path.Combine(p.Dir, "target", "ci.duckdb")}");
        connection.Open();
        List<object?[]> Query(string sql)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            using var reader = cmd.ExecuteReader();
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                var row = new object[reader.FieldCount];
                reader.GetValues(row);
                rows.Add(row);
            }
            return rows;
        }
        var built = Query("select table_name from information_schema.tables where table_catalog = 'ci' and table_schema = 'main' order by 1")
            .Select(r => (string)r[0]!).ToArray();
        Assert.That(built, Is.EqualTo(expected), "exactly the changed model and its descendants");
        Query($"attach '{prodFile.Replace("'", "''")}' as retail (read_only)");
        foreach (var name in built)
            Assert.That(Query($"select count(*) from ((select * from ci.main.{name} except all select * from retail.main.{name}) " +
                              $"union all (select * from retail.main.{name} except all select * from ci.main.{name}))")[0][0],
                Is.EqualTo(0L), $"{name}: the pull request's rows are those of the full build");
    }
}
