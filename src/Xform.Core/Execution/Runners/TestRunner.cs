using Xform.Core.Compilation;

namespace Xform.Core.Execution.Runners;

/// <summary>Data tests: the failing rows are counted and compared with the test's thresholds.</summary>
public sealed class TestRunner(TestExecutor executor, SqlFileWriter files, string projectRoot) : INodeRunner
{
    /// <summary>Tests write nothing unless they store failures, which creates its own audit schema.</summary>
    public bool WritesRelation => false;

    public RunOutcome Run(NodeRun run) => Report(executor.Run(run.Connection, run.Compiled(), run.Existing), run, files, projectRoot);

    /// <summary>A test's result, a failure pointing at the compiled SQL to read (data and unit tests alike).</summary>
    internal static RunOutcome Report(TestExecutor.Outcome outcome, NodeRun run, SqlFileWriter files, string projectRoot)
    {
        var message = outcome.Status == NodeStatus.Pass ? outcome.Message
            : $"{outcome.Message}\ncompiled code at {Path.GetRelativePath(projectRoot, files.CompiledPath(run.Node))}";
        return new RunOutcome(outcome.Status, message, outcome.ExecutedSql, outcome.Failures);
    }
}
