using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>
/// The macros each template calls, directly or through other macros, with each macro's source and
/// checksum, for manifest depends_on.macros and state:modified.macros. Found by scanning call sites
/// (<c>name(</c>, <c>adapter.dispatch('name')</c>) in the template text, so it is static and repeatable.
/// </summary>
public sealed partial class MacroIndex
{
    [GeneratedRegex(@"\{%-?\s*(?:macro|test)\s+(\w+)\s*\(.*?\{%-?\s*end(?:macro|test)\s*-?%\}", RegexOptions.Singleline)]
    private static partial Regex Definition();

    [GeneratedRegex(@"\b([A-Za-z_]\w*)\s*\(")]
    private static partial Regex Call();

    [GeneratedRegex(@"adapter\.dispatch\(\s*['""](\w+)['""]")]
    private static partial Regex Dispatch();

    readonly Dictionary<string, (string Sql, string File)> _bodies = new(StringComparer.Ordinal);
    readonly Dictionary<string, IReadOnlyList<string>> _closure = new(StringComparer.Ordinal);

    public MacroIndex(IEnumerable<TemplateSource> macroFiles, IReadOnlyDictionary<string, MacroInfo> macros, string adapterType)
    {
        foreach (var file in macroFiles)
            foreach (Match m in Definition().Matches(file.Text))
            {
                var name = Regex.IsMatch(m.Value, @"^\{%-?\s*test\b") ? "test_" + m.Groups[1].Value : m.Groups[1].Value;
                if (macros.ContainsKey(name)) _bodies[name] = (m.Value, file.Path); // later files (the project's) win
            }
        AdapterType = adapterType;
    }

    public string AdapterType { get; }

    public IEnumerable<string> Names => _bodies.Keys;

    public string Sql(string name) => _bodies.TryGetValue(name, out var b) ? b.Sql : "";

    public string File(string name) => _bodies.TryGetValue(name, out var b) ? b.File : "";

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

    /// <summary>Macros a piece of template text calls directly, in ordinal order.</summary>
    public IReadOnlyList<string> DirectCalls(string text)
    {
        var found = new List<string>();
        AddDirectCalls(text, found);
        return SortedDistinct(found);
    }

    /// <summary>Every macro reachable from the text, through macro bodies, in ordinal order.</summary>
    public IReadOnlyList<string> AllCalls(string text)
    {
        var all = new List<string>();
        AllCalls(text, all);
        return all;
    }

    /// <summary><see cref="AllCalls(string)"/> into a list the caller reuses (the manifest asks once per node).</summary>
    public void AllCalls(string text, List<string> into)
    {
        into.Clear();
        AddDirectCalls(text, into);
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
        foreach (var m in DirectCalls(Sql(macro)))
            if (m != macro) { result.Add(m); result.UnionWith(Closure(m, visiting)); }
        return _closure[macro] = result.ToList();
    }

    /// <summary>Adds the macros called in the text, in the order met, repeats included.</summary>
    void AddDirectCalls(string text, List<string> found)
    {
        var bodies = _bodies.GetAlternateLookup<ReadOnlySpan<char>>();
        void Add(ReadOnlySpan<char> name)
        {
            if (bodies.TryGetValue(name, out var macro, out _)) found.Add(macro);
        }

        if (Ascii.IsValid(text))
            // What the Call regex matches, found from each '(' backwards: in ASCII its \s is char.IsWhiteSpace,
            // \w [A-Za-z0-9_], and a name starting with a digit is no match. Several times faster than the regex.
            for (var open = text.IndexOf('('); open >= 0; open = text.IndexOf('(', open + 1))
            {
                var end = open;
                while (end > 0 && char.IsWhiteSpace(text[end - 1])) end--;
                var start = end;
                while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] == '_')) start--;
                if (start < end && !char.IsAsciiDigit(text[start])) Add(text.AsSpan(start, end - start));
            }
        else
            foreach (var m in Call().EnumerateMatches(text))
                Add(text.AsSpan(m.Index, m.Length)[..^1].TrimEnd()); // the match is the name, spaces, '('
        foreach (var m in Dispatch().EnumerateMatches(text))
        {
            var match = text.AsSpan(m.Index, m.Length); // adapter.dispatch( 'name'
            var name = match[(match.IndexOfAny('\'', '"') + 1)..^1].ToString();
            foreach (var candidate in new[] { $"{AdapterType}__{name}", $"default__{name}" })
                if (_bodies.ContainsKey(candidate)) { found.Add(candidate); break; }
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
