namespace Xform.Core.Execution.Runners;

/// <summary>Models: the materializer builds the view, table or incremental table.</summary>
public sealed class ModelRunner(Materializer materializer, BuildOptions options) : INodeRunner
{
    public RunOutcome Run(NodeRun run) =>
        RunOutcome.Built(materializer.Build(run.Connection, run.Node, run.Existing, run.Compile, options));
}
