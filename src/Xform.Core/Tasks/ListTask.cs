using System.Text.Json.Nodes;
using Xform.Core.Artifacts;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary>
/// <c>xform ls</c>, as dbt's list: the selected nodes and YAML objects sorted by unique id, one line each as a selector,
/// a name, a path or a JSON object of the manifest's properties (dbt's default keys, or <c>--output-keys</c>).
/// </summary>
public static class ListTask
{
    public static readonly string[] Formats = ["selector", "name", "path", "json"];

    /// <summary>Every resource type ls knows, as dbt names them; <c>all</c> and <c>default</c> are dbt's shorthands.</summary>
    public static readonly string[] ResourceTypes =
        ["model", "seed", "snapshot", "test", "unit_test", "source", "exposure", "semantic_model", "saved_query", "metric", "analysis", "all", "default"];

    /// <summary>The kinds of YAML objects ls lists besides nodes.</summary>
    static readonly string[] ObjectKinds = ["exposure", "metric", "semantic_model", "saved_query"];

    /// <summary>dbt's list keys when <c>--output-keys</c> is not given (each as the manifest has it, when it has it).</summary>
    static readonly string[] DefaultKeys =
        ["alias", "name", "package_name", "depends_on", "tags", "config", "resource_type", "source_name", "original_file_path", "unique_id"];

    /// <param name="resourceTypes">--resource-type values (none: dbt's default, every type but analysis)</param>
    /// <param name="excludeTypes">--exclude-resource-type values</param>
    /// <param name="outputKeys">--output-keys: the keys of each JSON line, dotted for nested ones (<c>config.materialized</c>)</param>
    public static IEnumerable<string> Lines(Workspace workspace, IReadOnlyList<string> resourceTypes, IReadOnlyList<string> excludeTypes,
        string format, IReadOnlyList<string> outputKeys)
    {
        var wanted = Types(resourceTypes.Count == 0 ? ["default"] : resourceTypes);
        wanted.ExceptWith(Types(excludeTypes));
        var nodeTypes = wanted.Where(t => !ObjectKinds.Contains(t)).Select(NodeType).ToArray();
        var kinds = wanted.Where(ObjectKinds.Contains).ToList();
        var nodes = nodeTypes.Length == 0 ? [] : workspace.Selected(nodeTypes)
            .Select(n => (n.UniqueId, Selector: Selector(n), Name: n.VersionedName, Path: n.OriginalFilePath));
        var objects = kinds.Count == 0 ? [] : workspace.SelectedObjects(kinds)
            .Select(o => (o.UniqueId, Selector: $"{o.Kind}:{o.PackageName}.{o.Name}", o.Name, Path: o.OriginalFilePath));
        var listed = nodes.Concat(objects).OrderBy(e => e.UniqueId, StringComparer.Ordinal).ToList();
        if (listed.Count == 0)
            workspace.Warn(new Warning("No nodes selected!", SourceLocation.None));
        if (format != "json") return listed.Select(e => format switch { "name" => e.Name, "path" => e.Path, _ => e.Selector });
        var manifest = ManifestWriter.Document(workspace.Loaded, workspace.Graph, workspace.InvocationId);
        return listed.Select(e => Json(Entry(manifest, e.UniqueId), outputKeys));
    }

    static HashSet<string> Types(IReadOnlyList<string> names)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in names)
        {
            var name = raw.ToLowerInvariant();
            if (name == "all") result.UnionWith(ResourceTypes.Take(11));
            else if (name == "default") result.UnionWith(ResourceTypes.Take(10));
            else if (ResourceTypes.Contains(name)) result.Add(name);
            else throw new XformException($"unknown resource type '{raw}'; use {string.Join(", ", ResourceTypes)}.{Suggestions.DidYouMean(name, ResourceTypes)}");
        }
        return result;
    }

    static ResourceType NodeType(string name) => name switch
    {
        "unit_test" => ResourceType.UnitTest,
        _ => Enum.Parse<ResourceType>(name, ignoreCase: true),
    };

    /// <summary>dbt's selector line: the fqn, or <c>source:pkg.source.table</c>, <c>unit_test:pkg.name</c>.</summary>
    static string Selector(Node n) => n.ResourceType switch
    {
        ResourceType.Source => $"source:{string.Join(".", n.Fqn)}",
        ResourceType.UnitTest => $"unit_test:{n.PackageName}.{n.VersionedName}",
        _ => string.Join(".", n.Fqn),
    };

    static readonly string[] Sections = ["nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests"];

    static JsonObject Entry(JsonObject manifest, string uniqueId)
    {
        foreach (var section in Sections)
            if (manifest[section] is JsonObject entries && entries[uniqueId] is JsonObject entry) return entry;
        throw new InvalidOperationException($"{uniqueId} was selected but is in no section of the manifest");
    }

    /// <summary>The entry's default keys in the manifest's order, or the asked keys in their order; a key it lacks is left out, as dbt leaves it.</summary>
    static string Json(JsonObject entry, IReadOnlyList<string> keys)
    {
        var result = new JsonObject();
        if (keys.Count == 0)
        {
            foreach (var (key, value) in entry)
                if (DefaultKeys.Contains(key)) result[key] = value?.DeepClone();
        }
        else
        {
            // A plain key the entry has is kept even when null; a dotted one only with a value (dbt's list does the same).
            foreach (var key in keys)
                if (!key.Contains('.') ? entry.TryGetPropertyValue(key, out var value) : (value = Nested(entry, key)) is not null)
                    result[key] = value?.DeepClone();
        }
        return result.ToJsonString(Relaxed);
    }

    /// <summary>Characters such as '+' and non-ASCII letters written as they are, not as \\u escapes.</summary>
    static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static JsonNode? Nested(JsonObject entry, string path)
    {
        JsonNode? current = entry;
        foreach (var part in path.Split('.'))
        {
            if (current is not JsonObject o || !o.TryGetPropertyValue(part, out current)) return null;
        }
        return current;
    }
}
