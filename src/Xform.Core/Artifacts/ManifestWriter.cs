using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xform.Core.Graph;
using Xform.Core.Loading;
using Xform.Core.Project;

namespace Xform.Core.Artifacts;

/// <summary>
/// target/manifest.json in dbt's v12 shape, so tools that read dbt artifacts read xform's. Nothing from
/// profiles except the adapter type goes in: no secrets.
/// </summary>
public static class ManifestWriter
{
    public const string SchemaVersion = "https://schemas.getdbt.com/dbt/manifest/v12.json";
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject Build(LoadedProject loaded, DependencyGraph graph, IReadOnlyDictionary<string, string> compiledCode, string invocationId)
    {
        var manifest = graph.Manifest;
        var project = manifest.Project;
        var index = loaded.MacroIndex;
        var nodes = new JsonObject();
        var sources = new JsonObject();
        foreach (var id in graph.Order)
        {
            var n = manifest.Nodes[id];
            if (n.ResourceType == ResourceType.Source) sources[id] = Source(n, loaded);
            else nodes[id] = Node(n, loaded, compiledCode.TryGetValue(id, out var code) ? code : null, index);
        }
        var macros = new JsonObject();
        foreach (var name in index.Names.OrderBy(x => x, StringComparer.Ordinal))
        {
            var file = index.File(name);
            var package = file.StartsWith("<xform>", StringComparison.Ordinal) ? "xform" : project.Name;
            var id = $"macro.{package}.{name}";
            macros[id] = new JsonObject
            {
                ["name"] = name, ["resource_type"] = "macro", ["package_name"] = package, ["path"] = file, ["original_file_path"] = file,
                ["unique_id"] = id, ["macro_sql"] = index.Sql(name),
                ["depends_on"] = new JsonObject { ["macros"] = Array(index.AllCalls(index.Sql(name)).Where(m => m != name).Select(m => MacroId(m, index, project.Name))) },
                ["description"] = "", ["meta"] = new JsonObject(), ["docs"] = Docs(), ["patch_path"] = null, ["arguments"] = new JsonArray(),
                ["created_at"] = 0.0, ["supported_languages"] = null,
            };
        }
        var docs = new JsonObject();
        foreach (var (name, block) in manifest.Docs.OrderBy(d => d.Key, StringComparer.Ordinal))
            docs[$"doc.{project.Name}.{name}"] = new JsonObject
            {
                ["name"] = name, ["resource_type"] = "doc", ["package_name"] = project.Name, ["path"] = block.Location.File,
                ["original_file_path"] = block.Location.File, ["unique_id"] = $"doc.{project.Name}.{name}", ["block_contents"] = block.Text.Trim(),
            };
        var parentMap = new JsonObject();
        var childMap = new JsonObject();
        foreach (var id in graph.Order)
        {
            parentMap[id] = Array(graph.Parents(id).OrderBy(x => x, StringComparer.Ordinal));
            childMap[id] = Array(graph.Children(id).OrderBy(x => x, StringComparer.Ordinal));
        }
        return new JsonObject
        {
            ["metadata"] = Metadata(SchemaVersion, invocationId, loaded),
            ["nodes"] = nodes, ["sources"] = sources, ["macros"] = macros, ["docs"] = docs,
            ["exposures"] = new JsonObject(), ["metrics"] = new JsonObject(), ["groups"] = new JsonObject(), ["selectors"] = new JsonObject(),
            ["disabled"] = new JsonObject(), ["parent_map"] = parentMap, ["child_map"] = childMap, ["group_map"] = new JsonObject(),
            ["saved_queries"] = new JsonObject(), ["semantic_models"] = new JsonObject(), ["unit_tests"] = new JsonObject(),
        };
    }

    public static JsonObject Metadata(string schema, string invocationId, LoadedProject loaded) => new()
    {
        ["dbt_schema_version"] = schema,
        ["dbt_version"] = "1.10.0",
        ["xform_version"] = typeof(ManifestWriter).Assembly.GetName().Version?.ToString(3),
        ["generated_at"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
        ["invocation_id"] = invocationId,
        ["env"] = new JsonObject(),
        ["project_name"] = loaded.Manifest.Project.Name,
        ["project_id"] = MacroIndex.Sha256(loaded.Manifest.Project.Name)[..32],
        ["user_id"] = null,
        ["send_anonymous_usage_stats"] = false,
        ["adapter_type"] = loaded.Session.Target.Type,
    };

    static string MacroId(string name, MacroIndex index, string project) =>
        $"macro.{(index.File(name).StartsWith("<xform>", StringComparison.Ordinal) ? "xform" : project)}.{name}";

    static JsonObject Node(Node n, LoadedProject loaded, string? compiled, MacroIndex index)
    {
        var project = loaded.Manifest.Project;
        var o = Common(n, loaded);
        o["alias"] = n.Relation.Identifier;
        o["checksum"] = new JsonObject { ["name"] = "sha256", ["checksum"] = BodyChecksum(n) };
        o["build_path"] = null;
        o["raw_code"] = n.RawCode;
        o["language"] = "sql";
        o["refs"] = new JsonArray(n.Refs.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["package"] = r.Package, ["version"] = null }).ToArray());
        o["sources"] = new JsonArray(n.SourceRefs.Select(s => (JsonNode)Array([s.SourceName!, s.Name])).ToArray());
        o["metrics"] = new JsonArray();
        var macroText = n.TestMetadata is { } meta ? $"{meta["macro"]}(" : n.RawCode;
        o["depends_on"] = new JsonObject
        {
            ["macros"] = Array(index.AllCalls(macroText).Select(m => MacroId(m, index, project.Name))),
            ["nodes"] = Array(n.DependsOn),
        };
        o["compiled_path"] = compiled is null ? null : $"{project.TargetPath}/compiled/{project.Name}/{n.OriginalFilePath}";
        o["compiled"] = compiled is not null;
        o["compiled_code"] = compiled;
        o["extra_ctes_injected"] = compiled is not null;
        o["extra_ctes"] = new JsonArray();
        o["contract"] = new JsonObject { ["enforced"] = false, ["alias_types"] = true, ["checksum"] = null };
        o["access"] = "protected";
        o["constraints"] = new JsonArray();
        o["version"] = null;
        o["latest_version"] = null;
        o["deprecation_date"] = null;
        if (n.TestMetadata is { } tm)
        {
            o["test_metadata"] = new JsonObject
            {
                ["name"] = (string)tm["name"]!, ["kwargs"] = JsonSerializer.SerializeToNode(tm["kwargs"]), ["namespace"] = null,
            };
            o["column_name"] = tm["column_name"] as string;
            o["attached_node"] = n.AttachedNode;
            o["file_key_name"] = $"models.{loaded.Manifest.Nodes[n.AttachedNode!].Name}";
        }
        return o;
    }

    static JsonObject Source(Node n, LoadedProject loaded)
    {
        var o = Common(n, loaded);
        var s = n.Source!;
        o["source_name"] = s.SourceName;
        o["source_description"] = "";
        o["loader"] = "";
        o["identifier"] = n.Relation.Identifier;
        o["quoting"] = new JsonObject();
        o["loaded_at_field"] = s.LoadedAtField;
        o["freshness"] = JsonSerializer.SerializeToNode(s.Freshness);
        o["external"] = s.ExternalLocation is null ? null : new JsonObject { ["location"] = s.ExternalLocation };
        o["source_meta"] = new JsonObject();
        return o;
    }

    /// <summary>A node's config as the manifest writes it (and as state:modified.configs compares it).</summary>
    public static JsonObject ConfigJson(Node n)
    {
        var config = new JsonObject();
        foreach (var (k, v) in n.Config.OrderBy(kv => kv.Key, StringComparer.Ordinal)) config[k] = JsonSerializer.SerializeToNode(v);
        if (n.ResourceType != ResourceType.Source) config["materialized"] = n.Materialized;
        config["enabled"] = n.Config.Enabled;
        config["tags"] = Array(n.Config.Tags);
        return config;
    }

    static JsonObject Common(Node n, LoadedProject loaded)
    {
        var config = ConfigJson(n);
        var columns = new JsonObject();
        foreach (var c in n.Columns)
            columns[c.Name] = new JsonObject
            {
                ["name"] = c.Name, ["description"] = c.Description, ["meta"] = JsonSerializer.SerializeToNode(c.Meta), ["data_type"] = c.DataType,
                ["constraints"] = new JsonArray(), ["quote"] = null, ["tags"] = new JsonArray(), ["granularity"] = null,
            };
        return new JsonObject
        {
            ["database"] = n.Relation.Database ?? (loaded.Session.Target.Database is { Length: > 0 } db ? db : null),
            ["schema"] = n.Relation.Schema,
            ["name"] = n.Name,
            ["resource_type"] = n.ResourceType.ToString().ToLowerInvariant(),
            ["package_name"] = n.PackageName,
            ["path"] = n.Path,
            ["original_file_path"] = n.OriginalFilePath,
            ["unique_id"] = n.UniqueId,
            ["fqn"] = Array(n.Fqn),
            ["description"] = n.Description,
            ["columns"] = columns,
            ["meta"] = n.Config.TryGetValue("meta", out var meta) ? JsonSerializer.SerializeToNode(meta) : new JsonObject(),
            ["tags"] = Array(n.Config.Tags),
            ["config"] = config,
            ["unrendered_config"] = config.DeepClone(),
            ["group"] = null,
            ["docs"] = Docs(),
            ["patch_path"] = null,
            ["created_at"] = 0.0,
            ["relation_name"] = n.ResourceType == ResourceType.Test ? null : n.Relation.Render(loaded.Session.Quote),
        };
    }

    /// <summary>The body's checksum ignores whitespace at the ends of the file, so a trailing newline is no change.</summary>
    public static string BodyChecksum(Node n) =>
        MacroIndex.Sha256(n.TestMetadata is { } m ? JsonSerializer.Serialize(new { m, n.AttachedNode }) : n.RawCode.Trim());

    static JsonObject Docs() => new() { ["show"] = true, ["node_color"] = null };

    static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray());

    /// <summary>Streams the document to the file: no string of the whole (tens of MB on big projects) in memory.</summary>
    public static void WriteJson(string path, JsonNode document)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        document.WriteTo(writer);
    }

    public static void Write(string targetDir, JsonObject manifest)
    {
        Directory.CreateDirectory(targetDir);
        var tmp = Path.Combine(targetDir, "manifest.json.tmp");
        WriteJson(tmp, manifest);
        File.Move(tmp, Path.Combine(targetDir, "manifest.json"), overwrite: true);
    }
}
