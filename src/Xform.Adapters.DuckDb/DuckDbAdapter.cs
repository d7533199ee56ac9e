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
    readonly TargetConfig _target;
    readonly string _projectRoot;
    // Opened with the first connection, not before: parse and compile never create or lock the database file.
    // Replaced by a new one when the command releases the database (Release) and opens it again.
    Lazy<DuckDBConnection> _keepAlive;
    readonly Lock _gate = new();
    Task? _closing;

    public DuckDbAdapter(TargetConfig target, string projectRoot)
    {
        _projectRoot = projectRoot;
        _target = target;
        _settings = DuckDbSettings.From(target, projectRoot);
        _attachments = _settings.Attachments;
        Dialect = new DuckDbDialect(Quote, projectRoot, target.Get("external_root"));
        TargetFields = Fields(target, _settings);
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
        WaitClosed();
        _ = _keepAlive.Value;
        return new DuckDbConnection(Connect());
    }

    /// <summary>
    /// Closes the database on another thread: DuckDB checkpoints its write-ahead log into the file when the last connection
    /// closes (a tenth of a second or more after a build), which then overlaps the writing of manifest.json and
    /// run_results.json. Connections still open keep the database open until they close, as before.
    /// </summary>
    public void Release()
    {
        _warming?.Wait();
        lock (_gate)
        {
            if (_closing is not null || !_keepAlive.IsValueCreated) return;
            var kept = _keepAlive.Value;
            _keepAlive = new Lazy<DuckDBConnection>(Connect, LazyThreadSafetyMode.ExecutionAndPublication);
            _closing = Task.Run(kept.Dispose);
        }
    }

    /// <summary>Waits for a release's close to end (a reopened file must not meet the closing one); its failure is thrown here.</summary>
    void WaitClosed()
    {
        Task? closing;
        lock (_gate)
        {
            closing = _closing;
            _closing = null;
        }
        closing?.GetAwaiter().GetResult();
    }

    Task? _warming;

    /// <summary>
    /// Opens the database file on another thread while the command parses (loading DuckDB and reading the catalog of a
    /// large file take tens of milliseconds). Only a file that exists: parse errors must not create one. A failure stays
    /// in the lazy connection and is thrown by the first <see cref="Open"/>, as without warming.
    /// </summary>
    public void Warm()
    {
        if (_warming is null && _settings.FullPath is { } file && File.Exists(file))
            _warming = Task.Run(() =>
            {
                // Whatever fails here is kept by the lazy connection and thrown, where it belongs, by the first Open.
                try { _ = _keepAlive.Value; }
                catch (Exception) { }
            });
    }

    public ISqlParser OpenLineageParser() => new DuckDbSqlParser();

    DuckDBConnection Connect()
    {
        var connection = new DuckDBConnection(_settings.ConnectionString);
        try
        {
            if (_settings.FullPath is { } file) Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            connection.Open();
        }
        catch (Exception e) when (e is DuckDBException or IOException or UnauthorizedAccessException)
        {
            connection.Dispose();
            throw OpenError(e);
        }
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SET file_search_path = '{_projectRoot.Replace("'", "''")}'";
        cmd.ExecuteNonQuery();
        try
        {
            ApplyProfile(cmd);
            foreach (var attachment in _attachments)
                if (TryExecute(cmd, attachment.Sql) is { } error)
                    throw new XformException($"cannot attach the DuckDB database '{attachment.Path}' as '{attachment.Alias}'{(attachment.ReadOnly ? " (read-only)" : "")}: " +
                        $"{System.Text.RegularExpressions.Regex.Replace(FirstLine(error), @"^(IO Error|Binder Error|Catalog Error): ", "")}", attachment.At);
        }
        catch (XformException)
        {
            connection.Dispose();
            throw;
        }
        return connection;
    }

    /// <summary>The profile's extensions (loaded, installed first when DuckDB does not have one yet), then its settings.</summary>
    void ApplyProfile(DuckDBCommand cmd)
    {
        foreach (var extension in _settings.Extensions)
        {
            if (TryExecute(cmd, $"load {extension}") is null) continue;
            if ((TryExecute(cmd, $"install {extension}") ?? TryExecute(cmd, $"load {extension}")) is { } error)
                throw new XformException($"cannot load the DuckDB extension '{extension}' of profiles.yml 'extensions': {FirstLine(error)}",
                    _target.At("extensions"));
        }
        foreach (var (name, value) in _settings.Options)
            if (TryExecute(cmd, $"set {name} = {value}") is { } error)
                throw new XformException($"DuckDB refused the setting '{name}' of profiles.yml 'settings': {FirstLine(error)}", _target.At("settings"));
    }

    /// <summary>Runs one statement; its error message, or null when it ran.</summary>
    static string? TryExecute(DuckDBCommand cmd, string sql)
    {
        try
        {
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
            return null;
        }
        catch (DuckDBException e)
        {
            return e.Message;
        }
    }

    // Attached on every connection (ATTACH IF NOT EXISTS): the profile's attach entries, then what --defer reads.
    volatile IReadOnlyList<DuckDbAttachment> _attachments;
    readonly object _attachGate = new();

    /// <summary>
    /// --defer reads the state run's relations from another DuckDB file: the one an <c>attach</c> entry gives that alias, else
    /// the file of the profile's output whose database (the file's stem) has that name, attached read-only under it.
    /// </summary>
    public string ReadDatabase(string database, Func<IReadOnlyList<TargetConfig>> profileOutputs)
    {
        static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        DuckDbAttachment added;
        TargetConfig output;
        lock (_attachGate)
        {
            if (_attachments.FirstOrDefault(a => Same(a.Alias, database)) is { } attached)
                return $"the DuckDB database '{attached.Path}' attached as '{attached.Alias}'";
            output = profileOutputs().FirstOrDefault(o => o.Type == "duckdb" && o.Name != _target.Name && Same(o.Database, database))
                ?? throw new XformException(
                    $"--defer reads relations the --state run built in the DuckDB database '{database}', which output '{_target.Name}' cannot see: " +
                    $"attach it in profiles.yml (attach: [{{path: path/to/{database}.duckdb, alias: {database}, read_only: true}}]) " +
                    $"or give profile '{_target.ProfileName}' an output whose path is that file (e.g. prod: {{type: duckdb, path: target/{database}.duckdb}})",
                    _target.Location);
            var settings = DuckDbSettings.From(output, _projectRoot);
            if (settings.FullPath is not { } file)
                throw new XformException($"--defer reads relations from output '{output.Name}', an in-memory DuckDB database, which no other process can read: give it a 'path'", output.Location);
            if (!File.Exists(file))
                throw new XformException($"--defer reads the --state run's relations from the DuckDB file '{settings.Path}' (output '{output.Name}'), which does not exist: " +
                    $"build production first (xform build -t {output.Name}) or copy its file there", output.At("path"));
            added = new DuckDbAttachment(settings.Path, file, database, ReadOnly: true, null, output.At("path"));
            _attachments = [.. _attachments, added];
        }
        // Attached now, so a file that cannot be read is one error before anything runs.
        Open().Dispose();
        return $"the DuckDB file '{added.Path}' of output '{output.Name}', attached read-only as '{database}'";
    }

    /// <summary>
    /// Why the database file cannot be opened, as one line that names the output and what to check: another process
    /// holds it, its directory cannot be made, it is a directory or not a DuckDB file, or it is not writable.
    /// </summary>
    XformException OpenError(Exception e)
    {
        var message = FirstLine(e.Message);
        if (e is DuckDBException && (message.Contains("Could not set lock", StringComparison.Ordinal) || message.Contains("Conflicting lock", StringComparison.Ordinal)))
        {
            var pid = System.Text.RegularExpressions.Regex.Match(message, @"PID (\d+)");
            return _target.ConnectionError(
                $"the DuckDB file '{_settings.Path}' is in use by another process{(pid.Success ? $" (PID {pid.Groups[1].Value})" : "")}; " +
                "DuckDB allows one writer per file: close the other program (a DuckDB shell, a notebook or another xform) and retry");
        }
        var directory = Path.GetDirectoryName(_settings.FullPath);
        string reason = e switch
        {
            IOException or UnauthorizedAccessException when FileInTheWay(directory) is { } file =>
                $"its directory cannot be created: '{file}' is a file: check 'path'",
            IOException or UnauthorizedAccessException =>
                $"its directory '{directory}' cannot be created ({FirstLine(e.Message)}): check 'path'",
            _ when message.Contains("Is a directory", StringComparison.Ordinal) || Directory.Exists(_settings.FullPath) =>
                "that is a directory: check 'path', which names the database file (e.g. target/dev.duckdb)",
            _ when message.Contains("not a valid DuckDB database file", StringComparison.Ordinal) =>
                "the file exists but is not a DuckDB database: check 'path'",
            _ when message.Contains("Permission denied", StringComparison.Ordinal) =>
                $"permission denied: check that the file and its directory '{directory}' are writable, or 'path'",
            _ when message.Contains("No such file or directory", StringComparison.Ordinal) =>
                $"the file cannot be created in '{directory}': check 'path'",
            _ => System.Text.RegularExpressions.Regex.Replace(message, @"^(DuckDBOpen failed: )?(IO Error: )?", "") + ": check 'path'",
        };
        return _target.ConnectionError($"cannot open the DuckDB database '{_settings.Path}' of output '{_target.Name}': {reason}");
    }

    /// <summary>The nearest existing ancestor of <paramref name="directory"/> when it is a file (which no directory can be made in).</summary>
    static string? FileInTheWay(string? directory)
    {
        for (var d = directory; d is not null; d = Path.GetDirectoryName(d))
            if (Path.Exists(d)) return File.Exists(d) ? d : null;
        return null;
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
        _warming?.Wait();
        WaitClosed();
        if (_keepAlive.IsValueCreated) _keepAlive.Value.Dispose();
    }
}

sealed partial class DuckDbConnection(DuckDBConnection connection) : IAdapterConnection
{
    AdoOpenTransaction? _open;

    public QueryAnnotation? Annotation { get; set; }

    public IOpenTransaction Begin()
    {
        var transaction = connection.BeginTransaction();
        var open = new AdoOpenTransaction(transaction, Engine, () => _open = null);
        _open = open;
        return open;
    }

    DuckDBCommand Command(string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = Annotation?.Apply(sql) ?? sql;
        if (_open is not null) cmd.Transaction = (DuckDBTransaction)_open.Transaction;
        return cmd;
    }

    public void Execute(string sql)
    {
        if (string.IsNullOrWhiteSpace(sql)) return; // DuckDB's client fails natively on a blank statement
        try
        {
            using var cmd = Command(sql);
            cmd.ExecuteNonQuery();
        }
        catch (DuckDBException e)
        {
            throw Wrap(e);
        }
    }

    public void ExecuteTransaction(IReadOnlyList<string> statements) =>
        AdoTransaction.Run(connection, statements, (e, _) => Engine(e), Annotation);

    /// <summary>DuckDB's own errors as database errors; anything else is not the engine's.</summary>
    static DatabaseException? Engine(Exception e) => e is DuckDBException d ? Wrap(d) : null;

    static DatabaseException Wrap(DuckDBException e) => new(e.Message.Trim(), e)
    {
        MissingRelation = MissingTable().Match(e.Message) is { Success: true } m ? m.Groups[1].Value : null,
    };

    /// <summary>DuckDB's catalog error for a relation that is not there: "Table with name x does not exist!".</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:Table|View) with name ([^\s!]+) does not exist")]
    private static partial System.Text.RegularExpressions.Regex MissingTable();

    public QueryResult Query(string sql, int? maxRows = null)
    {
        try
        {
            using var cmd = Command(sql);
            using var reader = cmd.ExecuteReader();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var rows = new List<object?[]>();
            while ((maxRows is null || rows.Count < maxRows) && reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = DuckDbValues.Read(reader, i);
                rows.Add(row);
            }
            return new QueryResult(columns, rows);
        }
        catch (DuckDBException e)
        {
            throw Wrap(e);
        }
    }

    public IReadOnlyList<RelationInfo> ListRelations()
    {
        // DuckDB's own catalog functions: information_schema's views over them take twice as long to plan.
        var result = Query("select schema_name, table_name, false from duckdb_tables() where database_name = current_database() " +
                           "union all select schema_name, view_name, true from duckdb_views() where database_name = current_database()");
        return result.Rows.Select(r => new RelationInfo((string)r[0]!, (string)r[1]!, r[2] is true ? RelationKind.View : RelationKind.Table)).ToList();
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
        var sql = "select column_name, data_type from duckdb_columns() " +
                  $"where schema_name = {DuckDbSql.Literal(relation.Schema)} and table_name = {DuckDbSql.Literal(relation.Identifier)} " +
                  $"and database_name = {(relation.Database is { Length: > 0 } db ? DuckDbSql.Literal(db) : "current_database()")} order by column_index";
        return Query(sql).Rows.Select(r => new ColumnSpec((string)r[0]!, (string)r[1]!)).ToList();
    }

    public IReadOnlyList<ColumnSpec> DescribeQuery(string sql) =>
        Query($"describe (\n{sql}\n)").Rows.Select(r => new ColumnSpec((string)r[0]!, (string)r[1]!)).ToList();

    public IReadOnlyDictionary<string, string> Comments(RelationName relation)
    {
        var (schema, name) = (DuckDbSql.Literal(relation.Schema), DuckDbSql.Literal(relation.Identifier));
        var sql = $"select '', comment from duckdb_tables() where database_name = current_database() and schema_name = {schema} and table_name = {name} and comment is not null " +
                  $"union all select '', comment from duckdb_views() where database_name = current_database() and schema_name = {schema} and view_name = {name} and comment is not null " +
                  $"union all select column_name, comment from duckdb_columns() where database_name = current_database() and schema_name = {schema} and table_name = {name} and comment is not null";
        return Query(sql).Rows.ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
    }

    public void Dispose() => connection.Dispose();
}
