namespace Xform.Core.Project;

/// <summary>
/// What <c>ref()</c> and <c>source()</c> can name, by (package, name): one lookup shared by the graph, the
/// compiler and the parse. dbt's order for a name without a package: the root project, then the calling node's
/// own package, then any package that has it; with a package (<c>ref('pkg', 'm')</c>) only that package.
/// </summary>
public sealed class NodeLookup
{
    readonly string _root;
    readonly Dictionary<(string Package, string Name), Node> _relations = new();
    readonly Dictionary<string, List<Node>> _relationsByName = new(StringComparer.Ordinal);
    readonly Dictionary<(string Package, string Source, string Table), Node> _sources = new();
    readonly Dictionary<(string Package, string Name, string Version), Node> _versions = new();
    readonly HashSet<string> _packages = new(StringComparer.Ordinal);

    public NodeLookup(Manifest manifest) : this(manifest.Project.Name, manifest.Nodes.Values)
    {
    }

    /// <summary>A lookup over some nodes of a project whose root package is <paramref name="root"/> (such as its disabled ones).</summary>
    public NodeLookup(string root, IEnumerable<Node> nodes)
    {
        _root = root;
        foreach (var n in nodes)
        {
            switch (n.ResourceType)
            {
                case ResourceType.Model when n.Version is { } v:
                    _versions[(n.PackageName, n.Name, v)] = n;
                    // An unversioned ref('m') reads the latest version.
                    if (v != n.LatestVersion) break;
                    _relations[(n.PackageName, n.Name)] = n;
                    _packages.Add(n.PackageName);
                    if (!_relationsByName.TryGetValue(n.Name, out var named)) _relationsByName[n.Name] = named = [];
                    named.Add(n);
                    break;
                case ResourceType.Model or ResourceType.Seed or ResourceType.Snapshot:
                    _relations[(n.PackageName, n.Name)] = n;
                    _packages.Add(n.PackageName);
                    if (!_relationsByName.TryGetValue(n.Name, out var same)) _relationsByName[n.Name] = same = [];
                    same.Add(n);
                    break;
                case ResourceType.Source when n.Source is { } s:
                    _sources[(n.PackageName, s.SourceName, s.TableName)] = n;
                    break;
            }
        }
    }

    /// <summary>The packages whose nodes the lookup knows.</summary>
    public bool HasPackage(string package) => package == _root || _packages.Contains(package);

    /// <summary>The model, seed or snapshot <c>ref(package?, name)</c> names from a node of <paramref name="fromPackage"/>.</summary>
    /// <param name="version">the <c>v=</c> of the ref: that version of a versioned model (the latest when null)</param>
    public Node? Ref(string name, string? package, string fromPackage, string? version = null)
    {
        var node = package is not null
            ? _relations.GetValueOrDefault((package, name))
            : _relations.GetValueOrDefault((_root, name))
              ?? _relations.GetValueOrDefault((fromPackage, name))
              ?? (_relationsByName.TryGetValue(name, out var any) && any.Count == 1 ? any[0] : null);
        if (version is null || node is null) return node;
        return node.Version is null ? null : _versions.GetValueOrDefault((node.PackageName, name, version));
    }

    /// <summary>The versions a versioned model has, for the message of a ref() to a version it lacks.</summary>
    public IEnumerable<string> VersionsOf(string package, string name) =>
        _versions.Keys.Where(k => k.Package == package && k.Name == name).Select(k => k.Version).Order(StringComparer.Ordinal);

    /// <summary>The source table <c>source(source, table)</c> names from a node of <paramref name="fromPackage"/>.</summary>
    public Node? Source(string source, string table, string fromPackage) =>
        _sources.GetValueOrDefault((_root, source, table))
        ?? _sources.GetValueOrDefault((fromPackage, source, table))
        ?? (_sources.Where(s => s.Key.Source == source && s.Key.Table == table).Select(s => s.Value).Take(2).ToList() is [var only] ? only : null);

    /// <summary>Names a ref() can use, for "did you mean".</summary>
    public IEnumerable<string> RefNames => _relationsByName.Keys;

    /// <summary><c>source.table</c> names a source() can use, for "did you mean".</summary>
    public IEnumerable<string> SourceNames => _sources.Keys.Select(k => $"{k.Source}.{k.Table}");
}
