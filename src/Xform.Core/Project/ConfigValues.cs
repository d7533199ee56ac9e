using Xform.Core.Diagnostics;

namespace Xform.Core.Project;

/// <summary>
/// Config values set in one place (a folder level of project.yml, a <c>config:</c> block in YAML, the
/// <c>config()</c> calls of a file), each with where it was written, so a config error points at its line.
/// </summary>
public sealed class ConfigValues : ValueMap
{
    readonly Dictionary<string, object?> _values;

    public ConfigValues() : this(new Dictionary<string, object?>(StringComparer.Ordinal))
    {
    }

    ConfigValues(Dictionary<string, object?> values) : base(values) => _values = values;

    public static readonly ConfigValues Empty = new();

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
            foreach (var (key, value) in layer) copy.Set(key, value, layer._at[key]);
        return copy;
    }

    /// <summary>A copy with one more value.</summary>
    public ConfigValues With(string key, object? value, SourceLocation at)
    {
        var one = new ConfigValues();
        one.Set(key, value, at);
        return With(one);
    }

    /// <summary>Where each value was written, by key (every key has one).</summary>
    internal IReadOnlyDictionary<string, SourceLocation> Locations => _at;

    public SourceLocation? LocationOf(string key) => _at.TryGetValue(key, out var at) ? at : null;
}
