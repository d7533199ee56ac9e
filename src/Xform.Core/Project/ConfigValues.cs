using System.Collections;
using Xform.Core.Diagnostics;

namespace Xform.Core.Project;

/// <summary>
/// Config values set in one place (a folder level of project.yml, a <c>config:</c> block in YAML, the
/// <c>config()</c> calls of a file), each with where it was written, so a config error points at its line.
/// </summary>
public sealed class ConfigValues : IReadOnlyDictionary<string, object?>
{
    public static readonly ConfigValues Empty = new();

    readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    readonly Dictionary<string, SourceLocation> _at = new(StringComparer.Ordinal);

    /// <summary>Sets a value; the last one set wins, with its location.</summary>
    public void Set(string key, object? value, SourceLocation at)
    {
        _values[key] = value;
        _at[key] = at;
    }

    /// <summary>A copy with <paramref name="over"/>'s values set on top.</summary>
    public ConfigValues With(ConfigValues over)
    {
        var copy = new ConfigValues();
        foreach (var layer in (ReadOnlySpan<ConfigValues>)[this, over])
            foreach (var (key, value) in layer._values) copy.Set(key, value, layer._at[key]);
        return copy;
    }

    /// <summary>A copy with one more value.</summary>
    public ConfigValues With(string key, object? value, SourceLocation at)
    {
        var one = new ConfigValues();
        one.Set(key, value, at);
        return With(one);
    }

    public SourceLocation? LocationOf(string key) => _at.TryGetValue(key, out var at) ? at : null;

    public object? this[string key] => _values[key];
    public IEnumerable<string> Keys => _values.Keys;
    public IEnumerable<object?> Values => _values.Values;
    public int Count => _values.Count;
    public bool ContainsKey(string key) => _values.ContainsKey(key);
    public bool TryGetValue(string key, out object? value) => _values.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
