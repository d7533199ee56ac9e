using System.Collections;
using System.Globalization;

namespace Xform.Core.Project;

/// <summary>A node's effective config: project folders, then YAML properties, then <c>config()</c> in the file.</summary>
public sealed class NodeConfig : IReadOnlyDictionary<string, object?>
{
    public static readonly NodeConfig Empty = new(new Dictionary<string, object?>(StringComparer.Ordinal));

    readonly IReadOnlyDictionary<string, object?> _values;

    public NodeConfig(IReadOnlyDictionary<string, object?> values) => _values = values;

    /// <summary>Layers <paramref name="overrides"/> on top: scalars replace, tags append, meta merges.</summary>
    public NodeConfig With(IEnumerable<KeyValuePair<string, object?>> overrides)
    {
        // Nothing to layer (an empty folder level, no config() call): this config is immutable, so share it.
        if (overrides is IReadOnlyCollection<KeyValuePair<string, object?>> { Count: 0 }) return this;
        var merged = new Dictionary<string, object?>(_values, StringComparer.Ordinal);
        foreach (var (rawKey, value) in overrides)
        {
            var key = rawKey.TrimStart('+').Replace("pre_hook", "pre-hook").Replace("post_hook", "post-hook");
            if (ConfigKeys.IsAdditive(key) && merged.TryGetValue(key, out var existing))
                merged[key] = Combine(existing, value);
            else
                merged[key] = value;
        }
        return new NodeConfig(merged);
    }

    static object? Combine(object? a, object? b)
    {
        if (a is IDictionary<string, object?> da && b is IDictionary<string, object?> db)
        {
            var d = new Dictionary<string, object?>(da, StringComparer.Ordinal);
            foreach (var (k, v) in db) d[k] = v;
            return d;
        }
        var list = ToList(a);
        foreach (var item in ToList(b)) if (!list.Contains(item)) list.Add(item);
        return list;
    }

    static List<object?> ToList(object? v) => v switch
    {
        null => [],
        string s => [s],
        IEnumerable e => e.Cast<object?>().ToList(),
        _ => [v],
    };

    public string? GetString(string key) => _values.TryGetValue(key, out var v) && v is not null
        ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;

    public bool GetBool(string key, bool fallback) => _values.TryGetValue(key, out var v) && v is not null
        ? v is bool b ? b : string.Equals(Convert.ToString(v, CultureInfo.InvariantCulture), "true", StringComparison.OrdinalIgnoreCase)
        : fallback;

    public IReadOnlyList<string> GetStrings(string key) => _values.TryGetValue(key, out var v)
        ? ToList(v).Select(x => Convert.ToString(x, CultureInfo.InvariantCulture) ?? "").ToList()
        : [];

    public string Materialized => GetString("materialized") ?? "view";
    public bool Enabled => GetBool("enabled", true);
    public IReadOnlyList<string> Tags => GetStrings("tags");

    public object? this[string key] => _values[key];
    public IEnumerable<string> Keys => _values.Keys;
    public IEnumerable<object?> Values => _values.Values;
    public int Count => _values.Count;
    public bool ContainsKey(string key) => _values.ContainsKey(key);
    public bool TryGetValue(string key, out object? value) => _values.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
