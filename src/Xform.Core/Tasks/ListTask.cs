using System.Text.Json;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary><c>xform ls</c>: the selected nodes, one line each, as dbt prints them (selector, name, path or json).</summary>
public static class ListTask
{
    public static readonly string[] Formats = ["selector", "name", "path", "json"];

    /// <param name="resourceTypes">names as the user wrote them (model, seed, ...); none for every type</param>
    /// <summary>The kinds of YAML objects ls lists besides nodes.</summary>
    static readonly string[] ObjectKinds = ["exposure", "metric", "semantic_model", "saved_query"];

    public static IEnumerable<string> Lines(Workspace workspace, IReadOnlyList<string> resourceTypes, string format)
    {
        var kinds = resourceTypes.Select(t => t.ToLowerInvariant()).Where(ObjectKinds.Contains).ToList();
        var types = resourceTypes.Where(t => !ObjectKinds.Contains(t.ToLowerInvariant())).Select(t => Enum.TryParse<ResourceType>(t.Replace("_", "", StringComparison.Ordinal), true, out var r)
            ? r : throw new XformException($"unknown resource type '{t}'; use model, seed, source, test, unit_test, snapshot, analysis, exposure, metric, semantic_model or saved_query")).ToArray();
        var nodes = types.Length == 0 && kinds.Count > 0 ? [] : workspace.Selected(types).Select(node => Line(node, format));
        var objects = types.Length > 0 && kinds.Count == 0 ? [] : workspace.SelectedObjects(kinds).Select(o => Line(o, format));
        return nodes.Concat(objects);
    }

    static string Line(ProjectObject o, string format) => format switch
    {
        "name" => o.Name,
        "path" => o.OriginalFilePath,
        "json" => JsonSerializer.Serialize(new
        {
            name = o.Name, resource_type = o.Kind, package_name = o.PackageName, original_file_path = o.OriginalFilePath,
            unique_id = o.UniqueId, depends_on = new { nodes = o.DependsOn },
        }),
        _ => $"{o.Kind}:{o.PackageName}.{o.Name}",
    };

    static string Line(Node node, string format) => format switch
    {
        "name" => node.VersionedName,
        "path" => node.OriginalFilePath,
        "json" => JsonSerializer.Serialize(new
        {
            name = node.Name, resource_type = node.TypeName, package_name = node.PackageName,
            original_file_path = node.OriginalFilePath, unique_id = node.UniqueId, alias = node.Relation.Identifier,
            config = new { materialized = node.Materialized, tags = node.Config.Tags, schema = node.Relation.Schema },
            tags = node.Config.Tags, depends_on = new { nodes = node.DependsOn },
        }),
        _ => node.ResourceType == ResourceType.Source ? $"source:{string.Join(".", node.Fqn)}" : string.Join(".", node.Fqn),
    };
}
