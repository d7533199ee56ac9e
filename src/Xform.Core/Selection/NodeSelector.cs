using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Selection;

/// <summary>
/// dbt's node selection: space-separated unions of comma-separated intersections of criteria, each
/// criterion <c>[@][N+]method:value[+N]</c> (read by <see cref="SelectorSyntax"/>). Methods: name (default, with
/// fqn and wildcards), tag, path, config.KEY, resource_type, source, fqn, test_type, test_name, package, state, result,
/// source_status, version, group, access, unit_test.
/// </summary>
public sealed class NodeSelector(DependencyGraph graph, IStateComparison? state = null)
{
    /// <summary>The nodes matched by <paramref name="select"/> (all when empty) minus <paramref name="exclude"/>.</summary>
    public NodeSet Select(IReadOnlyList<string> select, IReadOnlyList<string> exclude, Action<Warning>? warn = null)
    {
        var selected = select.Count == 0 ? NodeSet.All(graph) : Matching(select, "--select", warn);
        if (exclude.Count > 0) selected.ExceptWith(Matching(exclude, "--exclude", warn));
        return selected;
    }

    /// <summary>
    /// The union of the selectors given to <paramref name="option"/>. Each space-separated term that matches no
    /// node is warned about, as dbt does, and the other terms still count.
    /// </summary>
    public NodeSet Matching(IReadOnlyList<string> specs, string option, Action<Warning>? warn)
    {
        NodeSet? result = null;
        var terms = SelectorSyntax.Parse(specs, option).ToList();
        // every criterion's matches first, in one pass over the nodes; each its own set, as the sets are combined in place
        var seeds = new Queue<NodeSet>(MatchAll(terms.SelectMany(t => t.Criteria).ToList()));
        foreach (var term in terms)
        {
            var matched = Intersection(term, seeds);
            if (matched.Count == 0)
                warn?.Invoke(new Warning($"the selection criterion '{term.Raw}' does not match any enabled nodes", SourceLocation.None));
            if (result is null) result = matched;
            else result.UnionWith(matched);
        }
        return result ?? new NodeSet(graph);
    }

    /// <param name="seeds">what each criterion matched, in order</param>
    NodeSet Intersection(SelectorTerm term, Queue<NodeSet> seeds)
    {
        NodeSet? result = null;
        foreach (var criterion in term.Criteria)
        {
            var matched = Nodes(criterion, seeds.Dequeue());
            if (result is null) result = matched;
            else result.IntersectWith(matched);
        }
        return result ?? new NodeSet(graph);
    }

    /// <summary>The nodes one criterion selects: its matches and the ancestors/descendants its graph operators ask for.</summary>
    internal NodeSet Nodes(Criterion c) => Nodes(c, Match(c));

    /// <summary>What <paramref name="c"/> selects from the nodes it matched (<paramref name="seeds"/>, which it may reuse).</summary>
    NodeSet Nodes(Criterion c, NodeSet seeds)
    {
        if (!c.Up && !c.Down && !c.ChildrensParents) return seeds;
        // the graph walked from every node matched at once, over positions
        var starts = seeds.Positions();
        var result = new NodeSet(graph);
        foreach (var k in graph.Around(starts, c.Up, c.UpDepth, c.Down, c.DownDepth)) result.AddAt(k);
        foreach (var id in seeds.Others)
            if (_objects.TryGetValue(id, out var o))
            {
                // An exposure, metric, ...: not a graph node; '+' before it brings what it depends on and their ancestors.
                result.Add(id);
                if (c.Up)
                    foreach (var above in ObjectAncestors(o, c.UpDepth)) result.Add(above);
            }
        // @x: x, its descendants, and every ancestor of those (and of what '+' before it brought).
        if (c.ChildrensParents)
            foreach (var k in graph.DescendantsAndAllTheirAncestors(starts, result.Positions())) result.AddAt(k);
        return result;
    }

    readonly Dictionary<string, ProjectObject> _objects = graph.Manifest.Objects.Where(o => o.Kind != "group").ToDictionary(o => o.UniqueId, StringComparer.Ordinal);

    HashSet<string> ObjectAncestors(ProjectObject o, int? depth)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (depth is 0) return result;
        foreach (var id in o.DependsOn)
        {
            result.Add(id);
            if (_objects.TryGetValue(id, out var above)) result.UnionWith(ObjectAncestors(above, depth - 1));
            else result.UnionWith(graph.Ancestors(id, depth - 1));
        }
        return result;
    }

    NodeSet Match(Criterion c) => MatchAll([c])[0];

    /// <summary>What each criterion matches (in their order), the graph's nodes tested for all of them in one pass (<see cref="NodeSet.Where"/>).</summary>
    NodeSet[] MatchAll(IReadOnlyList<Criterion> criteria)
    {
        var matched = new NodeSet[criteria.Count];
        var tested = new List<(int At, Func<Node, bool> Test)>();
        for (var i = 0; i < criteria.Count; i++)
        {
            if (Special(criteria[i]) is { } set) matched[i] = set;
            else tested.Add((i, Predicate(criteria[i])));
        }
        var sets = NodeSet.Where(graph, tested.ConvertAll(t => t.Test));
        for (var j = 0; j < sets.Length; j++) matched[tested[j].At] = sets[j];
        return matched;
    }

    /// <summary>What a criterion matches without testing each node: exposures and other objects, or every node for a lone <c>*</c>; else null.</summary>
    NodeSet? Special(Criterion c)
    {
        if (c.Method is "exposure" or "metric" or "semantic_model" or "saved_query"
            || (c.Method == "resource_type" && _objects.Values.Any(o => o.Kind == c.Value.ToLowerInvariant())))
            return NodeSet.Of(graph, _objects.Values.Where(o => o.Kind == (c.Method == "resource_type" ? c.Value.ToLowerInvariant() : c.Method) && (c.Method == "resource_type" || Wildcard(c.Value, o.Name)))
                .Select(o => o.UniqueId));
        // '*' by name matches every node (its name is matched by the wildcard): no pass over the nodes to find that out.
        return c.Method == "" && c.Value == "*" ? NodeSet.All(graph) : null;
    }

    /// <summary>The test of each node a criterion makes.</summary>
    Func<Node, bool> Predicate(Criterion c)
    {
        var value = c.Value;
        var parts = value.Split('.'); // once, not per node
        Func<string, bool> tagMatches = tag => Wildcard(value, tag);
        return c.Method switch
        {
            // dbt's default method: a value with a slash is a path, one ending in a file extension a file name, else a name or fqn.
            "" when value.Contains('/') => n => PathMatches(n, value),
            "" when value.EndsWith(".sql", StringComparison.Ordinal) || value.EndsWith(".csv", StringComparison.Ordinal) || value.EndsWith(".py", StringComparison.Ordinal)
                => n => FileMatches(n, value),
            "" => n => NameMatches(n, value, parts),
            "tag" => n => n.Config.AnyTag(tagMatches),
            "path" => n => PathMatches(n, value),
            "file" => n => FileMatches(n, value),
            // materialized has a default (view, seed, test, ...) that the config itself does not hold; a source has none.
            "config" when c.Sub == "materialized" => n => n.ResourceType != ResourceType.Source && ConfigMatches(n.Materialized, value),
            "config" => n => n.Config.TryGetValue(c.Sub, out var v) && ConfigMatches(v, value),
            "resource_type" => n => string.Equals(n.TypeName, value, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(n.ResourceType.ToString(), value, StringComparison.OrdinalIgnoreCase),
            "source" => n => n.ResourceType == ResourceType.Source && SourceMatches(n, value),
            "fqn" => n => FqnMatches(n, parts),
            "package" => n => Wildcard(value, n.PackageName),
            // dbt's names: unit tests; data tests, which are generic (or schema) with test metadata, or singular without.
            "test_type" => value switch
            {
                "unit" => n => n.ResourceType == ResourceType.UnitTest,
                "data" => n => n.ResourceType == ResourceType.Test,
                _ => n => n.ResourceType == ResourceType.Test && (value is "generic" or "schema") == (n.TestMetadata is not null),
            },
            "state" => StateMatches(value, c),
            "result" => State(c).PreviousResults() is var results ? n => results.GetValueOrDefault(n.UniqueId) == value : _ => false,
            "source_status" => State(c).FresherSources() is var fresher ? n => fresher.Contains(n.UniqueId) : _ => false,
            "version" => n => n.ResourceType == ResourceType.Model && VersionMatches(n, value),
            "group" => n => n.Group is { } g && Wildcard(value, g),
            "access" => n => n.ResourceType == ResourceType.Model && n.Access == value,
            "unit_test" => n => n.ResourceType == ResourceType.UnitTest && (Wildcard(value, n.Name) || FqnMatches(n, parts) || PathMatches(n, value)),
            "test_name" => n => n.TestMetadata is { } t && Wildcard(value, t.Name),
            _ => throw new InvalidOperationException($"selector method '{c.Method}' passed the syntax check but has no matcher"),
        };
    }

    IStateComparison State(Criterion c) => state ?? throw SelectorSyntax.NeedsState(c);

    Func<Node, bool> StateMatches(string value, Criterion c)
    {
        var state = State(c);
        var dot = value.IndexOf('.');
        var (kind, sub) = dot < 0 ? (value, "") : (value[..dot], value[(dot + 1)..]);
        return kind switch
        {
            "new" => state.IsNew,
            "old" => n => !state.IsNew(n),
            "unmodified" => n => !state.IsNew(n) && !state.IsModified(n, ""),
            _ => n => state.IsModified(n, sub), // modified: the syntax check allows nothing else
        };
    }

    /// <summary>dbt's version method: latest, prerelease (above the latest), old (below it), none (unversioned).</summary>
    static bool VersionMatches(Node n, string kind) => n.Version is not { } v
        ? kind == "none"
        : kind switch
        {
            "latest" => v == n.LatestVersion,
            "prerelease" => Parsing.ModelVersions.Compare(v, n.LatestVersion!) > 0,
            "old" => Parsing.ModelVersions.Compare(v, n.LatestVersion!) < 0,
            _ => false,
        };

    static bool NameMatches(Node n, string value, string[] parts) =>
        Wildcard(value, n.Name) || (n.ResourceType != ResourceType.Source && FqnMatches(n, parts));

    /// <summary>dbt's fqn method (the value split at its dots): <c>staging</c> matches every node under models/staging; <c>proj.staging.stg_x</c> one node.</summary>
    static bool FqnMatches(Node n, string[] parts)
    {
        var fqn = n.Fqn;
        for (var start = 0; start <= 1; start++)
        {
            if (parts.Length > fqn.Count - start) continue;
            var ok = true;
            for (var i = 0; i < parts.Length && ok; i++) ok = Wildcard(parts[i], fqn[start + i]);
            if (ok && (start == 0 || parts.Length < fqn.Count)) return true;
        }
        return false;
    }

    static bool PathMatches(Node n, string value)
    {
        var v = value.TrimEnd('/').Replace('\\', '/');
        if (v.StartsWith("./", StringComparison.Ordinal)) v = v[2..];
        var p = n.OriginalFilePath;
        return p == v || p.StartsWith(v + "/", StringComparison.Ordinal) || Wildcard(v, p);
    }

    /// <summary>dbt's file method: the file's name, with or without its extension (<c>file:stg_orders.sql</c>, <c>file:stg_orders</c>), wildcards allowed.</summary>
    static bool FileMatches(Node n, string value)
    {
        var name = Path.GetFileName(n.OriginalFilePath);
        return Wildcard(value, name) || Wildcard(value, Path.GetFileNameWithoutExtension(name));
    }

    static bool SourceMatches(Node n, string value)
    {
        var parts = value.Split('.');
        return parts.Length switch
        {
            1 => Wildcard(parts[0], n.Source!.SourceName),
            2 => Wildcard(parts[0], n.Source!.SourceName) && Wildcard(parts[1], n.Name),
            _ => false,
        };
    }

    static bool ConfigMatches(object? configured, string value) => configured switch
    {
        null => false,
        bool b => string.Equals(b ? "true" : "false", value, StringComparison.OrdinalIgnoreCase),
        string s => Wildcard(value, s),
        System.Collections.IEnumerable e => e.Cast<object?>().Any(x => ConfigMatches(x, value)),
        _ => string.Equals(Convert.ToString(configured, System.Globalization.CultureInfo.InvariantCulture), value, StringComparison.Ordinal),
    };

    /// <summary>
    /// Unix-style <c>*</c> (any run of characters) and <c>?</c> (one character), the whole text. Matched in place, with no
    /// regular expression built per node: a selector is tried against every node, 50,000 of them on large projects.
    /// </summary>
    internal static bool Wildcard(string pattern, string text)
    {
        if (pattern.AsSpan().IndexOfAny('*', '?') < 0) return string.Equals(pattern, text, StringComparison.Ordinal);
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*') { star = p++; resume = t; }
            else if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { p++; t++; }
            else if (star >= 0) { p = star + 1; t = ++resume; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
