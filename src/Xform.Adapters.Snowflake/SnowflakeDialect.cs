using Xform.Core.Adapters;
using Xform.Core.Execution.Incremental;
using Xform.Core.Project;

namespace Xform.Adapters.Snowflake;

/// <summary>
/// Snowflake's materialization SQL. DDL commits on its own in Snowflake, so atomicity comes from statements
/// that are atomic by themselves: <c>create or replace [transient] table ... as</c> replaces a table in one step
/// (the old one stays when the query fails) and <c>alter table ... swap with</c> exchanges two tables.
/// Renames are always fully qualified: an unqualified new name would move the table into the session's schema.
/// </summary>
public sealed class SnowflakeDialect(bool transient = true) : SqlDialect(SnowflakeNames.Quote)
{
    string TableKind => transient ? "transient table" : "table";

    public override string Rename(RelationName relation, string newIdentifier, RelationKind kind) =>
        $"alter {(kind == RelationKind.View ? "view" : "table")} {Render(relation)} rename to {Render(relation with { Identifier = newIdentifier })}";

    public override string CreateTableAs(RelationName relation, string sql) =>
        $"create or replace {TableKind} {Render(relation)} as (\n{sql}\n)";

    /// <summary>Session-scoped: the staging table and the DML that reads it must go in one request (one session).</summary>
    public override string CreateTempTableAs(string name, string sql) =>
        $"create or replace temporary table {Quote(name)} as (\n{sql}\n)";

    /// <summary>One atomic statement over a table; over a view, build beside it, drop the view, rename.</summary>
    public override IReadOnlyList<string> BuildTable(RelationName relation, string sql, RelationKind? existing)
    {
        if (existing is not RelationKind.View) return [CreateTableAs(relation, sql)];
        var tmp = relation with { Identifier = relation.Identifier + TempSuffix };
        return [CreateTableAs(tmp, sql), Drop(relation, RelationKind.View), Rename(tmp, relation.Identifier, RelationKind.Table)];
    }

    /// <summary>Swaps a freshly built <paramref name="built"/> table in for <paramref name="target"/> and drops the old data.</summary>
    public IReadOnlyList<string> SwapIn(RelationName built, RelationName target, RelationKind? existing) => existing switch
    {
        RelationKind.Table => [$"alter table {Render(target)} swap with {Render(built)}", Drop(built, RelationKind.Table)],
        RelationKind.View => [Drop(target, RelationKind.View), Rename(built, target.Identifier, RelationKind.Table)],
        _ => [Rename(built, target.Identifier, RelationKind.Table)],
    };

    /// <summary>Snowflake's DELETE takes the staged rows in a USING clause.</summary>
    public override IReadOnlyList<string> DeleteInsert(IncrementalStatementsInput i)
    {
        var match = string.Join(" and ", i.UniqueKey.Select(k => $"DBT_INTERNAL_SOURCE.{Quote(k)} = DBT_INTERNAL_DEST.{Quote(k)}"));
        var predicates = string.Concat(i.Predicates.Select(p => $"\n    and ({p})"));
        return
        [
            $"delete from {Render(i.Target)} as DBT_INTERNAL_DEST\nusing {Quote(i.Staged)} as DBT_INTERNAL_SOURCE\nwhere {match}{predicates}",
            Insert(i),
        ];
    }

    public override string TimestampLiteral(DateTime value) => $"'{value:yyyy-MM-dd HH:mm:ss}'::timestamp_ntz";
}
