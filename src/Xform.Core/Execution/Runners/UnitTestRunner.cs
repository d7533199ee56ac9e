using Xform.Core.Compilation;

namespace Xform.Core.Execution.Runners;

/// <summary>Unit tests: the model's SQL over the given rows, compared with the expected rows.</summary>
public sealed class UnitTestRunner(UnitTestExecutor executor, SqlFileWriter files, string projectRoot) : INodeRunner
{
    /// <summary>A unit test writes nothing: its inputs are CTEs of its own query.</summary>
    public bool WritesRelation => false;

    public RunOutcome Run(NodeRun run) => TestRunner.Report(executor.Run(run.Connection, run.Compiled()), run, files, projectRoot);
}
