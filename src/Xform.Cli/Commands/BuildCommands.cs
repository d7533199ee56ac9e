using Xform.Core.Execution;
using Xform.Core.Project;

namespace Xform.Cli.Commands;

/// <summary>run, seed and build: the commands that change the database.</summary>
static class BuildCommands
{
    public static int Run(CommandContext context) => Execute(context, ResourceType.Model);

    public static int Seed(CommandContext context) => Execute(context, ResourceType.Seed);

    public static int Snapshot(CommandContext context) => Execute(context, ResourceType.Snapshot);

    public static int Test(CommandContext context) => Execute(context, ResourceType.Test);

    public static int Build(CommandContext context) =>
        Execute(context, ResourceType.Seed, ResourceType.Model, ResourceType.Snapshot, ResourceType.Test);

    static DateTime? Utc(DateTime? t) => t is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;

    static int Execute(CommandContext context, params ResourceType[] types)
    {
        var gate = types.Contains(ResourceType.Test) && types.Length > 1;
        var selected = context.Selected(types).Where(n => n.IsExecutable).Select(n => n.UniqueId).ToList();
        var options = new RunOptions(context.Threads, context.Get(CliOptions.FailFast), context.Get(CliOptions.FullRefresh), context.TargetDir,
            Utc(context.Get(CliOptions.EventTimeStart)), Utc(context.Get(CliOptions.EventTimeEnd)));
        var reporter = new RunReporter(context.Output);
        context.Output.Info($"Running with xform {Version.Text} on {context.Adapter.Describe()}, target '{context.Target.Name}', {context.Threads} thread{(context.Threads == 1 ? "" : "s")}");
        context.Output.Info($"Found {Summary.Of(context.Manifest)}");
        context.Output.Info("");
        if (selected.Count == 0)
        {
            context.Output.Warn("nothing to do: the selection matched no nodes of this kind");
            return XformCli.Success;
        }
        var runner = new ProjectRunner(context.Loaded, context.Graph, context.Adapter, options, context.External);
        var results = runner.Run(selected, reporter, testsGateChildren: gate);
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
