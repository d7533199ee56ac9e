using DuckDB.NET.Data;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Seeds;
using Xform.Core.Templating;

namespace Xform.Adapters.DuckDb;

/// <summary>
/// Embedded DuckDB. One database file per process (DuckDB allows one writing process); each worker
/// thread opens its own connection to it. Relative file paths in SQL resolve against the project root.
/// </summary>
public sealed class DuckDbAdapter : IAdapter
{
    readonly DuckDbSettings _settings;
    readonly string _projectRoot;
    // Opened with the first connection, not before: parse and compile never create or lock the database file.
    readonly Lazy<DuckDBConnection> _keepAlive;

    public DuckDbAdapter(TargetConfig target, string projectRoot)
    {
        _projectRoot = projectRoot;
        _settings = DuckDbSettings.From(target, projectRoot);
        Dialect = new DuckDbDialect(Quote);
        TargetFields = Fields(target, _settings);
        if (_settings.FullPath is { } file) Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        _keepAlive = new Lazy<DuckDBConnection>(Connect, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public DuckDbSettings Settings => _settings;

    public string Type => "duckdb";

    public IReadOnlyList<TemplateSource> Macros { get; } = EmbeddedMacros.Load(typeof(DuckDbAdapter).Assembly, "macros/", "duckdb");

    public string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    public SqlDialect Dialect { get; }

    public SeedTypeNames SeedTypes { get; } = new("varchar", "bigint", "boolean", "date", "timestamp", "decimal");

    public ExternalRelationRenderer External => RenderExternal;

    public string Describe() => _settings.ToString();

    public IReadOnlyDictionary<string, object?> TargetFields { get; }

    /// <summary>dbt-duckdb's target: database (the catalog: the file's stem, or memory), schema and path first.</summary>
    static Dictionary<string, object?> Fields(TargetConfig target, DuckDbSettings settings)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["database"] = target.Database is { Length: > 0 } db ? db : "memory",
            ["schema"] = target.Schema,
            ["path"] = settings.Path,
        };
        foreach (var (key, value) in target.Settings) fields.TryAdd(key, value);
        return fields;
    }

    public IAdapterConnection Open()
    {
        _ = _keepAlive.Value;
        return new DuckDbConnection(Connect());
    }

    public ISqlParser OpenLineageParser() => new DuckDbSqlParser();

    DuckDBConnection Connect()
    {
        var connection = new DuckDBConnection(_settings.ConnectionString);
        try
        {
            connection.Open();
        }
        catch (DuckDBException e) when (e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            connection.Dispose();
            var pid = System.Text.RegularExpressions.Regex.Match(e.Message, @"PID (\d+)");
            throw new XformException(
                $"the DuckDB file '{_settings.Path}' is in use by another process{(pid.Success ? $" (PID {pid.Groups[1].Value})" : "")}; " +
                "DuckDB allows one writer per file: close the other program (a DuckDB shell, a notebook or another xform) and retry");
        }
        catch (DuckDBException e)
        {
            connection.Dispose();
            throw new XformException($"cannot open the DuckDB database '{_settings.Path}': {FirstLine(e.Message)}");
        }
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SET file_search_path = '{_projectRoot.Replace("'", "''")}'";
        cmd.ExecuteNonQuery();
        return connection;
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>DuckDB's own parallel CSV reader, with the types xform found (its appender measured slower: bench/README.md).</summary>
    public IReadOnlyList<string> BulkLoadSeed(IAdapterConnection connection, SeedBulkLoad load)
    {
        var insert = DuckDbSql.InsertSeed(load, Quote);
        connection.Execute(insert);
        return [insert];
    }

    /// <summary>Sources declared with an external_location are read in place.</summary>
    public static string RenderExternal(SourceTableInfo source, NodeConfig config) => DuckDbSql.External(source, config);

    public void Dispose()
    {
        if (_keepAlive.IsValueCreated) _keepAlive.Value.Dispose();
    }
}

sealed class DuckDbConnection(DuckDBConnection connection) : IAdapterConnection
{
    public void Execute(string sql)
    {
        try
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
        catch (DuckDBException e)
        {
            throw new DatabaseException(e.Message.Trim(), e);
        }
    }

    public void ExecuteTransaction(IReadOnlyList<string> statements) =>
        AdoTransaction.Run(connection, statements, (e, _) => e is DuckDBException ? new DatabaseException(e.Message.Trim(), e) : null);

    public QueryResult Query(string sql, int? maxRows = null)
    {
        try
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            using var reader = cmd.ExecuteReader();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var rows = new List<object?[]>();
            while ((maxRows is null || rows.Count < maxRows) && reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                rows.Add(row);
            }
            return new QueryResult(columns, rows);
        }
        catch (DuckDBException e)
        {
            throw new DatabaseException(e.Message.Trim(), e);
        }
    }

    public IReadOnlyList<RelationInfo> ListRelations()
    {
        var result = Query("select table_schema, table_name, table_type from information_schema.tables where table_catalog = current_database()");
        return result.Rows.Select(r => new RelationInfo((string)r[0]!, (string)r[1]!,
            (string)r[2]! == "VIEW" ? RelationKind.View : RelationKind.Table)).ToList();
    }

    public void EnsureSchema(string schema)
    {
        try
        {
            Execute($"create schema if not exists \"{schema.Replace("\"", "\"\"")}\"");
        }
        catch (DatabaseException e) when (e.Message.Contains("write-write conflict", StringComparison.OrdinalIgnoreCase))
        {
            // Another connection created it at the same moment; that is what we wanted.
            var exists = Query($"select 1 from information_schema.schemata where schema_name = {DuckDbSql.Literal(schema)}").Rows.Count > 0;
            if (!exists) throw;
        }
    }

    public IReadOnlyList<ColumnSpec> GetColumns(RelationName relation)
    {
        var sql = "select column_name, data_type from information_schema.columns " +
                  $"where table_schema = {DuckDbSql.Literal(relation.Schema)} and table_name = {DuckDbSql.Literal(relation.Identifier)} " +
                  "and table_catalog = current_database() order by ordinal_position";
        return Query(sql).Rows.Select(r => new ColumnSpec((string)r[0]!, (string)r[1]!)).ToList();
    }

    public IReadOnlyList<ColumnSpec> DescribeQuery(string sql) =>
        Query($"describe (\n{sql}\n)").Rows.Select(r => new ColumnSpec((string)r[0]!, (string)r[1]!)).ToList();

    public void Dispose() => connection.Dispose();
}
