using Xform.Core.Adapters;
using Xform.Core.Seeds;

namespace Xform.Core.Execution.Runners;

/// <summary>
/// Seeds: the CSV file is loaded into the seed's table, replacing it atomically (<see cref="SeedLoader"/>), with the schema
/// the plan's preflight read (<paramref name="analyzed"/>) when it has one; with --empty (<paramref name="empty"/>) no row is loaded.
/// </summary>
public sealed class SeedRunner(IAdapter adapter, string projectRoot, IReadOnlyDictionary<string, SeedSchema> analyzed, bool empty = false) : INodeRunner
{
    public RunOutcome Run(NodeRun run) =>
        RunOutcome.Built(SeedLoader.Load(adapter, run.Connection, run.Node, Path.Combine(projectRoot, run.Node.OriginalFilePath), run.Existing,
            analyzed.GetValueOrDefault(run.Node.UniqueId), run.RenderHooks?.Invoke(), empty));
}
