using System.Collections;
using System.Globalization;
using System.Text;

namespace Xform.Core.Templating;

/// <summary>Filters, tests, attribute access and the Python methods dbt macros use.</summary>
internal static partial class JinjaRuntime
{
    public static readonly HashSet<string> Filters = new(StringComparer.Ordinal)
    {
        "upper", "lower", "trim", "replace", "join", "default", "d", "length", "count", "int", "float", "string",
        "list", "first", "last", "round", "abs", "sort", "unique", "capitalize", "title", "reverse", "sum", "min",
        "max", "map", "items", "safe", "as_bool", "as_native", "as_number", "as_text",
    };

    public static readonly HashSet<string> Tests = new(StringComparer.Ordinal)
    {
        "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "mapping", "iterable",
        "sequence", "callable", "true", "false", "even", "odd", "divisibleby", "in", "eq", "ne", "lt", "le", "gt",
        "ge", "==", "!=", "<", "<=", ">", ">=", "equalto", "sameas", "lower", "upper",
    };

    private static readonly HashSet<string> DictMethods = new(StringComparer.Ordinal)
        { "get", "items", "keys", "values", "update", "pop", "setdefault", "copy" };
    private static readonly HashSet<string> ListMethods = new(StringComparer.Ordinal)
        { "append", "extend", "insert", "pop", "remove", "index", "count", "reverse", "sort", "copy" };
    private static readonly HashSet<string> StrMethods = new(StringComparer.Ordinal)
    {
        "upper", "lower", "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "replace", "startswith",
        "endswith", "join", "title", "capitalize", "find", "rfind", "count", "isdigit", "isalpha", "isalnum",
        "isupper", "islower", "isspace", "format", "zfill", "index", "swapcase",
    };

    public static Exception Undefined(JUndefined u) => new JinjaError($"'{(u.Name.Length == 0 ? "value" : u.Name)}' is undefined");

    public static object? Check(object? v) => v is JUndefined u ? throw Undefined(u) : v;

    private static string Describe(object? target, string name) =>
        $"'{Py.TypeName(target)}' object has no attribute '{name}'";

    // Attribute and item access -----------------------------------------------------------------------

    /// <summary>Jinja's <c>x.name</c>: attribute first (methods), then item. Missing gives a JUndefined.</summary>
    public static object? GetAttr(object? target, string name)
    {
        switch (target)
        {
            case JUndefined u: throw Undefined(u);
            case null: return new JUndefined($"None.{name}");
            case ITemplateObject o: return o.TryGetMember(name, out var v) ? Py.Norm(v) : Missing(target, name);
            case JLoop loop: return loop.TryGet(name, out var lv) ? lv : Missing(target, name);
            case JNamespace ns: return ns.TryGetValue(name, out var nv) ? nv : Missing(target, name);
            case string: return StrMethods.Contains(name) ? new BoundMethod(target, name) : Missing(target, name);
            case JMacro m when name == "name": return m.Name;
        }
        if (Py.TryDict(target, out var d))
        {
            if (DictMethods.Contains(name)) return new BoundMethod(target, name);
            return d.TryGetValue(name, out var dv) ? Py.Norm(dv) : Missing(target, name);
        }
        if (target is IList && ListMethods.Contains(name)) return new BoundMethod(target, name);
        return Missing(target, name);
    }

    private static JUndefined Missing(object? target, string name) => new(MissingName(target, name));

    private static string MissingName(object? target, string name) => $"{Py.TypeName(target)} object has no attribute {name}";

    /// <summary>Jinja's <c>x[key]</c>: item first, then attribute for string keys.</summary>
    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case JUndefined u: throw Undefined(u);
            case null: throw new JinjaError("'NoneType' object is not subscriptable");
        }
        if (Py.IsInt(key, out var idx) && key is not bool)
        {
            if (target is string s)
            {
                var i = idx < 0 ? s.Length + idx : idx;
                return i >= 0 && i < s.Length ? s[(int)i].ToString() : new JUndefined($"string index {idx} out of range");
            }
            if (target is IList l)
            {
                var i = idx < 0 ? l.Count + idx : idx;
                return i >= 0 && i < l.Count ? Py.Norm(l[(int)i]) : new JUndefined($"list index {idx} out of range");
            }
        }
        if (key is string k)
        {
            if (Py.TryDict(target, out var d))
                return d.TryGetValue(k, out var v) ? Py.Norm(v) : (DictMethods.Contains(k) ? new BoundMethod(target, k) : new JUndefined($"dict object has no element '{k}'"));
            return GetAttr(target, k);
        }
        if (Py.TryDict(target, out _)) return new JUndefined($"dict object has no element {Py.Repr(key)}");
        throw new JinjaError($"'{Py.TypeName(target)}' object is not subscriptable by '{Py.TypeName(key)}'");
    }

    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        Check(target);
        long st = 1;
        if (step != null && !Py.IsInt(step, out st)) throw new JinjaError("slice indices must be integers or None");
        if (st == 0) throw new JinjaError("slice step cannot be zero");
        var items = target is string s ? s.Select(c => (object?)c.ToString()).ToList() : target is IList ? Py.Iterate(target) : null;
        if (items == null) throw new JinjaError($"'{Py.TypeName(target)}' object is not sliceable");
        var n = items.Count;
        long Idx(object? v, long dflt)
        {
            if (v == null) return dflt;
            if (!Py.IsInt(v, out var i)) throw new JinjaError("slice indices must be integers or None");
            if (i < 0) i += n;
            return st > 0 ? Math.Clamp(i, 0, n) : Math.Clamp(i, -1, n - 1);
        }
        var a = Idx(start, st > 0 ? 0 : n - 1);
        var b = Idx(stop, st > 0 ? n : -1);
        var r = new List<object?>();
        for (var i = a; st > 0 ? i < b : i > b; i += st) r.Add(items[(int)i]);
        if (target is string) return string.Concat(r.Cast<string>());
        return target is JTuple ? new JTuple(r) : r;
    }

    // Methods -----------------------------------------------------------------------------------------

    private static object? Arg(List<object?> args, Dictionary<string, object?> kw, int i, string name, object? dflt = null) =>
        kw.TryGetValue(name, out var v) ? v : i >= 0 && i < args.Count ? args[i] : dflt;

    private static string SArg(List<object?> args, Dictionary<string, object?> kw, int i, string name, string method)
    {
        var v = Arg(args, kw, i, name, JUndefined.Unassigned);
        if (v is string s) return s;
        if (ReferenceEquals(v, JUndefined.Unassigned)) throw new JinjaError($"{method}() is missing argument '{name}'");
        throw new JinjaError($"{method}() expects a string for '{name}', not '{Py.TypeName(v)}'");
    }

    public static bool HasMethod(object target, string name) => target switch
    {
        string => StrMethods.Contains(name),
        IList => ListMethods.Contains(name),
        _ => Py.TryDict(target, out _) && DictMethods.Contains(name),
    };

    public static object? CallMethod(object? target, string name, List<object?> args, Dictionary<string, object?> kw)
    {
        switch (target)
        {
            case string s when StrMethods.Contains(name): return StringMethod(s, name, args, kw);
            case IList l when ListMethods.Contains(name): return ListMethod(l, name, args, kw);
        }
        if (target is IDictionary<string, object?> md && DictMethods.Contains(name)) return DictMethod(md, name, args, kw);
        if (Py.TryDict(target, out var rd) && DictMethods.Contains(name) && name is "get" or "items" or "keys" or "values" or "copy")
            return DictMethod(new JDict(rd), name, args, kw);
        throw new JinjaError(Describe(target, name));
    }

    private static object? StringMethod(string s, string name, List<object?> a, Dictionary<string, object?> kw)
    {
        string? Chars(int i) => Arg(a, kw, i, "chars") as string;
        switch (name)
        {
            case "upper": return s.ToUpperInvariant();
            case "lower": return s.ToLowerInvariant();
            case "swapcase": return string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
            case "strip": return Chars(0) is { } c0 ? s.Trim(c0.ToCharArray()) : s.Trim();
            case "lstrip": return Chars(0) is { } c1 ? s.TrimStart(c1.ToCharArray()) : s.TrimStart();
            case "rstrip": return Chars(0) is { } c2 ? s.TrimEnd(c2.ToCharArray()) : s.TrimEnd();
            case "split":
            case "rsplit":
                {
                    var sep = Arg(a, kw, 0, "sep") as string;
                    var max = Py.IsInt(Arg(a, kw, 1, "maxsplit", -1L), out var m) ? m : -1;
                    return Split(s, sep, max, name == "rsplit");
                }
            case "splitlines": return s.Replace("\r\n", "\n").Split('\n').Select(x => (object?)x).ToList() is var sl && s.EndsWith('\n') ? sl.Take(sl.Count - 1).ToList() : sl;
            case "replace":
                {
                    var old = SArg(a, kw, 0, "old", "replace");
                    var nw = SArg(a, kw, 1, "new", "replace");
                    var count = Py.IsInt(Arg(a, kw, 2, "count", -1L), out var cnt) ? cnt : -1;
                    return Replace(s, old, nw, count);
                }
            case "startswith":
            case "endswith":
                {
                    var p = Arg(a, kw, 0, "prefix");
                    var options = p is IList l ? l.Cast<object?>().Select(x => x as string ?? "").ToList() : new List<string> { p as string ?? throw new JinjaError($"{name}() expects a string") };
                    return name == "startswith"
                        ? options.Any(o => s.StartsWith(o, StringComparison.Ordinal))
                        : options.Any(o => s.EndsWith(o, StringComparison.Ordinal));
                }
            case "join": return string.Join(s, Py.Iterate(Arg(a, kw, 0, "iterable")).Select(x => x as string ?? throw new JinjaError($"join() expects strings but found '{Py.TypeName(x)}'")));
            case "title": return Title(s);
            case "capitalize": return Capitalize(s);
            case "find": return (long)s.IndexOf(SArg(a, kw, 0, "sub", "find"), StringComparison.Ordinal);
            case "rfind": return (long)s.LastIndexOf(SArg(a, kw, 0, "sub", "rfind"), StringComparison.Ordinal);
            case "index":
                {
                    var i = s.IndexOf(SArg(a, kw, 0, "sub", "index"), StringComparison.Ordinal);
                    return i < 0 ? throw new JinjaError("substring not found") : (long)i;
                }
            case "count":
                {
                    var sub = SArg(a, kw, 0, "sub", "count");
                    if (sub.Length == 0) return (long)s.Length + 1;
                    long n = 0;
                    for (var i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) n++;
                    return n;
                }
            case "isdigit": return s.Length > 0 && s.All(char.IsDigit);
            case "isalpha": return s.Length > 0 && s.All(char.IsLetter);
            case "isalnum": return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case "isspace": return s.Length > 0 && s.All(char.IsWhiteSpace);
            case "isupper": return s.Any(char.IsLetter) && !s.Any(char.IsLower);
            case "islower": return s.Any(char.IsLetter) && !s.Any(char.IsUpper);
            case "zfill":
                {
                    var w = Py.IsInt(Arg(a, kw, 0, "width"), out var wl) ? (int)wl : 0;
                    if (s.Length >= w) return s;
                    var sign = s.Length > 0 && (s[0] == '-' || s[0] == '+') ? s[..1] : "";
                    return sign + new string('0', w - s.Length) + s[sign.Length..];
                }
            case "format": return Format(s, a, kw);
        }
        throw new JinjaError(Describe(s, name));
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
            var i = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (i < 0 || old.Length == 0) break;
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

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prevLetter = false;
        foreach (var c in s)
        {
            sb.Append(prevLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            prevLetter = char.IsLetter(c);
        }
        return sb.ToString();
    }

    private static string Format(string s, List<object?> a, Dictionary<string, object?> kw)
    {
        var sb = new StringBuilder();
        var auto = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '{' && i + 1 < s.Length && s[i + 1] == '{') { sb.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < s.Length && s[i + 1] == '}') { sb.Append('}'); i++; continue; }
            if (c != '{') { sb.Append(c); continue; }
            var end = s.IndexOf('}', i);
            if (end < 0) throw new JinjaError("format(): single '{' encountered in format string");
            var field = s[(i + 1)..end];
            if (field.Contains(':') || field.Contains('!')) throw new JinjaError("format(): format specifications are not supported by xform's Jinja subset");
            object? v;
            if (field.Length == 0) v = auto < a.Count ? a[auto++] : throw new JinjaError("format(): not enough arguments");
            else if (int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) v = n < a.Count ? a[n] : throw new JinjaError("format(): not enough arguments");
            else v = kw.TryGetValue(field, out var kv) ? kv : throw new JinjaError($"format(): missing argument '{field}'");
            sb.Append(Py.Str(v));
            i = end;
        }
        return sb.ToString();
    }

    private static object? ListMethod(IList l, string name, List<object?> a, Dictionary<string, object?> kw)
    {
        switch (name)
        {
            case "append": l.Add(Py.Norm(Arg(a, kw, 0, "object"))); return null;
            case "extend": foreach (var o in Py.Iterate(Arg(a, kw, 0, "iterable"))) l.Add(o); return null;
            case "insert":
                {
                    var i = Py.IsInt(Arg(a, kw, 0, "index"), out var ix) ? ix : 0;
                    if (i < 0) i = Math.Max(0, l.Count + i);
                    l.Insert((int)Math.Min(i, l.Count), Py.Norm(Arg(a, kw, 1, "object")));
                    return null;
                }
            case "pop":
                {
                    if (l.Count == 0) throw new JinjaError("pop from empty list");
                    var i = Py.IsInt(Arg(a, kw, 0, "index", -1L), out var ix) ? ix : -1;
                    if (i < 0) i += l.Count;
                    if (i < 0 || i >= l.Count) throw new JinjaError("pop index out of range");
                    var v = l[(int)i];
                    l.RemoveAt((int)i);
                    return v;
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
                    for (var i = 0; i < l.Count; i++) if (Py.Eq(l[i], x)) return (long)i;
                    throw new JinjaError($"{Py.Repr(x)} is not in list");
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
                    var items = SortValues(l.Cast<object?>().ToList(), Py.Truthy(Arg(a, kw, -1, "reverse", false)), true, null);
                    for (var i = 0; i < items.Count; i++) l[i] = items[i];
                    return null;
                }
            case "copy": return new List<object?>(l.Cast<object?>());
        }
        throw new JinjaError(Describe(l, name));
    }

    private static object? DictMethod(IDictionary<string, object?> d, string name, List<object?> a, Dictionary<string, object?> kw)
    {
        string Key(int i) => Arg(a, kw, i, "key") as string ?? throw new JinjaError($"dict keys must be strings in xform's Jinja subset, not '{Py.TypeName(Arg(a, kw, i, "key"))}'");
        switch (name)
        {
            case "get": return d.TryGetValue(Key(0), out var v) ? Py.Norm(v) : Arg(a, kw, 1, "default");
            case "items": return d.Select(kv => (object?)new JTuple { kv.Key, Py.Norm(kv.Value) }).ToList();
            case "keys": return d.Keys.Select(k => (object?)k).ToList();
            case "values": return d.Values.Select(Py.Norm).ToList();
            case "copy": return new JDict(d);
            case "update":
                if (a.Count > 0)
                {
                    if (Py.TryDict(a[0], out var other)) foreach (var kv in other) d[kv.Key] = kv.Value;
                    else throw new JinjaError("update() expects a dict");
                }
                foreach (var kv in kw) d[kv.Key] = kv.Value;
                return null;
            case "pop":
                {
                    var k = Key(0);
                    if (d.TryGetValue(k, out var pv)) { d.Remove(k); return pv; }
                    if (a.Count > 1) return a[1];
                    throw new JinjaError($"key {Py.Repr(k)} not found");
                }
            case "setdefault":
                {
                    var k = Key(0);
                    if (d.TryGetValue(k, out var sv)) return sv;
                    var dv = Py.Norm(Arg(a, kw, 1, "default"));
                    d[k] = dv;
                    return dv;
                }
        }
        throw new JinjaError(Describe(d, name));
    }
}
