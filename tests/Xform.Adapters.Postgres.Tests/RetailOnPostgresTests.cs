using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using Npgsql;
using Xform.Adapters.DuckDb;
using Xform.Cli;
using Xform.Core.Adapters;
using Xform.Core.Parsing;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>
/// The retail analytics project of the repository root on PostgreSQL, against DuckDB: the committed sample is
/// loaded into <c>pos.transaction_logs</c> of a fresh database on the throwaway server with
/// <c>scripts/load-raw-postgres.sh</c> (the documented command), the project is built there
/// (<c>xform build -t postgres</c>) and, from the same file read in place, on DuckDB, each in its own copy of
/// the project; then every mart table (obt_*, fct_*, dim_*) must be identical on both engines: same columns
/// in the same order, same rows, decimals exact.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RetailOnPostgresTests
{
    /// <summary>The grain of each mart: rows are ordered by it and must be unique on it.</summary>
    internal static readonly Dictionary<string, string[]> MartKeys = new(StringComparer.Ordinal)
    {
        ["obt_customer_kpis_and_segmentation"] = ["customer_id"],
        ["obt_overall_customer_kpis"] = ["snapshot_date"],
        ["obt_customer_dau_mau_stickiness"] = ["activity_date"],
        ["fct_customer_metrics"] = ["customer_id", "snapshot_date"],
        ["dim_customer"] = ["customer_id"],
        ["dim_rfm_group"] = ["rfm_group_key"],
        ["dim_cltv_group"] = ["cltv_group_key"],
        ["dim_churn_group"] = ["churn_group_key"],
    };

    static readonly string[] ProjectPaths = ["project.yml", "models", "macros", "seeds", "data/sample", "tests/sql"];

    string _database = "";
    string _pgDir = "";
    string _duckDir = "";
    string _schema = "";

    internal static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Transform.sln")) && File.Exists(Path.Combine(dir.FullName, "project.yml")))
                    return dir.FullName;
            throw new InvalidOperationException("the repository root (Transform.sln + project.yml) is not above the test directory");
        }
    }

    [OneTimeSetUp]
    public void CreateDatabase()
    {
        var server = ServerFixture.Require();
        _database = "retail_" + Guid.NewGuid().ToString("N")[..8];
        _schema = "retail";
        using var c = new NpgsqlConnection(server.ConnectionString("postgres"));
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"create database {_database}";
        cmd.ExecuteNonQuery();
    }

    [OneTimeTearDown]
    public void DropEverything()
    {
        foreach (var dir in new[] { _pgDir, _duckDir })
            if (dir.Length > 0)
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        if (_database.Length == 0 || ServerFixture.Server is not { } server) return;
        NpgsqlConnection.ClearAllPools();
        using var c = new NpgsqlConnection(server.ConnectionString("postgres"));
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"drop database if exists {_database} with (force)";
        cmd.ExecuteNonQuery();
    }

    internal static string CopyProject(string name)
    {
        var dir = Directory.CreateTempSubdirectory($"xform-retail-{name}-").FullName;
        foreach (var path in ProjectPaths)
        {
            var source = Path.Combine(RepositoryRoot, path);
            var destination = Path.Combine(dir, path);
            if (File.Exists(source))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(source, destination);
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(destination, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        return dir;
    }

    /// <summary>
    /// The repository's profile with the server of the fixture written out (the committed <c>postgres</c> output
    /// reads libpq's variables, which this in-process test must not set for the whole test run).
    /// </summary>
    string Profiles(PostgresServer s) => Profiles(s, _database, _schema);

    internal static string Profiles(PostgresServer s, string database, string schema) =>
        $"""
         retail:
           target: dev
           outputs:
             dev:
               type: duckdb
               path: target/retail.duckdb
               threads: 4
             postgres:
               type: postgres
               host: '{s.Host}'
               port: {s.Port}
               user: '{PostgresServer.User}'
               password: '{s.Password}'
               dbname: '{database}'
               schema: '{schema}'
               sslmode: disable
               threads: 4
         """;

    internal static (int Code, string Out, string Err) Xform(string projectDir, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = XformCli.Run([.. args, "--project-dir", projectDir], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs scripts/load-raw-postgres.sh with the server in libpq's variables (of that process only).</summary>
    (int Code, string Output) Load(PostgresServer s, string? file = null) => Load(s, _database, file);

    /// <param name="append">--append: add the file's rows with a later _loaded_at instead of replacing the table</param>
    internal static (int Code, string Output) Load(PostgresServer s, string database, string? file, bool append = false)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot, "scripts", "load-raw-postgres.sh"));
        if (append) info.ArgumentList.Add("--append");
        if (file is not null) info.ArgumentList.Add(file);
        info.Environment["PGHOST"] = s.Host;
        info.Environment["PGPORT"] = s.Port.ToString(CultureInfo.InvariantCulture);
        info.Environment["PGUSER"] = PostgresServer.User;
        info.Environment["PGPASSWORD"] = s.Password;
        info.Environment["PGDATABASE"] = database;
        info.Environment["PGSSLMODE"] = "disable";
        // psql from the same installation as the server, when it is not on PATH
        if (PostgresServer.FindBinaries() is { } bin)
            info.Environment["PATH"] = (info.Environment.TryGetValue("PATH", out var p) ? p + Path.PathSeparator : "") + bin;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("scripts/load-raw-postgres.sh did not finish in 5 minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Test]
    public void The_loader_replaces_the_raw_table_atomically_and_keeps_it_on_a_bad_file()
    {
        var server = ServerFixture.Require();
        var first = Load(server);
        Assert.That(first.Code, Is.Zero, first.Output);
        Assert.That(first.Output, Does.Contain("loaded 5000 rows into pos.transaction_logs"));
        using var c = new NpgsqlConnection(server.ConnectionString(_database));
        c.Open();
        object? Scalar(string sql)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return cmd.ExecuteScalar();
        }
        var loadedAt = (DateTime)Scalar("select max(_loaded_at) from pos.transaction_logs")!;
        Assert.That(Scalar("select count(distinct _loaded_at) from pos.transaction_logs"), Is.EqualTo(1L), "one load time for every row");
        Assert.That(DateTime.UtcNow - loadedAt, Is.LessThan(TimeSpan.FromMinutes(10)));
        Assert.That(Scalar("select string_agg(column_name || ':' || data_type, ',' order by ordinal_position) from information_schema.columns " +
                           "where table_schema = 'pos' and table_name = 'transaction_logs'"),
            Is.EqualTo("InvoiceNo:text,StockCode:text,Description:text,Quantity:text,InvoiceDate:text,UnitPrice:text,CustomerID:text,Country:text,_loaded_at:timestamp with time zone"));

        // A file that breaks half-way: the load fails and the previous rows stay.
        var bad = Path.Combine(Path.GetTempPath(), $"xform-bad-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllLines(bad, File.ReadLines(Path.Combine(RepositoryRoot, "data/sample/transaction_logs.csv")).Take(100).Append("1,2,\"unterminated,3"));
            var failed = Load(server, bad);
            Assert.That(failed.Code, Is.Not.Zero, failed.Output);
            Assert.That(failed.Output, Does.Contain("unterminated CSV quoted field"));
            File.WriteAllText(bad, "a,b\n1,2\n");
            failed = Load(server, bad);
            Assert.That(failed.Code, Is.EqualTo(2), failed.Output);
            Assert.That(failed.Output, Does.Contain("expected 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'"));
        }
        finally
        {
            File.Delete(bad);
        }
        Assert.That(Scalar("select count(*) from pos.transaction_logs"), Is.EqualTo(5000L));
        Assert.That((DateTime)Scalar("select max(_loaded_at) from pos.transaction_logs")!, Is.EqualTo(loadedAt));
    }

    [Test]
    public void Marts_are_identical_on_PostgreSQL_and_DuckDB_from_the_same_sample()
    {
        var server = ServerFixture.Require();
        var watch = Stopwatch.StartNew();
        // XFORM_RETAIL_COMPARE_FILE=/path/file.csv[.gz] compares the marts built from that file instead of the sample
        // (e.g. the real dataset, or 1M generated rows); the default is the committed sample.
        var file = Environment.GetEnvironmentVariable("XFORM_RETAIL_COMPARE_FILE") is { Length: > 0 } f ? Path.GetFullPath(f) : null;
        var vars = file is null ? [] : new[] { "--vars", $"{{raw_transactions_path: '{file.Replace("'", "''")}'}}" };
        var load = Load(server, file);
        Assert.That(load.Code, Is.Zero, load.Output);
        var loadTime = watch.Elapsed;

        _pgDir = CopyProject("pg");
        _duckDir = CopyProject("duckdb");
        foreach (var dir in new[] { _pgDir, _duckDir }) File.WriteAllText(Path.Combine(dir, "profiles.yml"), Profiles(server));

        watch.Restart();
        var pg = Xform(_pgDir, ["build", "-t", "postgres", .. vars]);
        var pgTime = watch.Elapsed;
        Assert.That(pg.Code, Is.Zero, $"xform build -t postgres\n{pg.Out}\n{pg.Err}");
        Assert.That(pg.Out, Does.Contain("ERROR=0").And.Contain("SKIP=0"));

        watch.Restart();
        var duck = Xform(_duckDir, ["build", .. vars]);
        var duckTime = watch.Elapsed;
        Assert.That(duck.Code, Is.Zero, $"xform build (DuckDB)\n{duck.Out}\n{duck.Err}");

        TestContext.Progress.WriteLine(
            $"retail {(file is null ? "sample" : file)}: load {loadTime.TotalSeconds:0.0}s, build on PostgreSQL {pgTime.TotalSeconds:0.0}s, build on DuckDB {duckTime.TotalSeconds:0.0}s " +
            $"(PostgreSQL: {Summary(pg.Out)}; DuckDB: {Summary(duck.Out)})");

        watch.Restart();
        using var pgAdapter = new PostgresAdapter(ProfileReader.Read(_pgDir, "retail", "postgres", _pgDir), _pgDir);
        using var duckAdapter = new DuckDbAdapter(ProfileReader.Read(_duckDir, "retail", "dev", _duckDir), _duckDir);
        using var pgConnection = pgAdapter.Open();
        using var duckConnection = duckAdapter.Open();

        static List<string> Marts(IAdapterConnection c, string schema) => c.ListRelations()
            .Where(r => string.Equals(r.Schema, schema, StringComparison.OrdinalIgnoreCase) && r.Kind != RelationKind.View
                        && (r.Name.StartsWith("obt_", StringComparison.Ordinal) || r.Name.StartsWith("fct_", StringComparison.Ordinal) || r.Name.StartsWith("dim_", StringComparison.Ordinal)))
            .Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
        const string duckSchema = "main"; // the dev output names no schema
        var pgMarts = Marts(pgConnection, _schema);
        var duckMarts = Marts(duckConnection, duckSchema);
        Assert.That(pgMarts, Is.EqualTo(duckMarts), "the same mart tables on both engines");
        Assert.That(pgMarts, Is.SupersetOf(MartKeys.Keys), "every mart of the spec is built");
        Assert.That(MartKeys.Keys, Is.SupersetOf(pgMarts), "a new mart needs its key in MartKeys");

        var differences = new StringBuilder();
        var compared = 0L;
        foreach (var mart in pgMarts)
        {
            var keys = MartKeys[mart];
            var p = pgConnection.Query($"select * from {pgAdapter.Quote(_schema)}.{pgAdapter.Quote(mart)}");
            var d = duckConnection.Query($"select * from {duckAdapter.Quote(duckSchema)}.{duckAdapter.Quote(mart)}");
            Assert.That(p.Columns, Is.EqualTo(d.Columns), $"columns of {mart} (PostgreSQL, DuckDB)");
            Assert.That(p.Rows, Is.Not.Empty, $"{mart} has rows");
            var keyIndex = keys.Select(k => p.Columns.ToList().IndexOf(k)).ToArray();
            Assert.That(keyIndex, Has.None.EqualTo(-1), $"{mart} has its key columns {string.Join(", ", keys)}");
            var pRows = Canonical(p.Rows, keyIndex, mart, "PostgreSQL");
            var dRows = Canonical(d.Rows, keyIndex, mart, "DuckDB");
            Assert.That(pRows.Count, Is.EqualTo(dRows.Count), $"rows of {mart}");
            var shown = 0;
            foreach (var (key, pValues) in pRows)
            {
                compared++;
                if (!dRows.TryGetValue(key, out var dValues))
                {
                    if (shown++ < 5) differences.AppendLine(CultureInfo.InvariantCulture, $"{mart} [{key}]: only on PostgreSQL");
                    continue;
                }
                for (var i = 0; i < pValues.Length; i++)
                    if (!Equals(pValues[i], dValues[i]) && shown++ < 5)
                        differences.AppendLine(CultureInfo.InvariantCulture,
                            $"{mart} [{key}] {p.Columns[i]}: PostgreSQL {pValues[i]}, DuckDB {dValues[i]}");
            }
            foreach (var key in dRows.Keys.Where(k => !pRows.ContainsKey(k)).Take(5))
                differences.AppendLine(CultureInfo.InvariantCulture, $"{mart} [{key}]: only on DuckDB");
        }
        TestContext.Progress.WriteLine($"compared {pgMarts.Count} marts, {compared} rows, in {watch.Elapsed.TotalSeconds:0.0}s");
        Assert.That(differences.ToString(), Is.Empty, "marts differ between PostgreSQL and DuckDB");
    }

    static string Summary(string output) =>
        output.Split('\n').LastOrDefault(l => l.Contains("Done. PASS=", StringComparison.Ordinal))?.Trim() is { } line
            ? line[line.IndexOf("PASS=", StringComparison.Ordinal)..] : "no summary";

    /// <summary>Rows by key (the key columns joined), each value in a canonical, engine-independent form.</summary>
    static SortedDictionary<string, Value[]> Canonical(IReadOnlyList<object?[]> rows, int[] keyIndex, string mart, string engine)
    {
        var result = new SortedDictionary<string, Value[]>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var values = row.Select(Normalise).ToArray();
            var key = string.Join(" | ", keyIndex.Select(i => values[i].ToString()));
            Assert.That(result.TryAdd(key, values), Is.True, $"{mart} on {engine}: the key [{key}] repeats");
        }
        return result;
    }

    /// <summary>A value with its kind: numbers (integers and exact decimals) as decimal, floats, dates, timestamps, text, booleans.</summary>
    readonly record struct Value(string Kind, object? Data)
    {
        public override string ToString() => Data switch
        {
            null => "NULL",
            decimal m => m.ToString("G29", CultureInfo.InvariantCulture) + " (" + Kind + ")",
            DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + " (" + Kind + ")",
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " (" + Kind + ")",
            _ => Convert.ToString(Data, CultureInfo.InvariantCulture) + " (" + Kind + ")",
        };
    }

    static Value Normalise(object? v) => v switch
    {
        null or DBNull => new("null", null),
        bool b => new("bool", b),
        // Integers and exact decimals are one kind, compared as decimal values (scale ignored: 1.50 = 1.5): engines
        // differ in which integer type a count has, and DuckDB.NET hands back a whole decimal(38,4) with scale 0.
        sbyte or byte or short or ushort or int or uint or long or ulong or decimal => new("number", Convert.ToDecimal(v, CultureInfo.InvariantCulture)),
        BigInteger i => new("number", (decimal)i),
        double or float => new("float", Convert.ToDouble(v, CultureInfo.InvariantCulture)),
        DateOnly d => new("date", d),
        DateTime t => new("timestamp", DateTime.SpecifyKind(t, DateTimeKind.Unspecified)),
        DateTimeOffset o => new("timestamp", o.UtcDateTime),
        string s => new("text", s),
        Guid g => new("text", g.ToString()),
        _ => new(v.GetType().Name, Convert.ToString(v, CultureInfo.InvariantCulture)),
    };
}
