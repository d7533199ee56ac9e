using Xform.Core.Adapters;
using Xform.Core.Graph;
using Xform.Core.Planning;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>
/// The schemas a plan writes (models, seeds, snapshots, tests that store their failures) and those it only reads
/// (the relations its nodes select from, through ephemeral models, where --defer reads them included), for the
/// run-level lock (<see cref="IAdapter.LockRun"/>).
/// </summary>
public static class RunSchemaSet
{
    public static RunSchemas Of(ExecutionPlan plan, DependencyGraph graph, bool storeFailuresFlag = false)
    {
        var written = new SortedSet<string>(StringComparer.Ordinal);
        var read = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in plan.Nodes)
        {
            if (node.ResourceType == ResourceType.UnitTest) { }
            else if (node.ResourceType != ResourceType.Test || TestSettings.Of(node, storeFailuresFlag).StoreFailures) written.Add(node.Relation.Schema);
            var parents = new Stack<string>(graph.Parents(node.UniqueId));
            while (parents.Count > 0)
            {
                var id = parents.Pop();
                if (!seen.Add(id)) continue;
                var parent = graph.Manifest.Nodes[id];
                if (parent.Materialized == "ephemeral")
                {
                    foreach (var p in graph.Parents(id)) parents.Push(p);
                    continue;
                }
                read.Add((plan.Deferred.TryGetValue(id, out var there) ? there : parent.Relation).Schema);
            }
        }
        read.ExceptWith(written);
        return new RunSchemas(written, read);
    }
}
