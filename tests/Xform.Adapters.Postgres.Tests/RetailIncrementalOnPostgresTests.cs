using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using static Xform.Adapters.Postgres.Tests.RetailOnPostgresTests;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>
/// The retail project on PostgreSQL fed as the loader feeds it: the sample's earlier days loaded, built, then its
/// later days appended (<c>load-raw-postgres.sh --append</c>, a later <c>_loaded_at</c>) and built incrementally. Every
/// mart must then equal a <c>--full-refresh</c> build of the same raw table in another schema; a replacing load
/// under the incremental tables must stop the next build before it starts.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class RetailIncrementalOnPostgresTests
{
    string _database = "";
    readonly List<string> _dirs = [];

    [OneTimeSetUp]
    public void CreateDatabase()
    {
        var server = ServerFixture.Require();
        _database = "retail_inc_" + Guid.NewGuid().ToString("N")[..8];
        Execute(server.ConnectionString("postgres"), $"create database {_database}");
    }

    [OneTimeTearDown]
    public void DropEverything()
    {
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        if (_database.Length == 0 || ServerFixture.Server is not { } server) return;
        NpgsqlConnection.ClearAllPools();
        Execute(server.ConnectionString("postgres"), $"drop database if exists {_database} with (force)");
    }

    static void Execute(string connectionString, string sql)
    {
        using var c = new NpgsqlConnection(connectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    static long Count(string connectionString, string sql)
    {
        using var c = new NpgsqlConnection(connectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@",(\d{1,2})/(\d{1,2})/(\d{4}) ")]
    private static partial Regex UsDate();

    string Project(PostgresServer server, string name, string schema)
    {
        var dir = CopyProject(name);
        _dirs.Add(dir);
        File.WriteAllText(Path.Combine(dir, "profiles.yml"), Profiles(server, _database, schema));
        return dir;
    }

    [Test]
    public void An_appended_load_gives_the_full_refresh_result_and_a_replacing_load_stops_the_build()
    {
        var server = ServerFixture.Require();
        var db = server.ConnectionString(_database);
        // The sample split at 1 November 2011: the earlier lines first, the later ones as a second load.
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot, "data", "sample", "transaction_logs.csv"));
        bool Late(string line)
        {
            var m = UsDate().Match(line);
            Assert.That(m.Success, Is.True, $"a sample line without an M/D/YYYY date: {line}");
            return (int.Parse(m.Groups[3].Value), int.Parse(m.Groups[1].Value)) is var (y, mo) && (y, mo).CompareTo((2011, 11)) >= 0;
        }
        var work = Directory.CreateTempSubdirectory("xform-retail-inc-").FullName;
        _dirs.Add(work);
        var early = Path.Combine(work, "early.csv");
        var late = Path.Combine(work, "late.csv");
        File.WriteAllLines(early, [lines[0], .. lines.Skip(1).Where(l => !Late(l))], new UTF8Encoding(false));
        File.WriteAllLines(late, [lines[0], .. lines.Skip(1).Where(Late)], new UTF8Encoding(false));
        Assert.That(File.ReadAllLines(late).Length, Is.GreaterThan(100), "the later part has rows");

        var incremental = Project(server, "pg-inc", "retail_inc");
        Assert.That(Load(server, _database, early).Code, Is.Zero);
        var first = RetailOnPostgresTests.Xform(incremental, "build", "-t", "postgres");
        Assert.That(first.Code, Is.Zero, first.Out + first.Err);
        var load = Load(server, _database, late, append: true);
        Assert.That(load.Code, Is.Zero, load.Output);
        Assert.That(Count(db, "select count(distinct _loaded_at) from pos.transaction_logs"), Is.EqualTo(2L));
        var second = RetailOnPostgresTests.Xform(incremental, "build", "-t", "postgres");
        Assert.That(second.Code, Is.Zero, second.Out + second.Err);
        Assert.That(second.Out, Does.Contain("ERROR=0").And.Contain("SKIP=0"));
        Assert.That(Count(db, "select count(*) from retail_inc.stg_transaction_logs"), Is.EqualTo(lines.Length - 1L));
        Assert.That(Count(db, "select count(distinct ingested_at) from retail_inc.stg_transaction_logs"), Is.EqualTo(2L),
            "the second build read only the appended load");

        var full = Project(server, "pg-full", "retail_full");
        var fresh = RetailOnPostgresTests.Xform(full, "build", "-t", "postgres", "--full-refresh");
        Assert.That(fresh.Code, Is.Zero, fresh.Out + fresh.Err);
        foreach (var mart in MartKeys.Keys)
        {
            var latest = MartKeys[mart].Contains("snapshot_date")
                ? " where snapshot_date = (select max(snapshot_date) from {0}." + mart + ")" : "";
            string Rows(string schema) => $"select * from {schema}.{mart}" + string.Format(System.Globalization.CultureInfo.InvariantCulture, latest, schema);
            var differing = Count(db,
                $"select count(*) from (({Rows("retail_inc")} except all {Rows("retail_full")}) union all ({Rows("retail_full")} except all {Rows("retail_inc")})) d");
            Assert.That(differing, Is.Zero, $"{mart}: rows differ between the incremental and the --full-refresh build");
            Assert.That(Count(db, $"select count(*) from ({Rows("retail_inc")}) r"), Is.GreaterThan(0L), $"{mart} has rows");
        }

        // A replacing load: the rows the incremental tables read are gone.
        Assert.That(Load(server, _database, late).Code, Is.Zero);
        var stopped = RetailOnPostgresTests.Xform(incremental, "build", "-t", "postgres");
        Assert.That(stopped.Code, Is.Not.Zero, stopped.Out + stopped.Err);
        Assert.That(stopped.Out + stopped.Err, Does.Contain("the raw input changed since stg_transaction_logs read it").And.Contain("--full-refresh"));
        Assert.That(Count(db, "select count(*) from retail_inc.stg_transaction_logs"), Is.EqualTo(lines.Length - 1L), "nothing ran");
    }
}
