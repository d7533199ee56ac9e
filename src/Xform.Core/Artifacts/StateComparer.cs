using System.Globalization;
using System.Text.Json.Nodes;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Selection;

namespace Xform.Core.Artifacts;

/// <summary>
/// dbt's state comparison (graph/selector_methods.py) against the --state folder, each file read when a selector first
/// needs it: manifest.json for <c>state:</c> (a node is new when the state lacks it; modified when its body (SQL, ignoring
/// whitespace at the ends), configs, configured relation (database/schema/alias as written, so a different target is no
/// change), persisted descriptions, contract or a macro it calls changed), run_results.json for <c>result:</c>, and the
/// state's sources.json against this run's target/sources.json for <c>source_status:</c>.
/// </summary>
public sealed class StateComparer(string stateDir, string targetDir, Func<StateManifest> manifest, LoadedProject loaded) : IStateComparison
{
    StateManifest? _state;
    IReadOnlyDictionary<string, string>? _results;
    HashSet<string>? _fresher;
    readonly object _gate = new();

    StateManifest State { get { lock (_gate) return _state ??= manifest(); } }

    public bool IsNew(Node n) => !State.Nodes.ContainsKey(n.UniqueId);

    /// <param name="sub">one of <see cref="SelectorSyntax.ModifiedParts"/>, checked with the selector; empty for any part</param>
    public bool IsModified(Node n, string sub)
    {
        if (!State.Nodes.TryGetValue(n.UniqueId, out var old)) return sub.Length == 0;
        return sub switch
        {
            "body" => Body(n, old),
            "configs" => Configs(n, old),
            "relation" => Relation(n, old),
            "macros" => Macros(n),
            "persisted_descriptions" => PersistedDescriptions(n, old),
            "properties" => Properties(n, old),
            "contract" => Contract(n, old),
            // dbt's same_contents: descriptions count only where they are persisted to the database
            _ => Body(n, old) || Configs(n, old) || Relation(n, old) || Macros(n) || PersistedDescriptions(n, old) || Contract(n, old),
        };
    }

    /// <summary>Each node's status in the --state run's run_results.json (dbt's <c>result:</c> method).</summary>
    public IReadOnlyDictionary<string, string> PreviousResults()
    {
        lock (_gate) return _results ??= ReadResults();
    }

    /// <summary>
    /// dbt's <c>source_status:fresher</c>: the sources whose newest row in this run's sources.json is newer than in the --state
    /// run's, or that the state did not check; a source whose check failed to run on either side is not fresher.
    /// </summary>
    public IReadOnlySet<string> FresherSources()
    {
        lock (_gate)
        {
            if (_fresher is not null) return _fresher;
            var before = ReadFreshness(Path.Combine(stateDir, "sources.json"), "--state");
            var now = ReadFreshness(Path.Combine(targetDir, "sources.json"), "target");
            return _fresher = now.Where(kv => kv.Value is { } current &&
                    (!before.TryGetValue(kv.Key, out var previous) || (previous is not null && current > previous)))
                .Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        }
    }

    IReadOnlyDictionary<string, string> ReadResults()
    {
        var path = Path.Combine(stateDir, "run_results.json");
        if (!File.Exists(path))
            throw new XformException($"'result:' selectors read the previous run's results: --state '{stateDir}' has no run_results.json; " +
                "point --state at the target folder of a run, build, test or seed");
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in Parse(path)["results"] as JsonArray ?? [])
            if (r?["unique_id"]?.GetValue<string>() is { } id && r["status"]?.GetValue<string>() is { } status) results[id] = status;
        return results;
    }

    static IReadOnlyDictionary<string, DateTimeOffset?> ReadFreshness(string path, string which)
    {
        if (!File.Exists(path))
            throw new XformException(which == "--state"
                ? $"'source_status:' compares source freshness with the previous run: --state '{Path.GetDirectoryName(path)}' has no sources.json; " +
                  "keep the target folder of a run of 'xform source freshness' as the state"
                : $"'source_status:' compares this run's source freshness with the previous run's: {path} does not exist; run 'xform source freshness' first");
        var result = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        foreach (var r in Parse(path)["results"] as JsonArray ?? [])
        {
            if (r?["unique_id"]?.GetValue<string>() is not { } id) continue;
            // A check that failed to run (dbt: a runtime error) has no max_loaded_at.
            result[id] = r["max_loaded_at"] is JsonValue v && v.TryGetValue<string>(out var text) &&
                DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        }
        return result;
    }

    static JsonObject Parse(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new XformException($"{path} is not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new XformException($"{path} is not valid JSON: {e.Message}");
        }
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
        var state = State;
        return loaded.MacroIndex.AllCalls(loaded.MacroCallsOf(n), n.PackageName).Any(m =>
            !state.MacroChecksums.TryGetValue(m, out var oldSum) || oldSum != loaded.MacroIndex.Checksum(m));
    }

    /// <summary>
    /// dbt's same_persisted_description: the description counts when <c>persist_docs: {relation: true}</c>, the columns'
    /// when <c>{columns: true}</c> (a change of persist_docs itself is a change of configs).
    /// </summary>
    static bool PersistedDescriptions(Node n, JsonObject old)
    {
        bool Persists(string what) => n.Config.TryGetValue("persist_docs", out var v) && v is IReadOnlyDictionary<string, object?> d &&
            NodeConfig.AsBool(d.GetValueOrDefault(what)) == true;
        if (Persists("relation") && (old["description"]?.GetValue<string>() ?? "") != n.Description) return true;
        if (!Persists("columns")) return false;
        var oldColumns = old["columns"] as JsonObject ?? [];
        return oldColumns.Count != n.Columns.Count ||
            n.Columns.Any(c => oldColumns[c.Name] is not JsonObject oc || (oc["description"]?.GetValue<string>() ?? "") != c.Description);
    }

    /// <summary>xform's own part: any description, column or column type declared in YAML.</summary>
    static bool Properties(Node n, JsonObject old)
    {
        if ((old["description"]?.GetValue<string>() ?? "") != n.Description) return true;
        var oldColumns = old["columns"] as JsonObject ?? [];
        if (oldColumns.Count != n.Columns.Count) return true;
        return n.Columns.Any(c => oldColumns[c.Name] is not JsonObject oc || (oc["description"]?.GetValue<string>() ?? "") != c.Description
            || oc["data_type"]?.GetValue<string>() != c.DataType);
    }
}
