using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>dbt's result statuses: models succeed/error/skip; tests pass/warn/fail/error.</summary>
public enum NodeStatus { Success, Error, Skipped, Pass, Warn, Fail }

public sealed record TimingInfo(string Name, DateTimeOffset StartedAt, DateTimeOffset CompletedAt);

public sealed record NodeResult(
    Node Node,
    NodeStatus Status,
    string Message,
    TimeSpan Elapsed,
    string ThreadId,
    IReadOnlyList<TimingInfo> Timing,
    string? CompiledSql = null,
    long? RowsAffected = null,
    long? Failures = null)
{
    public bool IsFailure => Status is NodeStatus.Error or NodeStatus.Fail;

    /// <summary>dbt's words: models and seeds succeed, error or skip; tests pass, warn, fail or error.</summary>
    public string StatusText => Status switch
    {
        NodeStatus.Success => "success",
        NodeStatus.Skipped => "skipped",
        NodeStatus.Pass => "pass",
        NodeStatus.Warn => "warn",
        NodeStatus.Fail => "fail",
        _ => "error",
    };
}

/// <summary>Progress of a run, for the CLI to print. Called from worker threads.</summary>
public interface IRunListener
{
    void NodeStarted(int index, int total, Node node);
    void NodeFinished(int index, int total, NodeResult result);
    /// <summary>The run waits for another one before it starts (<see cref="IAdapter.LockRun"/>).</summary>
    void Waiting(string message) { }
    /// <summary>A node ran but something in it deserves a warning (a documented column the relation lacks).</summary>
    void Warn(Diagnostics.Warning warning) { }
}
