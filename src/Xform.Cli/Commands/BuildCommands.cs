using Xform.Core.Artifacts;
using Xform.Core.Execution;
using Xform.Core.Project;

namespace Xform.Cli.Commands;

/// <summary>run, seed and build: the commands that change the database.</summary>
static class BuildCommands
{
    public static int Run(CommandContext context) => Execute(context, "run", ResourceType.Model);

    public static int Seed(CommandContext context) => Execute(context, "seed", ResourceType.Seed);

    public static int Snapshot(CommandContext context) => Execute(context, "snapshot", ResourceType.Snapshot);

    public static int Test(CommandContext context) => Execute(context, "test", ResourceType.Test);

    public static int Build(CommandContext context) =>
        Execute(context, "build", ResourceType.Seed, ResourceType.Model, ResourceType.Snapshot, ResourceType.Test);

    /// <summary>The resource types each command runs, for retry.</summary>
    public static ResourceType[] TypesOf(string which) => which switch
    {
        "run" => [ResourceType.Model],
        "seed" => [ResourceType.Seed],
        "snapshot" => [ResourceType.Snapshot],
        "test" => [ResourceType.Test],
        _ => [ResourceType.Seed, ResourceType.Model, ResourceType.Snapshot, ResourceType.Test],
    };

    /// <summary>Re-runs what failed or was skipped in the last run_results.json, with that run's command.</summary>
    public static int Retry(CommandContext context)
    {
        var previous = RunResultsReader.Read(Path.Combine(context.TargetDir, "run_results.json"), context.ProjectDir);
        var which = previous.Command;
        var retry = previous.NotSucceeded.Where(context.Manifest.Nodes.ContainsKey).ToList();
        if (retry.Count == 0)
        {
            context.Output.Info($"Nothing to retry: every node of the last '{which}' succeeded");
            return XformCli.Success;
        }
        context.Output.Info($"Retrying {retry.Count} node{(retry.Count == 1 ? "" : "s")} of the last '{which}'");
        return Execute(context, which, retry, TypesOf(which));
    }

    static DateTime? Utc(DateTime? t) => t is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;

    static int Execute(CommandContext context, string which, params ResourceType[] types) => Execute(context, which, null, types);

    public static int Execute(CommandContext context, string which, IReadOnlyList<string>? only, ResourceType[] types)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var options = new RunOptions(context.Threads, context.Get(CliOptions.FailFast), context.Get(CliOptions.FullRefresh), context.TargetDir,
            Utc(context.Get(CliOptions.EventTimeStart)), Utc(context.Get(CliOptions.EventTimeEnd)));
        var reporter = new RunReporter(context.Output);
        context.Output.Info($"Running with xform {Version.Text} on {context.Adapter.Describe()}, target '{context.Target.Name}', {context.Threads} thread{(context.Threads == 1 ? "" : "s")}");
        context.Output.Info($"Found {Summary.Of(context.Manifest)}");
        context.Output.Info("");
        var plan = context.Plan(which, types, only);
        if (plan.IsEmpty)
        {
            context.Output.Warn("nothing to do: the selection matched no nodes of this kind");
            return XformCli.Success;
        }
        var results = new ProjectRunner(context.Loaded, context.Graph, context.Adapter, options, context.External, plan).Run(reporter);
        context.WriteManifest(results.Where(r => r.CompiledSql is not null).ToDictionary(r => r.Node.UniqueId, r => r.CompiledSql!));
        Core.Artifacts.RunResultsWriter.Write(context.TargetDir,
            Core.Artifacts.RunResultsWriter.Build(results, context.Loaded, context.InvocationId, watch.Elapsed.TotalSeconds, context.Args(which)));
        return reporter.Summarize(results);
    }
}

static class Version
{
    public static string Text => typeof(Version).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

static class Summary
{
    public static string Of(Manifest m)
    {
        var parts = new List<string>();
        void Count(int n, string what) { if (n > 0) parts.Add($"{n} {what}{(n == 1 ? "" : "s")}"); }
        Count(m.Of(ResourceType.Model).Count(), "model");
        Count(m.Of(ResourceType.Seed).Count(), "seed");
        Count(m.Of(ResourceType.Source).Count(), "source");
        Count(m.Of(ResourceType.Test).Count(), "data test");
        Count(m.Of(ResourceType.Snapshot).Count(), "snapshot");
        Count(m.Macros.Count, "macro");
        return parts.Count == 0 ? "an empty project" : string.Join(", ", parts);
    }
}
