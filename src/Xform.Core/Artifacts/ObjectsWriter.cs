using System.Text.Json;
using Xform.Core.Project;

namespace Xform.Core.Artifacts;

/// <summary>
/// The manifest's sections of YAML objects (groups, exposures, semantic models, metrics, saved queries) in dbt's
/// shape: the properties as the YAML wrote them, plus dbt's common fields and <c>depends_on.nodes</c>.
/// </summary>
internal static class ObjectsWriter
{
    public static void Section(Utf8JsonWriter w, Manifest manifest, string kind, string section)
    {
        w.WriteStartObject(section);
        foreach (var o in manifest.ObjectsOf(kind).OrderBy(o => o.UniqueId, StringComparer.Ordinal))
        {
            w.WriteStartObject(o.UniqueId);
            foreach (var (key, value) in o.Properties)
            {
                if (key is "depends_on" or "config") continue;
                w.WritePropertyName(key);
                PlainJson.Write(w, value);
            }
            w.WriteString("resource_type", kind);
            w.WriteString("package_name", o.PackageName);
            w.WriteString("path", o.OriginalFilePath);
            w.WriteString("original_file_path", o.OriginalFilePath);
            w.WriteString("unique_id", o.UniqueId);
            if (kind != "group")
            {
                w.WriteStartArray("fqn");
                w.WriteStringValue(o.PackageName);
                w.WriteStringValue(o.Name);
                w.WriteEndArray();
                if (!o.Properties.ContainsKey("description")) w.WriteString("description", "");
                w.WriteStartObject("depends_on");
                w.WriteStartArray("macros");
                w.WriteEndArray();
                w.WriteStartArray("nodes");
                foreach (var d in o.DependsOn) w.WriteStringValue(d);
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteStartArray("refs");
                foreach (var r in o.Refs.Where(r => !r.IsSource))
                {
                    w.WriteStartObject();
                    w.WriteString("name", r.Name);
                    w.WriteString("package", r.Package);
                    w.WriteNull("version");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("sources");
                foreach (var r in o.Refs.Where(r => r.IsSource))
                {
                    w.WriteStartArray();
                    w.WriteStringValue(r.SourceName);
                    w.WriteStringValue(r.Name);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
            w.WritePropertyName("config");
            PlainJson.Write(w, o.Properties.GetValueOrDefault("config") ?? new Dictionary<string, object?> { ["enabled"] = true });
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>dbt's group_map: each group's name and the unique ids of the nodes in it.</summary>
    public static void GroupMap(Utf8JsonWriter w, Manifest manifest)
    {
        w.WriteStartObject("group_map");
        foreach (var group in manifest.Nodes.Values.Where(n => n.Group is not null).GroupBy(n => n.Group!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            w.WriteStartArray(group.Key);
            foreach (var id in group.Select(n => n.UniqueId).Order(StringComparer.Ordinal)) w.WriteStringValue(id);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
