using System.Globalization;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Execution.Contracts;
using Xform.Core.Execution.Incremental;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>Renders a model: incremental or not, and for a microbatch window.</summary>
public delegate CompiledNode ModelCompiler(bool isIncremental, BatchWindow? batch);

public sealed record BuildOptions(bool FullRefresh, DateTime NowUtc, DateTime? EventTimeStart = null, DateTime? EventTimeEnd = null);

/// <summary>
/// Turns a model into the statements that build it, run so that a failure never destroys the previous
/// version: views and tables are replaced in one transaction (tables built beside the old one and
/// swapped in); an incremental run stages its rows and applies its strategy in one transaction;
/// a microbatch model runs one transaction per batch. A model with an enforced contract has its columns checked first,
/// and its tables are created with the declared columns and constraints.
/// </summary>
/// <param name="findModel">The model a foreign key constraint's <c>ref()</c> names (package, or null, and name).</param>
public sealed class Materializer(SqlDialect dialect, Func<string?, string, Node?>? findModel = null)
{
    readonly ContractEnforcer _contracts = new(dialect, findModel ?? ((_, _) => null));

    /// <summary>Builds the model; returns the SQL that ran (for target/run).</summary>
    public string Build(IAdapterConnection connection, Node node, RelationKind? existing, ModelCompiler compile, BuildOptions options)
    {
        switch (node.Materialized)
        {
            case "view":
            {
                var model = compile(false, null);
                CheckContract(connection, node, Body(model));
                return Run(connection, model, CopyGrants(node, dialect.BuildView(node.Relation, Body(model), existing)));
            }
            case "table":
            {
                var model = compile(false, null);
                return Run(connection, model, Table(connection, node, Body(model), existing));
            }
            case "incremental":
                return Incremental(connection, node, existing, compile, options);
            case "external":
            {
                var model = compile(false, null);
                var statements = dialect.BuildExternal(node.Relation, Body(model), ExternalSettings.Of(node), existing)
                                 ?? throw new XformException($"external is a DuckDB materialization, which the {dialect.GetType().Name} cannot build", node.Location);
                return Run(connection, model, statements);
            }
            default:
                throw new XformException($"materialization '{node.Materialized}' is not supported; use one of: {string.Join(", ", BuildSettings.Materializations)}", node.Location);
        }
    }

    internal static string Body(CompiledNode model) => model.Sql.TrimEnd().TrimEnd(';');

    /// <summary>
    /// Pre-hooks, the statements and post-hooks as one transaction; hooks marked <c>transaction: false</c> run before it
    /// begins or after it commits (dbt's before_begin / after_commit). Returns the SQL that ran.
    /// </summary>
    internal static string Run(IAdapterConnection connection, CompiledNode model, IReadOnlyList<string> statements)
    {
        var executed = new List<string>();
        RunHooks(connection, model, model.PreHooks.Where(h => !h.InTransaction), executed);
        var all = model.PreHooks.Where(h => h.InTransaction).Select(h => h.Sql).Concat(SqlHeader(model.Node)).Concat(statements)
            .Concat(model.PostHooks.Where(h => h.InTransaction).Select(h => h.Sql)).ToList();
        InTransaction(connection, model, all);
        executed.AddRange(all);
        RunHooks(connection, model, model.PostHooks.Where(h => !h.InTransaction), executed);
        return string.Join(";\n\n", executed) + ";\n";
    }

    /// <summary>
    /// dbt's <c>sql_header</c> (<c>{% call set_sql_header(config) %}</c>): statements that run before the model's, in the same
    /// transaction and session (on Snowflake, the same request), so a session setting they make is what the model reads.
    /// </summary>
    static IEnumerable<string> SqlHeader(Node node) =>
        node.Config.GetString("sql_header") is { } header && header.Trim().TrimEnd(';').TrimEnd() is { Length: > 0 } statements ? [statements] : [];

    /// <summary>Runs statements as one transaction; a hook among them that fails is named in the error.</summary>
    internal static void InTransaction(IAdapterConnection connection, CompiledNode model, IReadOnlyList<string> statements)
    {
        try
        {
            connection.ExecuteTransaction(statements);
        }
        catch (DatabaseException e) when (e.Statement is { } failed &&
                                          model.PreHooks.Concat(model.PostHooks).FirstOrDefault(h => h.InTransaction && h.Sql == failed) is { } hook)
        {
            throw HookFailed(model, hook, e);
        }
    }

    /// <summary>Hooks outside any transaction, each on its own; the first that fails fails the node.</summary>
    internal static void RunHooks(IAdapterConnection connection, CompiledNode model, IEnumerable<RenderedHook> hooks, List<string> executed)
    {
        foreach (var hook in hooks)
        {
            try
            {
                connection.Execute(hook.Sql);
            }
            catch (DatabaseException e)
            {
                throw HookFailed(model, hook, e);
            }
            executed.Add(hook.Sql);
        }
    }

    static DatabaseException HookFailed(CompiledNode model, RenderedHook hook, DatabaseException e) =>
        new($"{hook.Label} of {model.Node.TypeName} '{model.Node.Name}' failed: {e.Message}", e) { Statement = e.Statement };

    /// <summary>full_refresh: false in a model's config protects it from --full-refresh; true forces one.</summary>
    internal static bool WantsFullRefresh(Node node, bool fullRefresh) =>
        node.Config.TryGetValue("full_refresh", out var v) && v is not null ? node.Config.GetBool("full_refresh", false) : fullRefresh;

    string Incremental(IAdapterConnection connection, Node node, RelationKind? existing, ModelCompiler compile, BuildOptions options)
    {
        var settings = IncrementalSettings.Of(node);
        var full = WantsFullRefresh(node, options.FullRefresh);
        if (settings.Microbatch is { } batches) return new Microbatch(dialect, batches,
            (sql, was) => Table(connection, node, sql, was), sql => CheckContract(connection, node, sql)).Build(connection, node, existing, compile, options, full);

        if (existing != RelationKind.Table || full)
        {
            var first = compile(false, null);
            return Run(connection, first, Table(connection, node, Body(first), existing));
        }

        var model = compile(true, null);
        var sql = Body(model);
        // The query's columns, described once for the contract and for on_schema_change.
        var described = connection.DescribeQuery(sql);
        CheckContract(connection, node, sql, described);
        var (columns, alters) = Reconcile(connection, node, described, settings.OnSchemaChange);
        var staged = node.Relation.Identifier + "__xform_incr";
        var keys = settings.UniqueKey;
        var input = new IncrementalStatementsInput(node.Relation, staged, columns, keys, UpdateColumns(settings, columns),
            settings.Predicates, settings.PartitionColumn);
        var strategy = IncrementalStrategy.For(settings.Strategy);
        var statements = new List<string> { dialect.DropTemp(staged), dialect.CreateTempTableAs(staged, sql) };
        if (strategy.ChecksUniqueKey(input) && dialect.UniqueKeyGuard(input) is { } guard) statements.Add(guard);
        statements.AddRange(alters);
        statements.AddRange(strategy.Apply(dialect, input));
        statements.Add(dialect.DropTemp(staged));
        return Run(connection, model, statements);
    }

    /// <summary>The statements of a table: with an enforced contract, checked, then created with its declared columns and constraints.</summary>
    IReadOnlyList<string> Table(IAdapterConnection connection, Node node, string sql, RelationKind? existing)
    {
        if (!CheckContract(connection, node, sql)) return CopyGrants(node, dialect.BuildTable(node.Relation, sql, existing));
        return CopyGrants(node, dialect.BuildContractTable(node.Relation, _contracts.Definition(node), node.Columns.Select(c => c.Name).ToList(), sql, existing));
    }

    /// <summary><c>copy_grants: true</c>: the rebuild keeps the replaced relation's grants where the engine can (Snowflake).</summary>
    IReadOnlyList<string> CopyGrants(Node node, IReadOnlyList<string> statements) =>
        node.Config.GetBool("copy_grants", false) ? dialect.WithCopyGrants(statements) : statements;

    /// <summary>Checks the query's columns against an enforced contract (a mismatch fails the node); false: no contract.</summary>
    bool CheckContract(IAdapterConnection connection, Node node, string sql, IReadOnlyList<ColumnSpec>? described = null)
    {
        var contract = ModelContract.Of(node);
        if (!contract.Enforced) return false;
        _contracts.Check(connection, node, contract, described ?? connection.DescribeQuery(sql));
        return true;
    }

    static IReadOnlyList<string> UpdateColumns(IncrementalSettings settings, IReadOnlyList<string> columns)
    {
        var candidates = settings.MergeUpdateColumns.Count > 0 ? settings.MergeUpdateColumns : columns;
        return candidates
            .Where(c => !settings.UniqueKey.Contains(c, StringComparer.OrdinalIgnoreCase) && !settings.MergeExcludeColumns.Contains(c, StringComparer.OrdinalIgnoreCase))
            .ToList();
    }

    /// <summary>
    /// Compares the new rows' columns with the table's and applies on_schema_change (dbt's): <c>fail</c> stops on any
    /// added, missing or retyped column; <c>append_new_columns</c> adds new columns; <c>sync_all_columns</c> also drops
    /// missing ones and alters retyped ones to the query's type. Both sides are described as queries, so that their type
    /// names are spelled by the same engine call.
    /// </summary>
    (IReadOnlyList<string> Columns, IReadOnlyList<string> Alters) Reconcile(IAdapterConnection connection, Node node, IReadOnlyList<ColumnSpec> query, string mode)
    {
        var change = SchemaChange.Between(query, connection.DescribeQuery($"select * from {dialect.Render(node.Relation)}"));
        if (!change.Any) return (change.Shared, []);
        return mode switch
        {
            "fail" => throw new XformException(
                $"the columns of incremental model '{node.Name}' changed ({change.Describe()}) and on_schema_change is 'fail'; rebuild it with --full-refresh or set on_schema_change", node.Location),
            "append_new_columns" => ([.. change.Shared, .. change.Added.Select(c => c.Name)], change.Added.Select(c => dialect.AddColumn(node.Relation, c)).ToList()),
            "sync_all_columns" => (query.Select(c => c.Name).ToList(),
                [.. change.Added.Select(c => dialect.AddColumn(node.Relation, c)), .. change.Removed.Select(c => dialect.DropColumn(node.Relation, c.Name)),
                 .. change.Retyped.Select(r => dialect.AlterColumnType(node.Relation, r.Name, r.To))]),
            _ => (change.Shared, []),
        };
    }
}

/// <summary>The current time, or XFORM_NOW (ISO, UTC) when set, so tests and replays are repeatable.</summary>
public static class Clock
{
    public static DateTime UtcNow()
    {
        var text = Environment.GetEnvironmentVariable("XFORM_NOW");
        if (string.IsNullOrEmpty(text)) return DateTime.UtcNow;
        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? t : throw new XformException($"XFORM_NOW must be an ISO date and time, not '{text}'");
    }
}
