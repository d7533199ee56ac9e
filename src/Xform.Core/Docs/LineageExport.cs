using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Docs;

/// <summary>The node graph (and optionally the column lineage) as Mermaid, Graphviz DOT or JSON, for other tools.</summary>
public static class LineageExport
{
    public static readonly string[] Formats = ["mermaid", "dot", "json"];

    /// <param name="ids">The nodes to print (edges only between them), in graph order.</param>
    public static string Write(string format, DependencyGraph graph, IReadOnlyList<string> ids,
        IReadOnlyDictionary<string, NodeLineage>? columns) => format switch
    {
        "mermaid" => Mermaid(graph, ids, columns),
        "dot" => Dot(graph, ids, columns),
        "json" => Json(graph, ids, columns),
        _ => throw new ArgumentException($"unknown lineage format '{format}'", nameof(format)),
    };

    static IEnumerable<(string From, string To)> Edges(DependencyGraph graph, IReadOnlyList<string> ids)
    {
        var set = new HashSet<string>(ids, StringComparer.Ordinal);
        foreach (var id in ids)
            foreach (var child in graph.Children(id).OrderBy(c => graph.OrderIndex[c]))
                if (set.Contains(child)) yield return (id, child);
    }

    public static string Label(Node n) => n.ResourceType == ResourceType.Source ? $"{n.Source!.SourceName}.{n.Name}" : n.Name;

    static string Id(string uniqueId) => new(uniqueId.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    static string Mermaid(DependencyGraph graph, IReadOnlyList<string> ids, IReadOnlyDictionary<string, NodeLineage>? columns)
    {
        var sb = new StringBuilder("flowchart LR\n");
        string Esc(string s) => s.Replace("\"", "#quot;");
        foreach (var id in ids)
        {
            var n = graph.Manifest.Nodes[id];
            var label = $"{Label(n)} ({n.TypeName})";
            if (columns is not null && ColumnNames(id, graph, columns) is { Count: > 0 } cols)
            {
                sb.Append($"  subgraph {Id(id)}[\"{Esc(label)}\"]\n");
                foreach (var c in cols) sb.Append($"    {Id(id)}__{Id(c)}[\"{Esc(c)}\"]\n");
                sb.Append("  end\n");
            }
            else sb.Append($"  {Id(id)}[\"{Esc(label)}\"]\n");
        }
        foreach (var (from, to) in Edges(graph, ids)) sb.Append($"  {Id(from)} --> {Id(to)}\n");
        if (columns is not null)
            foreach (var (from, to) in ColumnEdges(ids, graph, columns))
                sb.Append($"  {Id(from.NodeId)}__{Id(from.Column)} -.-> {Id(to.NodeId)}__{Id(to.Column)}\n");
        return sb.ToString();
    }

    static string Dot(DependencyGraph graph, IReadOnlyList<string> ids, IReadOnlyDictionary<string, NodeLineage>? columns)
    {
        var sb = new StringBuilder("digraph lineage {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
        string Q(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        foreach (var id in ids)
        {
            var n = graph.Manifest.Nodes[id];
            if (columns is not null && ColumnNames(id, graph, columns) is { Count: > 0 } cols)
            {
                sb.Append($"  subgraph {Q("cluster_" + id)} {{\n    label={Q(Label(n))};\n");
                foreach (var c in cols) sb.Append($"    {Q(id + "." + c)} [label={Q(c)}];\n");
                sb.Append("  }\n");
            }
            else sb.Append($"  {Q(id)} [label={Q(Label(n))}, tooltip={Q(n.TypeName)}];\n");
        }
        if (columns is null)
            foreach (var (from, to) in Edges(graph, ids)) sb.Append($"  {Q(from)} -> {Q(to)};\n");
        else
            foreach (var (from, to) in ColumnEdges(ids, graph, columns))
                sb.Append($"  {Q(from.NodeId + "." + from.Column)} -> {Q(to.NodeId + "." + to.Column)};\n");
        sb.Append("}\n");
        return sb.ToString();
    }

    static string Json(DependencyGraph graph, IReadOnlyList<string> ids, IReadOnlyDictionary<string, NodeLineage>? columns)
    {
        var nodes = new JsonArray();
        foreach (var id in ids)
        {
            var n = graph.Manifest.Nodes[id];
            var o = new JsonObject
            {
                ["unique_id"] = id,
                ["name"] = Label(n),
                ["resource_type"] = n.TypeName,
                ["depends_on"] = new JsonArray(graph.Parents(id).OrderBy(p => graph.OrderIndex[p]).Select(p => (JsonNode?)p).ToArray()),
            };
            if (columns is not null && columns.TryGetValue(id, out var lineage)) o["columns"] = ColumnsJson(lineage);
            nodes.Add((JsonNode)o);
        }
        var edges = new JsonArray(Edges(graph, ids).Select(e => (JsonNode?)new JsonObject { ["from"] = e.From, ["to"] = e.To }).ToArray());
        return new JsonObject { ["nodes"] = nodes, ["edges"] = edges }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    public static JsonObject ColumnsJson(NodeLineage lineage)
    {
        var cols = new JsonObject();
        foreach (var c in lineage.Columns)
            cols[c.Column] = new JsonObject
            {
                ["sources"] = new JsonArray(c.Sources.Select(s => (JsonNode?)new JsonObject { ["node"] = s.NodeId, ["column"] = s.Column }).ToArray()),
                ["direct"] = c.Direct,
                ["unknown"] = new JsonArray(c.Unknown.Select(u => (JsonNode?)u).ToArray()),
            };
        if (lineage.Error is not null) cols["__error__"] = lineage.Error;
        return cols;
    }

    /// <summary>The columns to show for a node: its lineage's columns, plus upstream columns the printed nodes read.</summary>
    static List<string> ColumnNames(string id, DependencyGraph graph, IReadOnlyDictionary<string, NodeLineage> columns)
    {
        var names = new List<string>();
        if (columns.TryGetValue(id, out var l)) names.AddRange(l.Columns.Select(c => c.Column));
        foreach (var other in columns.Values)
            foreach (var c in other.Columns)
                foreach (var s in c.Sources)
                    if (s.NodeId == id && !names.Contains(s.Column, StringComparer.OrdinalIgnoreCase)) names.Add(s.Column);
        return names;
    }

    static IEnumerable<(ColumnRef From, ColumnRef To)> ColumnEdges(IReadOnlyList<string> ids, DependencyGraph graph,
        IReadOnlyDictionary<string, NodeLineage> columns)
    {
        var set = new HashSet<string>(ids, StringComparer.Ordinal);
        foreach (var id in ids)
            if (columns.TryGetValue(id, out var l))
                foreach (var c in l.Columns)
                    foreach (var s in c.Sources)
                        if (set.Contains(s.NodeId)) yield return (s, new ColumnRef(id, c.Column));
    }
}
