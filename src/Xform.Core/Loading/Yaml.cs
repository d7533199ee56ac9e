using System.Globalization;
using Xform.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Xform.Core.Loading;

/// <summary>YAML reading that keeps the position of every node, so errors can name file:line:col.</summary>
public static class Yaml
{
    public static YamlNode? LoadFile(string fullPath, string displayPath) =>
        LoadText(TextFile.Read(fullPath), displayPath);

    public static YamlNode? LoadText(string text, string displayPath)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is YamlException ie ? ie : e;
            throw new XformException($"invalid YAML: {Clean(inner.Message)}",
                new SourceLocation(displayPath, (int)inner.Start.Line, (int)inner.Start.Column));
        }
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: ...) - (...): "; the location is printed separately.
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message;
    }

    public static SourceLocation At(this YamlNode node, string file) =>
        new(file, (int)node.Start.Line, (int)node.Start.Column);

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode s && s.Style == ScalarStyle.Plain && s.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>Converts a node to plain values: string, long, double, bool, null, List, Dictionary.</summary>
    public static object? ToValue(YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode s:
                return Scalar(s);
            case YamlSequenceNode seq:
                return seq.Children.Select(ToValue).ToList();
            case YamlMappingNode map:
                var d = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, v) in map.Children) d[((YamlScalarNode)k).Value ?? ""] = ToValue(v);
                return d;
            default:
                return null;
        }
    }

    static object? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style != ScalarStyle.Plain) return v;
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
        }
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (v.Any(char.IsDigit) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return v;
    }
}

/// <summary>A mapping node read key by key, with unknown keys reported against a schema.</summary>
public sealed class YamlMap
{
    readonly YamlMappingNode _node;

    public YamlMap(YamlNode node, string file, string what)
    {
        File = file;
        _node = node as YamlMappingNode
            ?? throw new XformException($"{what} must be a mapping of keys to values", node.At(file));
    }

    public string File { get; }
    public YamlMappingNode Node => _node;
    public SourceLocation Location => _node.At(File);

    public IEnumerable<(string Key, YamlNode Value, SourceLocation KeyLocation)> Entries =>
        _node.Children.Select(kv => (((YamlScalarNode)kv.Key).Value ?? "", kv.Value, kv.Key.At(File)));

    public YamlNode? Get(string key) =>
        _node.Children.TryGetValue(new YamlScalarNode(key), out var v) && !Yaml.IsNull(v) ? v : null;

    public string? String(string key)
    {
        var v = Get(key);
        if (v is null) return null;
        if (v is not YamlScalarNode s) throw new XformException($"'{key}' must be a text value", v.At(File));
        return s.Value;
    }

    public string RequiredString(string key, string what)
    {
        var s = String(key);
        if (string.IsNullOrWhiteSpace(s)) throw new XformException($"{what} needs '{key}'", Location);
        return s;
    }

    public IReadOnlyList<string> Strings(string key, IReadOnlyList<string> fallback)
    {
        var v = Get(key);
        return v switch
        {
            null => fallback,
            YamlScalarNode s => [s.Value ?? ""],
            YamlSequenceNode seq => seq.Children.Select(c => c is YamlScalarNode cs
                ? cs.Value ?? ""
                : throw new XformException($"'{key}' must be a list of text values", c.At(File))).ToList(),
            _ => throw new XformException($"'{key}' must be a list of text values", v.At(File)),
        };
    }

    public IEnumerable<YamlMap> Maps(string key, string what)
    {
        var v = Get(key);
        if (v is null) yield break;
        if (v is not YamlSequenceNode seq) throw new XformException($"'{key}' must be a list", v.At(File));
        foreach (var item in seq.Children) yield return new YamlMap(item, File, what);
    }

    /// <summary>Reports keys outside <paramref name="known"/> as errors (with the closest valid key) and
    /// keys in <paramref name="acceptedUnused"/> as warnings.</summary>
    public void CheckKeys(string what, IReadOnlyCollection<string> known, IReadOnlyCollection<string> acceptedUnused,
        ICollection<Warning> warnings)
    {
        foreach (var (key, _, at) in Entries)
        {
            if (known.Contains(key)) continue;
            if (acceptedUnused.Contains(key))
            {
                warnings.Add(new Warning($"'{key}' in {what} is accepted but not used by xform yet", at));
                continue;
            }
            throw new XformException(
                $"unknown key '{key}' in {what}.{Suggestions.DidYouMean(key, known.Concat(acceptedUnused))}", at);
        }
    }
}
