using System.Collections;
using System.Globalization;
using Xform.Core.Diagnostics;

namespace Xform.Core.Project;

/// <summary>A node's effective config: project folders, then YAML properties, then <c>config()</c> in the file.</summary>
public sealed class NodeConfig : ValueMap
{
    public static readonly NodeConfig Empty = new(new Dictionary<string, object?>(StringComparer.Ordinal));

    readonly Origin? _origin;

    public NodeConfig(IReadOnlyDictionary<string, object?> values) : base(values)
    {
    }

    NodeConfig(IReadOnlyDictionary<string, object?> values, Origin? origin) : this(values) => _origin = origin;

    /// <summary>A config read back from a saved parse: its final values, and where each key's value was set (<see cref="OriginOf"/>).</summary>
    internal static NodeConfig Restored(IReadOnlyDictionary<string, object?> values, ConfigValues origins) =>
        new(values, origins.Count == 0 ? null : new Origin(origins, null, null));

    /// <summary>
    /// Where each layer was written: a key's origin is the top layer that sets it. A chain of small links
    /// instead of a copied dictionary per layer; a link keeps only the locations of a placed layer, not its values.
    /// </summary>
    sealed class Origin
    {
        readonly IReadOnlyDictionary<string, SourceLocation>? _placed;
        readonly IEnumerable<KeyValuePair<string, object?>>? _layer;
        readonly SourceLocation? _at;
        readonly Origin? _below;

        public Origin(IEnumerable<KeyValuePair<string, object?>> layer, SourceLocation? at, Origin? below)
        {
            if (layer is ConfigValues values) _placed = values.Locations;
            else _layer = layer;
            _at = at;
            _below = below;
        }

        public SourceLocation? Of(string key)
        {
            for (var o = this; o is not null; o = o._below)
            {
                if (o._placed is { } placed)
                {
                    if (placed.TryGetValue(key, out var at) || placed.TryGetValue("+" + key, out at)) return at;
                }
                else if (o.Sets(key)) return o._at;
            }
            return null;
        }

        bool Sets(string key)
        {
            if (_layer is IReadOnlyDictionary<string, object?> d) return d.ContainsKey(key) || d.ContainsKey("+" + key);
            foreach (var (k, _) in _layer!) if (k == key || k == "+" + key) return true;
            return false;
        }
    }

    /// <summary>
    /// The file and line where the value of <paramref name="key"/> was set, when known: a folder level of
    /// project.yml, a YAML config block or a config() call.
    /// </summary>
    public SourceLocation? OriginOf(string key) => _origin?.Of(key);

    /// <summary>Layers <paramref name="overrides"/> on top: scalars replace, tags append, meta merges, grants merge per privilege.
    /// <paramref name="at"/> is where they were written, for keys that <see cref="ConfigValues"/> does not place.</summary>
    public NodeConfig With(IEnumerable<KeyValuePair<string, object?>> overrides, SourceLocation? at = null)
    {
        // Nothing to layer (an empty folder level, no config() call): this config is immutable, so share it.
        if (overrides is IReadOnlyCollection<KeyValuePair<string, object?>> { Count: 0 }) return this;
        var merged = new Dictionary<string, object?>(Map, StringComparer.Ordinal);
        // a dictionary (a config() call's, a folder level's) walked with its own enumerator: through the interface it is
        // boxed, once for every layer of every node
        if ((overrides as Dictionary<string, object?> ?? (overrides as ValueMap)?.Entries) is { } map)
            foreach (var (rawKey, value) in map) Layer(merged, rawKey, value);
        else
            foreach (var (rawKey, value) in overrides) Layer(merged, rawKey, value);
        return new NodeConfig(merged, new Origin(overrides, at, _origin));
    }

    static void Layer(Dictionary<string, object?> merged, string rawKey, object? value)
    {
        var key = rawKey.TrimStart('+').Replace("pre_hook", "pre-hook").Replace("post_hook", "post-hook");
        if (key == "grants")
            merged[key] = Grants.Merge(merged.GetValueOrDefault(key), value);
        else if (ConfigKeys.IsAdditive(key) && merged.TryGetValue(key, out var existing))
            merged[key] = Combine(existing, value);
        else
            merged[key] = value;
    }

    static object? Combine(object? a, object? b)
    {
        if (a is IDictionary<string, object?> da && b is IDictionary<string, object?> db && !IsHook(da) && !IsHook(db))
        {
            var d = new Dictionary<string, object?>(da, StringComparer.Ordinal);
            foreach (var (k, v) in db) d[k] = v;
            return d;
        }
        var list = ToList(a);
        foreach (var item in ToList(b)) if (!list.Contains(item)) list.Add(item);
        return list;
    }

    /// <summary>A hook written as <c>{sql: ..., transaction: false}</c>: one entry of the hook list, never merged as meta is.</summary>
    static bool IsHook(IDictionary<string, object?> map) => map.ContainsKey("sql");

    static List<object?> ToList(object? v) => Items(v).ToList();

    /// <summary>A value as a list's items: none for null, itself for a text, a mapping or a scalar, else its elements.</summary>
    static IEnumerable<object?> Items(object? v)
    {
        if (v is null) yield break;
        if (v is string or IReadOnlyDictionary<string, object?> || v is not IEnumerable items)
        {
            yield return v;
            yield break;
        }
        foreach (var item in items) yield return item;
    }

    public string? GetString(string key) => Map.TryGetValue(key, out var v) && v is not null
        ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;

    public bool GetBool(string key, bool fallback) => Map.TryGetValue(key, out var v) && v is not null
        ? AsBool(v) ?? false
        : fallback;

    /// <summary>
    /// A boolean config as dbt reads it: a boolean, or the words YAML 1.1 (dbt's PyYAML) reads as one, in any case:
    /// true/false, yes/no, on/off. Null for anything else.
    /// </summary>
    public static bool? AsBool(object? value) => value switch
    {
        bool b => b,
        string s when s.Equals("true", StringComparison.OrdinalIgnoreCase) || s.Equals("yes", StringComparison.OrdinalIgnoreCase) || s.Equals("on", StringComparison.OrdinalIgnoreCase) => true,
        string s when s.Equals("false", StringComparison.OrdinalIgnoreCase) || s.Equals("no", StringComparison.OrdinalIgnoreCase) || s.Equals("off", StringComparison.OrdinalIgnoreCase) => false,
        _ => null,
    };

    public IReadOnlyList<string> GetStrings(string key) => Map.TryGetValue(key, out var v)
        ? ToList(v).Select(x => Convert.ToString(x, CultureInfo.InvariantCulture) ?? "").ToList()
        : [];

    /// <summary>The node's <c>pre-hook</c> or <c>post-hook</c> entries, in order (project levels first).</summary>
    public IReadOnlyList<HookConfig> Hooks(string key) => Map.TryGetValue(key, out var v) ? HookConfig.Read(v) : [];

    public string Materialized => GetString("materialized") ?? "view";
    public bool Enabled => GetBool("enabled", true);
    IReadOnlyList<string>? _tags;

    /// <summary>The tags, converted once (a selection by tag reads them of every node; so does the manifest).</summary>
    public IReadOnlyList<string> Tags => _tags ??= GetStrings("tags");

    /// <summary>
    /// Whether a tag is <paramref name="match"/>ed, the tags read as <see cref="Tags"/> reads them but without converting the
    /// list (a selection by tag asks every node of a large project once: converting each list cost 20 ms at 51,000 nodes).
    /// </summary>
    public bool AnyTag(Func<string, bool> match)
    {
        if (_tags is { } tags) return tags.Any(match);
        if (!Map.TryGetValue("tags", out var v)) return false;
        foreach (var item in Items(v))
            if (match(Convert.ToString(item, CultureInfo.InvariantCulture) ?? "")) return true;
        return false;
    }
}
