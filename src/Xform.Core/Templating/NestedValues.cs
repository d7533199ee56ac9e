using System.Runtime.CompilerServices;

namespace Xform.Core.Templating;

/// <summary>
/// The walks over nested values (printing, comparing, JSON) recurse once per level. A list nested thousands deep
/// (built in a loop) or one that contains itself (<c>x.append(x)</c>) must end as Python ends it, with "[...]" or a
/// RecursionError, not with a stack overflow that kills the process or a walk that never ends.
/// </summary>
internal static class NestedValues
{
    /// <summary>Python's default recursion limit.</summary>
    private const int MaxDepth = 1000;

    [ThreadStatic] private static HashSet<object>? _open;

    /// <summary>
    /// Walks into <paramref name="container"/>. If it is already being walked (it contains itself), the result is
    /// <paramref name="ifRecursive"/>, or, without one, Python's RecursionError "maximum recursion depth exceeded
    /// <paramref name="what"/>".
    /// </summary>
    public static T Walk<T>(object container, string what, Func<T> walk, Func<T>? ifRecursive = null)
    {
        var open = _open ??= new HashSet<object>(ReferenceEqualityComparer.Instance);
        if (!open.Add(container)) return ifRecursive != null ? ifRecursive() : throw TooDeep(what);
        try
        {
            if (open.Count > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack()) throw TooDeep(what);
            return walk();
        }
        finally
        {
            open.Remove(container);
        }
    }

    private static JinjaError TooDeep(string what) => new($"maximum recursion depth exceeded {what}");
}
