using System.Collections;
using System.Globalization;
using System.Text;
using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>Attribute, item and slice access (filters, tests and methods are in the other parts).</summary>
internal static partial class JinjaRuntime
{
    public static Exception Undefined(JUndefined u) => new JinjaError($"'{(u.Name.Length == 0 ? "value" : Suggestions.Shorten(u.Name))}' is undefined");

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
            case JCycler c: return c.TryGet(name, out var cv) ? cv : Missing(target, name);
            case JGroupTuple g when name is "grouper" or "list": return name == "grouper" ? g.Grouper : g.Items;
            case JTuple or JRange: return TupleMethods.Contains(name) ? new BoundMethod(target, name) : Missing(target, name);
            case JDictView: return Missing(target, name);
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
        if (key is ITemplateMapping && Py.TryDict(target, out _)) key = Py.DictKey(key);
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
        if (target is JRange range)
        {
            var sliced = new JRange(range.Start + a * range.Step, range.Start + b * range.Step, range.Step * st, r.Count);
            sliced.AddRange(r);
            return sliced;
        }
        return target is JTuple ? new JTuple(r) : r;
    }
}
