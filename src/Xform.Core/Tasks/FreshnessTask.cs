using System.Diagnostics;
using Xform.Core.Artifacts;
using Xform.Core.Compilation;
using Xform.Core.Execution;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary><c>xform source freshness</c>: checks the selected sources that have a freshness check; writes sources.json.</summary>
public static class FreshnessTask
{
    /// <summary>The selected sources with a freshness check (warn_after/error_after).</summary>
    public static IReadOnlyList<Node> Sources(Workspace workspace) =>
        workspace.Selected(ResourceType.Source).Where(FreshnessChecker.HasFreshness).ToList();

    public static IReadOnlyList<FreshnessResult> Run(Workspace workspace, IReadOnlyList<Node> sources, IRunListener listener)
    {
        var watch = Stopwatch.StartNew();
        var compiler = new Compiler(workspace.Loaded, workspace.Graph, workspace.Adapter.External, open: () => workspace.Connect());
        var checker = new FreshnessChecker(workspace.Graph, compiler, () => workspace.Connect(), workspace.Threads, Clock.UtcNow());
        var results = checker.Run(sources.Select(s => s.UniqueId).ToList(), listener);
        SourcesWriter.Write(workspace.TargetDir, results, DateTime.UtcNow, watch.Elapsed.TotalSeconds, workspace.InvocationId);
        return results;
    }
}
