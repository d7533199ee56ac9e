using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Execution.Runners;

/// <summary>Seeds: the CSV file is loaded into the seed's table, replacing it atomically.</summary>
public sealed class SeedRunner(IAdapter adapter, string projectRoot) : INodeRunner
{
    public RunOutcome Run(NodeRun run)
    {
        var loader = adapter as ISeedLoader ?? throw new XformException($"the {adapter.Type} adapter cannot load seeds");
        return RunOutcome.Built(loader.Load(run.Connection, run.Node, Path.Combine(projectRoot, run.Node.OriginalFilePath), run.Existing));
    }
}
