using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xform.Core.Templating;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Xform.Core.Runtime;

/// <summary>
/// dbt's <c>fromyaml</c> and <c>toyaml</c>: PyYAML's <c>safe_load</c> (YAML 1.1: <c>yes</c>/<c>on</c> are booleans,
/// <c>2024-01-05</c> a date) and <c>safe_dump(sort_keys=False)</c> (block style, PyYAML's quoting and 80-column folding).
/// </summary>
internal static partial class PyYaml
{
    [GeneratedRegex(@"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex Bool();

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex Int();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex Float();

    [GeneratedRegex(@"^(?:~|null|Null|NULL|)$")]
    private static partial Regex Null();

    [GeneratedRegex(@"^(?:(?<Y>[0-9]{4})-(?<m>[0-9]{1,2})-(?<d>[0-9]{1,2})(?:(?:[Tt]|[ \t]+)(?<H>[0-9]{1,2}):(?<M>[0-9]{2}):(?<S>[0-9]{2})(?:\.(?<f>[0-9]*))?(?:[ \t]*(?<z>Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"^(?:<<|=)$")]
    private static partial Regex Special();

    /// <summary>The text resolves, unquoted, to something other than a string (so toyaml must quote it).</summary>
    static bool ResolvesToNonString(string s) =>
        Bool().IsMatch(s) || Int().IsMatch(s) || Float().IsMatch(s) || Null().IsMatch(s) || Special().IsMatch(s) || IsTimestamp(s);

    static bool IsTimestamp(string s)
    {
        var m = Timestamp().Match(s);
        // a date alone must be written with two-digit month and day
        return m.Success && (m.Groups["H"].Success || (m.Groups["m"].Length == 2 && m.Groups["d"].Length == 2));
    }

    // fromyaml ---------------------------------------------------------------------------------------------

    /// <summary><c>fromyaml(value, default=None)</c>; text that is not one YAML document gives the default.</summary>
    public static object? FromYaml(TemplateCall c)
    {
        PyArgs.Check(c, "fromyaml", 2, "value", "default");
        if (c.Get(0, "value") is not string text) return c.Get(1, "default");
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var value = Read(parser, new Dictionary<string, object?>(StringComparer.Ordinal));
            parser.Consume<DocumentEnd>();
            // safe_load takes one document: a second is an error (and so the default)
            return parser.Accept<StreamEnd>(out _) ? value : c.Get(1, "default");
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or FormatException or OverflowException)
        {
            return c.Get(1, "default");
        }
    }

    /// <summary>
    /// One node from YamlDotNet's events, constructed as PyYAML's SafeConstructor does: plain scalars resolved by YAML 1.1's
    /// rules, aliases the same object as their anchor, <c>&lt;&lt;</c> merge keys, a repeated key's last value.
    /// </summary>
    static object? Read(IParser parser, Dictionary<string, object?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
            return anchors.TryGetValue(alias.Value.Value, out var target) ? target : throw new InvalidOperationException($"unknown alias {alias.Value}");
        if (parser.TryConsume<YamlDotNet.Core.Events.Scalar>(out var scalar))
        {
            var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
            var resolve = tag == "" ? scalar.Style == ScalarStyle.Plain
                : tag is "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" or "tag:yaml.org,2002:bool" or "tag:yaml.org,2002:null";
            var value = resolve ? Scalar(scalar.Value) : scalar.Value;
            if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = value;
            return value;
        }
        if (parser.TryConsume<SequenceStart>(out var seq))
        {
            var list = new List<object?>();
            if (!seq.Anchor.IsEmpty) anchors[seq.Anchor.Value] = list;
            while (!parser.TryConsume<SequenceEnd>(out _)) list.Add(Read(parser, anchors));
            return list;
        }
        var start = parser.Consume<MappingStart>();
        var dict = new JDict();
        if (!start.Anchor.IsEmpty) anchors[start.Anchor.Value] = dict;
        var merged = new List<IReadOnlyDictionary<string, object?>>();
        var own = new List<KeyValuePair<string, object?>>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var isMerge = parser.Accept<YamlDotNet.Core.Events.Scalar>(out var k) && k.Value == "<<" && k.Style == ScalarStyle.Plain;
            var key = Read(parser, anchors);
            var value = Read(parser, anchors);
            if (isMerge && (Py.TryDict(value, out _) || value is List<object?>))
            {
                foreach (var m in value is List<object?> many ? many : [value])
                    if (Py.TryDict(m, out var md)) merged.Add(md);
                continue;
            }
            own.Add(new(key as string ?? Py.Str(key), value));
        }
        // PyYAML's flatten_mapping: the merged mappings first (an earlier one wins), then the mapping's own keys
        for (var i = merged.Count - 1; i >= 0; i--)
            foreach (var (mk, mv) in merged[i]) dict[mk] = mv;
        foreach (var (ok, ov) in own) dict[ok] = ov;
        return dict;
    }

    static object? Scalar(string v)
    {
        if (Null().IsMatch(v)) return null;
        if (Bool().IsMatch(v)) return v[0] is 'y' or 'Y' or 't' or 'T' || v is "on" or "On" or "ON";
        if (Int().IsMatch(v)) return ParseInt(v.Replace("_", "", StringComparison.Ordinal));
        if (Float().IsMatch(v)) return ParseFloat(v.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant());
        var m = Timestamp().Match(v);
        if (m.Success && IsTimestamp(v)) return TimestampValue(m) ?? (object)v;
        return v;
    }

    static object ParseInt(string v)
    {
        var sign = 1L;
        if (v[0] is '-' or '+') { if (v[0] == '-') sign = -1; v = v[1..]; }
        if (v == "0") return 0L;
        if (v.StartsWith("0b", StringComparison.Ordinal)) return sign * Convert.ToInt64(v[2..], 2);
        if (v.StartsWith("0x", StringComparison.Ordinal)) return sign * Convert.ToInt64(v[2..], 16);
        if (v[0] == '0') return sign * Convert.ToInt64(v, 8);
        if (v.Contains(':')) return sign * v.Split(':').Aggregate(0L, (acc, part) => acc * 60 + long.Parse(part, CultureInfo.InvariantCulture));
        return long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? sign * l : (object)(sign * double.Parse(v, CultureInfo.InvariantCulture));
    }

    static double ParseFloat(string v)
    {
        var sign = 1.0;
        if (v[0] is '-' or '+') { if (v[0] == '-') sign = -1; v = v[1..]; }
        if (v == ".inf") return sign * double.PositiveInfinity;
        if (v == ".nan") return double.NaN;
        if (v.Contains(':')) return sign * v.Split(':').Aggregate(0.0, (acc, part) => acc * 60 + double.Parse(part, CultureInfo.InvariantCulture));
        return sign * double.Parse(v, CultureInfo.InvariantCulture);
    }

    static object? TimestampValue(Match m)
    {
        int G(string n) => int.Parse(m.Groups[n].Value, CultureInfo.InvariantCulture);
        try
        {
            var date = new DateTime(G("Y"), G("m"), G("d"));
            if (!m.Groups["H"].Success) return new PyDate(date);
            var fraction = m.Groups["f"].Value is { Length: > 0 } f ? int.Parse(f.PadRight(6, '0')[..6], CultureInfo.InvariantCulture) : 0;
            var wall = date.Add(new TimeSpan(G("H"), G("M"), G("S"))).AddTicks(fraction * 10L);
            PyTzInfo? tz = null;
            if (m.Groups["z"].Success)
            {
                var z = m.Groups["z"].Value;
                if (z == "Z") tz = FixedTz.Utc;
                else
                {
                    var parts = z[1..].Split(':');
                    var offset = new TimeSpan(int.Parse(parts[0], CultureInfo.InvariantCulture), parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0, 0);
                    tz = new FixedTz(z[0] == '-' ? -offset : offset);
                }
            }
            return new PyDateTime(wall, tz);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    // toyaml -----------------------------------------------------------------------------------------------

    /// <summary><c>toyaml(value, default=None, sort_keys=False)</c>; a value YAML cannot represent gives the default.</summary>
    public static object? ToYaml(TemplateCall c)
    {
        PyArgs.Check(c, "toyaml", 3, "value", "default", "sort_keys");
        try
        {
            var e = new Emitter(Py.Truthy(c.Get(2, "sort_keys", false)));
            return e.Document(c.Get(0, "value"));
        }
        catch (NotRepresentable)
        {
            return c.Get(1, "default");
        }
    }

    sealed class NotRepresentable : Exception;

    /// <summary>PyYAML's emitter for block style, as far as plain data needs it.</summary>
    sealed class Emitter(bool sortKeys)
    {
        const int Width = 80;
        readonly StringBuilder _out = new();
        int _column;
        bool _whitespace = true, _indention = true, _openEnded;
        int _depth;

        public string Document(object? value)
        {
            Node(value, null, root: true, mapping: false, simpleKey: false);
            WriteIndent(0);
            if (_openEnded)
            {
                WriteIndicator("...", true);
                WriteIndent(0);
            }
            return _out.ToString();
        }

        /// <summary>A node at <paramref name="indent"/> (null at the root), in a mapping value or a sequence item.</summary>
        void Node(object? v, int? indent, bool root, bool mapping, bool simpleKey)
        {
            if (++_depth > 500) throw new NotRepresentable();
            if (Py.TryDict(v, out var dict))
            {
                if (dict.Count == 0) { WriteIndicator("{", true, whitespace: true); WriteIndicator("}", false); }
                else BlockMapping(dict, indent is null ? 0 : indent.Value + 2);
            }
            else if (v is IList list)
            {
                if (list.Count == 0) { WriteIndicator("[", true, whitespace: true); WriteIndicator("]", false); }
                else BlockSequence(list, indent is null ? 0 : mapping && !_indention ? indent.Value : indent.Value + 2);
            }
            else Scalar(v, indent is null ? 2 : indent.Value + 2, root, simpleKey);
            _depth--;
        }

        void BlockMapping(IReadOnlyDictionary<string, object?> dict, int indent)
        {
            var entries = sortKeys ? dict.OrderBy(kv => kv.Key, StringComparer.Ordinal) : dict.AsEnumerable();
            foreach (var (k, value) in entries)
            {
                WriteIndent(indent);
                // PyYAML writes a key that is empty, multi-line or long ('!!str' and the text 128 or more) as '? key'.
                if (k.Length > 0 && k.Length + 5 < 128 && !k.Any(IsBreak))
                {
                    Scalar(k, indent + 2, root: false, simpleKey: true);
                    WriteIndicator(":", false);
                }
                else
                {
                    WriteIndicator("?", true, indention: true);
                    Scalar(k, indent + 2, root: false, simpleKey: false);
                    WriteIndent(indent);
                    WriteIndicator(":", true, indention: true);
                }
                Node(value, indent, root: false, mapping: true, simpleKey: false);
            }
        }

        void BlockSequence(IList list, int indent)
        {
            foreach (var item in list)
            {
                WriteIndent(indent);
                WriteIndicator("-", true, whitespace: false, indention: true);
                Node(item, indent, root: false, mapping: false, simpleKey: false);
            }
        }

        void Scalar(object? v, int indent, bool root, bool simpleKey)
        {
            string text;
            var isString = false;
            switch (v)
            {
                case null: text = "null"; break;
                case bool b: text = b ? "true" : "false"; break;
                case string s: text = s; isString = true; break;
                case double d: text = FloatText(d); break;
                case PyDate date: text = date.ToString(); break;
                case PyDateTime dt: text = dt.IsoFormat(" "); break;
                default:
                    if (Py.IsInt(v, out var l) && v is not decimal) { text = l.ToString(CultureInfo.InvariantCulture); break; }
                    throw new NotRepresentable();
            }
            if (!isString) { WritePlain(text, indent, split: !simpleKey, root); return; }
            var a = Analyze(text);
            if (!ResolvesToNonString(text) && !(simpleKey && (a.Empty || a.Multiline)) && a.BlockPlain)
                WritePlain(text, indent, split: !simpleKey, root);
            else if (a.SingleQuoted && !(simpleKey && a.Multiline)) WriteSingleQuoted(text, indent, split: !simpleKey);
            else WriteDoubleQuoted(text, indent, split: !simpleKey);
        }

        static string FloatText(double d)
        {
            if (double.IsNaN(d)) return ".nan";
            if (double.IsPositiveInfinity(d)) return ".inf";
            if (double.IsNegativeInfinity(d)) return "-.inf";
            var value = Py.FloatRepr(d).ToLowerInvariant();
            var e = value.IndexOf('e');
            return !value.Contains('.') && e >= 0 ? value[..e] + ".0" + value[e..] : value;
        }

        void Write(string data)
        {
            _column += data.Length;
            _out.Append(data);
        }

        void WriteLineBreak()
        {
            _whitespace = true;
            _indention = true;
            _column = 0;
            _out.Append('\n');
        }

        void WriteIndent(int indent)
        {
            if (!_indention || _column > indent || (_column == indent && !_whitespace)) WriteLineBreak();
            if (_column < indent)
            {
                _whitespace = true;
                Write(new string(' ', indent - _column));
            }
        }

        void WriteIndicator(string indicator, bool needWhitespace, bool whitespace = false, bool indention = false)
        {
            Write(_whitespace || !needWhitespace ? indicator : " " + indicator);
            _whitespace = whitespace;
            _indention = _indention && indention;
            _openEnded = false;
        }

        void WritePlain(string text, int indent, bool split, bool root)
        {
            if (root) _openEnded = true;
            if (text.Length == 0) return;
            if (!_whitespace) Write(" ");
            _whitespace = false;
            _indention = false;
            var spaces = false;
            int start = 0, end = 0;
            while (end <= text.Length)
            {
                char? ch = end < text.Length ? text[end] : null;
                if (spaces)
                {
                    if (ch != ' ')
                    {
                        if (start + 1 == end && _column > Width && split)
                        {
                            WriteIndent(indent);
                            _whitespace = false;
                            _indention = false;
                        }
                        else Write(text[start..end]);
                        start = end;
                    }
                }
                else if (ch is null or ' ')
                {
                    Write(text[start..end]);
                    start = end;
                }
                if (ch is not null) spaces = ch == ' ';
                end++;
            }
        }

        void WriteSingleQuoted(string text, int indent, bool split)
        {
            WriteIndicator("'", true);
            bool spaces = false, breaks = false;
            int start = 0, end = 0;
            while (end <= text.Length)
            {
                char? ch = end < text.Length ? text[end] : null;
                if (spaces)
                {
                    if (ch != ' ')
                    {
                        if (start + 1 == end && _column > Width && split && start != 0 && end != text.Length) WriteIndent(indent);
                        else Write(text[start..end]);
                        start = end;
                    }
                }
                else if (breaks)
                {
                    if (ch is null || !IsBreak(ch.Value))
                    {
                        if (text[start] == '\n') WriteLineBreak();
                        foreach (var br in text[start..end])
                        {
                            if (br == '\n') WriteLineBreak();
                            else { _out.Append(br); _whitespace = true; _indention = true; _column = 0; }
                        }
                        WriteIndent(indent);
                        start = end;
                    }
                }
                else if (ch is null || ch == ' ' || IsBreak(ch.Value) || ch == '\'')
                {
                    if (start < end)
                    {
                        Write(text[start..end]);
                        start = end;
                    }
                }
                if (ch == '\'')
                {
                    Write("''");
                    start = end + 1;
                }
                if (ch is not null)
                {
                    spaces = ch == ' ';
                    breaks = IsBreak(ch.Value);
                }
                end++;
            }
            WriteIndicator("'", false);
        }

        static bool IsBreak(char c) => c is '\n' or '\x85' or '\u2028' or '\u2029';

        static readonly Dictionary<int, string> Escapes = new()
        {
            [0] = "0", [7] = "a", [8] = "b", [9] = "t", [10] = "n", [11] = "v", [12] = "f", [13] = "r", [0x1b] = "e",
            ['"'] = "\"", ['\\'] = "\\", [0x85] = "N", [0xa0] = "_", [0x2028] = "L", [0x2029] = "P",
        };

        void WriteDoubleQuoted(string s, int indent, bool split)
        {
            WriteIndicator("\"", true);
            var text = s.EnumerateRunes().Select(r => r.Value).ToArray();
            string Slice(int a, int b) => a >= b ? "" : string.Concat(text[a..b].Select(char.ConvertFromUtf32));
            int start = 0, end = 0;
            while (end <= text.Length)
            {
                int? ch = end < text.Length ? text[end] : null;
                if (ch is null || ch is '"' or '\\' or 0x85 or 0x2028 or 0x2029 or 0xfeff || ch < 0x20 || ch > 0x7e)
                {
                    if (start < end)
                    {
                        Write(Slice(start, end));
                        start = end;
                    }
                    if (ch is { } c)
                    {
                        var data = Escapes.TryGetValue(c, out var e) ? "\\" + e
                            : c <= 0xff ? "\\x" + c.ToString("X2", CultureInfo.InvariantCulture)
                            : c <= 0xffff ? "\\u" + c.ToString("X4", CultureInfo.InvariantCulture)
                            : "\\U" + c.ToString("X8", CultureInfo.InvariantCulture);
                        Write(data);
                        start = end + 1;
                    }
                }
                if (0 < end && end < text.Length - 1 && (ch == ' ' || start >= end) && _column + (end - start) > Width && split)
                {
                    var data = Slice(start, end) + "\\";
                    if (start < end) start = end;
                    Write(data);
                    WriteIndent(indent);
                    _whitespace = false;
                    _indention = false;
                    if (text[start] == ' ') Write("\\");
                }
                end++;
            }
            WriteIndicator("\"", false);
        }

        readonly record struct Analysis(bool Empty, bool Multiline, bool BlockPlain, bool SingleQuoted);

        /// <summary>PyYAML's <c>analyze_scalar</c>, for block context and <c>allow_unicode=False</c>.</summary>
        static Analysis Analyze(string scalar)
        {
            if (scalar.Length == 0) return new Analysis(true, false, true, true);
            bool blockIndicators = false, lineBreaks = false, special = false;
            bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false, breakSpace = false, spaceBreak = false;
            if (scalar.StartsWith("---", StringComparison.Ordinal) || scalar.StartsWith("...", StringComparison.Ordinal)) blockIndicators = true;
            static bool Ws(char c) => c is '\0' or ' ' or '\t' or '\r' or '\n' or '\x85' or '\u2028' or '\u2029';
            var precededByWhitespace = true;
            var followedByWhitespace = scalar.Length == 1 || Ws(scalar[1]);
            bool previousSpace = false, previousBreak = false;
            for (var i = 0; i < scalar.Length; i++)
            {
                var ch = scalar[i];
                if (i == 0)
                {
                    if ("#,[]{}&*!|>'\"%@`".Contains(ch)) blockIndicators = true;
                    if (ch is '?' or ':' && followedByWhitespace) blockIndicators = true;
                    if (ch == '-' && followedByWhitespace) blockIndicators = true;
                }
                else
                {
                    if (ch == ':' && followedByWhitespace) blockIndicators = true;
                    if (ch == '#' && precededByWhitespace) blockIndicators = true;
                }
                if (IsBreak(ch)) lineBreaks = true;
                if (!(ch == '\n' || (ch >= ' ' && ch <= '~'))) special = true;
                if (ch == ' ')
                {
                    if (i == 0) leadingSpace = true;
                    if (i == scalar.Length - 1) trailingSpace = true;
                    if (previousBreak) breakSpace = true;
                    previousSpace = true;
                    previousBreak = false;
                }
                else if (IsBreak(ch))
                {
                    if (i == 0) leadingBreak = true;
                    if (i == scalar.Length - 1) trailingBreak = true;
                    if (previousSpace) spaceBreak = true;
                    previousSpace = false;
                    previousBreak = true;
                }
                else previousSpace = previousBreak = false;
                precededByWhitespace = Ws(ch);
                followedByWhitespace = i + 2 >= scalar.Length || Ws(scalar[i + 2]);
            }
            bool plain = true, single = true;
            if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) plain = false;
            if (breakSpace) plain = single = false;
            if (spaceBreak || special) plain = single = false;
            if (lineBreaks || blockIndicators) plain = false;
            return new Analysis(false, lineBreaks, plain, single);
        }
    }
}
