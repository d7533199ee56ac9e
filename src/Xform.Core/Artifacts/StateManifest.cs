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

    /// <summary>Fails unless <paramref name="dir"/> exists (checked before a command starts).</summary>
    public static void CheckDir(string dir)
    {
        if (!Directory.Exists(dir))
            throw new XformException($"--state '{dir}' does not exist; point it at the target folder of the run to compare with");
    }

    /// <summary>Fails unless <paramref name="dir"/> holds a manifest.json; <paramref name="reader"/> names what reads it (--defer, 'state:modified').</summary>
    public static void CheckManifest(string dir, string reader)
    {
        CheckDir(dir);
        if (!File.Exists(System.IO.Path.Combine(dir, "manifest.json")))
            throw new XformException($"--state '{dir}' has no manifest.json, which {reader} reads; point it at the target folder of the run to compare with");
    }

    public static StateManifest Load(string dir, string reader = "--state")
    {
        CheckManifest(dir, reader);
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

