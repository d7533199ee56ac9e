using System.Globalization;
using Xform.Core.Artifacts;
using Xform.Core.Compilation;
using Xform.Core.Execution;
using Xform.Core.Project;

namespace Xform.Cli.Commands;

/// <summary><c>xform source freshness</c>: how old each source's newest row is; results in target/sources.json.</summary>
static class SourceCommands
{
    public static int Freshness(CommandContext context)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var sources = context.Selected(ResourceType.Source).Where(FreshnessChecker.HasFreshness).ToList();
        context.Output.Info($"Running with xform {Version.Text} on {context.Adapter.Describe()}, target '{context.Target.Name}'");
        if (sources.Count == 0)
        {
            context.Output.Warn("no selected source has a freshness check (freshness: {warn_after/error_after} and loaded_at_field)");
            return XformCli.Success;
        }
        var compiler = new Compiler(context.Loaded, context.Graph, context.External);
        var checker = new FreshnessChecker(context.Graph, compiler, context.Adapter.Open, context.Threads, Clock.UtcNow());
        var reporter = new RunReporter(context.Output);
        var results = checker.Run(sources.Select(s => s.UniqueId).ToList(), reporter);
        SourcesWriter.Write(context.TargetDir, results, DateTime.UtcNow, watch.Elapsed.TotalSeconds);
        return reporter.Summarize(results.Select(r => new NodeResult(r.Source, r.Status, r.Message, r.Elapsed, r.ThreadId, [])).ToList());
    }
}
