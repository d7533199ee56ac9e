using Xform.Core.Project;

namespace Xform.Adapters.DuckDb.Tests;

public class DuckDbSettingsTests
{
    static TargetConfig Target(string? path) =>
        new("p", "dev", "duckdb", "main", "", 1, path is null ? new() : new Dictionary<string, object?> { ["path"] = path });

    [Test]
    public void No_path_or_memory_is_one_shared_in_memory_database()
    {
        foreach (var path in new[] { null, ":memory:", "" })
        {
            var s = DuckDbSettings.From(Target(path), "/proj");
            Assert.That(s.InMemory, Is.True);
            Assert.That(s.ConnectionString, Is.EqualTo("Data Source=:memory:?cache=shared"));
            Assert.That(s.ToString(), Is.EqualTo("duckdb database :memory:"));
        }
    }

    [Test]
    public void A_file_path_is_relative_to_the_project_and_described_as_written()
    {
        var s = DuckDbSettings.From(Target("target/x.duckdb"), "/proj");
        Assert.That(s.FullPath, Is.EqualTo(Path.GetFullPath("/proj/target/x.duckdb")));
        Assert.That(s.ConnectionString, Is.EqualTo($"Data Source={Path.GetFullPath("/proj/target/x.duckdb")}"));
        Assert.That(s.ToString(), Is.EqualTo("duckdb database target/x.duckdb"));
    }
}
