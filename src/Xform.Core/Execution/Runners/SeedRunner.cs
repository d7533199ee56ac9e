using Xform.Core.Adapters;
using Xform.Core.Seeds;

namespace Xform.Core.Execution.Runners;

/// <summary>
/// Seeds: the CSV file is loaded into the seed's table, replacing it atomically (<see cref="SeedLoader"/>), with the schema
/// the plan's preflight read (<paramref name="analyzed"/>) when it has one.
/// </summary>
public sealed class SeedRunner(IAdapter adapter, string projectRoot, IReadOnlyDictionary<string, SeedSchema> analyzed) : INodeRunner
{
    public RunOutcome Run(NodeRun run) =>
        RunOutcome.Built(SeedLoader.Load(adapter, run.Connection, run.Node, Path.Combine(projectRoot, run.Node.OriginalFilePath), run.Existing,
            analyzed.GetValueOrDefault(run.Node.UniqueId), run.RenderHooks?.Invoke()));
}
