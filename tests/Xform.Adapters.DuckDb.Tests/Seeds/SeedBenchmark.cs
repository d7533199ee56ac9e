using System.Diagnostics;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Xform.Core.Adapters;
using Xform.Core.Execution;
using Xform.Core.Seeds;

namespace Xform.Adapters.DuckDb.Tests.Seeds;

/// <summary>
/// Measures loading a 1,000,000-row, 6-column seed (explicit: run with <c>--filter Category=Benchmark</c>;
/// timings are printed, never asserted). Compares the shipped path (C# check pass + DuckDB read_csv with
/// explicit types) with the alternative (C# check pass + a second C# pass feeding DuckDB's appender).
/// </summary>
[Explicit("benchmark: run on purpose"), Category("Benchmark")]
public class SeedBenchmark : SeedFixture
{
    const int Rows = 1_000_000;

    /// <summary>id, customer, amount (decimal 2 places), day, ordered_at, active: about 75 MB.</summary>
    public static void WriteSeed(string path, int rows)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("id,customer,amount,day,ordered_at,active\n");
        var rng = new Random(42);
        var start = new DateTime(2020, 1, 1);
        for (var i = 1; i <= rows; i++)
        {
            var at = start.AddSeconds(rng.Next(0, 4 * 365 * 86400));
            w.Write(i.ToString(CultureInfo.InvariantCulture));
            w.Write(i % 97 == 0 ? ",\"Doe, Jane \"\"JD\"\"\"," : $",customer {rng.Next(100_000)},");
            w.Write((rng.Next(-50_000, 5_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(i % 13 == 0 ? "" : at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            w.Write(i % 2 == 0 ? ",true\n" : ",false\n");
        }
    }

    [Test]
    public void Load_a_million_rows()
    {
        var path = Path.Combine(Root, "seeds", "big.csv");
        var gen = Stopwatch.StartNew();
        WriteSeed(path, Rows);
        TestContext.Out.WriteLine($"generated {new FileInfo(path).Length / 1e6:0.0} MB in {gen.Elapsed.TotalSeconds:0.00}s");

        // warm up JIT and DuckDB on a small file
        var small = Path.Combine(Root, "seeds", "small.csv");
        WriteSeed(small, 1000);
        using (var c = Adapter.Open()) SeedLoader.Load(Adapter, c, SeedNode("small"), small, null);

        for (var round = 0; round < 2; round++)
        {
            var pass = Stopwatch.StartNew();
            var schema = SeedAnalyzer.Analyze(path, "seeds/big.csv", SeedOptions.Default, Adapter.SeedTypes);
            var analyze = pass.Elapsed;

            var load = Stopwatch.StartNew();
            using (var c = Adapter.Open()) SeedLoader.Load(Adapter, c, SeedNode("big"), path, round == 0 ? null : Xform.Core.Adapters.RelationKind.Table);
            var shipped = load.Elapsed;

            var appender = Stopwatch.StartNew();
            LoadWithAppender(path, schema);
            var viaAppender = appender.Elapsed;

            TestContext.Out.WriteLine(
                $"round {round + 1}: check pass alone {analyze.TotalSeconds:0.00}s; " +
                $"shipped (check + read_csv + swap) {shipped.TotalSeconds:0.00}s; " +
                $"check + appender {(analyze + viaAppender).TotalSeconds:0.00}s");
        }
        Assert.That(ColumnTypes("big").Select(c => c.Type),
            Is.EqualTo(new[] { "BIGINT", "VARCHAR", "DECIMAL(7,2)", "DATE", "TIMESTAMP", "BOOLEAN" }));
        Assert.That(Scalar("select count(*) from big"), Is.EqualTo((long)Rows));
        Assert.That(Scalar("select count(*) from big_appender"), Is.EqualTo((long)Rows));
        Assert.That(Scalar("select (select sum(amount) from big) = (select sum(amount) from big_appender)"), Is.EqualTo(true));
    }

    /// <summary>The alternative measured: parse every value in C# and push it through DuckDB's appender.</summary>
    void LoadWithAppender(string path, SeedSchema schema)
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(Root, "target", "test.duckdb")}");
        connection.Open();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "create or replace table big_appender (" +
                string.Join(", ", schema.Columns.Select(c => $"\"{c.Name}\" {c.SqlType}")) + ")";
            cmd.ExecuteNonQuery();
        }
        using var reader = CsvReader.Open(path, "seeds/big.csv");
        reader.Read();
        using var appender = connection.CreateAppender("big_appender");
        var columns = schema.Columns;
        while (reader.Read())
        {
            var row = appender.CreateRow();
            for (var i = 0; i < columns.Count; i++)
            {
                if (reader.IsEmpty(i)) { row.AppendNullValue(); continue; }
                var raw = reader.Raw(i);
                switch (columns[i].Type)
                {
                    case SeedType.Integer: row.AppendValue(long.Parse(raw, CultureInfo.InvariantCulture)); break;
                    case SeedType.Decimal: row.AppendValue(decimal.Parse(raw, NumberStyles.Number, CultureInfo.InvariantCulture)); break;
                    case SeedType.Boolean: row.AppendValue((raw[0] | 0x20) == 't'); break;
                    case SeedType.Date: row.AppendValue(DateOnly.ParseExact(Encoding.ASCII.GetString(raw), "yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                    case SeedType.Timestamp: row.AppendValue(DateTime.Parse(Encoding.ASCII.GetString(raw), CultureInfo.InvariantCulture)); break;
                    default: row.AppendValue(reader.GetString(i)); break;
                }
            }
            row.EndRow();
        }
    }
}
