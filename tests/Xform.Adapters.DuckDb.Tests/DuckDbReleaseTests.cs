using Xform.Core.Project;

namespace Xform.Adapters.DuckDb.Tests;

/// <summary>Release closes the database on another thread (its checkpoint beside the artifacts); the file stays usable.</summary>
public class DuckDbReleaseTests
{
    string _dir = "";

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "xform-release-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    DuckDbAdapter Adapter() =>
        new(new TargetConfig("p", "dev", "duckdb", "main", "", 1, new Dictionary<string, object?> { ["path"] = "db.duckdb" }), _dir);

    [Test]
    public void A_released_database_is_checkpointed_and_closed_and_a_later_open_reads_what_was_written()
    {
        var file = Path.Combine(_dir, "db.duckdb");
        using (var adapter = Adapter())
        {
            using (var c = adapter.Open()) c.Execute("create table t as select range as id from range(1000)");
            Assert.That(File.Exists(file + ".wal"), Is.True, "the write is in the write-ahead log while the database is open");
            adapter.Release();
            // seed --show opens the database again after the run
            using (var c = adapter.Open())
                Assert.That(Convert.ToInt64(c.Query("select count(*) from t").Rows[0][0]), Is.EqualTo(1000));
            adapter.Release();
        }
        Assert.That(File.Exists(file + ".wal"), Is.False, "closed: the log was checkpointed into the file");
        using var again = Adapter();
        using var read = again.Open();
        Assert.That(Convert.ToInt64(read.Query("select cast(sum(id) as bigint) from t").Rows[0][0]), Is.EqualTo(499500));
    }

    [Test]
    public void Releasing_a_database_never_opened_does_nothing_and_does_not_create_the_file()
    {
        using (var adapter = Adapter()) adapter.Release();
        Assert.That(File.Exists(Path.Combine(_dir, "db.duckdb")), Is.False);
    }
}
