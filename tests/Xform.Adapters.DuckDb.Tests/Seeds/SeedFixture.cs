using System.Text;
using Xform.Core.Adapters;
using Xform.Core.Execution;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Adapters.DuckDb.Tests.Seeds;

/// <summary>A throwaway project folder with a DuckDB file database, and helpers to load seeds into it as the runner does.</summary>
public abstract class SeedFixture
{
    protected string Root = "";
    protected DuckDbAdapter Adapter = null!;

    [SetUp]
    public void CreateProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "xform-seeds-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "seeds"));
        var target = new TargetConfig("test", "dev", "duckdb", "main", "", 1,
            new Dictionary<string, object?> { ["path"] = "target/test.duckdb" });
        Adapter = new DuckDbAdapter(target, Root);
    }

    [TearDown]
    public void DeleteProject()
    {
        Adapter.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    /// <summary>A seed node shaped like the ones ProjectLoader makes.</summary>
    protected static Node SeedNode(string name, IReadOnlyDictionary<string, object?>? config = null) => new()
    {
        UniqueId = $"seed.test.{name}", ResourceType = ResourceType.Seed, Name = name, PackageName = "test",
        OriginalFilePath = $"seeds/{name}.csv", Path = $"{name}.csv", Fqn = ["test", name],
        Config = new NodeConfig(config ?? new Dictionary<string, object?>(StringComparer.Ordinal)),
        Relation = new RelationName(null, "main", name), Location = new SourceLocation($"seeds/{name}.csv", 0, 0),
    };

    protected string Write(string name, string content, bool bom = false)
    {
        var path = Path.Combine(Root, "seeds", name + ".csv");
        var bytes = Encoding.UTF8.GetBytes(content);
        File.WriteAllBytes(path, bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);
        return path;
    }

    /// <summary>Writes the CSV and loads it; <paramref name="existing"/> is what the runner would pass.</summary>
    protected string Load(string name, string content, IReadOnlyDictionary<string, object?>? config = null,
        RelationKind? existing = null, bool bom = false)
    {
        var path = Write(name, content, bom);
        using var connection = Adapter.Open();
        return SeedLoader.Load(Adapter, connection, SeedNode(name, config), path, existing);
    }

    /// <summary>Loads and expects a user error; returns its formatted text (<c>file:line:col: error: ...</c>).</summary>
    protected string LoadFails(string name, string content, IReadOnlyDictionary<string, object?>? config = null,
        RelationKind? existing = null)
    {
        var e = Assert.Throws<XformException>(() => Load(name, content, config, existing))!;
        return e.Format();
    }

    protected QueryResult Query(string sql)
    {
        using var connection = Adapter.Open();
        return connection.Query(sql);
    }

    protected object? Scalar(string sql) => Query(sql).Rows[0][0];

    /// <summary>Column name to DuckDB data type, in table order, from information_schema.</summary>
    protected List<(string Name, string Type)> ColumnTypes(string table) =>
        Query($"select column_name, data_type from information_schema.columns where table_name = '{table}' order by ordinal_position")
            .Rows.Select(r => ((string)r[0]!, (string)r[1]!)).ToList();

    protected static Dictionary<string, object?> Config(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    protected static Dictionary<string, object?> Types(params (string Column, string Type)[] entries) =>
        entries.ToDictionary(e => e.Column, e => (object?)e.Type, StringComparer.Ordinal);
}
