using System.Collections;
using System.Globalization;
using System.Text;

namespace Xform.Core.Templating;

/// <summary>The Python methods of strings, lists, tuples and dicts (<c>s.split(',')</c>, <c>{% do xs.append(x) %}</c>).</summary>
internal static partial class JinjaRuntime
{
    private static readonly HashSet<string> DictMethods = new(StringComparer.Ordinal)
        { "get", "items", "keys", "values", "update", "pop", "popitem", "setdefault", "copy", "clear" };
    private static readonly HashSet<string> ListMethods = new(StringComparer.Ordinal)
        { "append", "extend", "insert", "pop", "remove", "index", "count", "reverse", "sort", "copy", "clear" };
    private static readonly HashSet<string> TupleMethods = new(StringComparer.Ordinal) { "index", "count" };
    private static readonly HashSet<string> StrMethods = new(StringComparer.Ordinal)
    {
        "upper", "lower", "casefold", "swapcase", "title", "capitalize", "strip", "lstrip", "rstrip", "split", "rsplit",
        "splitlines", "partition", "rpartition", "replace", "startswith", "endswith", "join", "find", "rfind", "index",
        "rindex", "count", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "istitle", "isnumeric",
        "isdecimal", "isidentifier", "isascii", "zfill", "ljust", "rjust", "center", "format", "format_map",
        "removeprefix", "removesuffix", "expandtabs",
    };

    private static object? Arg(List<object?> args, Dictionary<string, object?> kw, int i, string name, object? dflt = null) =>
        kw.TryGetValue(name, out var v) ? v : i >= 0 && i < args.Count ? args[i] : dflt;

    private static string SArg(List<object?> args, Dictionary<string, object?> kw, int i, string name, string method)
    {
        var v = Arg(args, kw, i, name, JUndefined.Unassigned);
        if (v is string s) return s;
        if (ReferenceEquals(v, JUndefined.Unassigned)) throw new JinjaError($"{method}() is missing argument '{name}'");
        throw new JinjaError($"{method}() expects a string for '{name}', not '{Py.TypeName(v)}'");
    }

    /// <summary>An optional integer argument (None counts as absent).</summary>
    private static long IArg(List<object?> args, Dictionary<string, object?> kw, int i, string name, long dflt, string method)
    {
        var v = Arg(args, kw, i, name);
        if (v == null) return dflt;
        return Py.IsInt(v, out var l) ? l : throw new JinjaError($"{method}() expects an integer for '{name}', not '{Py.TypeName(v)}'");
    }

    public static bool HasMethod(object target, string name) => target switch
    {
        string => StrMethods.Contains(name),
        JTuple or JRange => TupleMethods.Contains(name),
        JDictView => false,
        IList => ListMethods.Contains(name),
        _ => Py.TryDict(target, out _) && DictMethods.Contains(name),
    };

    public static object? CallMethod(object? target, string name, List<object?> args, Dictionary<string, object?> kw)
    {
        switch (target)
        {
            case string s when StrMethods.Contains(name): return StringMethod(s, name, args, kw);
            case JTuple or JRange when TupleMethods.Contains(name): return ListMethod((IList)target, name, args, kw);
            case IList l when target is not (JTuple or JRange or JDictView) && ListMethods.Contains(name): return ListMethod(l, name, args, kw);
            case JCycler c when name == "next": return c.Next();
            case JCycler c when name == "reset": c.Reset(); return null;
        }
        if (target is IDictionary<string, object?> md && target is not JNamespace && DictMethods.Contains(name)) return DictMethod(md, name, args, kw);
        if (Py.TryDict(target, out var rd) && DictMethods.Contains(name) && name is "get" or "items" or "keys" or "values" or "copy")
            return DictMethod(new JDict(rd), name, args, kw);
        throw new JinjaError(Describe(target, name));
    }

    /// <summary>Python's start/end arguments of find, count, startswith...: clamped, negatives from the end.</summary>
    private static (int Start, int End) Bounds(string s, List<object?> a, Dictionary<string, object?> kw, int i, string method)
    {
        long Clamp(long v) => v < 0 ? Math.Max(0, v + s.Length) : Math.Min(v, s.Length);
        var start = Clamp(IArg(a, kw, i, "start", 0, method));
        var end = Clamp(IArg(a, kw, i + 1, "end", s.Length, method));
        return ((int)start, (int)end);
    }

    private static object? StringMethod(string s, string name, List<object?> a, Dictionary<string, object?> kw)
    {
        string? Chars(int i) => Arg(a, kw, i, "chars") is { } c ? c as string ?? throw new JinjaError($"{name} arg must be None or str") : null;
        switch (name)
        {
            case "upper": return s.ToUpperInvariant();
            case "lower": return s.ToLowerInvariant();
            case "casefold": return s.ToLowerInvariant().Replace("ß", "ss", StringComparison.Ordinal);
            case "swapcase": return string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
            case "title": return PyTitle(s);
            case "capitalize": return Capitalize(s);
            case "strip": return Chars(0) is { } c0 ? s.Trim(c0.ToCharArray()) : s.Trim();
            case "lstrip": return Chars(0) is { } c1 ? s.TrimStart(c1.ToCharArray()) : s.TrimStart();
            case "rstrip": return Chars(0) is { } c2 ? s.TrimEnd(c2.ToCharArray()) : s.TrimEnd();
            case "split":
            case "rsplit":
                {
                    var sepArg = Arg(a, kw, 0, "sep");
                    if (sepArg is not (null or string)) throw new JinjaError($"must be str or None, not {Py.TypeName(sepArg)}");
                    return Split(s, (string?)sepArg, IArg(a, kw, 1, "maxsplit", -1, name), name == "rsplit");
                }
            case "splitlines": return SplitLines(s, Py.Truthy(Arg(a, kw, 0, "keepends", false)));
            case "partition":
            case "rpartition":
                {
                    var sep = SArg(a, kw, 0, "sep", name);
                    if (sep.Length == 0) throw new JinjaError("empty separator");
                    var i = name == "partition" ? s.IndexOf(sep, StringComparison.Ordinal) : s.LastIndexOf(sep, StringComparison.Ordinal);
                    if (i < 0) return name == "partition" ? new JTuple { s, "", "" } : new JTuple { "", "", s };
                    return new JTuple { s[..i], sep, s[(i + sep.Length)..] };
                }
            case "replace":
                return Replace(s, SArg(a, kw, 0, "old", "replace"), SArg(a, kw, 1, "new", "replace"), IArg(a, kw, 2, "count", -1, "replace"));
            case "startswith":
            case "endswith":
                {
                    var p = Arg(a, kw, 0, name == "startswith" ? "prefix" : "suffix");
                    var options = p is JTuple t ? t.Select(x => x as string ?? throw new JinjaError($"tuple for {name} must only contain str")).ToList()
                        : p is string ps ? [ps] : throw new JinjaError($"{name} first arg must be str or a tuple of str, not {Py.TypeName(p)}");
                    var (start, end) = Bounds(s, a, kw, 1, name);
                    if (start > end) return false;
                    var part = s[start..end];
                    return name == "startswith"
                        ? options.Any(o => part.StartsWith(o, StringComparison.Ordinal))
                        : options.Any(o => part.EndsWith(o, StringComparison.Ordinal));
                }
            case "join":
                {
                    var items = Py.Iterate(Arg(a, kw, 0, "iterable"));
                    for (var i = 0; i < items.Count; i++)
                        if (items[i] is not string) throw new JinjaError($"sequence item {i}: expected str instance, {Py.TypeName(items[i])} found");
                    return string.Join(s, items);
                }
            case "find":
            case "rfind":
            case "index":
            case "rindex":
            case "count":
                {
                    var sub = SArg(a, kw, 0, "sub", name);
                    var (start, end) = Bounds(s, a, kw, 1, name);
                    if (name == "count") return start > end ? 0L : Count(s[start..end], sub);
                    var found = -1;
                    if (start <= end)
                    {
                        var part = s[start..end];
                        var idx = sub.Length == 0 ? (name is "find" or "index" ? 0 : part.Length)
                            : name is "find" or "index" ? part.IndexOf(sub, StringComparison.Ordinal) : part.LastIndexOf(sub, StringComparison.Ordinal);
                        if (idx >= 0) found = start + idx;
                    }
                    if (found < 0 && name is "index" or "rindex") throw new JinjaError("substring not found");
                    return (long)found;
                }
            case "isdigit": return s.Length > 0 && s.All(char.IsDigit);
            case "isdecimal": return s.Length > 0 && s.All(char.IsDigit);
            case "isnumeric": return s.Length > 0 && s.All(char.IsNumber);
            case "isalpha": return s.Length > 0 && s.All(char.IsLetter);
            case "isalnum": return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case "isspace": return s.Length > 0 && s.All(char.IsWhiteSpace);
            case "isascii": return s.All(char.IsAscii);
            case "isidentifier": return s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_');
            case "isupper": return IsUpper(s);
            case "islower": return IsLower(s);
            case "istitle": return IsTitle(s);
            case "zfill":
                {
                    var w = (int)IArg(a, kw, 0, "width", 0, name);
                    if (s.Length >= w) return s;
                    var sign = s.Length > 0 && (s[0] == '-' || s[0] == '+') ? s[..1] : "";
                    return sign + new string('0', w - s.Length) + s[sign.Length..];
                }
            case "ljust":
            case "rjust":
            case "center":
                {
                    var w = (int)IArg(a, kw, 0, "width", 0, name);
                    var fill = Arg(a, kw, 1, "fillchar", " ") as string;
                    if (fill is not { Length: 1 }) throw new JinjaError("The fill character must be exactly one character long");
                    return Pad(s, w, fill[0], name);
                }
            case "format": return PyFormat.StrFormat(s, a, kw);
            case "format_map":
                {
                    if (!Py.TryDict(Arg(a, kw, 0, "mapping"), out var map)) throw new JinjaError("format_map() expects a mapping");
                    return PyFormat.StrFormat(s, [], new Dictionary<string, object?>(map, StringComparer.Ordinal));
                }
            case "removeprefix":
                {
                    var p = SArg(a, kw, 0, "prefix", name);
                    return s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s;
                }
            case "removesuffix":
                {
                    var p = SArg(a, kw, 0, "suffix", name);
                    return p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s;
                }
            case "expandtabs": return ExpandTabs(s, (int)IArg(a, kw, 0, "tabsize", 8, name));
        }
        throw new JinjaError(Describe(s, name));
    }

    private static long Count(string s, string sub)
    {
        if (sub.Length == 0) return s.Length + 1;
        long n = 0;
        for (var i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>ljust, rjust and center as Python pads (center puts the odd space where CPython does).</summary>
    internal static string Pad(string s, int width, char fill, string how)
    {
        var marg = width - s.Length;
        if (marg <= 0) return s;
        var left = how switch
        {
            "ljust" => 0,
            "rjust" => marg,
            _ => marg / 2 + (marg & width & 1),
        };
        return new string(fill, left) + s + new string(fill, marg - left);
    }

    private static string ExpandTabs(string s, int tabsize)
    {
        var sb = new StringBuilder();
        var col = 0;
        foreach (var c in s)
        {
            if (c == '\t')
            {
                if (tabsize > 0) { var n = tabsize - col % tabsize; sb.Append(' ', n); col += n; }
            }
            else
            {
                sb.Append(c);
                col = c is '\n' or '\r' ? 0 : col + 1;
            }
        }
        return sb.ToString();
    }

    private static bool IsCased(char c) => char.IsUpper(c) || char.IsLower(c) || char.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;

    private static bool IsUpper(string s) => s.Any(c => char.IsUpper(c) || char.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter) && !s.Any(char.IsLower);

    private static bool IsLower(string s) => s.Any(char.IsLower) && !s.Any(c => char.IsUpper(c) || char.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter);

    private static bool IsTitle(string s)
    {
        bool cased = false, previousCased = false;
        foreach (var c in s)
        {
            if (char.IsUpper(c) || char.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter)
            {
                if (previousCased) return false;
                previousCased = cased = true;
            }
            else if (char.IsLower(c))
            {
                if (!previousCased) return false;
                previousCased = cased = true;
            }
            else previousCased = false;
        }
        return cased;
    }

    /// <summary>Python's <c>str.splitlines</c>: every Unicode line boundary, \r\n as one.</summary>
    internal static List<object?> SplitLines(string s, bool keepEnds)
    {
        var r = new List<object?>();
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is not ('\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')) continue;
            var eol = c == '\r' && i + 1 < s.Length && s[i + 1] == '\n' ? i + 2 : i + 1;
            r.Add(s[start..(keepEnds ? eol : i)]);
            start = eol;
            i = eol - 1;
        }
        if (start < s.Length) r.Add(s[start..]);
        return r;
    }

    public static List<object?> Split(string s, string? sep, long max, bool fromRight)
    {
        var r = new List<object?>();
        if (sep == null)
        {
            var parts = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (max < 0 || parts.Length <= max + 1) return parts.Select(p => (object?)p).ToList();
            if (!fromRight)
            {
                var rest = s.TrimStart();
                for (var i = 0; i < max; i++)
                {
                    var j = 0;
                    while (j < rest.Length && !char.IsWhiteSpace(rest[j])) j++;
                    r.Add(rest[..j]);
                    rest = rest[j..].TrimStart();
                }
                r.Add(rest);
                return r;
            }
            var head = s.TrimEnd();
            var tail = new List<object?>();
            for (var i = 0; i < max; i++)
            {
                var j = head.Length;
                while (j > 0 && !char.IsWhiteSpace(head[j - 1])) j--;
                tail.Insert(0, head[j..]);
                head = head[..j].TrimEnd();
            }
            tail.Insert(0, head);
            return tail;
        }
        if (sep.Length == 0) throw new JinjaError("empty separator");
        var all = s.Split(sep);
        if (max < 0 || all.Length <= max + 1) return all.Select(p => (object?)p).ToList();
        if (!fromRight)
        {
            r.AddRange(all.Take((int)max));
            r.Add(string.Join(sep, all.Skip((int)max)));
            return r;
        }
        r.Add(string.Join(sep, all.Take(all.Length - (int)max)));
        r.AddRange(all.Skip(all.Length - (int)max));
        return r;
    }

    private static string Replace(string s, string old, string nw, long count)
    {
        if (count < 0) return old.Length == 0 ? InsertEverywhere(s, nw) : s.Replace(old, nw, StringComparison.Ordinal);
        var sb = new StringBuilder();
        var pos = 0;
        for (var n = 0; n < count; n++)
        {
            if (old.Length == 0)
            {
                sb.Append(nw);
                if (pos < s.Length) sb.Append(s[pos++]);
                else break;
                continue;
            }
            var i = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (i < 0) break;
            sb.Append(s, pos, i - pos).Append(nw);
            pos = i + old.Length;
        }
        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    private static string InsertEverywhere(string s, string nw)
    {
        var sb = new StringBuilder(nw);
        foreach (var c in s) sb.Append(c).Append(nw);
        return sb.ToString();
    }

    /// <summary>Python's <c>str.capitalize</c> (also the <c>capitalize</c> filter): first character title case, the rest lower.</summary>
    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Python's <c>str.title</c>: a cased character after an uncased one goes upper, the others lower.</summary>
    private static string PyTitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            sb.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = IsCased(c);
        }
        return sb.ToString();
    }

    private static object? ListMethod(IList l, string name, List<object?> a, Dictionary<string, object?> kw)
    {
        if ((l.IsReadOnly || l.IsFixedSize) && name is not ("index" or "count" or "copy"))
            throw new JinjaError($"this list is read-only: it cannot {name}()");
        switch (name)
        {
            case "append": l.Add(Py.Norm(Arg(a, kw, 0, "object"))); return null;
            case "extend": foreach (var o in Py.Iterate(Arg(a, kw, 0, "iterable"))) l.Add(o); return null;
            case "insert":
                {
                    var i = IArg(a, kw, 0, "index", 0, name);
                    if (i < 0) i = Math.Max(0, l.Count + i);
                    l.Insert((int)Math.Min(i, l.Count), Py.Norm(Arg(a, kw, 1, "object")));
                    return null;
                }
            case "pop":
                {
                    if (l.Count == 0) throw new JinjaError("pop from empty list");
                    var i = IArg(a, kw, 0, "index", -1, name);
                    if (i < 0) i += l.Count;
                    if (i < 0 || i >= l.Count) throw new JinjaError("pop index out of range");
                    var v = l[(int)i];
                    l.RemoveAt((int)i);
                    return Py.Norm(v);
                }
            case "remove":
                {
                    var x = Arg(a, kw, 0, "value");
                    for (var i = 0; i < l.Count; i++)
                        if (Py.Eq(l[i], x)) { l.RemoveAt(i); return null; }
                    throw new JinjaError("list.remove(x): x not in list");
                }
            case "index":
                {
                    var x = Arg(a, kw, 0, "value");
                    long Clamp(long v) => v < 0 ? Math.Max(0, v + l.Count) : Math.Min(v, l.Count);
                    var start = Clamp(IArg(a, kw, 1, "start", 0, name));
                    var end = Clamp(IArg(a, kw, 2, "stop", l.Count, name));
                    for (var i = start; i < end; i++) if (Py.Eq(l[(int)i], x)) return i;
                    throw new JinjaError(l is JTuple ? "tuple.index(x): x not in tuple" : $"{Py.Repr(x)} is not in list");
                }
            case "count": return (long)l.Cast<object?>().Count(o => Py.Eq(o, Arg(a, kw, 0, "value")));
            case "reverse":
                {
                    var items = l.Cast<object?>().Reverse().ToList();
                    for (var i = 0; i < items.Count; i++) l[i] = items[i];
                    return null;
                }
            case "sort":
                {
                    if (Arg(a, kw, -1, "key") != null) throw new JinjaError("list.sort(key=...) is not supported by xform's Jinja subset; use the sort filter with attribute=");
                    var items = SortValues(l.Cast<object?>().Select(Py.Norm).ToList(), Py.Truthy(Arg(a, kw, -1, "reverse", false)), true, null);
                    for (var i = 0; i < items.Count; i++) l[i] = items[i];
                    return null;
                }
            case "copy": return new List<object?>(l.Cast<object?>().Select(Py.Norm));
            case "clear": l.Clear(); return null;
        }
        throw new JinjaError(Describe(l, name));
    }

    private static object? DictMethod(IDictionary<string, object?> d, string name, List<object?> a, Dictionary<string, object?> kw)
    {
        if (d.IsReadOnly && name is "update" or "pop" or "popitem" or "setdefault" or "clear")
            throw new JinjaError($"this dict is read-only: it cannot {name}()");
        object? RawKey(int i) => Arg(a, kw, i, "key");
        string Key(int i) => Py.DictKey(RawKey(i)) ?? throw new JinjaError($"dict keys must be strings in xform's Jinja subset, not '{Py.TypeName(RawKey(i))}'");
        switch (name)
        {
            case "get": return RawKey(0) is string gk && d.TryGetValue(gk, out var v) ? Py.Norm(v) : Arg(a, kw, 1, "default");
            case "items": return new JDictView("dict_items", d.Select(kv => (object?)new JTuple { kv.Key, Py.Norm(kv.Value) }));
            case "keys": return new JDictView("dict_keys", d.Keys);
            case "values": return new JDictView("dict_values", d.Values.Select(Py.Norm));
            case "copy": return new JDict(d);
            case "clear": d.Clear(); return null;
            case "update":
                if (a.Count > 1) throw new JinjaError($"update expected at most 1 argument, got {a.Count}");
                if (a.Count > 0)
                {
                    if (Py.TryDict(a[0], out var other)) foreach (var kv in other.ToList()) d[kv.Key] = Py.Norm(kv.Value);
                    else
                        foreach (var pair in Py.Iterate(a[0]))
                        {
                            var p = pair is IList pl && pair is not string ? pl : throw new JinjaError("cannot convert dictionary update sequence element to a sequence");
                            if (p.Count != 2) throw new JinjaError($"dictionary update sequence element has length {p.Count}; 2 is required");
                            d[Py.DictKey(p[0]) ?? throw new JinjaError("dict keys must be strings in xform's Jinja subset")] = Py.Norm(p[1]);
                        }
                }
                foreach (var kv in kw) d[kv.Key] = kv.Value;
                return null;
            case "pop":
                {
                    if (RawKey(0) is string k && d.TryGetValue(k, out var pv)) { d.Remove(k); return Py.Norm(pv); }
                    if (a.Count > 1) return a[1];
                    throw new JinjaError($"KeyError: {Py.Repr(RawKey(0))}");
                }
            case "popitem":
                {
                    if (d.Count == 0) throw new JinjaError("popitem(): dictionary is empty");
                    var last = d.Last();
                    d.Remove(last.Key);
                    return new JTuple { last.Key, Py.Norm(last.Value) };
                }
            case "setdefault":
                {
                    var k = Key(0);
                    if (d.TryGetValue(k, out var sv)) return Py.Norm(sv);
                    var dv = Py.Norm(Arg(a, kw, 1, "default"));
                    d[k] = dv;
                    return dv;
                }
        }
        throw new JinjaError(Describe(d, name));
    }
}
