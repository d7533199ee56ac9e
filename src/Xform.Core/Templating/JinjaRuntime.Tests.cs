using System.Collections;

namespace Xform.Core.Templating;

/// <summary>Jinja's tests (<c>x is defined</c>, <c>n is divisibleby 3</c>), also used by select/reject.</summary>
internal static partial class JinjaRuntime
{
    public static readonly HashSet<string> Tests = new(StringComparer.Ordinal)
    {
        "defined", "undefined", "none", "filter", "test", "string", "number", "integer", "float", "boolean", "mapping",
        "iterable", "sequence", "callable", "escaped", "true", "false", "even", "odd", "divisibleby", "in", "eq", "ne",
        "lt", "le", "gt", "ge", "==", "!=", "<", "<=", ">", ">=", "equalto", "greaterthan", "lessthan", "sameas",
        "lower", "upper",
    };

    /// <summary>Applies a test. An undefined operand is an error only for the tests that use its value, as with
    /// Jinja's StrictUndefined (<c>x is string</c> is false, <c>x is even</c> fails).</summary>
    public static bool ApplyTest(string name, object? v, List<object?> a)
    {
        object? A0() => a.Count > 0 ? Check(a[0]) : throw new JinjaError($"test '{name}' expects an argument");
        switch (name)
        {
            case "defined": return v is not JUndefined;
            case "undefined": return v is JUndefined;
            case "none": return v == null;
            case "string": return v is string;
            case "number": return Py.IsNumber(v) || v is bool;
            case "integer": return Py.IsInt(v, out _) && v is not bool;
            case "float": return v is double or float;
            case "boolean": return v is bool;
            case "true": return v is true;
            case "false": return v is false;
            case "mapping": return v is ITemplateMapping || (v is not JNamespace && Py.TryDict(v, out _));
            case "sequence": return v is string or IList || (v is not JNamespace && Py.TryDict(v, out _));
            case "callable": return v is JMacro or HostFunction or ITemplateCallable or BoundMethod or BuiltinFunction or JUndefined;
            case "escaped": return false;
            case "sameas": return SameAs(v, a.Count > 0 ? a[0] : throw new JinjaError("test_sameas() missing 1 required positional argument: 'other'"));
        }
        Check(v);
        switch (name)
        {
            case "filter": return v is string f && Filters.Contains(f);
            case "test": return v is string t && Tests.Contains(t);
            case "iterable": return v is string or IEnumerable && v is not (JNamespace or ITemplateObject);
            case "lower": return IsLower(Py.Str(v));
            case "upper": return IsUpper(Py.Str(v));
            case "even": return Py.Eq(Py.Mod(v, 2L), 0L);
            case "odd": return Py.Eq(Py.Mod(v, 2L), 1L);
            case "divisibleby": return Py.Eq(Py.Mod(v, A0()), 0L);
            case "in": return Py.In(v, A0());
            case "eq": case "==": case "equalto": return Py.Eq(v, A0());
            case "ne": case "!=": return !Py.Eq(v, A0());
            case "lt": case "<": case "lessthan": return Py.Compare(v, A0(), "<") < 0;
            case "le": case "<=": return Py.Compare(v, A0(), "<=") <= 0;
            case "gt": case ">": case "greaterthan": return Py.Compare(v, A0(), ">") > 0;
            case "ge": case ">=": return Py.Compare(v, A0(), ">=") >= 0;
        }
        throw new JinjaError($"test '{name}' is not supported by xform's Jinja subset");
    }

    /// <summary>Python's <c>is</c>: the same object. None, booleans, small integers and identifier-like strings are
    /// shared objects in CPython, so equal ones are the same.</summary>
    private static bool SameAs(object? x, object? y)
    {
        if (ReferenceEquals(x, y)) return true;
        return (x, y) switch
        {
            (bool p, bool q) => p == q,
            (string s, string t) => s == t && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'),
            _ when x is not bool && y is not bool && Py.IsInt(x, out var i) && Py.IsInt(y, out var j) => i == j && i is >= -5 and <= 256,
            _ => false,
        };
    }
}
