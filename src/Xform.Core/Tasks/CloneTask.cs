using Xform.Core.Diagnostics;
using Xform.Core.Execution;
using Xform.Core.Execution.Runners;
using Xform.Core.Planning;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary>
/// <c>xform clone --state DIR</c>, as dbt's clone: each selected model, seed and snapshot gets the relation the
/// <c>--state</c> run built for it (a zero-copy clone, a view over it, or a copy; see <see cref="CloneRunner"/>), for a CI
/// schema that starts from production or a blue/green deploy. Relations this target has are kept unless
/// <c>--full-refresh</c>. What the state's relations are is checked before anything runs.
/// </summary>
public static class CloneTask
{
    static readonly ResourceType[] Types = [ResourceType.Model, ResourceType.Seed, ResourceType.Snapshot];

    public static ExecutionPlan Plan(Workspace workspace)
    {
        var state = workspace.State ?? throw new XformException("clone needs --state DIR: the target folder (manifest.json) of the run whose relations to clone");
        var plan = Planner.Build(workspace.Graph, workspace.Request("clone", Types), workspace.StateComparer);
        // Ephemeral models have no relation, here or in the state. (No tests are planned: the types hold none.)
        var nodes = plan.Nodes.Where(n => n.Materialized != "ephemeral").ToList();
        plan = plan with { Nodes = nodes };
        var sources = nodes.Select(n => (n.UniqueId, Relation: state.RelationOf(n.UniqueId)))
            .Where(x => x.Relation is not null).ToDictionary(x => x.UniqueId, x => x.Relation!, StringComparer.Ordinal);
        if (sources.Count > 0) workspace.CheckStateRelations(sources, "clone copies");
        return plan;
    }

    public static IReadOnlyList<NodeResult> Execute(Workspace workspace, ExecutionPlan plan, IRunListener listener)
    {
        var state = workspace.State!;
        StateRelation? Source(string id) => state.RelationOf(id) is { } relation ? new StateRelation(relation, IsTable(state.Nodes[id])) : null;
        var runner = new CloneRunner(workspace.Adapter.Dialect, Source, workspace.Database, workspace.Options.FullRefresh);
        return BuildTask.Execute(workspace, plan, listener, Types.ToDictionary(t => t, _ => (INodeRunner)runner));
    }

    /// <summary>Whether the state run built the node as a table (what a zero-copy clone takes): seeds, snapshots, tables and incremental models.</summary>
    static bool IsTable(System.Text.Json.Nodes.JsonObject node) =>
        node["resource_type"]?.GetValue<string>() is "seed" or "snapshot"
        || node["config"]?["materialized"]?.GetValue<string>() is "table" or "incremental";
}
