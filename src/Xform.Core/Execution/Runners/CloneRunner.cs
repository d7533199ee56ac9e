using Xform.Core.Adapters;
using Xform.Core.Project;

namespace Xform.Core.Execution.Runners;

/// <summary>
/// <c>xform clone</c>, dbt's clone materialization: the relation the <c>--state</c> run built for the node is put in this
/// target. A table is cloned zero-copy where the engine can (Snowflake); otherwise the node becomes a view over the
/// state's relation, or a copy of it when that relation lives in a database this target reads only while a run attaches
/// it (another DuckDB file). A relation this target already has is kept unless <c>--full-refresh</c>.
/// </summary>
public sealed class CloneRunner(SqlDialect dialect, Func<string, StateRelation?> stateRelationOf, string targetDatabase, bool fullRefresh) : INodeRunner
{
    public RunOutcome Run(NodeRun run)
    {
        var node = run.Node;
        if (stateRelationOf(node.UniqueId) is not { } source)
            return new RunOutcome(NodeStatus.Success, "no relation in the --state manifest: nothing to clone", "");
        if (run.Existing is not null && !fullRefresh)
            return new RunOutcome(NodeStatus.Success, $"{node.Relation.Render(dialect.Quote)} already exists: kept (--full-refresh replaces it)", "");

        var from = source.Relation;
        var select = $"select * from {dialect.Render(from)}";
        var otherDatabase = from.Database is { Length: > 0 } db && !string.Equals(db, targetDatabase, StringComparison.OrdinalIgnoreCase);
        IReadOnlyList<string> statements;
        string message;
        if (source.IsTable && dialect.CloneTable(node.Relation, from, run.Existing) is { } clone)
            (statements, message) = (clone, "cloned");
        else if (otherDatabase && dialect.AttachesOtherDatabasesPerRun)
            (statements, message) = (dialect.BuildTable(node.Relation, select, run.Existing), "copied");
        else
            (statements, message) = (dialect.BuildView(node.Relation, select, run.Existing), "view over");
        // One transaction, so a failed clone leaves what was there (the model's hooks do not run, as in dbt's clone).
        run.Connection.ExecuteTransaction(statements);
        return new RunOutcome(NodeStatus.Success, $"{message} {dialect.Render(from)}", string.Join(";\n\n", statements) + ";\n") { Relations = [node.Relation] };
    }
}

/// <summary>Where the <c>--state</c> run built a node, and whether it is a table there (what zero-copy clone takes).</summary>
public sealed record StateRelation(RelationName Relation, bool IsTable);
