using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Xform.Core.Templating;

namespace Xform.Core.Artifacts;

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

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Macros a piece of template text calls directly.</summary>
    public IReadOnlyList<string> DirectCalls(string text)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match m in Call().Matches(text))
            if (_bodies.ContainsKey(m.Groups[1].Value)) found.Add(m.Groups[1].Value);
        foreach (Match m in Dispatch().Matches(text))
            foreach (var candidate in new[] { $"{AdapterType}__{m.Groups[1].Value}", $"default__{m.Groups[1].Value}" })
                if (_bodies.ContainsKey(candidate)) { found.Add(candidate); break; }
        return found.ToList();
    }

    /// <summary>Every macro reachable from the text, through macro bodies.</summary>
    public IReadOnlyList<string> AllCalls(string text)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var m in DirectCalls(text)) { result.Add(m); result.UnionWith(Closure(m, [])); }
        return result.ToList();
    }

    IReadOnlyList<string> Closure(string macro, HashSet<string> visiting)
    {
        if (_closure.TryGetValue(macro, out var known)) return known;
        if (!visiting.Add(macro)) return [];
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var m in DirectCalls(Sql(macro)))
            if (m != macro) { result.Add(m); result.UnionWith(Closure(m, visiting)); }
        return _closure[macro] = result.ToList();
    }
}
