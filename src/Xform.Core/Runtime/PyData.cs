using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>dbt's <c>fromjson</c>, <c>tojson</c>, <c>local_md5</c>, <c>set</c> and <c>set_strict</c>, as Python computes them.</summary>
internal static class PyData
{
    /// <summary><c>fromjson(string, default=None)</c>: Python's <c>json.loads</c>; text that is not JSON gives the default.</summary>
    public static object? FromJson(TemplateCall c)
    {
        PyArgs.Check(c, "fromjson", 2, "string", "default");
        var text = c.Get(0, "string") as string ?? throw c.Error($"fromjson: the JSON object must be str, not {Py.TypeName(c.Get(0, "string"))}");
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 1000 });
            return FromElement(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return c.Get(1, "default");
        }
    }

    static object? FromElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => new JDict(e.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, FromElement(p.Value)))),
        JsonValueKind.Array => e.EnumerateArray().Select(FromElement).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText() is var raw && raw.IndexOfAny(['.', 'e', 'E']) < 0 && e.TryGetInt64(out var l) ? l : (object)e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary><c>tojson(value, default=None, sort_keys=False)</c>: Python's <c>json.dumps</c> (", " and ": ", ASCII only).</summary>
    public static object? ToJson(TemplateCall c)
    {
        PyArgs.Check(c, "tojson", 3, "value", "default", "sort_keys");
        var sb = new StringBuilder();
        Write(sb, c.Get(0, "value"), Py.Truthy(c.Get(2, "sort_keys", false)), c, 0);
        return sb.ToString();
    }

    static void Write(StringBuilder sb, object? v, bool sortKeys, TemplateCall c, int depth)
    {
        if (depth > 1000) throw c.Error("tojson: the value is nested too deeply (a circular reference?)");
        switch (v)
        {
            case null: sb.Append("null"); return;
            case bool b: sb.Append(b ? "true" : "false"); return;
            case string s: Quote(sb, s); return;
            case double d: sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : Py.FloatRepr(d)); return;
            case float f: Write(sb, (double)f, sortKeys, c, depth); return;
            case decimal m: sb.Append(m.ToString(CultureInfo.InvariantCulture)); return;
        }
        if (Py.IsInt(v, out var l)) { sb.Append(l.ToString(CultureInfo.InvariantCulture)); return; }
        if (Py.TryDict(v, out var dict))
        {
            sb.Append('{');
            var first = true;
            foreach (var (k, value) in sortKeys ? dict.OrderBy(kv => kv.Key, StringComparer.Ordinal) : dict.AsEnumerable())
            {
                if (!first) sb.Append(", ");
                first = false;
                Quote(sb, k);
                sb.Append(": ");
                Write(sb, value, sortKeys, c, depth + 1);
            }
            sb.Append('}');
            return;
        }
        if (v is IList list)
        {
            sb.Append('[');
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                Write(sb, list[i], sortKeys, c, depth + 1);
            }
            sb.Append(']');
            return;
        }
        throw c.Error($"tojson: Object of type {Py.TypeName(v)} is not JSON serializable");
    }

    static void Quote(StringBuilder sb, string s) => JinjaRuntime.JsonString(s, sb);

    /// <summary><c>local_md5(value)</c>: the hex MD5 of the text's UTF-8 bytes, computed by xform (not by the database).</summary>
    public static object? LocalMd5(TemplateCall c)
    {
        PyArgs.Check(c, "local_md5", 1, "value");
        var text = c.Get(0, "value") as string ?? throw c.Error($"local_md5 expects a string, not {Py.TypeName(c.Get(0, "value"))}");
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary><c>set(value, default=None)</c>: the distinct items; an unhashable or non-iterable value gives the default.</summary>
    public static object? Set(TemplateCall c) => MakeSet(c, "set", strict: false);

    /// <summary><c>set_strict(value)</c>: as <c>set</c>, but a value that cannot be a set is an error.</summary>
    public static object? SetStrict(TemplateCall c) => MakeSet(c, "set_strict", strict: true);

    static object? MakeSet(TemplateCall c, string name, bool strict)
    {
        if (strict) PyArgs.Check(c, name, 1, "value");
        else PyArgs.Check(c, name, 2, "value", "default");
        var value = c.Get(0, "value");
        string? problem = null;
        List<object?>? items = null;
        if (value is null or bool || Py.IsNumber(value) || value is ITemplateObject && value is not IEnumerable)
            problem = $"'{Py.TypeName(value)}' object is not iterable";
        else
        {
            items = Py.Iterate(value);
            if (items.FirstOrDefault(PySet.Unhashable) is { } bad) problem = $"unhashable type: '{Py.TypeName(bad)}'";
        }
        if (problem is null) return new PySet(items!);
        return strict ? throw c.Error($"{name}(): {problem}") : c.Get(1, "default");
    }
}

/// <summary>
/// A Python set from <c>set(...)</c>: distinct items, kept in the order first seen (Python's own order follows hashes
/// and, for strings, changes from run to run). Shown as <c>{1, 2}</c>, or <c>set()</c> when empty.
/// </summary>
internal sealed class PySet : ITemplateObject, ITemplateOperand, ICollection
{
    readonly List<object?> _items = [];

    public PySet(IEnumerable<object?> items)
    {
        foreach (var x in items) Add(x);
    }

    public static bool Unhashable(object? v) => v is IList and not JTuple || Py.TryDict(v, out _) || v is PySet;

    void Add(object? x)
    {
        if (!Contains(x)) _items.Add(x);
    }

    bool Contains(object? x) => _items.Any(i => Py.Eq(i, x));

    public int Count => _items.Count;
    public bool IsSynchronized => false;
    public object SyncRoot => _items;
    public void CopyTo(Array array, int index) => ((ICollection)_items).CopyTo(array, index);
    public IEnumerator GetEnumerator() => _items.ToList().GetEnumerator();

    public string TypeName => "set";

    PySet Other(TemplateCall c, string function) =>
        new(c.Args.Count == 0 ? [] : c.Args.SelectMany(a => Py.Iterate(a)));

    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "add" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "add", 1);
                if (Unhashable(c.Get(0, "element"))) throw c.Error($"unhashable type: '{Py.TypeName(c.Get(0, "element"))}'");
                Add(c.Get(0, "element"));
                return null;
            }),
            "update" => (HostFunction)(c => { foreach (var x in Other(c, "update")) Add(x); return null; }),
            "discard" => (HostFunction)(c => { PyArgs.Check(c, "discard", 1); _items.RemoveAll(i => Py.Eq(i, c.Get(0, "element"))); return null; }),
            "remove" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "remove", 1);
                return _items.RemoveAll(i => Py.Eq(i, c.Get(0, "element"))) > 0 ? null : throw c.Error($"KeyError: {Py.Repr(c.Get(0, "element"))}");
            }),
            "clear" => (HostFunction)(c => { _items.Clear(); return null; }),
            "copy" => (HostFunction)(c => new PySet(_items)),
            "union" => (HostFunction)(c => new PySet(_items.Concat(Other(c, "union").Cast<object?>()))),
            "intersection" => (HostFunction)(c => { var o = Other(c, "intersection"); return new PySet(_items.Where(o.Contains)); }),
            "difference" => (HostFunction)(c => { var o = Other(c, "difference"); return new PySet(_items.Where(x => !o.Contains(x))); }),
            "symmetric_difference" => (HostFunction)(c =>
            {
                var o = Other(c, "symmetric_difference");
                return new PySet(_items.Where(x => !o.Contains(x)).Concat(o._items.Where(x => !Contains(x))));
            }),
            "issubset" => (HostFunction)(c => { var o = Other(c, "issubset"); return _items.All(o.Contains); }),
            "issuperset" => (HostFunction)(c => Other(c, "issuperset")._items.All(Contains)),
            "isdisjoint" => (HostFunction)(c => !Other(c, "isdisjoint")._items.Any(Contains)),
            _ => null,
        };
        return value is not null;
    }

    public bool TryOperate(string op, object? other, bool reflected, out object? result)
    {
        result = null;
        if (op == "-" && other is PySet o)
            result = reflected ? new PySet(o._items.Where(x => !Contains(x))) : new PySet(_items.Where(x => !o.Contains(x)));
        return result is not null;
    }

    public override bool Equals(object? obj) => obj is PySet o && o.Count == Count && _items.All(o.Contains);
    public override int GetHashCode() => Count;

    public override string ToString() => Count == 0 ? "set()" : "{" + string.Join(", ", _items.Select(Py.Repr)) + "}";
}
