using System.Diagnostics;
using Xform.Core.Artifacts;
using Xform.Core.Execution;
using Xform.Core.Execution.Contracts;
using Xform.Core.Planning;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary>run, seed, snapshot, test, build and retry: plan, execute the plan, write manifest.json and run_results.json.</summary>
public static class BuildTask
{
    /// <summary>The resource types each command runs.</summary>
    public static ResourceType[] TypesOf(string command) => command switch
    {
        "run" => [ResourceType.Model],
        "seed" => [ResourceType.Seed],
        "snapshot" => [ResourceType.Snapshot],
        "test" => [ResourceType.Test, ResourceType.UnitTest],
        _ => [ResourceType.Seed, ResourceType.Model, ResourceType.Snapshot, ResourceType.Test, ResourceType.UnitTest],
    };

    /// <summary>
    /// The plan of <paramref name="command"/>; <paramref name="only"/> restricts it to given ids (retry). Its seed files are read
    /// and checked here, so a bad one stops the command before anything runs.
    /// </summary>
    public static ExecutionPlan Plan(Workspace workspace, string command, IReadOnlyList<string>? only = null)
    {
        var plan = workspace.Timed("plan", () => Planner.Build(workspace.Graph, workspace.Request(command, TypesOf(command), only), workspace.StateComparer));
        plan = workspace.Timed("seed files", () => SeedPreflight.Check(plan, workspace.Manifest.Project.RootDir, workspace.Adapter.SeedTypes, workspace.Threads));
        return command == "seed" ? SeedDependents.With(workspace.Graph, plan) : plan;
    }

    /// <summary>What <c>xform retry</c> repeats: the last run's command, and its nodes that did not succeed and still exist.</summary>
    public static PreviousRun Retry(Workspace workspace)
    {
        var previous = RunResultsReader.Read(Path.Combine(workspace.TargetDir, "run_results.json"), workspace.ProjectDir);
        // Only what builds and tests nodes is repeated; show and run-operation are run again as they were typed.
        if (previous.Command is "show" or "run-operation")
            throw new Diagnostics.XformException($"the last command was '{previous.Command}', which retry does not repeat; run it again instead");
        return previous with { NotSucceeded = previous.NotSucceeded.Where(workspace.Manifest.Nodes.ContainsKey).ToList() };
    }

    /// <summary>
    /// Runs the plan, then writes the artifacts of the run (also when nodes failed). A command with runners of its own
    /// (<paramref name="runners"/>: clone's) runs no on-run hooks, as in dbt.
    /// </summary>
    public static IReadOnlyList<NodeResult> Execute(Workspace workspace, ExecutionPlan plan, IRunListener listener,
        IReadOnlyDictionary<ResourceType, Execution.Runners.INodeRunner>? runners = null)
    {
        var watch = Stopwatch.StartNew();
        var options = workspace.Options;
        var run = new RunOptions(workspace.Threads, options.FailFast, options.FullRefresh, workspace.TargetDir,
            Utc(options.EventTimeStart), Utc(options.EventTimeEnd))
        {
            LockTimeout = options.LockTimeout ?? RunOptions.DefaultLockTimeout,
            RunHooks = runners is null,
            Empty = options.Empty,
            StoreFailures = options.StoreFailures,
            Connect = () => workspace.Connect(),
        };
        var adapter = workspace.Adapter;
        foreach (var id in plan.Ids)
            if (ContractEnforcer.WarningFor(workspace.Manifest.Nodes[id], adapter.Dialect) is { } warning) workspace.Warn(warning);
        var results = new ProjectRunner(workspace.Loaded, workspace.Graph, adapter, run, adapter.External, plan, runners).Run(listener);
        // the artifacts need no database: DuckDB's checkpoint at close runs beside their writing
        adapter.Release();
        workspace.WriteManifest(results.Where(r => r.CompiledSql is not null).ToDictionary(r => r.Node.UniqueId, r => r.CompiledSql!));
        RunResultsWriter.Write(workspace.TargetDir,
            RunResultsWriter.Build(results, workspace.Loaded, workspace.InvocationId, watch.Elapsed.TotalSeconds, workspace.Args(plan.Command)));
        return results;
    }

    /// <summary>A command that selected nothing: as dbt, run_results.json is still written, with no results (no hook runs).</summary>
    public static void ExecuteNothing(Workspace workspace, string command)
    {
        workspace.WriteManifest();
        RunResultsWriter.Write(workspace.TargetDir, RunResultsWriter.Build([], workspace.Loaded, workspace.InvocationId, 0, workspace.Args(command)));
    }

    static DateTime? Utc(DateTime? t) => t is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;
}
