using System.Globalization;
using Xform.Core.Artifacts;
using Xform.Core.Compilation;
using Xform.Core.Execution;
using Xform.Core.Project;
using Xform.Core.Tasks;

namespace Xform.Cli.Commands;

/// <summary><c>xform source freshness</c>: how old each source's newest row is; results in target/sources.json.</summary>
static class SourceCommands
{
    public static int Freshness(CommandContext context)
    {
        var sources = FreshnessTask.Sources(context.Workspace);
        RunReporter.Started(context, "source freshness", $"Running with xform {Version.Text} on {context.Adapter.Describe()}, target '{context.Target.Name}'");
        if (sources.Count == 0)
        {
            context.Output.Warn("no selected source has a freshness check (freshness: {warn_after/error_after} and loaded_at_field)");
            return XformCli.Success;
        }
        var reporter = new RunReporter(context.Output);
        var results = FreshnessTask.Run(context.Workspace, sources, reporter);
        return reporter.Summarize(results.Select(r => new NodeResult(r.Source, r.Status, r.Message, r.Elapsed, r.ThreadId, [])).ToList());
    }
}
