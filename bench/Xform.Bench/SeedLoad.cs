using System.Diagnostics;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Xform.Adapters.DuckDb;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Execution;
using Xform.Core.Project;
using Xform.Core.Seeds;

namespace Xform.Bench;

/// <summary>
/// <c>xform-bench seed-load</c>: loading an N-row, 6-column seed into DuckDB, the shipped path (C# check pass + DuckDB
/// read_csv with explicit types) against the alternative (check pass + a second C# pass feeding DuckDB's appender).
/// </summary>
static class SeedLoad
{
    /// <summary>id, customer, amount (decimal 2 places), day, ordered_at, active: about 65 MB a million rows.</summary>
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

    /// <summary>Two rounds (a first load in the process, then a reload over the table); prints a Markdown table.</summary>
    public static void Run(int rows, Action<string> log)
    {
        var root = Path.Combine(Path.GetTempPath(), $"xform-bench-seeds-{Environment.ProcessId}");
        Directory.CreateDirectory(Path.Combine(root, "seeds"));
        var target = new TargetConfig("bench", "dev", "duckdb", "main", "", 1,
            new Dictionary<string, object?> { ["path"] = "target/bench.duckdb" });
        try
        {
            using var adapter = new DuckDbAdapter(target, root);
            var path = Path.Combine(root, "seeds", "big.csv");
            var gen = Stopwatch.StartNew();
            WriteSeed(path, rows);
            log($"generated {new FileInfo(path).Length / 1e6:0.0} MB in {gen.Elapsed.TotalSeconds:0.00}s");

            // warm up the JIT and DuckDB on a small file
            var small = Path.Combine(root, "seeds", "small.csv");
            WriteSeed(small, 1000);
            using (var c = adapter.Open()) SeedLoader.Load(adapter, c, SeedNode("small"), small, null);

            var rounds = new List<(double Check, double Shipped, double Appender)>();
            for (var round = 0; round < 2; round++)
            {
                var pass = Stopwatch.StartNew();
                var schema = SeedAnalyzer.Analyze(path, "seeds/big.csv", SeedOptions.Default, adapter.SeedTypes);
                var check = pass.Elapsed.TotalSeconds;
                var load = Stopwatch.StartNew();
                using (var c = adapter.Open()) SeedLoader.Load(adapter, c, SeedNode("big"), path, round == 0 ? null : RelationKind.Table);
                var shipped = load.Elapsed.TotalSeconds;
                var appender = Stopwatch.StartNew();
                LoadWithAppender(root, path, schema);
                rounds.Add((check, shipped, check + appender.Elapsed.TotalSeconds));
                log($"round {round + 1} done");
            }
            using (var c = adapter.Open())
            {
                var same = c.Query("select (select count(*) from big) = (select count(*) from big_appender) and " +
                                   "(select sum(amount) from big) = (select sum(amount) from big_appender)").Rows[0][0];
                if (same is not true) throw new BenchException("the two loads differ");
            }
            Console.WriteLine(FormattableString.Invariant($"| {rows:N0} rows | first load in a process | repeat |"));
            Console.WriteLine("|---|---:|---:|");
            Console.WriteLine(FormattableString.Invariant($"| validation pass alone (C#: every row, every type) | {rounds[0].Check:0.00} s | {rounds[1].Check:0.00} s |"));
            Console.WriteLine(FormattableString.Invariant($"| **as shipped: validation + `read_csv` with explicit types + row-count check + swap** | **{rounds[0].Shipped:0.00} s** | **{rounds[1].Shipped:0.00} s** |"));
            Console.WriteLine(FormattableString.Invariant($"| alternative measured: validation + DuckDB.NET appender | {rounds[0].Appender:0.00} s | {rounds[1].Appender:0.00} s |"));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A seed node shaped like the ones the project loader makes.</summary>
    static Node SeedNode(string name) => new()
    {
        UniqueId = $"seed.bench.{name}", ResourceType = ResourceType.Seed, Name = name, PackageName = "bench",
        OriginalFilePath = $"seeds/{name}.csv", Path = $"{name}.csv", Fqn = ["bench", name],
        Config = new NodeConfig(new Dictionary<string, object?>(StringComparer.Ordinal)),
        Relation = new RelationName(null, "main", name), Location = new SourceLocation($"seeds/{name}.csv", 0, 0),
    };

    /// <summary>The alternative measured: parse every value in C# and push it through DuckDB's appender.</summary>
    static void LoadWithAppender(string root, string path, SeedSchema schema)
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(root, "target", "bench.duckdb")}");
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
