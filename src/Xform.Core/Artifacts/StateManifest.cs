using System.Text.Json.Nodes;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Selection;

namespace Xform.Core.Artifacts;

/// <summary>A previous run's manifest.json, read for state: selectors and --defer.</summary>
public sealed class StateManifest
{
    StateManifest(IReadOnlyDictionary<string, JsonObject> nodes, IReadOnlyDictionary<string, string> macroChecksums, string path)
    {
        Nodes = nodes;
        MacroChecksums = macroChecksums;
        Path = path;
    }

    public IReadOnlyDictionary<string, JsonObject> Nodes { get; }
    /// <summary>Macro key (<c>package.name</c>) -> checksum of its source.</summary>
    public IReadOnlyDictionary<string, string> MacroChecksums { get; }
    public string Path { get; }

    /// <summary>Fails unless <paramref name="dir"/> holds a manifest.json (checked before a command starts).</summary>
    public static void CheckDir(string dir)
    {
        if (!File.Exists(System.IO.Path.Combine(dir, "manifest.json")))
            throw new XformException(Directory.Exists(dir)
                ? $"--state '{dir}' has no manifest.json; point it at the target folder of the run to compare with"
                : $"--state '{dir}' does not exist; point it at the target folder of the run to compare with");
    }

    public static StateManifest Load(string dir)
    {
        CheckDir(dir);
        var path = System.IO.Path.Combine(dir, "manifest.json");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new XformException($"{path} is not valid JSON: {e.Message}");
        }
        var nodes = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var section in new[] { "nodes", "sources", "unit_tests" })
            if (root[section] is JsonObject o)
                foreach (var (id, n) in o) if (n is JsonObject node) nodes[id] = node;
        var macros = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root["macros"] is JsonObject m)
            foreach (var (_, value) in m)
                if (value is JsonObject macro && macro["package_name"]?.GetValue<string>() is { } package && macro["name"]?.GetValue<string>() is { } name)
                    macros[$"{package}.{name}"] = MacroIndex.Sha256(macro["macro_sql"]?.GetValue<string>() ?? "");
        return new StateManifest(nodes, macros, path);
    }

    /// <summary>Where the node lives according to the state manifest.</summary>
    public RelationName? RelationOf(string uniqueId) =>
        Nodes.TryGetValue(uniqueId, out var n) && n["schema"]?.GetValue<string>() is { } schema
            ? new RelationName(n["database"]?.GetValue<string>(), schema, n["alias"]?.GetValue<string>() ?? n["identifier"]?.GetValue<string>() ?? n["name"]!.GetValue<string>())
            : null;
}

/// <summary>
/// dbt's state comparison: a node is new when the state lacks it; modified when its body (SQL, ignoring
/// whitespace at the ends), its configs, its configured relation (database/schema/alias as written, so
/// a different target is no change), its properties (description, columns) or a macro it calls changed.
/// </summary>
public sealed class StateComparer(StateManifest state, LoadedProject loaded) : IStateComparison
{
    public bool IsNew(Node n) => !state.Nodes.ContainsKey(n.UniqueId);

    /// <param name="sub">one of <see cref="SelectorSyntax.ModifiedParts"/>, checked with the selector; empty for any part</param>
    public bool IsModified(Node n, string sub)
    {
        if (!state.Nodes.TryGetValue(n.UniqueId, out var old)) return sub.Length == 0;
        return sub switch
        {
            "body" => Body(n, old),
            "configs" => Configs(n, old),
            "relation" => Relation(n, old),
            "macros" => Macros(n),
            "properties" => Properties(n, old),
            "contract" => Contract(n, old),
            _ => Body(n, old) || Configs(n, old) || Relation(n, old) || Macros(n) || Properties(n, old) || Contract(n, old),
        };
    }

    static bool Body(Node n, JsonObject old) =>
        n.ResourceType != ResourceType.Source && old["checksum"]?["checksum"]?.GetValue<string>() != ManifestWriter.BodyChecksum(n);

    /// <summary>The enforced contract's checksum changed (its columns, types or constraints), or the contract came or went.</summary>
    static bool Contract(Node n, JsonObject old) =>
        n.ResourceType == ResourceType.Model && (old["contract"]?["checksum"] as JsonValue)?.GetValue<string>() != ModelContract.Checksum(n);

    static bool Configs(Node n, JsonObject old) => !JsonNode.DeepEquals(ManifestWriter.ConfigJson(n), old["config"]);

    static bool Relation(Node n, JsonObject old)
    {
        string? Configured(string key) => n.Config.GetString(key);
        string? Old(string key) => old["config"]?[key]?.ToString();
        return Configured("database") != Old("database") || Configured("schema") != Old("schema") || Configured("alias") != Old("alias");
    }

    bool Macros(Node n)
    {
        return loaded.MacroIndex.AllCalls(loaded.MacroCallsOf(n), n.PackageName).Any(m =>
            !state.MacroChecksums.TryGetValue(m, out var oldSum) || oldSum != loaded.MacroIndex.Checksum(m));
    }

    static bool Properties(Node n, JsonObject old)
    {
        if ((old["description"]?.GetValue<string>() ?? "") != n.Description) return true;
        var oldColumns = old["columns"] as JsonObject ?? [];
        if (oldColumns.Count != n.Columns.Count) return true;
        return n.Columns.Any(c => oldColumns[c.Name] is not JsonObject oc || (oc["description"]?.GetValue<string>() ?? "") != c.Description
            || oc["data_type"]?.GetValue<string>() != c.DataType);
    }
}
