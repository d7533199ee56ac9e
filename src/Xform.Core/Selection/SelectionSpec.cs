using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Selection;

/// <summary>dbt's indirect selection: which tests come along with the nodes they read.</summary>
public enum IndirectSelection
{
    /// <summary>A test any of whose parents is selected (dbt's default).</summary>
    Eager,
    /// <summary>A test all of whose parents are selected.</summary>
    Cautious,
    /// <summary>A test whose parents are selected or ancestors of the selection.</summary>
    Buildable,
    /// <summary>No test comes along.</summary>
    Empty,
}

/// <summary>A selection as selectors.yml defines it (dbt's SelectionSpec): a criterion, or a set operation of specs.</summary>
public abstract record SelectionSpec(SourceLocation Location);

/// <summary>One criterion (<c>tag:nightly</c>, <c>+orders</c>, ...) and how tests follow it.</summary>
public sealed record CriterionSpec(Criterion Criterion, IndirectSelection Indirect, SourceLocation Location) : SelectionSpec(Location);

/// <summary><c>union</c> or <c>intersection</c> of specs.</summary>
public sealed record SetSpec(bool Intersection, IReadOnlyList<SelectionSpec> Components, SourceLocation Location) : SelectionSpec(Location);

/// <summary>What <paramref name="Include"/> selects minus what <paramref name="Exclude"/> does (dbt's <c>exclude</c>).</summary>
public sealed record DifferenceSpec(SelectionSpec Include, SelectionSpec Exclude, SourceLocation Location) : SelectionSpec(Location);

/// <summary>
/// Evaluates a <see cref="SelectionSpec"/> as dbt's selector does: each criterion selects its nodes (graph operators
/// included) and brings the tests of its indirect-selection mode; set operations combine the results (a test that a
/// cautious criterion held back stays out even when another part selects its other parents, as in dbt's YAML selectors).
/// </summary>
public sealed class SpecSelector(DependencyGraph graph, NodeSelector selector, Action<Warning>? warn)
{
    /// <summary>The unique ids selected (nodes, and the exposures, metrics, ... a criterion matched).</summary>
    public HashSet<string> Select(SelectionSpec spec) => Evaluate(spec).Direct;

    (HashSet<string> Direct, HashSet<string> Indirect) Evaluate(SelectionSpec spec)
    {
        switch (spec)
        {
            case CriterionSpec c:
                var selected = selector.Nodes(c.Criterion).ToHashSet();
                if (selected.Count == 0)
                    warn?.Invoke(new Warning($"the selection criterion '{c.Criterion.Raw}' does not match any enabled nodes", c.Location));
                return c.Indirect == IndirectSelection.Empty ? (selected, []) : Expand(selected, c.Indirect);
            case SetSpec set:
                var parts = set.Components.Select(Evaluate).ToList();
                return (Combine(parts.Select(p => p.Direct), set.Intersection), Combine(parts.Select(p => Union(p.Direct, p.Indirect)), set.Intersection));
            case DifferenceSpec difference:
                var include = Evaluate(difference.Include);
                var exclude = Evaluate(difference.Exclude);
                var direct = new HashSet<string>(include.Direct, StringComparer.Ordinal);
                direct.ExceptWith(exclude.Direct);
                var indirect = Union(include.Direct, include.Indirect);
                indirect.ExceptWith(Union(exclude.Direct, exclude.Indirect));
                return (direct, indirect);
            default:
                throw new InvalidOperationException($"unknown selection spec {spec.GetType().Name}");
        }
    }

    static HashSet<string> Union(HashSet<string> a, HashSet<string> b) => new(a.Concat(b), StringComparer.Ordinal);

    static HashSet<string> Combine(IEnumerable<HashSet<string>> sets, bool intersection)
    {
        HashSet<string>? result = null;
        foreach (var set in sets)
        {
            if (result is null) result = new HashSet<string>(set, StringComparer.Ordinal);
            else if (intersection) result.IntersectWith(set);
            else result.UnionWith(set);
        }
        return result ?? new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>dbt's expand_selection: the tests reading a selected node, in or held back according to the mode.</summary>
    (HashSet<string> Direct, HashSet<string> Indirect) Expand(HashSet<string> selected, IndirectSelection mode)
    {
        var direct = new HashSet<string>(selected, StringComparer.Ordinal);
        var indirect = new HashSet<string>(StringComparer.Ordinal);
        HashSet<string>? buildable = null;
        foreach (var test in graph.Manifest.Nodes.Values)
        {
            if (test.ResourceType is not (ResourceType.Test or ResourceType.UnitTest)) continue;
            var parents = Parents(test);
            if (!parents.Any(selected.Contains)) continue;
            if (mode == IndirectSelection.Eager || parents.All(selected.Contains)) direct.Add(test.UniqueId);
            else if (mode == IndirectSelection.Buildable && parents.All((buildable ??= SelectedAndAncestors(selected)).Contains)) direct.Add(test.UniqueId);
            else indirect.Add(test.UniqueId);
        }
        return (direct, indirect);
    }

    /// <summary>What a test reads: a data test its nodes, a unit test its model (dbt's depends_on of each).</summary>
    static IReadOnlyList<string> Parents(Node test) => test.UnitTest is { } unit ? [unit.ModelId] : test.DependsOn;

    HashSet<string> SelectedAndAncestors(HashSet<string> selected)
    {
        var result = new HashSet<string>(selected, StringComparer.Ordinal);
        foreach (var id in selected)
            if (graph.Manifest.Nodes.ContainsKey(id)) result.UnionWith(graph.Ancestors(id));
        // dbt counts every source as buildable: a source is never built, so a test on it never waits for one.
        result.UnionWith(graph.Manifest.Of(ResourceType.Source).Select(s => s.UniqueId));
        return result;
    }
}
