namespace Xform.Core.Execution.Runners;

/// <summary>Snapshots: the builder records changed rows as new versions (SCD type 2).</summary>
public sealed class SnapshotRunner(SnapshotBuilder builder, DateTime nowUtc) : INodeRunner
{
    public RunOutcome Run(NodeRun run) => RunOutcome.Built(builder.Build(run.Connection, run.Compiled(), run.Existing, nowUtc));
}
