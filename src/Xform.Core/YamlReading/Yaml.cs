using System.Globalization;
using Xform.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Xform.Core.YamlReading;

/// <summary>YAML reading that keeps the position of every node, so errors can name file:line:col.</summary>
public static class Yaml
{
    public static YamlValue? LoadFile(string fullPath, string displayPath) =>
        LoadText(TextFile.Read(fullPath), displayPath);

    public static YamlValue? LoadText(string text, string displayPath) =>
        FastYaml.TryParse(text, out var root) ? root : LoadWithYamlDotNet(text, displayPath);

    /// <summary>Any YAML, and every error message: what <see cref="FastYaml"/> leaves.</summary>
    internal static YamlValue? LoadWithYamlDotNet(string text, string displayPath)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is YamlException ie ? ie : e;
            var message = Clean(inner.Message);
            var (line, column) = ((int)inner.Start.Line, (int)inner.Start.Column);
            // YamlDotNet reports a tab in the indentation at the start of the mapping or scalar it was reading.
            if (message.Contains("tab", StringComparison.Ordinal) && IndentationTab(text, line) is { } tab)
            {
                (line, column) = tab;
                message = "a tab indents this line; YAML indents with spaces only";
            }
            throw new XformException($"invalid YAML: {message}", new SourceLocation(displayPath, line, column));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet gives up this way on some unclosed flow collections ("a: {b: 1" followed by more lines).
            var at = parser.Current?.Start;
            throw new XformException("invalid YAML: a flow collection ('{...}' or '[...]') is not closed where it should be",
                new SourceLocation(displayPath, (int)(at?.Line ?? 1), (int)(at?.Column ?? 1)));
        }
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, new Dictionary<YamlNode, YamlValue>(ReferenceEqualityComparer.Instance));
    }

    /// <summary>The first tab in a line's leading whitespace, from line <paramref name="fromLine"/> on (1-based).</summary>
    static (int Line, int Column)? IndentationTab(string text, int fromLine)
    {
        var lines = text.Split('\n');
        for (var i = Math.Max(0, fromLine - 1); i < lines.Length; i++)
        {
            var line = lines[i];
            for (var j = 0; j < line.Length && line[j] is ' ' or '\t'; j++)
                if (line[j] == '\t') return (i + 1, j + 1);
        }
        return null;
    }

    /// <summary>YamlDotNet's tree as xform's; a node shared through an alias stays one node.</summary>
    static YamlValue Convert(YamlNode node, Dictionary<YamlNode, YamlValue> done)
    {
        if (done.TryGetValue(node, out var converted)) return converted;
        int line = (int)node.Start.Line, column = (int)node.Start.Column;
        converted = node switch
        {
            YamlScalarNode s => new YamlScalar(s.Value, s.Style == ScalarStyle.Plain, line, column),
            YamlSequenceNode seq => new YamlSequence(seq.Children.Select(c => Convert(c, done)).ToList(), line, column),
            YamlMappingNode map => new YamlMapping(map.Children
                .Select(kv => new YamlEntry(Convert(kv.Key, done), Convert(kv.Value, done), !kv.Key.Tag.IsEmpty)).ToList(), line, column),
            _ => throw new InvalidOperationException($"unexpected YAML node {node.GetType().Name}"),
        };
        done.Add(node, converted);
        return converted;
    }

    static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: ...) - (...): "; the location is printed separately.
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message;
    }

    /// <summary>What a node is, for messages: <c>the number 5</c>, <c>the boolean true</c>, <c>a mapping</c>, ...</summary>
    public static string Describe(YamlValue node) => node switch
    {
        YamlSequence => "a list",
        YamlMapping => "a mapping",
        YamlScalar s => Describe(ToValue(s)),
        _ => "a value",
    };

    /// <summary>What a plain value is, for messages (the values <see cref="ToValue"/> makes).</summary>
    public static string Describe(object? value) => value switch
    {
        null => "null",
        bool b => $"the boolean {(b ? "true" : "false")}",
        long or int or double => $"the number {System.Convert.ToString(value, CultureInfo.InvariantCulture)}",
        string s => $"the text '{s}'",
        IReadOnlyDictionary<string, object?> => "a mapping",
        System.Collections.IEnumerable => "a list",
        _ => "a value",
    };

    public static bool IsNull(YamlValue node) =>
        node is YamlScalar { IsPlain: true, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>Converts a node to plain values: string, long, double, bool, null, List, Dictionary.</summary>
    public static object? ToValue(YamlValue node)
    {
        switch (node)
        {
            case YamlScalar s:
                return Scalar(s);
            case YamlSequence seq:
                return seq.Items.Select(ToValue).ToList();
            case YamlMapping map:
                var d = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var e in map.Entries) d[e.Key] = ToValue(e.Value);
                return d;
            default:
                return null;
        }
    }

    static object? Scalar(YamlScalar s)
    {
        var v = s.Value ?? "";
        if (!s.IsPlain) return v;
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
    readonly YamlMapping _node;

    public YamlMap(YamlValue node, string file, string what)
    {
        File = file;
        _node = node as YamlMapping
            ?? throw new XformException($"{what} must be a mapping of keys to values", node.At(file));
    }

    public string File { get; }
    public YamlMapping Node => _node;
    public SourceLocation Location => _node.At(File);

    public IEnumerable<(string Key, YamlValue Value, SourceLocation KeyLocation)> Entries =>
        _node.Entries.Select(e => (e.Key, e.Value, e.KeyNode.At(File)));

    public YamlValue? Get(string key) =>
        _node.Find(key) is { } v && !Yaml.IsNull(v) ? v : null;

    public string? String(string key)
    {
        var v = Get(key);
        if (v is null) return null;
        if (v is not YamlScalar s) throw new XformException($"'{key}' must be a text value", v.At(File));
        return s.Value;
    }

    public string RequiredString(string key, string what)
    {
        var s = String(key);
        if (string.IsNullOrWhiteSpace(s)) throw new XformException($"{what} needs '{key}'", Location);
        return s;
    }

    /// <summary>
    /// A key whose value must be text as YAML types it: a quoted or plain scalar that is not a number, a boolean or
    /// null (dbt's schema rejects <c>profile: 5</c>). Null when absent.
    /// </summary>
    public string? Text(string key)
    {
        var v = Get(key);
        if (v is null) return null;
        return v is YamlScalar s && Yaml.ToValue(s) is string text
            ? text
            : throw new XformException($"'{key}' must be text, not {Yaml.Describe(v)}", v.At(File));
    }

    /// <summary>A key whose value must be a list of text values (dbt's <c>model-paths: [models]</c>); a single value is an error, as in dbt.</summary>
    public IReadOnlyList<string> TextList(string key, IReadOnlyList<string> fallback)
    {
        var v = Get(key);
        if (v is null) return fallback;
        if (v is not YamlSequence seq)
            throw new XformException($"'{key}' must be a list of text values{(fallback.Count > 0 ? $", such as [{string.Join(", ", fallback)}]" : "")}, not {Yaml.Describe(v)}", v.At(File));
        return seq.Items.Select(c => c is YamlScalar cs && Yaml.ToValue(cs) is string text
            ? text
            : throw new XformException($"each entry of '{key}' must be text, not {Yaml.Describe(c)}", c.At(File))).ToList();
    }

    public IReadOnlyList<string> Strings(string key, IReadOnlyList<string> fallback)
    {
        var v = Get(key);
        return v switch
        {
            null => fallback,
            YamlScalar s => [s.Value ?? ""],
            YamlSequence seq => seq.Items.Select(c => c is YamlScalar cs
                ? cs.Value ?? ""
                : throw new XformException($"'{key}' must be a list of text values", c.At(File))).ToList(),
            _ => throw new XformException($"'{key}' must be a list of text values", v.At(File)),
        };
    }

    public IEnumerable<YamlMap> Maps(string key, string what)
    {
        var v = Get(key);
        // most keys asked for are absent (a column's constraints): no iterator for them
        if (v is null) return [];
        if (v is not YamlSequence seq) throw new XformException($"'{key}' must be a list", v.At(File));
        return MapsOf(seq, what);
    }

    // each item checked as it is reached, so an earlier item's own error is reported first, as before
    IEnumerable<YamlMap> MapsOf(YamlSequence seq, string what)
    {
        foreach (var item in seq.Items) yield return new YamlMap(item, File, what);
    }

    /// <summary>Reports keys outside <paramref name="known"/> as errors (with the closest valid key) and
    /// keys in <paramref name="acceptedUnused"/> as warnings.</summary>
    public void CheckKeys(string what, IReadOnlyCollection<string> known, IReadOnlyCollection<string> acceptedUnused,
        ICollection<Warning> warnings)
    {
        // By index, as this runs for every mapping of every properties file.
        for (var i = 0; i < _node.Entries.Count; i++)
        {
            var key = _node.Entries[i].Key;
            if (known.Contains(key)) continue;
            var at = _node.Entries[i].KeyNode.At(File);
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
