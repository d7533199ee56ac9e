using System.Collections;
using System.Globalization;
using System.Text;

namespace Xform.Core.Templating;

/// <summary>Jinja's filters and tests (<c>x | upper</c>, <c>x is defined</c>) as the subset implements them.</summary>
internal static partial class JinjaRuntime
{
    // Filters -----------------------------------------------------------------------------------------

    public static object? ApplyFilter(string name, object? v, List<object?> a, Dictionary<string, object?> kw, Func<string, object?, List<object?>, object?> applyByName)
    {
        if (name is "default" or "d")
        {
            var dflt = Arg(a, kw, 0, "default_value", "");
            var boolean = Py.Truthy(Arg(a, kw, 1, "boolean", false));
            return v is JUndefined || (boolean && !Py.Truthy(v)) ? dflt : v;
        }
        Check(v);
        switch (name)
        {
            case "upper": return Py.Str(v).ToUpperInvariant();
            case "lower": return Py.Str(v).ToLowerInvariant();
            case "capitalize": return Capitalize(Py.Str(v));
            case "title": return Title(Py.Str(v));
            case "trim":
                {
                    var chars = Arg(a, kw, 0, "chars") as string;
                    return chars != null ? Py.Str(v).Trim(chars.ToCharArray()) : Py.Str(v).Trim();
                }
            case "replace":
                {
                    var count = Py.IsInt(Arg(a, kw, 2, "count"), out var c) ? c : -1;
                    return Replace(Py.Str(v), Py.Str(Arg(a, kw, 0, "old")), Py.Str(Arg(a, kw, 1, "new")), count);
                }
            case "join":
                {
                    var sep = Py.Str(Arg(a, kw, 0, "d", ""));
                    var attr = Arg(a, kw, 1, "attribute") as string;
                    var items = Py.Iterate(v);
                    if (attr != null) items = items.Select(x => Check(GetAttrOrItem(x, attr))).ToList();
                    return string.Join(sep, items.Select(Py.Str));
                }
            case "length":
            case "count": return Py.Len(v);
            case "int": return ToInt(v, Arg(a, kw, 0, "default", 0L));
            case "float": return ToFloat(v, Arg(a, kw, 0, "default", 0.0));
            case "string": return Py.Str(v);
            case "list": return Py.Iterate(v);
            case "first":
                {
                    var items = Py.Iterate(v);
                    return items.Count > 0 ? items[0] : new JUndefined("first item of an empty sequence");
                }
            case "last":
                {
                    var items = Py.Iterate(v);
                    return items.Count > 0 ? items[^1] : new JUndefined("last item of an empty sequence");
                }
            case "reverse":
                if (v is string rs) { var arr = rs.ToCharArray(); Array.Reverse(arr); return new string(arr); }
                { var items = Py.Iterate(v); items.Reverse(); return items; }
            case "abs":
                if (Py.IsInt(v, out var li)) return Math.Abs(li);
                if (v is decimal dm) return Math.Abs(dm);
                if (Py.IsFloat(v, out var df)) return Math.Abs(df);
                throw new JinjaError($"bad operand type for abs(): '{Py.TypeName(v)}'");
            case "round":
                {
                    var precision = Py.IsInt(Arg(a, kw, 0, "precision", 0L), out var p) ? (int)p : 0;
                    var method = Arg(a, kw, 1, "method", "common") as string ?? "common";
                    if (!Py.IsFloat(v, out var x)) throw new JinjaError($"round() expects a number, not '{Py.TypeName(v)}'");
                    var scale = Math.Pow(10, precision);
                    return method switch
                    {
                        "common" => Py.IsInt(v, out var iv) ? (object)iv : Math.Round(x, Math.Clamp(precision, 0, 15), MidpointRounding.ToEven),
                        "ceil" => Math.Ceiling(x * scale) / scale,
                        "floor" => Math.Floor(x * scale) / scale,
                        _ => throw new JinjaError("round() method must be 'common', 'ceil' or 'floor'"),
                    };
                }
            case "sort":
                {
                    var attr = Arg(a, kw, 2, "attribute") as string;
                    return SortValues(Py.Iterate(v), Py.Truthy(Arg(a, kw, 0, "reverse", false)), Py.Truthy(Arg(a, kw, 1, "case_sensitive", false)), attr);
                }
            case "unique":
                {
                    var cs = Py.Truthy(Arg(a, kw, 0, "case_sensitive", false));
                    var attr = Arg(a, kw, 1, "attribute") as string;
                    var seen = new List<object?>();
                    var r = new List<object?>();
                    foreach (var x in Py.Iterate(v))
                    {
                        var key = SortKey(attr != null ? GetAttrOrItem(x, attr) : x, cs);
                        if (seen.Any(s => Py.Eq(s, key))) continue;
                        seen.Add(key);
                        r.Add(x);
                    }
                    return r;
                }
            case "sum":
                {
                    var attr = Arg(a, kw, 0, "attribute") as string;
                    object? total = Arg(a, kw, 1, "start", 0L);
                    foreach (var x in Py.Iterate(v)) total = Py.Add(total, attr != null ? GetAttrOrItem(x, attr) : x);
                    return total;
                }
            case "min":
            case "max":
                {
                    var cs = Py.Truthy(Arg(a, kw, 0, "case_sensitive", false));
                    var attr = Arg(a, kw, 1, "attribute") as string;
                    var items = Py.Iterate(v);
                    if (items.Count == 0) return new JUndefined($"{name} of an empty sequence");
                    var best = items[0];
                    foreach (var x in items.Skip(1))
                    {
                        var c = Py.Compare(SortKey(attr != null ? GetAttrOrItem(x, attr) : x, cs), SortKey(attr != null ? GetAttrOrItem(best, attr) : best, cs), "<");
                        if (name == "min" ? c < 0 : c > 0) best = x;
                    }
                    return best;
                }
            case "map":
                {
                    var items = Py.Iterate(v);
                    if (kw.TryGetValue("attribute", out var attrV) && attrV is string attr)
                    {
                        var dflt = kw.TryGetValue("default", out var dv) ? dv : JUndefined.Unassigned;
                        return items.Select(x =>
                        {
                            var r = GetAttrOrItem(x, attr);
                            return r is JUndefined && !ReferenceEquals(dflt, JUndefined.Unassigned) ? dflt : Check(r);
                        }).ToList();
                    }
                    if (a.Count == 0 || a[0] is not string filterName) throw new JinjaError("map() expects a filter name or attribute='...'");
                    if (!Filters.Contains(filterName)) throw new JinjaError($"filter '{filterName}' is not supported by xform's Jinja subset");
                    var rest = a.Skip(1).ToList();
                    return items.Select(x => applyByName(filterName, x, rest)).ToList();
                }
            case "items":
                if (Py.TryDict(v, out var dd)) return dd.Select(kv => (object?)new JTuple { kv.Key, Py.Norm(kv.Value) }).ToList();
                throw new JinjaError($"items() expects a dict, not '{Py.TypeName(v)}'");
            case "safe":
            case "as_bool":
            case "as_native":
            case "as_number":
            case "as_text":
                return v;
        }
        throw new JinjaError($"filter '{name}' is not supported by xform's Jinja subset");
    }

    private static object? GetAttrOrItem(object? x, string attr)
    {
        object? cur = x;
        foreach (var part in attr.Split('.'))
            cur = int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? GetItem(cur, (long)i) : GetItem(cur, part);
        return cur;
    }

    private static object? SortKey(object? v, bool caseSensitive) => !caseSensitive && v is string s ? s.ToLowerInvariant() : v;

    private static List<object?> SortValues(List<object?> items, bool reverse, bool caseSensitive, string? attr)
    {
        var keyed = items.Select((x, i) => (x, key: SortKey(attr != null ? Check(GetAttrOrItem(x, attr)) : x, caseSensitive), i)).ToList();
        keyed.Sort((p, q) =>
        {
            var c = Py.Compare(p.key, q.key, "<");
            if (reverse) c = -c;
            return c != 0 ? c : p.i.CompareTo(q.i);
        });
        return keyed.Select(k => k.x).ToList();
    }

    private static object? ToInt(object? v, object? dflt)
    {
        if (v is bool b) return b ? 1L : 0L;
        if (Py.IsInt(v, out var l)) return l;
        if (v is double d) return double.IsFinite(d) ? (long)Math.Truncate(d) : dflt;
        if (v is decimal m) return (long)Math.Truncate(m);
        if (v is string s)
        {
            var t = s.Trim().Replace("_", "");
            if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var li)) return li;
            if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var di) && double.IsFinite(di)) return (long)Math.Truncate(di);
        }
        return dflt;
    }

    private static object? ToFloat(object? v, object? dflt)
    {
        if (Py.IsFloat(v, out var d)) return d;
        if (v is string s && double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ds)) return ds;
        return dflt;
    }

    // Tests -------------------------------------------------------------------------------------------

    public static bool ApplyTest(string name, object? v, List<object?> a)
    {
        switch (name)
        {
            case "defined": return v is not JUndefined;
            case "undefined": return v is JUndefined;
            case "none": return v == null;
        }
        Check(v);
        object? A0() => a.Count > 0 ? Check(a[0]) : throw new JinjaError($"test '{name}' expects an argument");
        switch (name)
        {
            case "string": return v is string;
            case "number": return Py.IsNumber(v);
            case "integer": return Py.IsInt(v, out _) && v is not bool;
            case "float": return v is double or float or decimal;
            case "boolean": return v is bool;
            case "true": return v is true;
            case "false": return v is false;
            case "mapping": return Py.TryDict(v, out _);
            case "iterable": return v is IEnumerable;
            case "sequence": return v is string or IList || Py.TryDict(v, out _);
            case "callable": return v is JMacro or HostFunction or ITemplateCallable or BoundMethod or BuiltinFunction;
            case "lower": return v is string ls && ls == ls.ToLowerInvariant();
            case "upper": return v is string us && us == us.ToUpperInvariant();
            case "even": return Py.IsInt(v, out var e) ? e % 2 == 0 : throw new JinjaError("'even' expects an integer");
            case "odd": return Py.IsInt(v, out var o) ? o % 2 != 0 : throw new JinjaError("'odd' expects an integer");
            case "divisibleby": return Py.IsInt(v, out var x) && Py.IsInt(A0(), out var y) && y != 0 ? x % y == 0 : throw new JinjaError("'divisibleby' expects integers");
            case "in": return Py.In(v, A0());
            case "eq": case "==": case "equalto": return Py.Eq(v, A0());
            case "ne": case "!=": return !Py.Eq(v, A0());
            case "lt": case "<": return Py.Compare(v, A0(), "<") < 0;
            case "le": case "<=": return Py.Compare(v, A0(), "<=") <= 0;
            case "gt": case ">": return Py.Compare(v, A0(), ">") > 0;
            case "ge": case ">=": return Py.Compare(v, A0(), ">=") >= 0;
            case "sameas": return ReferenceEquals(v, A0()) || (v is bool bv && A0() is bool ba && bv == ba) || (v == null && A0() == null);
        }
        throw new JinjaError($"test '{name}' is not supported by xform's Jinja subset");
    }
}
