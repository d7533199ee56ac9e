using Xform.Core.Compilation;

namespace Xform.Core.Execution.Runners;

/// <summary>Unit tests: the model's SQL over the given rows, compared with the expected rows.</summary>
public sealed class UnitTestRunner(UnitTestExecutor executor, SqlFileWriter files, string projectRoot) : INodeRunner
{
    /// <summary>A unit test writes nothing: its inputs are CTEs of its own query.</summary>
    public bool WritesRelation => false;

    public RunOutcome Run(NodeRun run)
    {
        var outcome = executor.Run(run.Connection, run.Compiled());
        var message = outcome.Status == NodeStatus.Pass ? outcome.Message
            : $"{outcome.Message}\ncompiled code at {Path.GetRelativePath(projectRoot, files.CompiledPath(run.Node))}";
        return new RunOutcome(outcome.Status, message, outcome.ExecutedSql, outcome.Failures);
    }
}
