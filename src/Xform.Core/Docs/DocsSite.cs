using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xform.Core.Artifacts;
using Xform.Core.Graph;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Docs;

/// <summary>Builds the self-contained docs page: one HTML file with the project's data, script and styles inlined.</summary>
public static class DocsSite
{
    /// <summary>A description with its <c>doc()</c> references resolved (<see cref="Compilation.Descriptions.Render"/>).</summary>
    public static string RenderDescription(string description, IReadOnlyDictionary<string, DocsBlock> docs) =>
        Compilation.Descriptions.Render(description, docs);

    public static JsonObject Data(DependencyGraph graph, Catalog catalog, Func<Node, string?> compiledSql,
        IReadOnlyDictionary<string, NodeLineage> lineage, DateTime generatedAtUtc)
    {
        var manifest = graph.Manifest;
        var nodes = new JsonArray();
        var testsByNode = manifest.Of(ResourceType.Test).Where(t => t.AttachedNode is not null)
            .GroupBy(t => t.AttachedNode!).ToDictionary(g => g.Key, g => g.OrderBy(t => t.Name, StringComparer.Ordinal).ToList());
        foreach (var id in graph.Order)
        {
            var n = manifest.Nodes[id];
            if (n.ResourceType == ResourceType.UnitTest) continue; // in manifest.json's unit_tests, not a page of the site
            var entry = catalog.Find(id);
            lineage.TryGetValue(id, out var nodeLineage);
            var tests = testsByNode.GetValueOrDefault(id) ?? [];
            var columns = new JsonArray();
            var names = new List<string>();
            foreach (var c in n.Columns) names.Add(c.Name);
            foreach (var c in entry?.Columns ?? []) if (!names.Contains(c.Name, StringComparer.OrdinalIgnoreCase)) names.Add(c.Name);
            foreach (var c in nodeLineage?.Columns ?? []) if (!names.Contains(c.Column, StringComparer.OrdinalIgnoreCase)) names.Add(c.Column);
            foreach (var name in names)
            {
                var declared = n.Columns.FirstOrDefault(c => Same(c.Name, name));
                var cat = entry?.Columns.FirstOrDefault(c => Same(c.Name, name));
                var lin = nodeLineage?.Column(name);
                var col = new JsonObject
                {
                    ["name"] = cat?.Name ?? declared?.Name ?? name,
                    ["type"] = cat?.Type ?? declared?.DataType,
                    ["description"] = RenderDescription(declared?.Description ?? "", manifest.Docs),
                    ["tests"] = new JsonArray(tests.Where(t => t.TestMetadata?.ColumnName is { } cn && Same(cn, name))
                        .Select(t => (JsonNode?)TestLabel(t)).ToArray()),
                };
                if (lin is not null)
                    col["lineage"] = new JsonObject
                    {
                        ["sources"] = new JsonArray(lin.Sources.Select(s => (JsonNode?)new JsonObject { ["node"] = s.NodeId, ["column"] = s.Column }).ToArray()),
                        ["direct"] = lin.Direct,
                        ["unknown"] = new JsonArray(lin.Unknown.Select(u => (JsonNode?)u).ToArray()),
                    };
                columns.Add((JsonNode)col);
            }
            var o = new JsonObject
            {
                ["id"] = id,
                ["name"] = n.Name,
                ["label"] = LineageExport.Label(n),
                ["type"] = n.TypeName,
                ["package"] = n.PackageName,
                ["path"] = n.OriginalFilePath,
                ["fqn"] = new JsonArray(n.Fqn.Select(f => (JsonNode?)f).ToArray()),
                ["materialized"] = n.Materialized,
                ["relation"] = n.ResourceType is ResourceType.Test || n.Materialized == "ephemeral" ? null : n.Relation.ToString(),
                ["description"] = RenderDescription(n.Description, manifest.Docs),
                ["tags"] = new JsonArray(n.Config.Tags.Select(t => (JsonNode?)t).ToArray()),
                ["config"] = ToJson(n.Config),
                ["raw_sql"] = n.RawCode,
                ["compiled_sql"] = compiledSql(n),
                ["parents"] = new JsonArray(graph.Parents(id).OrderBy(p => graph.OrderIndex[p]).Select(p => (JsonNode?)p).ToArray()),
                ["children"] = new JsonArray(graph.Children(id).Where(c => manifest.Nodes[c].ResourceType != ResourceType.UnitTest)
                    .OrderBy(p => graph.OrderIndex[p]).Select(p => (JsonNode?)p).ToArray()),
                ["columns"] = columns,
                ["tests"] = new JsonArray(tests.Select(t => (JsonNode?)t.UniqueId).ToArray()),
                ["attached"] = n.AttachedNode,
                ["test_name"] = n.TestMetadata?.Name,
                ["source_name"] = n.Source?.SourceName,
                ["catalog_type"] = entry?.Type,
                ["row_count"] = entry?.RowCount,
                ["lineage_error"] = nodeLineage?.Error,
            };
            nodes.Add((JsonNode)o);
        }
        AddObjects(manifest, nodes);
        return new JsonObject
        {
            ["project"] = manifest.Project.Name,
            ["generated_at"] = generatedAtUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            ["nodes"] = nodes,
            ["catalog_errors"] = new JsonArray(catalog.Errors.Select(e => (JsonNode?)e).ToArray()),
        };
    }

    /// <summary>
    /// Exposures, semantic models, metrics and saved queries as graph entries after the nodes they depend on (the layout
    /// reads entries parents first), each added to its parents' children.
    /// </summary>
    static void AddObjects(Manifest manifest, JsonArray nodes)
    {
        var byId = nodes.OfType<JsonObject>().ToDictionary(n => (string)n["id"]!, StringComparer.Ordinal);
        var pending = manifest.Objects.Where(o => o.Kind != "group").OrderBy(o => o.UniqueId, StringComparer.Ordinal).ToList();
        while (pending.Count > 0)
        {
            var ready = pending.Where(o => o.DependsOn.All(byId.ContainsKey)).ToList();
            if (ready.Count == 0) ready = pending; // a metric cycle the loader let through: show them anyway
            foreach (var o in ready)
            {
                pending.Remove(o);
                var entry = new JsonObject
                {
                    ["id"] = o.UniqueId, ["name"] = o.Name, ["label"] = o.Text("label") ?? o.Name, ["type"] = o.Kind, ["package"] = o.PackageName,
                    ["path"] = o.OriginalFilePath, ["fqn"] = new JsonArray(o.PackageName, o.Name),
                    ["description"] = RenderDescription(o.Description, manifest.Docs), ["tags"] = new JsonArray(), ["config"] = new JsonObject(),
                    ["raw_sql"] = "", ["url"] = o.Text("url"), ["owner"] = o.Properties.GetValueOrDefault("owner") is IReadOnlyDictionary<string, object?> owner
                        ? owner.GetValueOrDefault("name") as string ?? owner.GetValueOrDefault("email") as string : null,
                    ["parents"] = new JsonArray(o.DependsOn.Select(d => (JsonNode?)d).ToArray()), ["children"] = new JsonArray(),
                    ["columns"] = new JsonArray(), ["tests"] = new JsonArray(),
                };
                foreach (var parent in o.DependsOn)
                    if (byId.TryGetValue(parent, out var p)) ((JsonArray)p["children"]!).Add((JsonNode)o.UniqueId);
                byId[o.UniqueId] = entry;
                nodes.Add((JsonNode)entry);
            }
        }
    }

    static string TestLabel(Node t) => t.TestMetadata?.Name ?? t.Name;

    static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>The page: data as JSON in a script element (with &lt; escaped), then the script and styles.</summary>
    public static string Html(JsonObject data)
    {
        var json = data.ToJsonString(new JsonSerializerOptions { WriteIndented = false }); // default encoder escapes <, >, &
        return SiteAssets.Page
            .Replace("/*__STYLE__*/", SiteAssets.Style, StringComparison.Ordinal)
            .Replace("__TITLE__", System.Net.WebUtility.HtmlEncode(data["project"]?.GetValue<string>() ?? "xform"), StringComparison.Ordinal)
            .Replace("/*__DATA__*/", json, StringComparison.Ordinal)
            .Replace("/*__SCRIPT__*/", SiteAssets.Script, StringComparison.Ordinal);
    }

    static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        int i => i,
        long l => l,
        double d => d,
        decimal m => m,
        IEnumerable<KeyValuePair<string, object?>> dict => new JsonObject(dict.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, ToJson(kv.Value)))),
        IDictionary d => new JsonObject(d.Keys.Cast<object>().Select(k => KeyValuePair.Create(Convert.ToString(k, CultureInfo.InvariantCulture) ?? "", ToJson(d[k])))),
        IEnumerable e => new JsonArray(e.Cast<object?>().Select(ToJson).ToArray()),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
