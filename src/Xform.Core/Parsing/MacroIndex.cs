using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>
/// Every macro of every package (root project, installed packages, xform's internal <c>dbt</c> namespace) by its
/// key <c>package.name</c> (its manifest id without <c>macro.</c>), with its source and checksum, and the macros
/// each template calls, directly or through other macros, resolved as a render would resolve them from the
/// template's package: for manifest depends_on.macros and state:modified.macros. The calls come from the
/// templates' syntax trees (<see cref="MacroCall"/>), so it is static and repeatable: a macro is a dependency when
/// it is called, whether or not a render reaches that call.
/// </summary>
public sealed class MacroIndex
{
    readonly TemplateEngine _engine;
    readonly Dictionary<string, MacroInfo> _macros = new(StringComparer.Ordinal);
    readonly Dictionary<string, IReadOnlyList<string>> _closure = new(StringComparer.Ordinal);

    public MacroIndex(TemplateEngine engine)
    {
        _engine = engine;
        foreach (var m in engine.AllMacros) _macros[Key(m)] = m;
    }

    public static string Key(MacroInfo macro) => $"{macro.Package}.{macro.Name}";

    /// <summary>Every macro's key, ordinal order not promised.</summary>
    public IEnumerable<string> Keys => _macros.Keys;

    public MacroInfo Info(string key) => _macros[key];

    public string Sql(string key) => _macros.TryGetValue(key, out var m) ? m.Sql : "";

    public string File(string key) => _macros.TryGetValue(key, out var m) ? m.Location.File : "";

    public string Checksum(string key) => Sha256(Sql(key));

    public static string Sha256(string text) => Sha256(text.AsSpan());

    public static string Sha256(ReadOnlySpan<char> text)
    {
        Span<char> hex = stackalloc char[64];
        Sha256(text, hex);
        return new string(hex);
    }

    /// <summary>The checksum's 64 hex digits into <paramref name="hex"/>, with no byte[] of the text and no string.</summary>
    public static void Sha256(ReadOnlySpan<char> text, Span<char> hex)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = max > 1024 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> bytes = rented ?? stackalloc byte[1024];
        Sha256(bytes[..Encoding.UTF8.GetBytes(text, bytes)], hex);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>The checksum of <paramref name="bytes"/> as 64 hex digits into <paramref name="hex"/>.</summary>
    public static void Sha256(ReadOnlySpan<byte> bytes, Span<char> hex)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        Convert.TryToHexStringLower(hash, hex, out _);
    }

    /// <summary>The macros <paramref name="calls"/> made in <paramref name="fromPackage"/> reach, by key, in ordinal order.</summary>
    public IReadOnlyList<string> DirectCalls(IReadOnlyList<MacroCall> calls, string? fromPackage)
    {
        var found = new List<string>();
        AddDirectCalls(calls, fromPackage, found);
        return SortedDistinct(found);
    }

    /// <summary>Every macro reachable from the calls, through macro bodies, by key, in ordinal order.</summary>
    public IReadOnlyList<string> AllCalls(IReadOnlyList<MacroCall> calls, string? fromPackage)
    {
        var all = new List<string>();
        AllCalls(calls, fromPackage, all);
        return all;
    }

    /// <summary><see cref="AllCalls(IReadOnlyList{MacroCall}, string)"/> into a list the caller reuses (the manifest asks once per node).</summary>
    public void AllCalls(IReadOnlyList<MacroCall> calls, string? fromPackage, List<string> into)
    {
        into.Clear();
        AddDirectCalls(calls, fromPackage, into);
        SortedDistinct(into);
        var direct = into.Count;
        for (var i = 0; i < direct; i++) into.AddRange(Closure(into[i], null));
        if (into.Count > direct) SortedDistinct(into);
    }

    /// <summary>Resolves every macro's closure now, so that later calls only read (the manifest's nodes are written on several threads).</summary>
    public void ResolveAll()
    {
        foreach (var key in _macros.Keys) Closure(key, null);
    }

    /// <summary>What a macro's body reaches, itself excluded, resolved from the macro's own package.</summary>
    public IReadOnlyList<string> Closure(string key) => Closure(key, null);

    IReadOnlyList<string> Closure(string key, HashSet<string>? visiting)
    {
        if (_closure.TryGetValue(key, out var known)) return known;
        visiting ??= [];
        if (!visiting.Add(key)) return [];
        var macro = _macros[key];
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var m in DirectCalls(macro.Calls, macro.Package))
            if (m != key) { result.Add(m); result.UnionWith(Closure(m, visiting)); }
        return _closure[key] = result.ToList();
    }

    void AddDirectCalls(IReadOnlyList<MacroCall> calls, string? fromPackage, List<string> found)
    {
        foreach (var call in calls)
            if (_engine.Resolve(call, fromPackage) is { } macro) found.Add(Key(macro));
    }

    static List<string> SortedDistinct(List<string> names)
    {
        names.Sort(StringComparer.Ordinal);
        var kept = 0;
        for (var i = 0; i < names.Count; i++)
            if (kept == 0 || names[kept - 1] != names[i]) names[kept++] = names[i];
        names.RemoveRange(kept, names.Count - kept);
        return names;
    }
}
