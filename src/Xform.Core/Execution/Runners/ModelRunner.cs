namespace Xform.Core.Execution.Runners;

/// <summary>Models: the materializer builds the view, table or incremental table; a <c>{% materialization %}</c> block the rest.</summary>
public sealed class ModelRunner(Materializer materializer, BuildOptions options, CustomMaterializer custom) : INodeRunner
{
    public RunOutcome Run(NodeRun run) => custom.BlockFor(run.Node) is { } block
        ? custom.Build(run, block)
        : RunOutcome.Built(materializer.Build(run.Connection, run.Node, run.Existing, run.Compile, options));
}
