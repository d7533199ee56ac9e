using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Planning;

/// <summary>
/// A seed is reloaded by replacing its table, which leaves the views built on it stale (DuckDB keeps the old columns)
/// or gone (PostgreSQL drops them with the table, as dbt's <c>seed --full-refresh</c> does with cascade). So <c>xform seed</c>
/// also rebuilds the view models that read a loaded seed, directly or through other views and ephemeral models; the
/// runner rebuilds only those that existed before the run (<see cref="ExecutionPlan.Dependents"/>).
/// </summary>
public static class SeedDependents
{
    public static ExecutionPlan With(DependencyGraph graph, ExecutionPlan plan)
    {
        var inPlan = plan.Ids.ToHashSet(StringComparer.Ordinal);
        var views = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(plan.Nodes.Where(n => n.ResourceType == ResourceType.Seed).Select(n => n.UniqueId));
        while (pending.Count > 0)
            foreach (var child in graph.Children(pending.Pop()))
            {
                var node = graph.Manifest.Nodes[child];
                if (node.ResourceType != ResourceType.Model || node.Materialized is not ("view" or "ephemeral")) continue;
                if (!views.Add(child)) continue;
                pending.Push(child);
            }
        var added = views.Where(id => !inPlan.Contains(id) && graph.Manifest.Nodes[id].Materialized == "view").ToHashSet(StringComparer.Ordinal);
        if (added.Count == 0) return plan;
        var nodes = plan.Nodes.Concat(added.Select(id => graph.Manifest.Nodes[id])).OrderBy(n => graph.OrderIndex[n.UniqueId]).ToList();
        return plan with { Nodes = nodes, Dependents = added };
    }
}
