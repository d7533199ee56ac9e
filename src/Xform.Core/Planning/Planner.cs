using Xform.Core.Graph;
using Xform.Core.Project;
using Xform.Core.Selection;

namespace Xform.Core.Planning;

/// <summary>Turns a request into an <see cref="ExecutionPlan"/>: selection, indirect tests, defer and test gates.</summary>
public static class Planner
{
    /// <summary>
    /// The nodes chosen by the request's selection (or its <see cref="PlanRequest.Only"/> ids), restricted to its
    /// resource types, in graph order. Used as it is by commands that only read (compile, ls, show, freshness).
    /// </summary>
    public static IReadOnlyList<Node> Select(DependencyGraph graph, PlanRequest request, IStateComparison? state)
    {
        var manifest = graph.Manifest;
        // by position: the graph keeps each node's type in an array, so no node is read to learn it
        var types = request.Types.ToHashSet();
        bool Wanted(int k) => types.Count == 0 || types.Contains(graph.TypeAt(k));
        if (request.Only is null && request.Spec is null && request.Select.Count == 0 && request.Exclude.Count == 0)
            return NodeSet.All(graph).Nodes(Wanted); // everything
        NodeSet ids;
        if (request.Only is { } only)
        {
            ids = NodeSet.Of(graph, only.Where(manifest.Nodes.ContainsKey));
        }
        else if (request.Spec is { } spec)
        {
            // A selectors.yml selection brings its tests itself, each criterion with its indirect_selection.
            ids = NodeSet.Of(graph, new SpecSelector(graph, new NodeSelector(graph, state), request.Warn).Select(spec));
            ids.RemoveOthers();
        }
        else
        {
            var selector = new NodeSelector(graph, state);
            ids = request.Select.Count > 0 ? selector.Matching(request.Select, "--select", request.Warn) : NodeSet.All(graph);
            var excluded = request.Exclude.Count > 0 ? selector.Matching(request.Exclude, "--exclude", request.Warn) : null;
            if (excluded is not null) ids.ExceptWith(excluded);
            // Exposures, metrics, ... that a selector matched are not graph nodes: ls lists them, nothing builds them.
            ids.RemoveOthers();
            // dbt's eager indirect selection, both ways: a test goes out with any node it reads that is excluded
            // (`test --exclude orders` skips the tests of orders), and comes along with any node it reads that is selected.
            bool ExcludedIndirectly(Node test) => excluded is not null && test.DependsOn.Any(excluded.Contains);
            if (excluded is not null) ids.RemoveWhere(k => graph.TypeAt(k) == ResourceType.Test && ExcludedIndirectly(graph.OrderedNodes[k]));
            var tests = request.Types.Contains(ResourceType.Test) && request.Select.Count > 0;
            for (var k = 0; k < graph.Order.Count; k++)
            {
                if (graph.TypeAt(k) == ResourceType.Test && tests)
                {
                    var test = graph.OrderedNodes[k];
                    if (excluded?.Contains(test.UniqueId) != true && !ExcludedIndirectly(test) && test.DependsOn.Any(ids.Contains)) ids.AddAt(k);
                }
                else if (graph.TypeAt(k) == ResourceType.UnitTest)
                {
                    // A unit test goes with its model: selected with it, excluded with it.
                    var unit = graph.OrderedNodes[k];
                    var model = unit.UnitTest!.ModelId;
                    if (excluded is not null && (excluded.Contains(model) || excluded.Contains(unit.UniqueId))) ids.Remove(unit.UniqueId);
                    else if (request.Types.Contains(ResourceType.UnitTest) && request.Select.Count > 0 && ids.Contains(model)) ids.AddAt(k);
                }
            }
        }
        // the flags are in graph order already
        return ids.Nodes(Wanted);
    }

    /// <summary>The plan of a command that builds or tests: the executable nodes of the selection, what is deferred, what waits for which tests.</summary>
    public static ExecutionPlan Build(DependencyGraph graph, PlanRequest request, IStateComparison? state)
    {
        var nodes = Select(graph, request, state).Where(n => n.IsExecutable).ToList();
        var ids = nodes.Select(n => n.UniqueId).ToHashSet(StringComparer.Ordinal);
        var gated = request.Types.Contains(ResourceType.Test) && request.Types.Contains(ResourceType.Model);
        var deferred = request.Defer is { } defer && nodes.Count > 0 ? Deferred(graph.Manifest, ids, defer) : new Dictionary<string, RelationName>();
        if (request.Defer?.CheckRead is { } check && deferred.Count > 0)
        {
            // Only what the selected nodes read must exist (dbt defers every unselected node; most are never read).
            var read = nodes.Where(n => n.ResourceType != ResourceType.UnitTest).SelectMany(n => BuiltParents(graph, n.UniqueId))
                .Distinct(StringComparer.Ordinal).Where(deferred.ContainsKey).ToDictionary(id => id, id => deferred[id], StringComparer.Ordinal);
            if (read.Count > 0) check(read);
        }
        return new ExecutionPlan(request.Command, nodes, deferred,
            gated ? TestsOnParents(graph, nodes) : new Dictionary<string, IReadOnlyList<string>>());
    }

    /// <summary>
    /// Each model, seed or snapshot outside the selection whose relation this target lacks (or every one, with
    /// --favor-state) is read from where the --state run built it.
    /// </summary>
    public static Dictionary<string, RelationName> Deferred(Manifest manifest, IReadOnlySet<string> selected, DeferRequest defer)
    {
        // With --favor-state what this target has does not matter: no need to ask the database.
        var existing = defer.FavorState ? new HashSet<(string, string)>() : defer.ExistingRelations();
        var deferred = new Dictionary<string, RelationName>(StringComparer.Ordinal);
        foreach (var node in manifest.Nodes.Values)
        {
            if (node.ResourceType is not (ResourceType.Model or ResourceType.Seed or ResourceType.Snapshot) || selected.Contains(node.UniqueId)) continue;
            if (node.Materialized == "ephemeral") continue;
            var here = existing.Contains((node.Relation.Schema.ToLowerInvariant(), node.Relation.Identifier.ToLowerInvariant()));
            if ((defer.FavorState || !here) && defer.StateRelationOf(node.UniqueId) is { } there) deferred[node.UniqueId] = there;
        }
        return deferred;
    }

    /// <summary>The nodes <paramref name="id"/> reads, looking through ephemeral models (inlined, so what they read is read).</summary>
    static IEnumerable<string> BuiltParents(DependencyGraph graph, string id)
    {
        foreach (var parent in graph.Parents(id))
        {
            if (graph.Manifest.Nodes[parent].Materialized != "ephemeral") yield return parent;
            else foreach (var above in BuiltParents(graph, parent)) yield return above;
        }
    }

    /// <summary>
    /// For each selected node, the selected tests of the nodes it reads (through ephemeral models), except a test that itself reads the
    /// node or something built from it (a test of a model and its ancestor): waiting for that one would be a cycle.
    /// </summary>
    static Dictionary<string, IReadOnlyList<string>> TestsOnParents(DependencyGraph graph, IReadOnlyList<Node> selected)
    {
        var set = selected.Select(n => n.UniqueId).ToHashSet(StringComparer.Ordinal);
        var testsOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var upstreamOfTest = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var unitTestsOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var node in selected)
        {
            if (node.ResourceType == ResourceType.UnitTest)
            {
                // a model waits for its own unit tests (dbt build: a failing one skips the model and what reads it)
                if (!unitTestsOf.TryGetValue(node.UnitTest!.ModelId, out var own)) unitTestsOf[node.UnitTest.ModelId] = own = [];
                own.Add(node.UniqueId);
                continue;
            }
            if (node.ResourceType != ResourceType.Test) continue;
            foreach (var parent in node.DependsOn)
            {
                if (!testsOf.TryGetValue(parent, out var list)) testsOf[parent] = list = [];
                list.Add(node.UniqueId);
            }
            if (node.DependsOn.Count > 1) upstreamOfTest[node.UniqueId] = graph.Ancestors(node.UniqueId);
        }
        var gates = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var node in selected)
        {
            if (node.ResourceType is ResourceType.Test or ResourceType.UnitTest) continue;
            var id = node.UniqueId;
            var tests = BuiltParents(graph, id)
                .SelectMany(p => testsOf.TryGetValue(p, out var t) ? t : [])
                .Where(t => set.Contains(t) && !(upstreamOfTest.TryGetValue(t, out var up) && up.Contains(id)))
                .Concat(unitTestsOf.TryGetValue(id, out var units) ? units : [])
                .Distinct().ToList();
            if (tests.Count > 0) gates[id] = tests;
        }
        return gates;
    }
}
