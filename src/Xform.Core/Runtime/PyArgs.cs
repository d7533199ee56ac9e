using System.Globalization;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>Reads the arguments of a call into a Python-like host function, with Python's complaints when they are wrong.</summary>
internal static class PyArgs
{
    /// <summary>The position of an argument that can only be given by name (Python's <c>*, name</c>).</summary>
    public const int KeywordOnly = int.MaxValue;

    /// <summary>Fails on a keyword or an extra positional argument the function does not take, as Python does.</summary>
    public static void Check(TemplateCall c, string function, int maxPositional, params string[] names)
    {
        if (c.Args.Count > maxPositional)
            throw c.Error(maxPositional == 0
                ? $"{function}() takes no arguments ({c.Args.Count} given)"
                : $"{function}() takes at most {maxPositional} argument{(maxPositional == 1 ? "" : "s")} ({c.Args.Count} given)");
        foreach (var key in c.Kwargs.Keys)
            if (Array.IndexOf(names, key) < 0)
                throw c.Error($"{function}() got an unexpected keyword argument '{key}'");
    }

    /// <summary>
    /// A module function: its arguments checked (at most <paramref name="maxPositional"/>, keywords among
    /// <paramref name="names"/>), and an error of the value model reported at the call.
    /// </summary>
    public static HostFunction Function(string name, int maxPositional, string[] names, Func<TemplateCall, object?> body) => c =>
    {
        Check(c, name, maxPositional, names);
        try
        {
            return body(c);
        }
        catch (JinjaError e)
        {
            throw c.Error(e.Message);
        }
    };

    public static long Int(TemplateCall c, int position, string name, string function, long? fallback = null)
    {
        if (!c.Has(position, name))
            return fallback ?? throw c.Error($"{function}() missing required argument '{name}' (pos {position + 1})");
        var v = c.Get(position, name);
        if (v is bool b) return b ? 1 : 0;
        if (Py.IsInt(v, out var l)) return l;
        throw c.Error($"{function}(): '{name}' must be an integer, not '{Py.TypeName(v)}'");
    }

    public static string Str(TemplateCall c, int position, string name, string function, string? fallback = null)
    {
        if (!c.Has(position, name))
            return fallback ?? throw c.Error($"{function}() missing required argument '{name}' (pos {position + 1})");
        return c.Get(position, name) is string s ? s : throw c.Error($"{function}(): '{name}' must be a string, not '{Py.TypeName(c.Get(position, name))}'");
    }

    /// <summary>An int or a float as a double (for timedelta's fields and multiplication).</summary>
    public static bool Number(object? v, out double d)
    {
        d = 0;
        if (v is bool) return false;
        return Py.IsFloat(v, out d);
    }

    public static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    public static string D2(long v) => v.ToString("00", CultureInfo.InvariantCulture);
}
