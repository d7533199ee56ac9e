using System.Text.RegularExpressions;

namespace Xform.Core.Tests;

/// <summary>
/// Xform.Core's namespaces form layers, and imports run one way: a namespace may use those before it in
/// <see cref="Layers"/>, never one after it. Read from the <c>using</c> lines and from names qualified with a
/// namespace (<c>Execution.X</c>, <c>Core.Execution.X</c>), so a back-import cannot slip in either way.
/// </summary>
public partial class LayeringTests
{
    /// <summary>Lowest first. The README's architecture section describes each.</summary>
    public static readonly string[] Layers =
    [
        "Diagnostics", "YamlReading", "Templating", "Project", "Seeds", "Adapters", "Runtime", "Parsing", "Packages", "Graph",
        "Compilation", "Selection", "Planning", "Execution", "Artifacts", "Docs", "Tasks",
    ];

    /// <summary>The layer is the first part after Xform.Core; a folder inside it is a namespace inside it.</summary>
    [GeneratedRegex(@"^namespace\s+Xform\.Core\.(\w+)((?:\.\w+)*)", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*using\s+(?:static\s+)?(?:\w+\s*=\s*)?Xform\.Core\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"(?<![\w.])(?:Xform\.)?(?:Core\.)?(\w+)\.[A-Z]\w*")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"//.*|/\*[\s\S]*?\*/|@?\$?""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex CommentOrString();

    /// <summary>Each import of a later layer, as "file: A imports B".</summary>
    public static IReadOnlyList<string> Violations(IEnumerable<(string File, string Text)> files)
    {
        var rank = Layers.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var found = new List<string>();
        foreach (var (file, text) in files)
        {
            var own = NamespaceLine().Match(text);
            if (!own.Success) { found.Add($"{file}: no 'namespace Xform.Core.X' line"); continue; }
            var ns = own.Groups[1].Value;
            if (!rank.TryGetValue(ns, out var ownRank)) { found.Add($"{file}: namespace {ns} is in no layer (add it to LayeringTests.Layers)"); continue; }
            var code = CommentOrString().Replace(text, "");
            var used = UsingLine().Matches(code).Select(m => m.Groups[1].Value)
                .Concat(QualifiedName().Matches(code).Select(m => m.Groups[1].Value).Where(rank.ContainsKey))
                // a qualified name that starts with the file's own property or local of that name is not an import
                .Where(u => rank.TryGetValue(u, out var r) && r > ownRank && !IsMember(code, u));
            foreach (var u in used.Distinct()) found.Add($"{file}: {ns} imports {u}, a later layer");
        }
        return found;
    }

    /// <summary>
    /// <c>Project.Name</c> may read a property called Project: an import only when the name is not declared
    /// in the file as a member, parameter or local (<c>Project Project</c>, <c>project</c> is lower case anyway).
    /// </summary>
    static bool IsMember(string code, string name) =>
        Regex.IsMatch(code, $@"\b\w[\w<>?,\[\]]*\s+{name}\b\s*(?:[{{;=,)]|=>)");

    static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Transform.sln"))) return Path.Combine(dir.FullName, "src", "Xform.Core");
        throw new InvalidOperationException("Transform.sln not found above the test directory");
    }

    static IEnumerable<(string, string)> CoreSources()
    {
        var root = SourceRoot();
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (Path.GetRelativePath(root, f), File.ReadAllText(f)));
    }

    [Test]
    public void Core_imports_only_earlier_layers()
    {
        var sources = CoreSources().ToList();
        Assert.That(sources, Has.Count.GreaterThan(50), "the Core sources were found");
        Assert.That(Violations(sources), Is.Empty);
    }

    [Test]
    public void Each_folder_of_core_is_its_namespace()
    {
        var wrong = CoreSources()
            .Where(s => NamespaceLine().Match(s.Item2) is { Success: true } m &&
                        Path.GetDirectoryName(s.Item1)!.Replace(Path.DirectorySeparatorChar, '.') != m.Groups[1].Value + m.Groups[2].Value)
            .Select(s => s.Item1).ToList();
        Assert.That(wrong, Is.Empty);
    }

    [TestCase("using Xform.Core.Execution;\nnamespace Xform.Core.Parsing;\nclass A {}", "Parsing imports Execution")]
    [TestCase("namespace Xform.Core.Compilation;\nclass A { Execution.BatchWindow? b; }", "Compilation imports Execution")]
    [TestCase("namespace Xform.Core.Project;\nclass A { object x = Xform.Core.Artifacts.ManifestWriter.Indented; }", "Project imports Artifacts")]
    [TestCase("namespace Xform.Core.Selection;\nclass A { object x = Core.Docs.DocsSite.X; }", "Selection imports Docs")]
    [TestCase("namespace Xform.Core.Elsewhere;\nclass A {}", "namespace Elsewhere is in no layer")]
    [TestCase("using Xform.Core.Execution.Incremental;\nnamespace Xform.Core.Planning.Steps;\nclass A {}", "Planning imports Execution")]
    public void A_back_import_is_reported(string source, string expected) =>
        Assert.That(Violations([("A.cs", source)]), Has.Some.Contains(expected));

    [TestCase("using Xform.Core.Project;\nnamespace Xform.Core.Execution;\nclass A {}")]
    [TestCase("namespace Xform.Core.Parsing;\nclass A { DependencyGraph Graph => null!; object N => Graph.Order; }")]
    [TestCase("namespace Xform.Core.Parsing;\n// Execution.Run is mentioned in a comment\nclass A { string s = \"Docs.Site\"; }")]
    public void An_import_of_an_earlier_layer_or_a_member_is_not(string source) =>
        Assert.That(Violations([("A.cs", source)]), Is.Empty);
}
