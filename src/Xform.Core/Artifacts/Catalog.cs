using System.Text.Json;
using System.Text.Json.Nodes;
using Xform.Core.Adapters;
using Xform.Core.Execution;
using Xform.Core.Project;

namespace Xform.Core.Artifacts;

public sealed record CatalogColumn(string Name, string Type, int Index, string? Comment = null);

/// <summary>One relation as the engine sees it. <see cref="Type"/>: BASE TABLE, VIEW or EXTERNAL (a file read in place).
/// <see cref="Comment"/>: the relation's comment, read where persist_docs writes them.</summary>
public sealed record CatalogEntry(string UniqueId, string Type, string? Database, string Schema, string Name,
    IReadOnlyList<CatalogColumn> Columns, long? RowCount, string? Comment = null);

/// <summary>What <c>catalog.json</c> holds: the relations of the project's nodes and sources, read from the engine.</summary>
public sealed record Catalog(IReadOnlyDictionary<string, CatalogEntry> Nodes, IReadOnlyDictionary<string, CatalogEntry> Sources,
    IReadOnlyList<string> Errors)
{
    public static readonly Catalog Empty = new(new Dictionary<string, CatalogEntry>(), new Dictionary<string, CatalogEntry>(), []);

    public CatalogEntry? Find(string uniqueId) =>
        Nodes.TryGetValue(uniqueId, out var n) ? n : Sources.TryGetValue(uniqueId, out var s) ? s : null;

    public IReadOnlyList<string>? ColumnsOf(string uniqueId) => Find(uniqueId)?.Columns.Select(c => c.Name).ToList();
}

public static class CatalogBuilder
{
    /// <summary>
    /// Reads every model, seed, snapshot and source relation that exists: columns and types, and the row count of
    /// tables (views are not counted: that would run their query). A source read in place from a file is described
    /// through <paramref name="externalSql"/> (its reader's SQL) without counting rows.
    /// </summary>
    public static Catalog Build(Manifest manifest, IAdapterConnection connection, Func<string, string> quote, Func<Node, string?> externalSql)
    {
        var nodes = new SortedDictionary<string, CatalogEntry>(StringComparer.Ordinal);
        var sources = new SortedDictionary<string, CatalogEntry>(StringComparer.Ordinal);
        var errors = new List<string>();
        var relations = new Dictionary<string, RelationInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in connection.ListRelations()) relations[$"{r.Schema}.{r.Name}"] = r;

        foreach (var node in manifest.Nodes.Values.OrderBy(n => n.UniqueId, StringComparer.Ordinal))
        {
            if (node.ResourceType is ResourceType.Test or ResourceType.UnitTest) continue;
            if (node.ResourceType == ResourceType.Model && node.Materialized == "ephemeral") continue;
            var target = node.ResourceType == ResourceType.Source ? sources : nodes;
            try
            {
                if (node.Source?.ExternalLocation is not null && externalSql(node) is { } sql)
                {
                    var cols = connection.DescribeQuery($"select * from {sql}");
                    target[node.UniqueId] = new CatalogEntry(node.UniqueId, "EXTERNAL", node.Relation.Database, node.Relation.Schema,
                        node.Relation.Identifier, cols.Select((c, i) => new CatalogColumn(c.Name, c.DataType, i + 1)).ToList(), null);
                    continue;
                }
                if (!relations.TryGetValue($"{node.Relation.Schema}.{node.Relation.Identifier}", out var info)) continue;
                var columns = connection.GetColumns(node.Relation);
                long? rows = null;
                if (info.Kind == RelationKind.Table)
                {
                    var result = connection.Query($"select count(*) from {node.Relation.Render(quote)}");
                    rows = Convert.ToInt64(result.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
                }
                // Comments are read (one more query) only where persist_docs writes them.
                var comments = DocsPersister.Of(node) is (true, _) or (_, true) ? connection.Comments(node.Relation) : new Dictionary<string, string>();
                target[node.UniqueId] = new CatalogEntry(node.UniqueId, info.Kind == RelationKind.View ? "VIEW" : "BASE TABLE",
                    node.Relation.Database, node.Relation.Schema, node.Relation.Identifier,
                    columns.Select((c, i) => new CatalogColumn(c.Name, c.DataType, i + 1, comments.GetValueOrDefault(c.Name))).ToList(), rows,
                    comments.GetValueOrDefault(""));
            }
            catch (DatabaseException e)
            {
                errors.Add($"{node.UniqueId}: {e.Message.Split('\n')[0]}");
            }
        }
        return new Catalog(nodes, sources, errors);
    }

    /// <summary>dbt's catalog v1 shape.</summary>
    public static string ToJson(Catalog catalog, DateTime generatedAtUtc, string invocationId, string version)
    {
        var root = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/catalog/v1.json",
                ["dbt_version"] = version,
                ["generated_at"] = generatedAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
                ["invocation_id"] = invocationId,
                ["env"] = new JsonObject(),
            },
            ["nodes"] = Entries(catalog.Nodes),
            ["sources"] = Entries(catalog.Sources),
            ["errors"] = catalog.Errors.Count == 0 ? null : new JsonArray(catalog.Errors.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    static JsonObject Entries(IReadOnlyDictionary<string, CatalogEntry> entries)
    {
        var result = new JsonObject();
        foreach (var (id, e) in entries)
        {
            var columns = new JsonObject();
            foreach (var c in e.Columns)
                columns[c.Name] = new JsonObject { ["type"] = c.Type, ["index"] = c.Index, ["name"] = c.Name, ["comment"] = c.Comment };
            var stats = new JsonObject();
            if (e.RowCount is { } rows)
            {
                stats["row_count"] = new JsonObject
                {
                    ["id"] = "row_count", ["label"] = "Row Count", ["value"] = rows, ["include"] = true,
                    ["description"] = "Number of rows in the table",
                };
                stats["has_stats"] = Stat("has_stats", "Has Stats?", true, false, "Indicates whether there are statistics for this table");
            }
            else stats["has_stats"] = Stat("has_stats", "Has Stats?", false, false, "Indicates whether there are statistics for this table");
            result[id] = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["type"] = e.Type, ["schema"] = e.Schema, ["name"] = e.Name, ["database"] = e.Database,
                    ["comment"] = e.Comment, ["owner"] = null,
                },
                ["columns"] = columns,
                ["stats"] = stats,
                ["unique_id"] = id,
            };
        }
        return result;
    }

    static JsonObject Stat(string id, string label, bool value, bool include, string description) => new()
    {
        ["id"] = id, ["label"] = label, ["value"] = value, ["include"] = include, ["description"] = description,
    };
}
