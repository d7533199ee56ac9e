using Xform.Core.Project;
using Xform.Core.Seeds;
using Xform.Core.Templating;

namespace Xform.Core.Adapters;

/// <summary>
/// What an engine can do, declared by its adapter's dialect and read by <see cref="SqlDialect"/> where it chooses SQL.
/// </summary>
/// <param name="TransactionalDdl">DDL commits or rolls back with its transaction: a table is built beside the old one and swapped in by one transaction.</param>
/// <param name="CreateOrReplaceTable"><c>create or replace table</c> exists: one atomic statement that replaces a table, where DDL commits on its own.</param>
/// <param name="SwapWith"><c>alter table a swap with b</c> exchanges two tables atomically: how a loaded table replaces the old one without transactional DDL.</param>
/// <param name="Merge">MERGE exists; without it a merge is an UPDATE of the matched rows, then an INSERT of the others.</param>
public sealed record AdapterCapabilities(bool TransactionalDdl, bool CreateOrReplaceTable, bool SwapWith, bool Merge);

public enum RelationKind { Table, View, External }

public sealed record RelationInfo(string Schema, string Name, RelationKind Kind);

public sealed record QueryResult(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

/// <summary>A column of a relation or a query result, with the engine's type name.</summary>
public sealed record ColumnSpec(string Name, string DataType);

/// <summary>
/// The one place that talks to a database. An adapter opens connections (one per worker thread), quotes
/// identifiers, ships its dispatch macros and knows its DDL dialect.
/// </summary>
public interface IAdapter : IDisposable
{
    string Type { get; }
    /// <summary>Macros shipped with the adapter (<c>duckdb__datediff</c>, ...), overridable by the project.</summary>
    IReadOnlyList<TemplateSource> Macros { get; }
    string Quote(string identifier);
    /// <summary>How this engine writes the DDL and DML of materializations, and what it can do (its capabilities).</summary>
    SqlDialect Dialect { get; }
    /// <summary>How this engine spells each type a seed column can be inferred to have.</summary>
    SeedTypeNames SeedTypes { get; }
    /// <summary>
    /// Fills the empty table of <paramref name="load"/> with the file's rows, the engine's fastest way; returns the SQL
    /// it ran, for target/run. Core's seed loader does the rest (create, count, swap) the same way for every engine.
    /// </summary>
    IReadOnlyList<string> BulkLoadSeed(IAdapterConnection connection, SeedBulkLoad load);
    /// <summary>Renders a source read in place from a file, or null when the engine cannot.</summary>
    ExternalRelationRenderer? External { get; }
    IAdapterConnection Open();
    /// <summary>
    /// Starts connecting in the background, for a command that will run nodes, while it parses: the first
    /// <see cref="Open"/> then finds the database ready, and reports any failure as it would have. An engine
    /// that gains nothing from it does nothing.
    /// </summary>
    void Warm() { }
    /// <summary>
    /// The command's nodes are done: an engine that holds its database open in the process (embedded DuckDB) starts
    /// closing it on another thread (its checkpoint), while the command writes its artifacts. A later <see cref="Open"/>
    /// waits for that and opens it again; <c>Dispose</c> waits for it. Other engines do nothing.
    /// </summary>
    void Release() { }
    /// <summary>
    /// A parser of this engine's SQL into the tree column lineage is read from, or null when the adapter has none
    /// (docs are then written without column lineage).
    /// </summary>
    ISqlParser? OpenLineageParser();
    /// <summary>A one-line description of the connection for <c>xform debug</c>, with no secrets.</summary>
    string Describe();
    /// <summary>
    /// <c>target</c> as templates see it, built as dbt builds it from the adapter's connection keys: the output's settings
    /// with the values this engine uses where the profile leaves them out (<c>database</c> never empty), no secrets.
    /// Null: the profile's settings as written.
    /// </summary>
    IReadOnlyDictionary<string, object?>? TargetFields => null;

    /// <summary>
    /// Keeps other xform runs off this run's schemas until disposed: exclusively those it writes, shared those it only
    /// reads. A run holding one is waited for up to <paramref name="timeout"/> (<paramref name="waiting"/> says so
    /// once), then it is a user error. Null where the engine needs no such lock or has none.
    /// </summary>
    IDisposable? LockRun(RunSchemas schemas, TimeSpan timeout, Action<string> waiting) => null;

    /// <summary>
    /// <c>--defer</c> reads relations the <c>--state</c> run built in <paramref name="database"/>, another database than this
    /// target's: makes them readable on this adapter's connections, or throws a user error saying why the engine cannot.
    /// <paramref name="profileOutputs"/> gives the other outputs of the profile (one of them may write that database).
    /// Returns where those relations are, for messages. By default the engine reads other databases by name (Snowflake).
    /// </summary>
    string ReadDatabase(string database, Func<IReadOnlyList<TargetConfig>> profileOutputs) => $"database '{database}'";
}

/// <summary>The schemas a run writes relations in, and those it only reads from.</summary>
public sealed record RunSchemas(IReadOnlyCollection<string> Written, IReadOnlyCollection<string> Read);

public interface IAdapterConnection : IDisposable
{
    /// <summary>
    /// The query comment (and Snowflake query tag) added to every statement this connection sends from now on, set for the
    /// node running on it; null: none. Ignored by connections that send no SQL of their own.
    /// </summary>
    QueryAnnotation? Annotation { get => null; set { } }

    /// <summary>The engine's own connection under any wrapper (<see cref="LoggedConnection"/>), for an adapter that needs its type.</summary>
    IAdapterConnection Unwrapped => this;

    /// <summary>Runs one or more statements, each committed on its own.</summary>
    void Execute(string sql);
    QueryResult Query(string sql, int? maxRows = null);
    IReadOnlyList<RelationInfo> ListRelations();
    void EnsureSchema(string schema);
    /// <summary>The columns of a relation, in order; empty when it does not exist.</summary>
    IReadOnlyList<ColumnSpec> GetColumns(RelationName relation);
    /// <summary>The columns a query returns, without running it to completion.</summary>
    IReadOnlyList<ColumnSpec> DescribeQuery(string sql);

    /// <summary>
    /// The comments of a relation (key <c>""</c>) and of its columns (keyed by the column's name as the database gives it), as
    /// persist_docs writes them; empty where the engine's catalog is not read.
    /// </summary>
    IReadOnlyDictionary<string, string> Comments(RelationName relation) => new Dictionary<string, string>();

    /// <summary>
    /// Runs the statements as one atomic unit, all or nothing: the one way to run a transaction. Each engine does it
    /// natively (a driver's transaction object, or one request where the API has no sessions); nobody sends
    /// <c>begin</c>/<c>commit</c> through <see cref="Execute"/>.
    /// </summary>
    void ExecuteTransaction(IReadOnlyList<string> statements);

    /// <summary>
    /// Opens a transaction that the statements of <see cref="Execute"/> and <see cref="Query"/> join until it is committed
    /// or disposed (rolled back): what a custom materialization's statement blocks run in, as dbt runs them. Null where the
    /// engine keeps no session between requests (Snowflake's SQL API): each statement then commits on its own.
    /// </summary>
    IOpenTransaction? Begin() => null;
}

/// <summary>A transaction left open on a connection (<see cref="IAdapterConnection.Begin"/>): disposed uncommitted, it rolls back.</summary>
public interface IOpenTransaction : IDisposable
{
    void Commit();
}

/// <summary>Creates an adapter for a profile target.</summary>
public delegate IAdapter AdapterFactory(TargetConfig target, string projectRoot);

/// <summary>An engine error from a statement, carried as a node result.</summary>
public sealed class DatabaseException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The statement of a transaction that failed, when the adapter knows it (so a failing hook can be named).</summary>
    public string? Statement { get; set; }

    /// <summary>The table or view the engine said does not exist, as it wrote the name (maybe schema-qualified), when the
    /// adapter recognised that error: the runner then names the project's node that has not been built.</summary>
    public string? MissingRelation { get; init; }
}

/// <summary>How the adapter writes a source that is read in place from a file (DuckDB's read_csv / read_parquet).</summary>
public delegate string ExternalRelationRenderer(SourceTableInfo source, NodeConfig config);

/// <summary>
/// A seed file that <see cref="SeedAnalyzer"/> has checked, to bulk-load into <see cref="Table"/>: an empty table with one
/// column per <see cref="SeedSchema.Columns"/>, in order, named <see cref="ColumnNames"/> (rendered as the SQL needs them).
/// </summary>
public sealed record SeedBulkLoad(RelationName Table, IReadOnlyList<string> ColumnNames, string CsvFullPath, string DisplayFile,
    SeedSchema Schema, SeedOptions Options);
