using System.Text.Json;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary><c>xform ls</c>: the selected nodes, one line each, as dbt prints them (selector, name, path or json).</summary>
public static class ListTask
{
    public static readonly string[] Formats = ["selector", "name", "path", "json"];

    /// <param name="resourceTypes">names as the user wrote them (model, seed, ...); none for every type</param>
    public static IEnumerable<string> Lines(Workspace workspace, IReadOnlyList<string> resourceTypes, string format)
    {
        var types = resourceTypes.Select(t => Enum.TryParse<ResourceType>(t.Replace("_", "", StringComparison.Ordinal), true, out var r)
            ? r : throw new XformException($"unknown resource type '{t}'; use model, seed, source, test, unit_test or snapshot")).ToArray();
        return workspace.Selected(types).Select(node => Line(node, format));
    }

    static string Line(Node node, string format) => format switch
    {
        "name" => node.Name,
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
