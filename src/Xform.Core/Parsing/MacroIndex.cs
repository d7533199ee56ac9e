using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>
/// The macros each template calls, directly or through other macros, with each macro's source and
/// checksum, for manifest depends_on.macros and state:modified.macros. The calls come from the templates'
/// syntax trees (<see cref="MacroCall"/>), so it is static and repeatable: a macro is a dependency when it is
/// called, whether or not a render reaches that call.
/// </summary>
public sealed class MacroIndex
{
    readonly IReadOnlyDictionary<string, MacroInfo> _macros;
    readonly Dictionary<string, IReadOnlyList<string>> _closure = new(StringComparer.Ordinal);

    /// <param name="macros">the macros the root project sees by name (its own over the internal ones)</param>
    public MacroIndex(IReadOnlyDictionary<string, MacroInfo> macros, string adapterType)
    {
        _macros = macros;
        AdapterType = adapterType;
    }

    public string AdapterType { get; }

    public IEnumerable<string> Names => _macros.Keys;

    public string Sql(string name) => _macros.TryGetValue(name, out var m) ? m.Sql : "";

    /// <summary>The macros a macro's body calls.</summary>
    public IReadOnlyList<MacroCall> CallsOf(string name) => _macros.TryGetValue(name, out var m) ? m.Calls : [];

    public string File(string name) => _macros.TryGetValue(name, out var m) ? m.Location.File : "";

    public string Checksum(string name) => Sha256(Sql(name));

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
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(text, bytes)], hash);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        Convert.TryToHexStringLower(hash, hex, out _);
    }

    /// <summary>The known macros among <paramref name="calls"/>, in ordinal order.</summary>
    public IReadOnlyList<string> DirectCalls(IReadOnlyList<MacroCall> calls)
    {
        var found = new List<string>();
        AddDirectCalls(calls, found);
        return SortedDistinct(found);
    }

    /// <summary>Every macro reachable from the calls, through macro bodies, in ordinal order.</summary>
    public IReadOnlyList<string> AllCalls(IReadOnlyList<MacroCall> calls)
    {
        var all = new List<string>();
        AllCalls(calls, all);
        return all;
    }

    /// <summary><see cref="AllCalls(IReadOnlyList{MacroCall})"/> into a list the caller reuses (the manifest asks once per node).</summary>
    public void AllCalls(IReadOnlyList<MacroCall> calls, List<string> into)
    {
        into.Clear();
        AddDirectCalls(calls, into);
        SortedDistinct(into);
        var direct = into.Count;
        for (var i = 0; i < direct; i++) into.AddRange(Closure(into[i], null));
        if (into.Count > direct) SortedDistinct(into);
    }

    IReadOnlyList<string> Closure(string macro, HashSet<string>? visiting)
    {
        if (_closure.TryGetValue(macro, out var known)) return known;
        visiting ??= [];
        if (!visiting.Add(macro)) return [];
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var m in DirectCalls(_macros[macro].Calls))
            if (m != macro) { result.Add(m); result.UnionWith(Closure(m, visiting)); }
        return _closure[macro] = result.ToList();
    }

    /// <summary>
    /// Adds the known macros among the calls, in the order met: a plain or package-qualified name as called
    /// (the manifest names macros by name), a dispatch as the implementation this adapter would run.
    /// </summary>
    void AddDirectCalls(IReadOnlyList<MacroCall> calls, List<string> found)
    {
        foreach (var call in calls)
        {
            if (!call.Dispatched)
            {
                if (_macros.ContainsKey(call.Name)) found.Add(call.Name);
                continue;
            }
            foreach (var candidate in new[] { $"{AdapterType}__{call.Name}", $"default__{call.Name}" })
                if (_macros.ContainsKey(candidate)) { found.Add(candidate); break; }
        }
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
