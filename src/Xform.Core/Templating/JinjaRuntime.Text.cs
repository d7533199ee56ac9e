using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Xform.Core.Templating;

/// <summary>The filters that serialise or escape: tojson, pprint, escape, striptags, urlencode, xmlattr.</summary>
internal static partial class JinjaRuntime
{
    // tojson: json.dumps(sort_keys=True) made safe for HTML, as Jinja's htmlsafe_json_dumps ------------------

    private static string ToJson(object? v, object? indent)
    {
        var ind = indent switch
        {
            null => null,
            string s => s,
            _ when Py.IsInt(indent, out var n) => new string(' ', (int)Math.Max(0, n)),
            _ => throw new JinjaError("tojson() indent must be an integer or a string"),
        };
        var sb = new StringBuilder();
        Json(v, sb, ind, 0);
        return sb.Replace("<", "\\u003c").Replace(">", "\\u003e").Replace("&", "\\u0026").Replace("'", "\\u0027").ToString();
    }

    private static void Json(object? v, StringBuilder sb, string? indent, int level)
    {
        switch (v)
        {
            case null: sb.Append("null"); return;
            case bool b: sb.Append(b ? "true" : "false"); return;
            case string s: JsonString(s, sb); return;
            case double or float:
                {
                    var d = Convert.ToDouble(v, CultureInfo.InvariantCulture);
                    sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : Py.FloatRepr(d));
                    return;
                }
            case JUndefined u: throw Undefined(u);
        }
        if (Py.IsInt(v, out var l)) { sb.Append(l.ToString(CultureInfo.InvariantCulture)); return; }
        if (v is not JNamespace && Py.TryDict(v, out var d2))
        {
            var keys = d2.Keys.ToList();
            keys.Sort(StringComparer.Ordinal);
            NestedValues.Walk(v, "while encoding a JSON object", () =>
                JsonItems(keys, sb, indent, level, '{', '}', (k, b) => { JsonString(k, b); b.Append(": "); Json(Py.Norm(d2[k]), b, indent, level + 1); }), Circular);
            return;
        }
        if (v is IList list)
        {
            NestedValues.Walk(v, "while encoding a JSON object", () =>
                JsonItems(list.Cast<object?>().ToList(), sb, indent, level, '[', ']', (x, b) => Json(Py.Norm(x), b, indent, level + 1)), Circular);
            return;
        }
        throw new JinjaError($"Object of type {Py.TypeName(v)} is not JSON serializable");
    }

    private static bool Circular() => throw new JinjaError("Circular reference detected");

    private static bool JsonItems<T>(List<T> items, StringBuilder sb, string? indent, int level, char open, char close, Action<T, StringBuilder> each)
    {
        sb.Append(open);
        if (items.Count == 0) { sb.Append(close); return true; }
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) sb.Append(indent == null ? ", " : ",");
            if (indent != null) sb.Append('\n').Insert(sb.Length, indent, level + 1);
            each(items[i], sb);
        }
        if (indent != null) sb.Append('\n').Insert(sb.Length, indent, level);
        sb.Append(close);
        return true;
    }

    /// <summary>A string as Python's json.dumps writes it (ASCII only): tojson here, fromjson/tojson in dbt's context.</summary>
    internal static void JsonString(string s, StringBuilder sb)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    // pprint: Python's pformat (width 80, dict keys sorted) ---------------------------------------------------

    private const int PPrintWidth = 80;

    private static string PPrint(object? v)
    {
        var sb = new StringBuilder();
        PFormat(v, sb, 0, 0, 1);
        return sb.ToString();
    }

    /// <summary>repr() with dict keys sorted, as pprint's _safe_repr.</summary>
    private static string SortedRepr(object? v)
    {
        if (v is string || v is JNamespace || !(Py.TryDict(v, out _) || v is IList)) return Py.Repr(v);
        return NestedValues.Walk(v!, "while getting the repr of an object", () => SortedItemsRepr(v),
            () => v is JTuple ? "(...)" : Py.TryDict(v, out _) ? "{...}" : "[...]");
    }

    private static string SortedItemsRepr(object? v)
    {
        if (Py.TryDict(v, out var d))
            return "{" + string.Join(", ", d.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => Py.Repr(k) + ": " + SortedRepr(Py.Norm(d[k])))) + "}";
        var items = ((IList)v!).Cast<object?>().Select(x => SortedRepr(Py.Norm(x))).ToList();
        return v switch
        {
            JTuple => items.Count == 1 ? "(" + items[0] + ",)" : "(" + string.Join(", ", items) + ")",
            JDictView dv => dv.Kind + "([" + string.Join(", ", items) + "])",
            JRange => Py.Str(v),
            _ => "[" + string.Join(", ", items) + "]",
        };
    }

    private static void PFormat(object? v, StringBuilder sb, int indent, int allowance, int level)
    {
        var rep = SortedRepr(v);
        if (rep.Length <= PPrintWidth - indent - allowance) { sb.Append(rep); return; }
        if (v is string s && s.Length > 0) { PString(s, sb, indent, allowance, level); return; }
        // a container that contains itself is printed once, then as its one-line repr
        NestedValues.Walk(v!, "while getting the repr of an object", () => PFormatItems(v, rep, sb, indent, allowance, level), () => sb.Append(rep));
    }

    private static StringBuilder PFormatItems(object? v, string rep, StringBuilder sb, int indent, int allowance, int level)
    {
        if (v is not JNamespace && Py.TryDict(v, out var d))
        {
            sb.Append('{');
            var keys = d.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            var inner = indent + 1;
            for (var i = 0; i < keys.Count; i++)
            {
                var last = i == keys.Count - 1;
                var kr = Py.Repr(keys[i]);
                sb.Append(kr).Append(": ");
                PFormat(Py.Norm(d[keys[i]]), sb, inner + kr.Length + 2, last ? allowance + 1 : 1, level + 1);
                if (!last) sb.Append(",\n").Append(' ', inner);
            }
            return sb.Append('}');
        }
        if (v is IList l and (JTuple or List<object?>) && v is not (JDictView or JRange))
        {
            var tuple = v is JTuple;
            var end = tuple ? (l.Count == 1 ? ",)" : ")") : "]";
            sb.Append(tuple ? '(' : '[');
            var inner = indent + 1;
            for (var i = 0; i < l.Count; i++)
            {
                var last = i == l.Count - 1;
                if (i > 0) sb.Append(",\n").Append(' ', inner);
                PFormat(Py.Norm(l[i]), sb, inner, last ? allowance + end.Length : 1, level + 1);
            }
            return sb.Append(end);
        }
        return sb.Append(rep);
    }

    /// <summary>pprint's long strings: split after blanks into several literals, one a line.</summary>
    private static void PString(string s, StringBuilder sb, int indent, int allowance, int level)
    {
        var chunks = new List<string>();
        var lines = SplitLines(s, true).Cast<string>().ToList();
        if (level == 1) { indent++; allowance++; }
        var maxWidth1 = PPrintWidth - indent;
        var maxWidth = maxWidth1;
        string rep = "";
        for (var i = 0; i < lines.Count; i++)
        {
            rep = Py.Repr(lines[i]);
            if (i == lines.Count - 1) maxWidth1 -= allowance;
            if (rep.Length <= maxWidth1) { chunks.Add(rep); continue; }
            var parts = Regex.Matches(lines[i], @"\S*\s*").Select(m => m.Value).Where(p => p.Length > 0).ToList();
            var maxWidth2 = maxWidth;
            var current = "";
            for (var j = 0; j < parts.Count; j++)
            {
                var candidate = current + parts[j];
                if (j == parts.Count - 1 && i == lines.Count - 1) maxWidth2 -= allowance;
                if (Py.Repr(candidate).Length > maxWidth2)
                {
                    if (current.Length > 0) chunks.Add(Py.Repr(current));
                    current = parts[j];
                }
                else current = candidate;
            }
            if (current.Length > 0) chunks.Add(Py.Repr(current));
        }
        if (chunks.Count == 1) { sb.Append(rep); return; }
        if (level == 1) sb.Append('(');
        for (var i = 0; i < chunks.Count; i++)
        {
            if (i > 0) sb.Append('\n').Append(' ', indent);
            sb.Append(chunks[i]);
        }
        if (level == 1) sb.Append(')');
    }

    // HTML and URLs ---------------------------------------------------------------------------------------

    /// <summary>markupsafe's escape: &amp; &lt; &gt; ' and " as entities.</summary>
    private static string Escape(string s)
    {
        if (s.AsSpan().IndexOfAny("&<>'\"") < 0) return s;
        return s.Replace("&", "&amp;").Replace(">", "&gt;").Replace("<", "&lt;").Replace("'", "&#39;").Replace("\"", "&#34;");
    }

    /// <summary>markupsafe's striptags: comments and tags removed, blanks collapsed, entities decoded.</summary>
    private static string StripTags(string value)
    {
        int start, end;
        while ((start = value.IndexOf("<!--", StringComparison.Ordinal)) >= 0 && (end = value.IndexOf("-->", start, StringComparison.Ordinal)) >= 0)
            value = value[..start] + value[(end + 3)..];
        while ((start = value.IndexOf('<')) >= 0 && (end = value.IndexOf('>', start)) >= 0)
            value = value[..start] + value[(end + 1)..];
        value = string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return WebUtility.HtmlDecode(value);
    }

    private static string UrlEncode(object? v)
    {
        if (v is string || v is not IEnumerable) return UrlQuote(v, false);
        var items = Py.TryDict(v, out var d) ? d.Select(kv => (object?)new JTuple { kv.Key, kv.Value }).ToList() : Py.Iterate(v);
        return string.Join("&", items.Select(p =>
        {
            var pair = p as IList ?? throw new JinjaError("urlencode() expects (key, value) pairs");
            return UrlQuote(pair[0], true) + "=" + UrlQuote(pair[1], true);
        }));
    }

    /// <summary>Jinja's url_quote: UTF-8, letters, digits and _.-~ kept, '/' kept except in query strings, where a blank is '+'.</summary>
    private static string UrlQuote(object? v, bool forQuery)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(Py.Str(v)))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'.' or (byte)'-' or (byte)'~' || (b == '/' && !forQuery)) sb.Append((char)b);
            else if (b == ' ' && forQuery) sb.Append('+');
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string XmlAttr(object? v, bool autospace)
    {
        if (!Py.TryDict(v, out var d)) throw new JinjaError($"xmlattr() expects a dict, not '{Py.TypeName(v)}'");
        var items = new List<string>();
        foreach (var (key, value) in d)
        {
            if (value is null or JUndefined) continue;
            if (key.Any(c => c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v' or '/' or '>' or '='))
                throw new JinjaError($"Invalid character in attribute name: {Py.Repr(key)}");
            items.Add($"{Escape(key)}=\"{Escape(Py.Str(value))}\"");
        }
        var rv = string.Join(' ', items);
        return autospace && rv.Length > 0 ? " " + rv : rv;
    }

    // wordwrap: Python's textwrap.wrap on each line, as Jinja calls it -----------------------------------------

    [GeneratedRegex(@"( [\t\n\x0b\x0c\r ]+
        | (?<=[\w!""'&.,?]) -{2,} (?=\w)
        | [^\t\n\x0b\x0c\r ]+? (?: -(?: (?<=[^\d\W]{2}-) | (?<=[^\d\W]-[^\d\W]-)) (?= [^\d\W] -? [^\d\W])
                                  | (?=[\t\n\x0b\x0c\r ]|\z)
                                  | (?<=[\w!""'&.,?]) (?=-{2,}\w) ))", RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex WordSeparatorRegex();

    [GeneratedRegex(@"([\t\n\x0b\x0c\r ]+)")]
    private static partial Regex WhitespaceSeparatorRegex();

    private static string WordWrap(string s, long width, bool breakLongWords, string wrapString, bool breakOnHyphens)
    {
        if (width <= 0) throw new JinjaError($"invalid width {width} (must be > 0)");
        return string.Join(wrapString, SplitLines(s, false).Select(line =>
            string.Join(wrapString, Wrap((string)line!, (int)width, breakLongWords, breakOnHyphens))));
    }

    private static List<string> Wrap(string text, int width, bool breakLongWords, bool breakOnHyphens)
    {
        var chunks = (breakOnHyphens ? WordSeparatorRegex() : WhitespaceSeparatorRegex()).Split(text).Where(c => c.Length > 0).Reverse().ToList();
        static bool Blank(string c) => c.Trim().Length == 0;
        var lines = new List<string>();
        while (chunks.Count > 0)
        {
            var line = new List<string>();
            var len = 0;
            if (Blank(chunks[^1]) && lines.Count > 0) chunks.RemoveAt(chunks.Count - 1);
            while (chunks.Count > 0 && len + chunks[^1].Length <= width)
            {
                line.Add(chunks[^1]);
                len += chunks[^1].Length;
                chunks.RemoveAt(chunks.Count - 1);
            }
            if (chunks.Count > 0 && chunks[^1].Length > width)
            {
                var spaceLeft = Math.Max(1, width - len);
                if (breakLongWords)
                {
                    var chunk = chunks[^1];
                    var end = spaceLeft;
                    if (breakOnHyphens && chunk.Length > spaceLeft)
                    {
                        var hyphen = chunk.LastIndexOf('-', spaceLeft - 1);
                        if (hyphen > 0 && chunk[..hyphen].Any(c => c != '-')) end = hyphen + 1;
                    }
                    line.Add(chunk[..end]);
                    chunks[^1] = chunk[end..];
                }
                else if (line.Count == 0)
                {
                    line.Add(chunks[^1]);
                    chunks.RemoveAt(chunks.Count - 1);
                }
            }
            if (line.Count > 0 && Blank(line[^1])) line.RemoveAt(line.Count - 1);
            if (line.Count > 0) lines.Add(string.Concat(line));
        }
        return lines;
    }
}
