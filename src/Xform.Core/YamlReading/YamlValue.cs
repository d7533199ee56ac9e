using Xform.Core.Diagnostics;

namespace Xform.Core.YamlReading;

/// <summary>
/// A node of a YAML document with the position it starts at (1-based line and column). xform's own light tree,
/// made by <see cref="FastYaml"/> or converted from YamlDotNet's, so both readers give the same thing.
/// </summary>
public abstract class YamlValue(int line, int column)
{
    public int Line { get; } = line;
    public int Column { get; } = column;

    public SourceLocation At(string file) => new(file, Line, Column);
}

/// <summary>A scalar as written: its text (null only where YamlDotNet gives none) and whether it was plain
/// (unquoted, not a block scalar), which decides if <c>null</c> or <c>true</c> mean values or text.</summary>
public sealed class YamlScalar(string? value, bool isPlain, int line, int column) : YamlValue(line, column)
{
    public string? Value { get; } = value;
    public bool IsPlain { get; } = isPlain;
}

public sealed class YamlSequence(IReadOnlyList<YamlValue> items, int line, int column) : YamlValue(line, column)
{
    public IReadOnlyList<YamlValue> Items { get; } = items;
}

/// <summary>One key and its value. A key is a scalar in any project file; a tagged key (<c>!!str a</c>) is
/// listed but not found by name, as YamlDotNet's lookups do not find it either.</summary>
public readonly record struct YamlEntry(YamlValue KeyNode, YamlValue Value, bool KeyTagged = false)
{
    /// <summary>The key's text. Like a cast of YamlDotNet's key to a scalar, it fails for a non-scalar key.</summary>
    public string Key => KeyNode is YamlScalar s
        ? s.Value ?? ""
        : throw new InvalidCastException(
            $"Unable to cast object of type 'YamlDotNet.RepresentationModel.{(KeyNode is YamlSequence ? "YamlSequenceNode" : "YamlMappingNode")}' to type 'YamlDotNet.RepresentationModel.YamlScalarNode'.");
}

/// <summary>A mapping, keys in document order (a key appears once).</summary>
public sealed class YamlMapping(IReadOnlyList<YamlEntry> entries, int line, int column) : YamlValue(line, column)
{
    public IReadOnlyList<YamlEntry> Entries { get; } = entries;

    /// <summary>The value of an untagged scalar key, as YamlDotNet's <c>Children[new YamlScalarNode(key)]</c>.</summary>
    public YamlValue? Find(string key)
    {
        // By index: a foreach over the interface would allocate an enumerator per lookup.
        for (var i = 0; i < Entries.Count; i++)
            if (Entries[i] is { KeyTagged: false, KeyNode: YamlScalar { Value: { } k } } e && k == key) return e.Value;
        return null;
    }

    public bool ContainsKey(string key) => Find(key) is not null;
}
