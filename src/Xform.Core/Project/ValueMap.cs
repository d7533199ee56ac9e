using System.Collections;

namespace Xform.Core.Project;

/// <summary>A read-only view of config values by name: what <see cref="NodeConfig"/> and <see cref="ConfigValues"/> show templates and writers.</summary>
public abstract class ValueMap(IReadOnlyDictionary<string, object?> values) : IReadOnlyDictionary<string, object?>
{
    /// <summary>The values, for the derived type's own reads.</summary>
    protected IReadOnlyDictionary<string, object?> Map => values;

    /// <summary>The values as the dictionary they are (null: another mapping), to walk without boxing its enumerator.</summary>
    internal Dictionary<string, object?>? Entries => values as Dictionary<string, object?>;

    public object? this[string key] => values[key];
    public IEnumerable<string> Keys => values.Keys;
    public IEnumerable<object?> Values => values.Values;
    public int Count => values.Count;
    public bool ContainsKey(string key) => values.ContainsKey(key);
    public bool TryGetValue(string key, out object? value) => values.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
