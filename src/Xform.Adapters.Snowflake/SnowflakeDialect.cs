using Xform.Core.Adapters;
using Xform.Core.Project;

namespace Xform.Adapters.Snowflake;

/// <summary>
/// Snowflake's materialization SQL. DDL commits on its own in Snowflake, so atomicity comes from statements
/// that are atomic by themselves, which its capabilities make the shared dialect choose: <c>create or replace
/// [transient] table ... as</c> replaces a table in one step (the old one stays when the query fails) and
/// <c>alter table ... swap with</c> exchanges two tables.
/// Renames are always fully qualified: an unqualified new name would move the table into the session's schema.
/// </summary>
public sealed class SnowflakeDialect(bool transient = true) : SqlDialect(SnowflakeNames.Quote, Declared)
{
    /// <summary>DDL commits on its own; <c>create or replace table</c>, <c>swap with</c> and MERGE exist.</summary>
    static readonly AdapterCapabilities Declared = new(TransactionalDdl: false, CreateOrReplaceTable: true, SwapWith: true, Merge: true);

    protected override string TableKind => transient ? "transient table" : "table";

    /// <summary>Zero-copy: <c>create or replace [transient] table x clone source</c>, as dbt-snowflake clones; a view in the way goes first.</summary>
    public override IReadOnlyList<string>? CloneTable(RelationName relation, RelationName source, RelationKind? existing) =>
        [.. existing is RelationKind.View ? [Drop(relation, RelationKind.View)] : Array.Empty<string>(),
         $"create or replace {TableKind} {Render(relation)} clone {Render(source)}"];

    /// <summary>As dbt on Snowflake: the query comment after the statement, where Snowflake keeps it in the query history.</summary>
    public override bool QueryCommentAtEnd => true;

    /// <summary>dbt-snowflake's: a rebuild keeps the old grants only with <c>copy_grants: true</c>, which writes <c>copy grants</c> into it.</summary>
    public override bool CopiesGrants(NodeConfig config) => config.GetBool("copy_grants", false);

    /// <summary>dbt-snowflake's: one grantee per grant or revoke statement.</summary>
    protected override bool MultipleGranteesPerStatement => false;

    /// <summary>dbt-snowflake's <c>standardize_grants_dict</c>: ownership and grants to shares and database roles are not the config's.</summary>
    public override IReadOnlyDictionary<string, IReadOnlyList<string>> ReadGrants(QueryResult result)
    {
        int grantee = Column(result, "grantee_name"), to = Column(result, "granted_to"), privilege = Column(result, "privilege");
        return result.Rows
            .Where(r => r[privilege] as string != "OWNERSHIP" && r[to] as string is not ("SHARE" or "DATABASE_ROLE"))
            .GroupBy(r => (string)r[privilege]!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => (string)r[grantee]!).ToList());
    }

    /// <summary>
    /// <c>copy_grants: true</c>: the <c>create or replace</c> of a table or view keeps the grants of the relation it replaces
    /// (Snowflake's COPY GRANTS), as dbt-snowflake writes it.
    /// </summary>
    public override IReadOnlyList<string> WithCopyGrants(IReadOnlyList<string> statements) =>
        statements.Select(s => System.Text.RegularExpressions.Regex.Replace(s, @"^(create or replace (?:transient table|table|view) \S+) as \(",
            "$1 copy grants as (")).ToList();

    readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// <c>x__xform_tmp_&lt;run&gt;</c>, one per run (per adapter): Snowflake has no lock to keep two runs out of one staging
    /// table, where one run's load would land in the other's.
    /// </summary>
    public override RelationName Staging(RelationName relation) => relation with { Identifier = $"{relation.Identifier}{TempSuffix}_{_run}" };

    public override string Rename(RelationName relation, string newIdentifier, RelationKind kind) =>
        $"alter {(kind == RelationKind.View ? "view" : "table")} {Render(relation)} rename to {Render(relation with { Identifier = newIdentifier })}";

    /// <summary>Snowflake's spelling; it converts only where the values keep (a wider VARCHAR or NUMBER), else it refuses.</summary>
    public override string AlterColumnType(RelationName relation, string column, string type) =>
        $"alter table {Render(relation)} alter column {Quote(column)} set data type {type}";

    /// <summary>Without an alias, as dbt-snowflake (<c>require_alias</c> false): Snowflake needs none.</summary>
    public override string EmptySubquery(string rendered, string identifier) => $"(select * from {rendered} where false limit 0)";

    /// <summary>A backslash starts an escape in Snowflake's string literals: doubled too.</summary>
    public override string StringLiteral(string text) =>
        "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>COMMENT ON COLUMN takes table columns only; a view's column comment is set with ALTER VIEW.</summary>
    public override string CommentOnColumn(RelationName relation, RelationKind kind, string column, string comment) =>
        kind == RelationKind.View
            ? $"alter view {Render(relation)} alter column {Quote(column)} comment {StringLiteral(comment)}"
            : base.CommentOnColumn(relation, kind, column, comment);

    /// <summary>Session-scoped: the staging table and the DML that reads it must go in one request (one session).</summary>
    public override string CreateTempTableAs(string name, string sql) =>
        $"create or replace temporary table {Quote(name)} as (\n{sql}\n)";

    /// <summary>Snowflake's DELETE takes the staged rows in a USING clause.</summary>
    public override IReadOnlyList<string> DeleteInsert(IncrementalStatementsInput i) =>
    [
        $"delete from {Render(i.Target)} as DBT_INTERNAL_DEST\nusing {Quote(i.Staged)} as DBT_INTERNAL_SOURCE\nwhere {KeyMatch(i)}{PredicateSql(i)}",
        Insert(i),
    ];

    /// <summary>Snowflake enforces not null only; it records unique, primary and foreign keys without enforcing them and has no check.</summary>
    public override ConstraintSupport SupportOf(string type) => type switch
    {
        "not_null" or "custom" => ConstraintSupport.Enforced,
        "check" => ConstraintSupport.NotSupported,
        _ => ConstraintSupport.NotEnforced,
    };

    public override string TimestampLiteral(DateTime value) => $"'{value:yyyy-MM-dd HH:mm:ss}'::timestamp_ntz";
}
