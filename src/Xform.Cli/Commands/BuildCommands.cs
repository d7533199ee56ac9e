using Xform.Core.Artifacts;
using Xform.Core.Execution;
using Xform.Core.Project;
using Xform.Core.Tasks;

namespace Xform.Cli.Commands;

/// <summary>run, seed and build: the commands that change the database.</summary>
static class BuildCommands
{
    public static int Run(CommandContext context) => Execute(context, "run");

    public static readonly System.CommandLine.Option<bool> ShowSeeds = new("--show") { Description = "Print the first rows of each seed loaded" };

    /// <summary>Rows <c>seed --show</c> prints of each seed.</summary>
    const int ShownRows = 10;

    public static int Seed(CommandContext context) => Execute(context, "seed", show: context.Get(ShowSeeds));

    public static int Snapshot(CommandContext context) => Execute(context, "snapshot");

    public static int Test(CommandContext context) => Execute(context, "test");

    public static int Build(CommandContext context) => Execute(context, "build");

    /// <summary>Puts the --state run's relations of the selected models, seeds and snapshots in this target.</summary>
    public static int Clone(CommandContext context)
    {
        var reporter = new RunReporter(context.Output, clone: true);
        RunReporter.Started(context, "clone", $"Cloning with xform {Version.Text} into {context.Adapter.Describe()}, target '{context.Target.Name}', {context.Threads} thread{(context.Threads == 1 ? "" : "s")}");
        var plan = CloneTask.Plan(context.Workspace);
        if (plan.IsEmpty)
        {
            context.Output.Warn("nothing to do: the selection matched no models, seeds or snapshots");
            BuildTask.ExecuteNothing(context.Workspace, "clone");
            return XformCli.Success;
        }
        return reporter.Summarize(CloneTask.Execute(context.Workspace, plan, reporter));
    }

    /// <summary>Re-runs what failed or was skipped in the last run_results.json, with that run's command.</summary>
    public static int Retry(CommandContext context)
    {
        var previous = BuildTask.Retry(context.Workspace);
        var (which, retry) = (previous.Command, previous.NotSucceeded);
        if (retry.Count == 0)
        {
            context.Output.Info($"Nothing to retry: every node of the last '{which}' succeeded");
            return XformCli.Success;
        }
        context.Output.Info($"Retrying {retry.Count} node{(retry.Count == 1 ? "" : "s")} of the last '{which}'");
        return Execute(context, which, retry);
    }

    static int Execute(CommandContext context, string which, IReadOnlyList<string>? only = null, bool show = false)
    {
        var reporter = new RunReporter(context.Output);
        context.Adapter.Warm();
        RunReporter.Started(context, which, $"Running with xform {Version.Text} on {context.Adapter.Describe()}, target '{context.Target.Name}', {context.Threads} thread{(context.Threads == 1 ? "" : "s")}");
        context.Output.Info($"Found {Summary.Of(ProjectCounts.Of(context.Manifest))}");
        context.Output.Info("");
        var plan = BuildTask.Plan(context.Workspace, which, only);
        if (plan.IsEmpty)
        {
            context.Output.Warn("nothing to do: the selection matched no nodes of this kind");
            BuildTask.ExecuteNothing(context.Workspace, which);
            return XformCli.Success;
        }
        var results = BuildTask.Execute(context.Workspace, plan, reporter);
        if (show) Show(context, results);
        return reporter.Summarize(results);
    }

    /// <summary><c>seed --show</c>: the first rows of each seed that loaded (dbt prints a random sample).</summary>
    static void Show(CommandContext context, IReadOnlyList<NodeResult> results)
    {
        var loaded = results.Where(r => r.Node.ResourceType == ResourceType.Seed && r.Status == NodeStatus.Success).ToList();
        if (loaded.Count == 0) return;
        using var connection = context.Adapter.Open();
        foreach (var r in loaded)
        {
            var relation = r.Node.Relation.Render(context.Adapter.Quote);
            context.Output.Info("");
            context.Output.Info($"First {ShownRows} rows of seed {r.Node.Name} ({relation}):");
            context.Output.Data(Table.Render(connection.Query($"select * from {relation} limit {ShownRows}")));
        }
    }
}

static class Version
{
    public static string Text => typeof(Version).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

static class Summary
{
    public static string Of(ProjectCounts m)
    {
        var parts = new List<string>();
        void Count(int n, string what) { if (n > 0) parts.Add(n == 1 ? $"1 {what}" : what == "analysis" ? $"{n} analyses" : $"{n} {what}s"); }
        Count(m[ResourceType.Model], "model");
        Count(m[ResourceType.Seed], "seed");
        Count(m[ResourceType.Source], "source");
        Count(m[ResourceType.Test], "data test");
        Count(m[ResourceType.UnitTest], "unit test");
        Count(m[ResourceType.Snapshot], "snapshot");
        Count(m[ResourceType.Analysis], "analysis");
        Count(m.Macros, "macro");
        return parts.Count == 0 ? "an empty project" : string.Join(", ", parts);
    }
}
