using Xform.Core.Adapters;

namespace Xform.Core.Execution.Runners;

/// <summary>Seeds: the CSV file is loaded into the seed's table, replacing it atomically (<see cref="SeedLoader"/>).</summary>
public sealed class SeedRunner(IAdapter adapter, string projectRoot) : INodeRunner
{
    public RunOutcome Run(NodeRun run) =>
        RunOutcome.Built(SeedLoader.Load(adapter, run.Connection, run.Node, Path.Combine(projectRoot, run.Node.OriginalFilePath), run.Existing));
}
