using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Xform.Core.Templating;

/// <summary>Jinja's filters (<c>x | upper</c>): the dispatcher and the filters on strings and numbers.
/// Those on sequences are in JinjaRuntime.Sequences.cs, the serialising ones in JinjaRuntime.Text.cs.</summary>
internal static partial class JinjaRuntime
{
    /// <summary>Jinja2's built-in filters except random and urlize, plus dbt's text-mode ones.</summary>
    public static readonly HashSet<string> Filters = new(StringComparer.Ordinal)
    {
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
        "filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent", "int", "items", "join",
        "last", "length", "list", "lower", "map", "max", "min", "pprint", "reject", "rejectattr", "replace",
        "reverse", "round", "safe", "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title",
        "tojson", "trim", "truncate", "unique", "upper", "urlencode", "wordcount", "wordwrap", "xmlattr",
        "as_bool", "as_native", "as_number", "as_text",
    };

    /// <summary>Filters whose operand may be undefined (a missing name gives Undefined instead of an error).</summary>
    public static bool TakesUndefined(string filter) => filter is "default" or "d" or "items";

    public static object? ApplyFilter(string name, object? v, List<object?> a, Dictionary<string, object?> kw)
    {
        switch (name)
        {
            case "default":
            case "d":
                {
                    var dflt = Arg(a, kw, 0, "default_value", "");
                    var boolean = Py.Truthy(Arg(a, kw, 1, "boolean", false));
                    return v is JUndefined || (boolean && !Py.Truthy(v)) ? dflt : v;
                }
            case "items":
                if (v is JUndefined) return new List<object?>();
                break;
        }
        Check(v);
        switch (name)
        {
            case "upper": return Py.Str(v).ToUpperInvariant();
            case "lower": return Py.Str(v).ToLowerInvariant();
            case "capitalize": return Capitalize(Py.Str(v));
            case "title": return JinjaTitle(Py.Str(v));
            case "trim":
                {
                    var chars = Arg(a, kw, 0, "chars");
                    return chars != null ? Py.Str(v).Trim(Py.Str(chars).ToCharArray()) : Py.Str(v).Trim();
                }
            case "replace":
                return Replace(Py.Str(v), Py.Str(Arg(a, kw, 0, "old")), Py.Str(Arg(a, kw, 1, "new")), IArg(a, kw, 2, "count", -1, name));
            case "center": return Pad(Py.Str(v), (int)IArg(a, kw, 0, "width", 80, name), ' ', "center");
            case "indent": return Indent(Py.Str(v), Arg(a, kw, 0, "width", 4L), Py.Truthy(Arg(a, kw, 1, "first", false)), Py.Truthy(Arg(a, kw, 2, "blank", false)));
            case "truncate":
                return Truncate(Py.Str(v), IArg(a, kw, 0, "length", 255, name), Py.Truthy(Arg(a, kw, 1, "killwords", false)),
                    Py.Str(Arg(a, kw, 2, "end", "...")), IArg(a, kw, 3, "leeway", 5, name));
            case "wordcount": return (long)WordRegex().Count(Py.Str(v));
            case "wordwrap":
                return WordWrap(Py.Str(v), IArg(a, kw, 0, "width", 79, name), Py.Truthy(Arg(a, kw, 1, "break_long_words", true)),
                    Arg(a, kw, 2, "wrapstring") is { } ws ? Py.Str(ws) : "\n", Py.Truthy(Arg(a, kw, 3, "break_on_hyphens", true)));
            case "striptags": return StripTags(Py.Str(v));
            case "escape":
            case "e":
            case "forceescape": return Escape(Py.Str(v));
            case "urlencode": return UrlEncode(v);
            case "xmlattr": return XmlAttr(v, Py.Truthy(Arg(a, kw, 0, "autospace", true)));
            case "format":
                if (a.Count > 0 && kw.Count > 0) throw new JinjaError("can't handle positional and keyword arguments at the same time");
                return PyFormat.Printf(Py.Str(v), kw.Count > 0 ? new JDict(kw) : new JTuple(a));
            case "filesizeformat": return FileSize(v, Py.Truthy(Arg(a, kw, 0, "binary", false)));
            case "tojson": return ToJson(v, Arg(a, kw, 0, "indent"));
            case "pprint": return PPrint(v);
            case "string": return Py.Str(v);
            case "safe": return v is string ? v : Py.Str(v);
            case "as_bool":
            case "as_native":
            case "as_number":
            case "as_text":
                return v;
            case "int": return ToInt(v, Arg(a, kw, 0, "default", 0L), IArg(a, kw, 1, "base", 10, name));
            case "float": return ToFloat(v, Arg(a, kw, 0, "default", 0.0));
            case "abs":
                if (v is bool ab) return ab ? 1L : 0L;
                if (Py.IsInt(v, out var li)) return Math.Abs(li);
                if (v is decimal dm) return Math.Abs(dm);
                if (Py.IsFloat(v, out var df)) return Math.Abs(df);
                throw new JinjaError($"bad operand type for abs(): '{Py.TypeName(v)}'");
            case "round": return Round(v, IArg(a, kw, 0, "precision", 0, name), Arg(a, kw, 1, "method", "common") as string);
        }
        return ApplySequenceFilter(name, v, a, kw);
    }

    /// <summary>The title filter: each word (after '-', blanks and opening brackets) capitalised.</summary>
    private static string JinjaTitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var item in WordBeginningRegex().Split(s))
            if (item.Length > 0) sb.Append(char.ToUpperInvariant(item[0])).Append(item[1..].ToLowerInvariant());
        return sb.ToString();
    }

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordBeginningRegex();

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordRegex();

    private static string Indent(string s, object? width, bool first, bool blank)
    {
        var indention = width is string ws ? ws : new string(' ', Py.IsInt(width, out var w) ? (int)Math.Max(0, w) : throw new JinjaError("indent() width must be an integer or a string"));
        var lines = SplitLines(s + "\n", false);
        string rv;
        if (blank) rv = string.Join("\n" + indention, lines);
        else
        {
            var sb = new StringBuilder((string)lines[0]!);
            for (var i = 1; i < lines.Count; i++)
            {
                sb.Append('\n');
                if (((string)lines[i]!).Length > 0) sb.Append(indention);
                sb.Append((string)lines[i]!);
            }
            rv = sb.ToString();
        }
        return first ? indention + rv : rv;
    }

    private static string Truncate(string s, long length, bool killwords, string end, long leeway)
    {
        if (length < end.Length) throw new JinjaError($"expected length >= {end.Length}, got {length}");
        if (leeway < 0) throw new JinjaError($"expected leeway >= 0, got {leeway}");
        if (s.Length <= length + leeway) return s;
        var cut = s[..(int)(length - end.Length)];
        if (killwords) return cut + end;
        var space = cut.LastIndexOf(' ');
        return (space >= 0 ? cut[..space] : cut) + end;
    }

    private static string FileSize(object? v, bool binary)
    {
        var bytes = ToFloatStrict(v);
        var b = binary ? 1024.0 : 1000.0;
        string[] prefixes = binary ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
        if (bytes == 1) return "1 Byte";
        if (bytes < b) return $"{(long)Math.Truncate(bytes)} Bytes";
        var unit = 0.0;
        for (var i = 0; i < prefixes.Length; i++)
        {
            unit = Math.Pow(b, i + 2);
            if (bytes < unit) return $"{PyFormat.Fixed(b * bytes / unit, 1)} {prefixes[i]}";
        }
        return $"{PyFormat.Fixed(b * bytes / unit, 1)} {prefixes[^1]}";
    }

    private static object? Round(object? v, long precision, string? method)
    {
        if (method is not ("common" or "ceil" or "floor")) throw new JinjaError("method must be common, ceil or floor");
        if (v is decimal m && method == "common") return Math.Round(m, (int)Math.Clamp(precision, 0, 28), MidpointRounding.ToEven);
        if (!Py.IsFloat(v, out var x)) throw new JinjaError($"type {Py.TypeName(v)} doesn't define __round__ method");
        if (method == "common")
        {
            if (Py.IsInt(v, out var iv))
            {
                if (precision >= 0) return iv;
                var p10 = (long)Math.Pow(10, -precision);
                var q = Math.DivRem(iv, p10, out var r);
                if (r < 0) { q--; r += p10; }
                if (r * 2 > p10 || (r * 2 == p10 && q % 2 != 0)) q++;
                return q * p10;
            }
            if (!double.IsFinite(x)) return x;
            if (precision > 300) return x;
            if (precision < -308) return 0.0 * x;
            return precision >= 0
                ? double.Parse((double.IsNegative(x) ? "-" : "") + PyFormat.Fixed(x, (int)precision), CultureInfo.InvariantCulture)
                : Math.Round(x / Math.Pow(10, -precision), MidpointRounding.ToEven) * Math.Pow(10, -precision);
        }
        var scale = Math.Pow(10, precision);
        return (method == "ceil" ? Math.Ceiling(x * scale) : Math.Floor(x * scale)) / scale;
    }

    private static double ToFloatStrict(object? v) =>
        ToFloat(v, JUndefined.Unassigned) is double d ? d : throw new JinjaError($"could not convert {Py.TypeName(v)} to float: {Py.Repr(v)}");

    private static object? ToInt(object? v, object? dflt, long numberBase)
    {
        if (v is bool b) return b ? 1L : 0L;
        if (Py.IsInt(v, out var l)) return l;
        if (v is double d) return double.IsFinite(d) ? (long)Math.Truncate(d) : double.IsNaN(d) ? dflt : throw new JinjaError("cannot convert float infinity to integer");
        if (v is decimal m) return (long)Math.Truncate(m);
        if (v is string s)
        {
            if (ParseInt(s, numberBase) is { } parsed) return parsed;
            if (ToFloat(s, null) is double f) return double.IsFinite(f) ? (long)Math.Truncate(f) : double.IsNaN(f) ? dflt : throw new JinjaError("cannot convert float infinity to integer");
        }
        return dflt;
    }

    /// <summary>Python's <c>int(s, base)</c>: blanks around, a sign, underscores between digits, 0x/0o/0b prefixes for their base (or base 0).</summary>
    private static long? ParseInt(string s, long numberBase)
    {
        var t = s.Trim();
        var neg = false;
        if (t.StartsWith('-') || t.StartsWith('+')) { neg = t[0] == '-'; t = t[1..]; }
        if (t.Length > 1 && t[0] == '0' && char.ToLowerInvariant(t[1]) is 'x' or 'o' or 'b')
        {
            var prefixBase = char.ToLowerInvariant(t[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            if (numberBase != 0 && numberBase != prefixBase) return null;
            numberBase = prefixBase;
            t = t[2..];
            if (t.StartsWith('_')) t = t[1..];
        }
        else if (numberBase == 0)
        {
            numberBase = 10;
            if (t.Length > 1 && t.TrimStart('0', '_').Length == 0) return 0;
            if (t.Length > 1 && t[0] == '0') return null;
        }
        if (t.Length == 0 || t[0] == '_' || t[^1] == '_' || t.Contains("__")) return null;
        if (numberBase is < 2 or > 36) throw new JinjaError("int() base must be >= 2 and <= 36, or 0");
        long r = 0;
        foreach (var c in t)
        {
            if (c == '_') continue;
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
            if (digit >= numberBase) return null;
            r = checked(r * numberBase + digit);
        }
        return neg ? -r : r;
    }

    private static object? ToFloat(object? v, object? dflt)
    {
        if (v is bool b) return b ? 1.0 : 0.0;
        if (Py.IsFloat(v, out var d)) return d;
        if (v is string s)
        {
            var t = s.Trim();
            var body = t.TrimStart('+', '-').ToLowerInvariant();
            if (body is "inf" or "infinity" or "nan")
            {
                var neg = t.StartsWith('-');
                return body == "nan" ? double.NaN : neg ? double.NegativeInfinity : double.PositiveInfinity;
            }
            if (t.Length > 0 && !t.Contains("__") && t[0] != '_' && t[^1] != '_' && !t.Contains("_.") && !t.Contains("._")
                && t.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-' or '_')
                && double.TryParse(t.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var ds)) return ds;
        }
        return dflt;
    }
}
