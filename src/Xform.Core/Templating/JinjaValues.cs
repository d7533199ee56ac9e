using System.Collections;
using System.Globalization;
using System.Text;

namespace Xform.Core.Templating;

/// <summary>A name that is not defined (only seen by <c>is defined</c>, <c>is none</c> and <c>default</c>).</summary>
internal sealed class JUndefined
{
    public static readonly JUndefined Unassigned = new("");
    public JUndefined(string name) => Name = name;
    public string Name { get; }
    public override string ToString() => "";
}


/// <summary>A Python tuple: a read-only list printed with parentheses.</summary>
internal class JTuple : List<object?>
{
    public JTuple() { }
    public JTuple(IEnumerable<object?> items) : base(items) { }
}

/// <summary>Jinja's <c>namespace()</c> object: attributes assignable with <c>{% set ns.x = ... %}</c>.</summary>
internal sealed class JNamespace : Dictionary<string, object?>
{
    public JNamespace() : base(StringComparer.Ordinal) { }
}

/// <summary>Jinja's <c>loop</c> variable.</summary>
internal sealed class JLoop
{
    public JLoop(List<object?> items) => Items = items;
    public List<object?> Items { get; }
    public int Index0 = -1;
    private object? _lastChanged = JUndefined.Unassigned;

    /// <summary><c>loop.changed(*values)</c>: true the first time and whenever the values differ from the last call's.</summary>
    public bool Changed(JTuple values)
    {
        if (Py.Eq(values, _lastChanged)) return false;
        _lastChanged = values;
        return true;
    }

    public bool TryGet(string name, out object? value)
    {
        var n = Items.Count;
        value = name switch
        {
            "index" => (long)(Index0 + 1),
            "index0" => (long)Index0,
            "revindex" => (long)(n - Index0),
            "revindex0" => (long)(n - Index0 - 1),
            "first" => Index0 == 0,
            "last" => Index0 == n - 1,
            "length" => (long)n,
            "previtem" => Index0 > 0 ? Items[Index0 - 1] : new JUndefined("loop.previtem"),
            "nextitem" => Index0 < n - 1 ? Items[Index0 + 1] : new JUndefined("loop.nextitem"),
            "depth" => 1L,
            "depth0" => 0L,
            _ => JUndefined.Unassigned,
        };
        return !ReferenceEquals(value, JUndefined.Unassigned);
    }
}

/// <summary>A method looked up but not called yet (<c>{% set f = s.upper %}</c>).</summary>
internal sealed record BoundMethod(object Target, string Name);

/// <summary>A function provided by the engine itself (range, dict, namespace).</summary>
internal sealed record BuiltinFunction(string Name, Func<List<object?>, Dictionary<string, object?>, object?> Fn);

/// <summary>Python's value model: truthiness, str(), repr(), arithmetic, comparison.</summary>
internal static class Py
{
    public static readonly object True = true;
    public static readonly object False = false;

    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        JUndefined => "Undefined",
        bool => "bool",
        int or long or short or byte or sbyte or uint or ulong or ushort => "int",
        double or float => "float",
        decimal => "decimal",
        string => "str",
        JTuple => "tuple",
        JNamespace => "Namespace",
        JDictView dv => dv.Kind,
        JRange => "range",
        JCycler => "Cycler",
        BoundMethod => "builtin_function_or_method",
        BuiltinFunction or HostFunction => "function",
        IList => "list",
        IDictionary or IReadOnlyDictionary<string, object?> => "dict",
        JMacro => "macro",
        ITemplateOperand o => o.TypeName,
        _ => v.GetType().Name,
    };

    public static bool IsInt(object? v, out long l)
    {
        switch (v)
        {
            case long x: l = x; return true;
            case int x: l = x; return true;
            case bool b: l = b ? 1 : 0; return true;
            case short x: l = x; return true;
            case byte x: l = x; return true;
            case sbyte x: l = x; return true;
            case uint x: l = x; return true;
            case ushort x: l = x; return true;
            case ulong x when x <= long.MaxValue: l = (long)x; return true;
            default: l = 0; return false;
        }
    }

    public static bool IsNumber(object? v) => v is long or int or double or decimal or float or short or byte or sbyte or uint or ushort or ulong;

    public static bool IsFloat(object? v, out double d)
    {
        switch (v)
        {
            case double x: d = x; return true;
            case float x: d = x; return true;
            case decimal x: d = (double)x; return true;
            default:
                if (IsInt(v, out var l)) { d = l; return true; }
                d = 0;
                return false;
        }
    }

    /// <summary>int → long so values handed to the host have one integer type.</summary>
    public static object? Norm(object? v) => v switch
    {
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        float f => (double)f,
        _ => v,
    };

    public static bool Truthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        JUndefined => false,
        long l => l != 0,
        int i => i != 0,
        double d => d != 0,
        decimal m => m != 0,
        float f => f != 0,
        ICollection c => c.Count > 0,
        IReadOnlyCollection<KeyValuePair<string, object?>> c => c.Count > 0,
        ITemplateOperand o => !o.TryOperate("bool", null, false, out var b) || b is true,
        _ when IsInt(v, out var l) => l != 0,
        _ => true,
    };

    public static string Str(object? v) => v switch
    {
        string s => s,
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => FloatRepr(d),
        float f => FloatRepr(f),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        JUndefined => "",
        JRange r => r.Step == 1 ? $"range({r.Start}, {r.Stop})" : $"range({r.Start}, {r.Stop}, {r.Step})",
        JMacro m => $"<Macro '{m.Name}'>",
        ITemplateObject or ITemplateCallable => v.ToString() ?? "",
        _ => ContainerStr(v),
    };

    // Apart from Str: the lambdas here capture the value, and a method with such a lambda makes its closure on every call
    // (6 MB of a 10,000-model compile when Str held them, for every text printed).
    private static string ContainerStr(object v) => v switch
    {
        JTuple t => Printed(t, "(...)", () => t.Count == 1 ? "(" + Repr(t[0]) + ",)" : "(" + string.Join(", ", t.Select(Repr)) + ")"),
        JNamespace ns => "<Namespace " + DictStr(ns) + ">",
        JDictView dv => Printed(dv, "[...]", () => dv.Kind + "([" + string.Join(", ", dv.Select(Repr)) + "])"),
        IDictionary<string, object?> d => DictStr(d),
        IReadOnlyDictionary<string, object?> d => DictStr(d),
        IDictionary d => Printed(d, "{...}", () => "{" + string.Join(", ", d.Keys.Cast<object?>().Select(k => Repr(k) + ": " + Repr(d[k!]))) + "}"),
        IList l => Printed(l, "[...]", () => "[" + string.Join(", ", l.Cast<object?>().Select(Repr)) + "]"),
        _ when IsInt(v, out var l) => l.ToString(CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static string DictStr(IEnumerable<KeyValuePair<string, object?>> d) =>
        Printed(d, "{...}", () => "{" + string.Join(", ", d.Select(kv => Repr(kv.Key) + ": " + Repr(kv.Value))) + "}");

    /// <summary>A container's repr; Python's "[...]" where it contains itself.</summary>
    private static string Printed(object container, string recursive, Func<string> print) =>
        NestedValues.Walk(container, "while getting the repr of an object", print, () => recursive);

    public static string Repr(object? v)
    {
        if (v is decimal m) return "Decimal('" + m.ToString(CultureInfo.InvariantCulture) + "')";
        if (v is not string s) return Str(v);
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }

    /// <summary>Python's repr() of a float: shortest round-trip digits, exponent form outside 1e-4..1e16.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";
        var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var exp = 0;
        var e = r.IndexOfAny(new[] { 'E', 'e' });
        if (e >= 0)
        {
            exp = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.');
        var digits = dot >= 0 ? r.Remove(dot, 1) : r;
        var point = (dot >= 0 ? dot : r.Length) + exp;
        while (digits.Length > 1 && digits[0] == '0') { digits = digits[1..]; point--; }
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var sci = point - 1;
        var sb = new StringBuilder();
        if (d < 0) sb.Append('-');
        if (sci < -4 || sci >= 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(sci < 0 ? '-' : '+').Append(Math.Abs(sci).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (point <= 0) sb.Append("0.").Append('0', -point).Append(digits);
        else if (point >= digits.Length) sb.Append(digits).Append('0', point - digits.Length).Append(".0");
        else sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        return sb.ToString();
    }

    // Arithmetic --------------------------------------------------------------------------------------

    private static Exception OpError(string op, object? a, object? b) =>
        new JinjaError($"unsupported operand types for {op}: '{TypeName(a)}' and '{TypeName(b)}'");

    /// <summary>An operation on a host value (a date plus a timedelta), or Python's TypeError.</summary>
    private static object? HostOperation(string op, object? a, object? b)
    {
        if (a is ITemplateOperand x && x.TryOperate(op, b, false, out var r)) return r;
        if (b is ITemplateOperand y && y.TryOperate(op, a, true, out r)) return r;
        throw OpError(op, a, b);
    }

    private static bool BothInts(object? a, object? b, out long x, out long y)
    {
        y = 0;
        return IsInt(a, out x) & IsInt(b, out y);
    }

    private static bool UseDecimal(object? a, object? b, out decimal x, out decimal y)
    {
        x = y = 0;
        if (a is not decimal && b is not decimal) return false;
        if (a is double or float || b is double or float) return false;
        if (!IsNumber(a) || !IsNumber(b)) return false;
        x = Convert.ToDecimal(a, CultureInfo.InvariantCulture);
        y = Convert.ToDecimal(b, CultureInfo.InvariantCulture);
        return true;
    }

    public static object? Add(object? a, object? b)
    {
        if (BothInts(a, b, out var x, out var y)) return x + y;
        if (UseDecimal(a, b, out var dx, out var dy)) return dx + dy;
        if (IsFloat(a, out var fa) && IsFloat(b, out var fb)) return fa + fb;
        if (a is string sa && b is string sb) return sa + sb;
        if (a is IList la && b is IList lb && a is not string)
        {
            var r = a is JTuple && b is JTuple ? new JTuple() : (List<object?>)new List<object?>();
            foreach (var o in la) r.Add(o);
            foreach (var o in lb) r.Add(o);
            return r;
        }
        return HostOperation("+", a, b);
    }

    public static object? Sub(object? a, object? b)
    {
        if (BothInts(a, b, out var x, out var y)) return x - y;
        if (UseDecimal(a, b, out var dx, out var dy)) return dx - dy;
        if (IsFloat(a, out var fa) && IsFloat(b, out var fb)) return fa - fb;
        return HostOperation("-", a, b);
    }

    public static object? Mul(object? a, object? b)
    {
        if (BothInts(a, b, out var x, out var y)) return x * y;
        if (UseDecimal(a, b, out var dx, out var dy)) return dx * dy;
        if (IsFloat(a, out var fa) && IsFloat(b, out var fb)) return fa * fb;
        if (a is string s && IsInt(b, out var n)) return Repeat(s, n);
        if (b is string s2 && IsInt(a, out var n2)) return Repeat(s2, n2);
        if (a is IList l && IsInt(b, out var n3))
        {
            var r = new List<object?>(n3 <= 0 ? 0 : checked((int)(l.Count * n3)));
            for (var i = 0; i < n3; i++) foreach (var o in l) r.Add(o);
            return r;
        }
        return HostOperation("*", a, b);
    }

    /// <summary>Python's <c>s * n</c>, in one allocation (the callers check the size against the limits first).</summary>
    private static string Repeat(string s, long n)
    {
        if (n <= 0 || s.Length == 0) return "";
        var count = checked((int)n);
        return s.Length == 1 ? new string(s[0], count) : new StringBuilder(checked(s.Length * count)).Insert(0, s, count).ToString();
    }

    public static object? Div(object? a, object? b)
    {
        if (UseDecimal(a, b, out var dx, out var dy))
        {
            if (dy == 0) throw new JinjaError("division by zero");
            return dx / dy;
        }
        if (IsFloat(a, out var fa) && IsFloat(b, out var fb))
        {
            if (fb == 0) throw new JinjaError("division by zero");
            return fa / fb;
        }
        return HostOperation("/", a, b);
    }

    public static object? FloorDiv(object? a, object? b)
    {
        if (BothInts(a, b, out var x, out var y))
        {
            if (y == 0) throw new JinjaError("integer division by zero");
            var q = x / y;
            if ((x % y != 0) && ((x < 0) != (y < 0))) q--;
            return q;
        }
        if (IsFloat(a, out var fa) && IsFloat(b, out var fb))
        {
            if (fb == 0) throw new JinjaError("float floor division by zero");
            return Math.Floor(fa / fb);
        }
        return HostOperation("//", a, b);
    }

    public static object? Mod(object? a, object? b)
    {
        if (BothInts(a, b, out var x, out var y))
        {
            if (y == 0) throw new JinjaError("integer modulo by zero");
            var m = x % y;
            if (m != 0 && ((m < 0) != (y < 0))) m += y;
            return m;
        }
        if (IsFloat(a, out var fa) && IsFloat(b, out var fb))
        {
            if (fb == 0) throw new JinjaError("float modulo by zero");
            var m = fa % fb;
            if (m != 0 && ((m < 0) != (fb < 0))) m += fb;
            return m;
        }
        if (a is string format) return PyFormat.Printf(format, b);
        return HostOperation("%", a, b);
    }

    public static object? Pow(object? a, object? b)
    {
        if (BothInts(a, b, out var x, out var y) && y >= 0)
        {
            long r = 1;
            for (var i = 0; i < y; i++) r = checked(r * x);
            return r;
        }
        if (IsFloat(a, out var fa) && IsFloat(b, out var fb)) return Math.Pow(fa, fb);
        return HostOperation("**", a, b);
    }

    public static object? Neg(object? a)
    {
        if (IsInt(a, out var l)) return -l;
        if (a is decimal m) return -m;
        if (IsFloat(a, out var d)) return -d;
        if (a is ITemplateOperand o && o.TryOperate("neg", null, false, out var r)) return r;
        throw new JinjaError($"bad operand type for unary -: '{TypeName(a)}'");
    }

    // Comparison --------------------------------------------------------------------------------------

    public static bool Eq(object? a, object? b)
    {
        if (a == null || b == null) return a == null && b == null;
        if (a is string sa) return b is string sb && sa == sb;
        if (IsNumber(a) || a is bool)
        {
            if (!(IsNumber(b) || b is bool)) return false;
            if (BothInts(a, b, out var x, out var y)) return x == y;
            if (UseDecimal(a, b, out var dx, out var dy)) return dx == dy;
            if (MixedDecimal(a, b, out var mixed)) return mixed == 0;
            IsFloat(a, out var fa); IsFloat(b, out var fb);
            return fa == fb;
        }
        // Items are equal when they are the same object, as in Python (so a list that contains itself equals itself).
        if (a is IList la && b is IList lb)
        {
            if ((a is JTuple) != (b is JTuple) || la.Count != lb.Count) return false;
            return NestedValues.Walk(a, "in comparison", () =>
            {
                for (var i = 0; i < la.Count; i++) if (!ReferenceEquals(la[i], lb[i]) && !Eq(la[i], lb[i])) return false;
                return true;
            });
        }
        if (TryDict(a, out var da) && TryDict(b, out var db))
        {
            if (da.Count != db.Count) return false;
            return NestedValues.Walk(a, "in comparison", () =>
            {
                foreach (var kv in da)
                    if (!db.TryGetValue(kv.Key, out var ov) || (!ReferenceEquals(kv.Value, ov) && !Eq(kv.Value, ov))) return false;
                return true;
            });
        }
        return Equals(a, b);
    }

    public static int Compare(object? a, object? b, string op)
    {
        if ((IsNumber(a) || a is bool) && (IsNumber(b) || b is bool))
        {
            if (BothInts(a, b, out var x, out var y)) return x.CompareTo(y);
            if (UseDecimal(a, b, out var dx, out var dy)) return dx.CompareTo(dy);
            if (MixedDecimal(a, b, out var mixed)) return mixed;
            IsFloat(a, out var fa); IsFloat(b, out var fb);
            return fa.CompareTo(fb);
        }
        if (a is string sa && b is string sb) return string.CompareOrdinal(sa, sb);
        if (a is IList la && b is IList lb)
            return NestedValues.Walk(a, "in comparison", () =>
            {
                for (var i = 0; i < Math.Min(la.Count, lb.Count); i++)
                {
                    if (ReferenceEquals(la[i], lb[i]) || Eq(la[i], lb[i])) continue;
                    return Compare(la[i], lb[i], op);
                }
                return la.Count.CompareTo(lb.Count);
            });
        if (a is ITemplateOperand ha && ha.TryOperate("cmp", b, false, out var c) && c is int ci) return ci;
        if (b is ITemplateOperand hb && hb.TryOperate("cmp", a, true, out c) && c is int cr) return cr;
        throw new JinjaError($"'{op}' is not supported between '{TypeName(a)}' and '{TypeName(b)}'");
    }

    /// <summary>A decimal against a float compares exact values, as Python's Decimal does.</summary>
    private static bool MixedDecimal(object? a, object? b, out int comparison)
    {
        comparison = 0;
        if (a is decimal m && b is double or float) comparison = PyFormat.CompareExact(m, Convert.ToDouble(b, CultureInfo.InvariantCulture));
        else if (b is decimal n && a is double or float) comparison = -PyFormat.CompareExact(n, Convert.ToDouble(a, CultureInfo.InvariantCulture));
        else return false;
        return true;
    }

    public static bool In(object? item, object? container)
    {
        switch (container)
        {
            case string s:
                if (item is not string sub) throw new JinjaError($"'in <string>' requires a string on the left, not '{TypeName(item)}'");
                return s.Contains(sub, StringComparison.Ordinal);
            case null:
                throw new JinjaError("argument of type 'NoneType' is not iterable");
        }
        if (TryDict(container, out var d)) return item is string k && d.ContainsKey(k);
        if (container is IEnumerable e)
        {
            foreach (var o in e) if (Eq(item, o)) return true;
            return false;
        }
        throw new JinjaError($"argument of type '{TypeName(container)}' is not iterable");
    }

    // Containers ----------------------------------------------------------------------------------------

    /// <summary>A dict key: a string, or a host mapping (a relation) by its text; xform's dicts have string keys.</summary>
    public static string? DictKey(object? key) => key switch
    {
        string s => s,
        ITemplateMapping m => m.ToString(),
        _ => null,
    };

    public static bool TryDict(object? v, out IReadOnlyDictionary<string, object?> d)
    {
        switch (v)
        {
            case Dictionary<string, object?> x: d = x; return true;
            case JDict x: d = x; return true;
            case IReadOnlyDictionary<string, object?> x: d = x; return true;
            case IDictionary<string, object?> x: d = new ReadOnlyDictionaryAdapter(x); return true;
            default: d = null!; return false;
        }
    }

    private sealed class ReadOnlyDictionaryAdapter(IDictionary<string, object?> inner) : IReadOnlyDictionary<string, object?>
    {
        public object? this[string key] => inner[key];
        public IEnumerable<string> Keys => inner.Keys;
        public IEnumerable<object?> Values => inner.Values;
        public int Count => inner.Count;
        public bool ContainsKey(string key) => inner.ContainsKey(key);
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => inner.GetEnumerator();
        public bool TryGetValue(string key, out object? value) => inner.TryGetValue(key, out value);
        IEnumerator IEnumerable.GetEnumerator() => inner.GetEnumerator();
    }

    /// <summary>What a for loop iterates: a snapshot list (dicts give their keys, strings their characters).</summary>
    public static List<object?> Iterate(object? v)
    {
        switch (v)
        {
            case null: throw new JinjaError("cannot iterate over None");
            case JUndefined u: throw JinjaRuntime.Undefined(u);
            case string s: return s.Select(c => (object?)c.ToString()).ToList();
        }
        if (TryDict(v, out var d)) return d.Keys.Select(k => (object?)k).ToList();
        if (v is IEnumerable e)
        {
            var r = new List<object?>();
            foreach (var o in e) r.Add(Norm(o));
            return r;
        }
        throw new JinjaError($"'{TypeName(v)}' object is not iterable");
    }

    public static long Len(object? v) => v switch
    {
        string s => s.Length,
        ICollection c => c.Count,
        IReadOnlyCollection<KeyValuePair<string, object?>> c => c.Count,
        IEnumerable e when v is not ITemplateObject => e.Cast<object?>().Count(),
        _ => throw new JinjaError($"object of type '{TypeName(v)}' has no len()"),
    };
}

/// <summary>An error raised while evaluating; the engine attaches the template position.</summary>
internal sealed class JinjaError : Exception
{
    public JinjaError(string message) : base(message) { }
}

/// <summary>A Python dict: insertion-ordered (also after removals), string keys. Not an IList, unlike OrderedDictionary.</summary>
internal sealed class JDict : IDictionary<string, object?>, IReadOnlyDictionary<string, object?>
{
    private readonly OrderedDictionary<string, object?> _d;

    public JDict() => _d = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
    public JDict(IEnumerable<KeyValuePair<string, object?>> items) : this()
    {
        foreach (var kv in items) _d[kv.Key] = kv.Value;
    }

    public object? this[string key] { get => _d[key]; set => _d[key] = value; }
    public ICollection<string> Keys => _d.Keys;
    public ICollection<object?> Values => _d.Values;
    IEnumerable<string> IReadOnlyDictionary<string, object?>.Keys => _d.Keys;
    IEnumerable<object?> IReadOnlyDictionary<string, object?>.Values => _d.Values;
    public int Count => _d.Count;
    public bool IsReadOnly => false;
    public void Add(string key, object? value) => _d.Add(key, value);
    public void Add(KeyValuePair<string, object?> item) => _d.Add(item.Key, item.Value);
    public void Clear() => _d.Clear();
    public bool Contains(KeyValuePair<string, object?> item) => _d.TryGetValue(item.Key, out var v) && Equals(v, item.Value);
    public bool ContainsKey(string key) => _d.ContainsKey(key);
    public void CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, object?>>)_d).CopyTo(array, arrayIndex);
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _d.GetEnumerator();
    public bool Remove(string key) => _d.Remove(key);
    public bool Remove(KeyValuePair<string, object?> item) => Contains(item) && _d.Remove(item.Key);
    public bool TryGetValue(string key, out object? value) => _d.TryGetValue(key, out value);
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _d.GetEnumerator();
}
