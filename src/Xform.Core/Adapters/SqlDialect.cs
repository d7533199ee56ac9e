using Xform.Core.Project;

namespace Xform.Core.Adapters;

/// <summary>What an incremental build needs to write its DML.</summary>
public sealed record IncrementalStatementsInput(
    RelationName Target,
    string Staged,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> UniqueKey,
    IReadOnlyList<string> UpdateColumns,
    IReadOnlyList<string> Predicates,
    string? PartitionColumn);

/// <summary>How an engine treats a kind of constraint (dbt's constraint support): enforced; written into the DDL but not
/// enforced (Snowflake's primary keys); or not written at all.</summary>
public enum ConstraintSupport { Enforced, NotEnforced, NotSupported }

/// <summary>
/// The SQL of materializations, in the dialect most engines share (DuckDB, PostgreSQL and Snowflake
/// all run it), chosen by the engine's <see cref="Capabilities"/>. An adapter overrides what its engine
/// spells differently. Immutable: built once per adapter and shared by every worker.
/// </summary>
public class SqlDialect(Func<string, string> quote, AdapterCapabilities capabilities)
{
    public AdapterCapabilities Capabilities { get; } = capabilities;

    public string Quote(string identifier) => quote(identifier);

    public string Render(RelationName relation) => relation.Render(quote);

    public const string TempSuffix = "__xform_tmp";

    /// <summary>
    /// Where a new version of <paramref name="relation"/> is built before it is swapped in: <c>x__xform_tmp</c>. An engine
    /// with no lock to keep two runs apart names it per run instead (Snowflake), so they do not load into one table.
    /// </summary>
    public virtual RelationName Staging(RelationName relation) => relation with { Identifier = relation.Identifier + TempSuffix };

    public virtual string Drop(RelationName relation, RelationKind kind) =>
        $"drop {(kind == RelationKind.View ? "view" : "table")} if exists {Render(relation)}";

    public virtual string Rename(RelationName relation, string newIdentifier, RelationKind kind) =>
        $"alter {(kind == RelationKind.View ? "view" : "table")} {Render(relation)} rename to {quote(newIdentifier)}";

    /// <summary>
    /// --empty: a relation read as a subquery with its columns and no rows, as dbt's <c>render_limited</c> with limit 0
    /// writes it; aliased where the engine needs an alias on a subquery in FROM (PostgreSQL before 16).
    /// </summary>
    public virtual string EmptySubquery(string rendered, string identifier) =>
        $"(select * from {rendered} where false limit 0) _dbt_limit_subq_{identifier}";

    /// <summary>A text as a SQL string literal (quotes doubled).</summary>
    public virtual string StringLiteral(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Whether the query comment goes after each statement unless <c>append</c> says otherwise (Snowflake, which strips leading comments).</summary>
    public virtual bool QueryCommentAtEnd => false;

    /// <summary>Whether the engine has roles to grant privileges to (DuckDB has none: grants are skipped there).</summary>
    public virtual bool SupportsGrants => true;

    /// <summary>
    /// dbt's <c>copy_grants()</c>: whether a relation replaced by a rebuild keeps the grants of the one it replaces, so they
    /// must be read and the unlisted ones revoked. dbt's default assumes they may (true).
    /// </summary>
    public virtual bool CopiesGrants(NodeConfig config) => true;

    /// <summary>The statements of a table or view build that keep the replaced relation's grants (Snowflake's <c>copy grants</c>); as they are elsewhere.</summary>
    public virtual IReadOnlyList<string> WithCopyGrants(IReadOnlyList<string> statements) => statements;

    /// <summary>dbt's <c>get_show_grant_sql</c>: the query that lists the grants on a relation.</summary>
    public virtual string ShowGrants(RelationName relation) => $"show grants on {Render(relation)}";

    /// <summary>dbt's <c>standardize_grants_dict</c>: the rows of <see cref="ShowGrants"/> as privilege to grantees.</summary>
    public virtual IReadOnlyDictionary<string, IReadOnlyList<string>> ReadGrants(QueryResult result)
    {
        int grantee = Column(result, "grantee"), privilege = Column(result, "privilege_type");
        return result.Rows.GroupBy(r => Convert.ToString(r[privilege], System.Globalization.CultureInfo.InvariantCulture)!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => Convert.ToString(r[grantee], System.Globalization.CultureInfo.InvariantCulture)!).ToList());
    }

    /// <summary>The position of a result column, found without regard to case.</summary>
    protected static int Column(QueryResult result, string name)
    {
        for (var i = 0; i < result.Columns.Count; i++)
            if (result.Columns[i].Equals(name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new DatabaseException($"the grants query returned no '{name}' column");
    }

    /// <summary>dbt's <c>support_multiple_grantees_per_dcl_statement</c>: one statement may name several grantees.</summary>
    protected virtual bool MultipleGranteesPerStatement => true;

    /// <summary>dbt's <c>get_grant_sql</c> and <c>get_revoke_sql</c> (revoked grantees quoted, as dbt quotes them), one per statement where the engine needs it.</summary>
    public IReadOnlyList<string> GrantStatements(RelationName relation, IReadOnlyDictionary<string, IReadOnlyList<string>> grants, bool revoke)
    {
        var statements = new List<string>();
        foreach (var (privilege, grantees) in grants)
            foreach (var group in MultipleGranteesPerStatement ? [grantees] : grantees.Select(g => (IReadOnlyList<string>)[g]))
                statements.Add(revoke
                    ? $"revoke {privilege} on {Render(relation)} from {string.Join(", ", group.Select(quote))}"
                    : $"grant {privilege} on {Render(relation)} to {string.Join(", ", group)}");
        return statements;
    }

    /// <summary>persist_docs: the relation's description as its comment.</summary>
    public virtual string CommentOnRelation(RelationName relation, RelationKind kind, string comment) =>
        $"comment on {(kind == RelationKind.View ? "view" : "table")} {Render(relation)} is {StringLiteral(comment)}";

    /// <summary>persist_docs: a column's description as its comment (<paramref name="column"/> as the database names it).</summary>
    public virtual string CommentOnColumn(RelationName relation, RelationKind kind, string column, string comment) =>
        $"comment on column {Render(relation)}.{quote(column)} is {StringLiteral(comment)}";

    /// <summary>The kind of table models are built as (Snowflake: transient).</summary>
    protected virtual string TableKind => "table";

    public virtual string CreateTableAs(RelationName relation, string sql) => $"create {TableKind} {Render(relation)} as (\n{sql}\n)";

    string CreateOrReplaceTableAs(RelationName relation, string sql) => $"create or replace {TableKind} {Render(relation)} as (\n{sql}\n)";

    /// <summary>An empty table with these column definitions (<c>name type</c>), replacing one left over under that name.</summary>
    public IReadOnlyList<string> CreateEmptyTable(RelationName relation, IEnumerable<string> columnDefinitions)
    {
        var table = $"{TableKind} {Render(relation)} ({string.Join(", ", columnDefinitions)})";
        return Capabilities.CreateOrReplaceTable ? [$"create or replace {table}"] : [Drop(relation, RelationKind.Table), $"create {table}"];
    }

    /// <summary>How this engine treats constraints of <paramref name="type"/> (<c>not_null</c>, <c>check</c>, ...). Custom ones are written as given.</summary>
    public virtual ConstraintSupport SupportOf(string type) => ConstraintSupport.Enforced;

    /// <summary>
    /// A query of no rows whose columns have the given names and declared types, so the engine says what it calls each
    /// type (dbt's <c>get_empty_schema_sql</c>): <c>int</c> comes back as <c>INTEGER</c> on DuckDB, <c>integer</c> on PostgreSQL.
    /// </summary>
    public string EmptySchemaQuery(IEnumerable<(string Name, string DataType)> columns) =>
        "select " + string.Join(", ", columns.Select(c => $"cast(null as {c.DataType}) as {quote(c.Name)}")) + " where 1 = 0";

    /// <summary>
    /// A table of a contract: created with its declared columns and constraints (<paramref name="definition"/>), filled
    /// from the model's query by column name, and swapped in like any table: the old one stays when a row breaks a constraint.
    /// </summary>
    public virtual IReadOnlyList<string> BuildContractTable(RelationName relation, string definition, IReadOnlyList<string> columns, string sql,
        RelationKind? existing)
    {
        var tmp = Staging(relation);
        var table = $"{TableKind} {Render(tmp)} (\n    {definition}\n)";
        var names = ColumnList(columns);
        var insert = $"insert into {Render(tmp)} ({names})\nselect {names} from (\n{sql}\n) as model_subq";
        if (Capabilities.TransactionalDdl) return [Drop(tmp, RelationKind.Table), $"create {table}", insert, .. SwapIn(tmp, relation, existing)];
        if (!Capabilities.CreateOrReplaceTable)
            throw new NotSupportedException("an engine without transactional DDL needs create or replace table to replace a table atomically");
        return [$"create or replace {table}", insert, .. SwapIn(tmp, relation, existing)];
    }

    /// <summary>A constraint as DDL (dbt's <c>render_column_constraint</c> / <c>render_model_constraint</c>); <paramref name="to"/> is the referenced relation, rendered.</summary>
    public virtual string RenderConstraint(ColumnConstraint c, bool modelLevel, string? to)
    {
        var named = c.Name is { Length: > 0 } n ? $"constraint {quote(n)} " : "";
        var columns = modelLevel ? $" ({ColumnList(c.Columns)})" : "";
        var references = to is not null ? $"references {to} ({ColumnList(c.ToColumns)})" : $"references {c.Expression}";
        return c.Type switch
        {
            "not_null" => "not null",
            "unique" => named + "unique" + columns,
            "primary_key" => named + "primary key" + columns,
            "check" => named + $"check ({c.Expression})",
            "foreign_key" => named + (modelLevel ? $"foreign key{columns} " : "") + references,
            _ => c.Expression ?? "",
        };
    }

    /// <summary>A session-scoped table for staging incremental rows; named unqualified.</summary>
    public virtual string CreateTempTableAs(string name, string sql) => $"create temporary table {quote(name)} as (\n{sql}\n)";

    public virtual string DropTemp(string name) => $"drop table if exists {quote(name)}";

    /// <summary>Replaces a view in place; a table of the same name is dropped first.</summary>
    public virtual IReadOnlyList<string> BuildView(RelationName relation, string sql, RelationKind? existing)
    {
        var statements = new List<string>();
        if (existing is RelationKind.Table) statements.Add(Drop(relation, RelationKind.Table));
        statements.Add($"create or replace view {Render(relation)} as (\n{sql}\n)");
        return statements;
    }

    /// <summary>
    /// <c>xform clone</c> of a table: a zero-copy clone of <paramref name="source"/> in place of <paramref name="relation"/>,
    /// where the engine has one (dbt's <c>create_or_replace_clone</c>); null where it has none, and clone makes a view instead.
    /// </summary>
    public virtual IReadOnlyList<string>? CloneTable(RelationName relation, RelationName source, RelationKind? existing) => null;

    /// <summary>
    /// Whether a relation of another database is readable only while this run has it attached (DuckDB's other files), so a
    /// view over it would break afterwards: clone copies such a relation instead.
    /// </summary>
    public virtual bool AttachesOtherDatabasesPerRun => false;

    /// <summary>
    /// An <c>external</c> model (dbt-duckdb's): its rows written to a file, and its relation a view over that file. Null
    /// where the engine cannot write files (the parse refuses such models first).
    /// </summary>
    public virtual IReadOnlyList<string>? BuildExternal(RelationName relation, string sql, ExternalSettings settings, RelationKind? existing) => null;

    /// <summary>
    /// Builds the new table beside the old one, then swaps it in (run as one transaction). Where DDL commits on its own,
    /// a table is replaced by one atomic <c>create or replace</c> instead (the old one stays when the query fails).
    /// </summary>
    public virtual IReadOnlyList<string> BuildTable(RelationName relation, string sql, RelationKind? existing)
    {
        var tmp = Staging(relation);
        if (Capabilities.TransactionalDdl) return [Drop(tmp, RelationKind.Table), CreateTableAs(tmp, sql), .. SwapIn(tmp, relation, existing)];
        if (!Capabilities.CreateOrReplaceTable)
            throw new NotSupportedException("an engine without transactional DDL needs create or replace table to replace a table atomically");
        if (existing is not RelationKind.View) return [CreateOrReplaceTableAs(relation, sql)];
        return [CreateOrReplaceTableAs(tmp, sql), .. SwapIn(tmp, relation, existing)];
    }

    /// <summary>
    /// Puts the freshly built table <paramref name="built"/> in the place of <paramref name="target"/>, whatever that is
    /// now: exchanged atomically with an old table where the engine can, else the old relation is dropped and the new
    /// one renamed (atomic inside a transaction with transactional DDL).
    /// </summary>
    public virtual IReadOnlyList<string> SwapIn(RelationName built, RelationName target, RelationKind? existing)
    {
        if (existing is RelationKind.Table && Capabilities.SwapWith)
            return [$"alter table {Render(target)} swap with {Render(built)}", Drop(built, RelationKind.Table)];
        var rename = Rename(built, target.Identifier, RelationKind.Table);
        return existing is { } kind ? [Drop(target, kind), rename] : [rename];
    }

    public virtual string AddColumn(RelationName relation, ColumnSpec column) =>
        $"alter table {Render(relation)} add column {quote(column.Name)} {column.DataType}";

    public virtual string DropColumn(RelationName relation, string column) =>
        $"alter table {Render(relation)} drop column {quote(column)}";

    /// <summary>Changes a column's type in place, converting its values (on_schema_change: sync_all_columns).</summary>
    public virtual string AlterColumnType(RelationName relation, string column, string type) =>
        $"alter table {Render(relation)} alter column {quote(column)} type {type}";

    string ColumnList(IEnumerable<string> columns) => string.Join(", ", columns.Select(quote));

    public virtual string Insert(IncrementalStatementsInput i) =>
        $"insert into {Render(i.Target)} ({ColumnList(i.Columns)})\nselect {ColumnList(i.Columns)} from {quote(i.Staged)}";

    protected string KeyMatch(IncrementalStatementsInput i) =>
        string.Join(" and ", i.UniqueKey.Select(k => $"DBT_INTERNAL_SOURCE.{quote(k)} = DBT_INTERNAL_DEST.{quote(k)}"));

    protected string PredicateSql(IncrementalStatementsInput i) =>
        string.Concat(i.Predicates.Select(p => $"\n    and ({p})"));

    /// <summary>
    /// A statement that fails when the new rows hold a unique_key twice (a merge would otherwise insert
    /// both, or pick one at random). Null where the engine has no way to raise from SQL; the base
    /// version divides by zero on a duplicate, which DuckDB, PostgreSQL and Snowflake all reject.
    /// </summary>
    public virtual string? UniqueKeyGuard(IncrementalStatementsInput i)
    {
        var keys = string.Join(", ", i.UniqueKey.Select(quote));
        return $"select 1 / (case when count(*) > 1 then 0 else 1 end) as duplicate_unique_key_in_new_rows from {quote(i.Staged)} group by {keys} having count(*) > 1";
    }

    /// <summary>MERGE where the engine has it, else an UPDATE of the matched rows and an INSERT of the others (one transaction).</summary>
    public virtual IReadOnlyList<string> Merge(IncrementalStatementsInput i) => Capabilities.Merge ? [MergeStatement(i)] : UpdateThenInsert(i);

    string MergeStatement(IncrementalStatementsInput i)
    {
        var update = string.Join(",\n        ", i.UpdateColumns.Select(c => $"{quote(c)} = DBT_INTERNAL_SOURCE.{quote(c)}"));
        var matched = i.UpdateColumns.Count == 0 ? "" : $"\nwhen matched then update set\n        {update}";
        return $"merge into {Render(i.Target)} as DBT_INTERNAL_DEST\nusing {quote(i.Staged)} as DBT_INTERNAL_SOURCE\non {KeyMatch(i)}{PredicateSql(i)}{matched}" +
               $"\nwhen not matched then insert ({ColumnList(i.Columns)})\n    values ({SourceColumns(i)})";
    }

    string SourceColumns(IncrementalStatementsInput i) => string.Join(", ", i.Columns.Select(c => $"DBT_INTERNAL_SOURCE.{quote(c)}"));

    IReadOnlyList<string> UpdateThenInsert(IncrementalStatementsInput i)
    {
        var target = Render(i.Target);
        var staged = quote(i.Staged);
        var match = KeyMatch(i) + PredicateSql(i);
        var statements = new List<string>();
        if (i.UpdateColumns.Count > 0)
            statements.Add($"update {target} as DBT_INTERNAL_DEST set\n        " +
                           string.Join(",\n        ", i.UpdateColumns.Select(c => $"{quote(c)} = DBT_INTERNAL_SOURCE.{quote(c)}")) +
                           $"\nfrom {staged} as DBT_INTERNAL_SOURCE\nwhere {match}");
        statements.Add($"insert into {target} ({ColumnList(i.Columns)})\nselect {SourceColumns(i)}\n" +
                       $"from {staged} as DBT_INTERNAL_SOURCE\nwhere not exists (select 1 from {target} as DBT_INTERNAL_DEST where {match})");
        return statements;
    }

    public virtual IReadOnlyList<string> DeleteInsert(IncrementalStatementsInput i) =>
    [
        $"delete from {Render(i.Target)} as DBT_INTERNAL_DEST\nwhere exists (select 1 from {quote(i.Staged)} as DBT_INTERNAL_SOURCE where {KeyMatch(i)}){PredicateSql(i)}",
        Insert(i),
    ];

    /// <summary>Replaces whole partitions: every partition value present in the new rows.</summary>
    public virtual IReadOnlyList<string> InsertOverwrite(IncrementalStatementsInput i)
    {
        var p = quote(i.PartitionColumn!);
        return
        [
            $"delete from {Render(i.Target)} as DBT_INTERNAL_DEST\nwhere DBT_INTERNAL_DEST.{p} in (select distinct {p} from {quote(i.Staged)}){PredicateSql(i)}",
            Insert(i),
        ];
    }

    /// <summary>A time window as SQL literals, for microbatch filters.</summary>
    public virtual string TimestampLiteral(DateTime value) =>
        $"cast('{value.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)}' as timestamp)";
}
