using Xform.Core.Adapters;
using Xform.Core.Artifacts;
using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Docs;

/// <summary>Column lineage of every model and snapshot of a project, computed parents first so that <c>*</c> over an
/// upstream model expands to the columns found for it.</summary>
public static class ProjectLineage
{
    /// <param name="compile">The SQL of a node as the lineage should read it: compiled, with sources read in place
    /// written as their relation names (so they resolve to the source node instead of a table function).</param>
    public static IReadOnlyDictionary<string, NodeLineage> Build(DependencyGraph graph, Catalog catalog,
        Func<Node, string> compile, ISqlParser parser, IReadOnlySet<string>? only = null)
    {
        var manifest = graph.Manifest;
        var tables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void Key(string key, string id)
        {
            // A name that two nodes share is not resolved (null): never guess.
            if (tables.TryGetValue(key, out var existing) && existing != id) tables[key] = null;
            else tables[key] = id;
        }
        foreach (var n in manifest.Nodes.Values)
        {
            if (n.ResourceType is ResourceType.Test or ResourceType.UnitTest) continue;
            if (n.ResourceType == ResourceType.Model && n.Materialized == "ephemeral") continue;
            var r = n.Relation;
            Key($"{r.Schema}.{r.Identifier}", n.UniqueId);
            if (r.Database is { Length: > 0 } db) Key($"{db}.{r.Schema}.{r.Identifier}", n.UniqueId);
            Key(r.Identifier, n.UniqueId);
        }
        var ephemerals = manifest.Of(ResourceType.Model).Where(m => m.Materialized == "ephemeral")
            .ToDictionary(m => $"__dbt__cte__{m.Name}", m => m.UniqueId, StringComparer.OrdinalIgnoreCase);

        var results = new Dictionary<string, NodeLineage>(StringComparer.Ordinal);
        IReadOnlyList<string>? Known(string id) =>
            catalog.ColumnsOf(id) is { } cols ? cols
            : results.TryGetValue(id, out var l) && l.Error is null ? l.Columns.Select(c => c.Column).ToList()
            : null;
        string? Table(IReadOnlyList<string> parts)
        {
            var key = string.Join('.', parts);
            if (tables.TryGetValue(key, out var id)) return id;
            // a three-part name whose database is the default one
            return parts.Count == 3 && tables.TryGetValue($"{parts[1]}.{parts[2]}", out var id2) ? id2 : null;
        }
        var resolver = new LineageResolver(parser, Table, Known, name => ephemerals.GetValueOrDefault(name));

        // Everything upstream of what was asked for is resolved too: star expansion needs it.
        HashSet<string>? needed = null;
        if (only is not null)
        {
            needed = new HashSet<string>(only, StringComparer.Ordinal);
            foreach (var id in only) needed.UnionWith(graph.Ancestors(id));
        }
        foreach (var id in graph.Order)
        {
            var node = manifest.Nodes[id];
            if (node.ResourceType is not (ResourceType.Model or ResourceType.Snapshot)) continue;
            if (needed is not null && !needed.Contains(id)) continue;
            string sql;
            try
            {
                sql = compile(node);
            }
            catch (Exception e) when (e is Diagnostics.XformException or InvalidOperationException)
            {
                results[id] = new NodeLineage(id, [], $"could not compile: {e.Message}");
                continue;
            }
            var lineage = resolver.Resolve(id, sql, catalog.ColumnsOf(id));
            if (node.ResourceType == ResourceType.Snapshot)
            {
                // The metadata columns under the names snapshot_meta_column_names gives them (checked at parse).
                var metaColumns = SnapshotMetaColumns.Of(node).All.ToHashSet(StringComparer.OrdinalIgnoreCase);
                lineage = lineage with
                {
                    Columns = lineage.Columns.Select(c => metaColumns.Contains(c.Column)
                        ? c with { Sources = [], Direct = false, Unknown = ["snapshot metadata column, set by the snapshot materialization, not by the SQL"] }
                        : c).ToList(),
                };
            }
            results[id] = lineage;
        }
        return only is null ? results : results.Where(kv => only.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }
}
