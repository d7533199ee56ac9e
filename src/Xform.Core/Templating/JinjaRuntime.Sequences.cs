using System.Collections;
using System.Globalization;

namespace Xform.Core.Templating;

/// <summary>The filters on sequences and dicts: join, sort, map, select, groupby, batch... Where Jinja returns a
/// generator, these return a list (printing it shows the items, not <c>&lt;generator object&gt;</c>).</summary>
internal static partial class JinjaRuntime
{
    private static object? ApplySequenceFilter(string name, object? v, List<object?> a, Dictionary<string, object?> kw)
    {
        switch (name)
        {
            case "join":
                {
                    var sep = Py.Str(Arg(a, kw, 0, "d", ""));
                    var items = Py.Iterate(v);
                    if (Arg(a, kw, 1, "attribute") is { } attr) items = items.Select(x => Check(AttrPath(x, attr))).ToList();
                    return string.Join(sep, items.Select(Py.Str));
                }
            case "length":
            case "count": return Py.Len(v);
            case "list": return Py.Iterate(v);
            case "first":
                {
                    var items = Py.Iterate(v);
                    return items.Count > 0 ? items[0] : new JUndefined("No first item, sequence was empty.");
                }
            case "last":
                {
                    var items = Py.Iterate(v);
                    return items.Count > 0 ? items[^1] : new JUndefined("No last item, sequence was empty.");
                }
            case "reverse":
                {
                    if (v is string rs) { var arr = rs.ToCharArray(); Array.Reverse(arr); return new string(arr); }
                    var items = Py.Iterate(v);
                    items.Reverse();
                    return items;
                }
            case "sort":
                return SortValues(Py.Iterate(v), Py.Truthy(Arg(a, kw, 0, "reverse", false)), Py.Truthy(Arg(a, kw, 1, "case_sensitive", false)), Arg(a, kw, 2, "attribute"));
            case "unique":
                {
                    var cs = Py.Truthy(Arg(a, kw, 0, "case_sensitive", false));
                    var attr = Arg(a, kw, 1, "attribute");
                    var seen = new HashSet<object?>(PyKeyComparer.Instance);
                    var r = new List<object?>();
                    foreach (var x in Py.Iterate(v))
                        if (seen.Add(SortKey(attr != null ? AttrPath(x, attr) : x, cs))) r.Add(x);
                    return r;
                }
            case "sum":
                {
                    var attr = Arg(a, kw, 0, "attribute");
                    var total = Arg(a, kw, 1, "start", 0L);
                    foreach (var x in Py.Iterate(v)) total = Py.Add(Check(total), Check(attr != null ? AttrPath(x, attr) : x));
                    return total;
                }
            case "min":
            case "max":
                {
                    var cs = Py.Truthy(Arg(a, kw, 0, "case_sensitive", false));
                    var attr = Arg(a, kw, 1, "attribute");
                    var items = Py.Iterate(v);
                    if (items.Count == 0) return new JUndefined("No aggregated item, sequence was empty.");
                    object? Key(object? x) => SortKey(Check(attr != null ? AttrPath(x, attr) : x), cs);
                    var best = items[0];
                    var bestKey = Key(best);
                    foreach (var x in items.Skip(1))
                    {
                        var k = Key(x);
                        var c = Py.Compare(k, bestKey, name == "min" ? "<" : ">");
                        if (name == "min" ? c < 0 : c > 0) { best = x; bestKey = k; }
                    }
                    return best;
                }
            // Jinja's map and select family yield nothing for a false value (none, an empty list) without reading it.
            case "map": return v is null ? new List<object?>() : Map(v, a, kw);
            case "select":
            case "reject":
            case "selectattr":
            case "rejectattr":
                if (v is null) return new List<object?>();
                return SelectOrReject(v, a, kw, name.StartsWith('s'), name.EndsWith("attr", StringComparison.Ordinal));
            case "batch":
                {
                    var size = IArg(a, kw, 0, "linecount", 0, name);
                    if (size <= 0) throw new JinjaError("batch() expects a positive line count");
                    var fill = Arg(a, kw, 1, "fill_with");
                    var r = new List<object?>();
                    List<object?>? tmp = null;
                    foreach (var x in Py.Iterate(v))
                    {
                        if (tmp == null || tmp.Count == size) r.Add(tmp = new List<object?>());
                        tmp.Add(x);
                    }
                    if (tmp != null && fill != null) while (tmp.Count < size) tmp.Add(fill);
                    return r;
                }
            case "slice":
                {
                    var seq = Py.Iterate(v);
                    var slices = IArg(a, kw, 0, "slices", 0, name);
                    if (slices <= 0) throw new JinjaError("slice() expects a positive number of slices");
                    var fill = Arg(a, kw, 1, "fill_with");
                    var per = seq.Count / (int)slices;
                    var withExtra = seq.Count % (int)slices;
                    var offset = 0;
                    var r = new List<object?>();
                    for (var n = 0; n < slices; n++)
                    {
                        var start = offset + n * per;
                        if (n < withExtra) offset++;
                        var end = offset + (n + 1) * per;
                        var tmp = seq.GetRange(start, end - start);
                        if (fill != null && n >= withExtra) tmp.Add(fill);
                        r.Add(tmp);
                    }
                    return r;
                }
            case "dictsort":
                {
                    if (!Py.TryDict(v, out var d)) throw new JinjaError($"dictsort expects a dict, not '{Py.TypeName(v)}'");
                    var cs = Py.Truthy(Arg(a, kw, 0, "case_sensitive", false));
                    var by = Arg(a, kw, 1, "by", "key") as string;
                    var pos = by switch { "key" => 0, "value" => 1, _ => throw new JinjaError("You can only sort by either \"key\" or \"value\"") };
                    var items = d.Select(kv => (object?)new JTuple { kv.Key, Py.Norm(kv.Value) }).ToList();
                    return SortBy(items, x => SortKey(((JTuple)x!)[pos], cs), Py.Truthy(Arg(a, kw, 2, "reverse", false)));
                }
            case "groupby":
                {
                    var attr = Arg(a, kw, 0, "attribute") ?? throw new JinjaError("groupby() expects an attribute");
                    var dflt = Arg(a, kw, 1, "default");
                    var cs = Py.Truthy(Arg(a, kw, 2, "case_sensitive", false));
                    object? Raw(object? x)
                    {
                        var r = AttrPath(x, attr);
                        return r is JUndefined && dflt != null ? dflt : Check(r);
                    }
                    var sorted = SortBy(Py.Iterate(v), x => SortKey(Raw(x), cs), false);
                    var groups = new List<object?>();
                    List<object?>? current = null;
                    object? currentKey = null;
                    foreach (var x in sorted)
                    {
                        var k = SortKey(Raw(x), cs);
                        if (current == null || !Py.Eq(k, currentKey))
                        {
                            current = new List<object?>();
                            groups.Add(new JGroupTuple(cs ? k : Raw(x), current));
                            currentKey = k;
                        }
                        current.Add(x);
                    }
                    return groups;
                }
            case "items":
                if (Py.TryDict(v, out var dd)) return dd.Select(kv => (object?)new JTuple { kv.Key, Py.Norm(kv.Value) }).ToList();
                throw new JinjaError("Can only get item pairs from a mapping.");
            case "attr":
                {
                    var attrName = Py.Str(Arg(a, kw, 0, "name"));
                    return Py.TryDict(v, out _) && v is not JNamespace
                        ? DictMethods.Contains(attrName) ? new BoundMethod(v!, attrName) : new JUndefined($"dict object has no attribute '{attrName}'")
                        : GetAttr(v, attrName);
                }
        }
        throw new JinjaError($"filter '{name}' is not supported by xform's Jinja subset");
    }

    private static List<object?> Map(object? v, List<object?> a, Dictionary<string, object?> kw)
    {
        var items = Py.Iterate(v);
        if (a.Count == 0 && kw.TryGetValue("attribute", out var attr))
        {
            var dflt = kw.TryGetValue("default", out var dv) ? dv : null;
            foreach (var k in kw.Keys)
                if (k is not ("attribute" or "default")) throw new JinjaError($"Unexpected keyword argument '{k}'");
            return items.Select(x =>
            {
                var r = AttrPath(x, attr);
                return r is JUndefined && dflt != null ? dflt : Check(r);
            }).ToList();
        }
        if (a.Count == 0 || a[0] is not string filterName) throw new JinjaError("map requires a filter argument");
        if (!Filters.Contains(filterName)) throw new JinjaError($"No filter named '{filterName}'.");
        var rest = a.GetRange(1, a.Count - 1);
        return items.Select(x => ApplyFilter(filterName, x, rest, kw)).ToList();
    }

    private static List<object?> SelectOrReject(object? v, List<object?> a, Dictionary<string, object?> kw, bool select, bool byAttr)
    {
        var r = new List<object?>();
        if (!Py.Truthy(v)) return r;
        var off = 0;
        object? attr = null;
        if (byAttr)
        {
            attr = a.Count > 0 ? a[0] : throw new JinjaError("Missing parameter for attribute name");
            off = 1;
        }
        var test = a.Count > off ? a[off] as string ?? throw new JinjaError("the test name must be a string") : null;
        if (test != null && !Tests.Contains(test)) throw new JinjaError($"No test named '{test}'.");
        var args = test != null ? a.GetRange(off + 1, a.Count - off - 1) : null;
        foreach (var x in Py.Iterate(v))
        {
            var value = attr != null ? AttrPath(x, attr) : x;
            var ok = test != null ? ApplyTest(test, value, args!) : Py.Truthy(value);
            if (ok == select) r.Add(x);
        }
        return r;
    }

    /// <summary>Jinja's attribute getter: dotted parts, digits as integer indexes, each part an item or attribute.</summary>
    private static object? AttrPath(object? x, object? attr)
    {
        if (attr is not string path) return Py.IsInt(attr, out var i) ? GetItem(x, i) : attr == null ? x : throw new JinjaError("attribute must be a string or an integer");
        var cur = x;
        foreach (var part in path.Split('.'))
        {
            if (cur is JUndefined) return cur;
            cur = part.Length > 0 && part.All(char.IsAsciiDigit) ? GetItem(cur, long.Parse(part, CultureInfo.InvariantCulture)) : GetItem(cur, part);
        }
        return cur;
    }

    private static object? SortKey(object? v, bool caseSensitive) => !caseSensitive && v is string s ? s.ToLowerInvariant() : v;

    /// <summary>The sort filter: stable, by the items or by one or more comma-separated attributes.</summary>
    private static List<object?> SortValues(List<object?> items, bool reverse, bool caseSensitive, object? attr)
    {
        if (attr is string s && s.Contains(','))
        {
            var parts = s.Split(',');
            return SortBy(items, x => new JTuple(parts.Select(p => SortKey(Check(AttrPath(x, p)), caseSensitive))), reverse);
        }
        return SortBy(items, x => SortKey(attr != null ? Check(AttrPath(x, attr)) : x, caseSensitive), reverse);
    }

    /// <summary>Python's <c>sorted(items, key=key, reverse=reverse)</c>: stable in both directions.</summary>
    private static List<object?> SortBy(List<object?> items, Func<object?, object?> key, bool reverse)
    {
        var keyed = items.Select((x, i) => (x, key: key(x), i)).ToList();
        keyed.Sort((p, q) =>
        {
            var c = Py.Compare(p.key, q.key, "<");
            if (reverse) c = -c;
            return c != 0 ? c : p.i.CompareTo(q.i);
        });
        return keyed.Select(k => k.x).ToList();
    }

    /// <summary>Equality and hashing as Python's set() sees values (1 == 1.0 == True).</summary>
    private sealed class PyKeyComparer : IEqualityComparer<object?>
    {
        public static readonly PyKeyComparer Instance = new();

        public new bool Equals(object? x, object? y) => Py.Eq(x, y);

        public int GetHashCode(object? v) => v switch
        {
            null => 0,
            string s => s.GetHashCode(),
            IList l => l.Count,
            _ when Py.IsFloat(v, out var d) => d.GetHashCode(),
            _ => 7,
        };
    }
}
