using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Project;

namespace Xform.Core.Execution.Runners;

/// <summary>One node to run: its worker's connection, what exists at its relation, and how to compile it.</summary>
public sealed record NodeRun(Node Node, IAdapterConnection Connection, RelationKind? Existing, ModelCompiler Compile)
{
    /// <summary>The node compiled once, as most runners need it (not incremental, no batch).</summary>
    public CompiledNode Compiled() => Compile(false, null);

    /// <summary>The node's hooks rendered, for a node that has no SQL of its own to compile (a seed).</summary>
    public Func<CompiledNode>? RenderHooks { get; init; }
}

/// <summary>What running a node did: its status and message, and the SQL that ran (for target/run).</summary>
public sealed record RunOutcome(NodeStatus Status, string Message, string ExecutedSql, long? Failures = null)
{
    /// <summary>The relations the node built, when they are not just its own (what a custom materialization returned).</summary>
    public IReadOnlyList<RelationName>? Relations { get; init; }

    public static RunOutcome Built(string executedSql) => new(NodeStatus.Success, "OK", executedSql);
}

/// <summary>
/// How one resource type runs (dbt's runner per node type). A runner may throw an XformException or a
/// DatabaseException; <see cref="ProjectRunner"/> turns it into the node's error result.
/// </summary>
public interface INodeRunner
{
    RunOutcome Run(NodeRun run);

    /// <summary>Whether the node writes a relation (so its schema must exist and its relation is known afterwards).</summary>
    bool WritesRelation => true;
}
