using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Seeds;
using Xform.Core.Templating;

namespace Xform.Adapters.Snowflake;

/// <summary>
/// Snowflake over its SQL API v2 (HTTPS + JSON, no driver). The API has no sessions to keep: a "connection" is a
/// view of the shared <see cref="SqlApiClient"/>, and anything that must share a session (a transaction, a
/// temporary table and the statement reading it) is sent as one multi-statement request.
/// </summary>
public sealed class SnowflakeAdapter : IAdapter
{
    readonly SnowflakeSettings _settings;
    readonly string _projectRoot;
    readonly HttpMessageHandler? _handler;
    readonly Func<DateTimeOffset>? _clock;
    readonly object _gate = new();
    SqlApiClient? _client;
    ITokenSource? _tokens;
    int _cancelPresses;

    public SnowflakeAdapter(TargetConfig target, string projectRoot) : this(SnowflakeSettings.From(target, projectRoot), projectRoot)
    {
    }

    /// <param name="handler">for tests: the HTTP handler under the client</param>
    /// <param name="clock">for tests: the clock that dates and renews JWTs</param>
    public SnowflakeAdapter(SnowflakeSettings settings, string projectRoot, HttpMessageHandler? handler = null, Func<DateTimeOffset>? clock = null)
    {
        _settings = settings;
        _projectRoot = projectRoot;
        _handler = handler;
        _clock = clock;
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    public string Type => "snowflake";

    public SnowflakeSettings Settings => _settings;

    public IReadOnlyList<TemplateSource> Macros { get; } = EmbeddedMacros.Load(typeof(SnowflakeAdapter).Assembly, "macros/", "snowflake");

    public string Quote(string identifier) => SnowflakeNames.Quote(identifier);

    public SqlDialect Dialect { get; } = new SnowflakeDialect();

    public SeedTypeNames SeedTypes { get; } = new("varchar", "number(38,0)", "boolean", "date", "timestamp_ntz", "number");

    /// <summary>Snowflake reads files through stages and external tables, which xform does not manage.</summary>
    public ExternalRelationRenderer? External => null;

    public string Describe() => _settings.Describe();

    public IReadOnlyDictionary<string, object?> TargetFields => _settings.TargetFields();

    /// <summary>The API client, created on first use (reading the private key then, not when the project is only compiled).</summary>
    public SqlApiClient Client
    {
        get
        {
            lock (_gate)
            {
                if (_client is not null) return _client;
                _tokens = CreateTokens();
                return _client = new SqlApiClient(_settings, _tokens, _handler);
            }
        }
    }

    /// <summary>The key-pair signer, when the target uses jwt (after the first <see cref="Open"/>).</summary>
    internal KeyPairJwt? Jwt => _tokens as KeyPairJwt;

    ITokenSource CreateTokens()
    {
        switch (_settings.Authenticator)
        {
            case SnowflakeAuthenticator.OAuth:
                return new StaticToken(_settings.Token!, "OAUTH");
            case SnowflakeAuthenticator.Pat:
                return new StaticToken(_settings.Token!, "PROGRAMMATIC_ACCESS_TOKEN");
            default:
                string text, origin;
                if (_settings.PrivateKeyPath is { } path)
                {
                    origin = $"'{Path.GetRelativePath(_projectRoot, path)}' (private_key_path)";
                    try
                    {
                        text = File.ReadAllText(path);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        throw new XformException($"cannot read the private key file {origin}: {e.Message}");
                    }
                }
                else
                {
                    origin = "the profile's 'private_key'";
                    text = _settings.PrivateKey!;
                }
                return new KeyPairJwt(_settings.Account, _settings.User, KeyPairJwt.LoadKey(text, _settings.PrivateKeyPassphrase, origin), _clock);
        }
    }

    public IAdapterConnection Open() => new SnowflakeConnection(Client);

    /// <summary>None: no parser of Snowflake's SQL ships with xform, and DuckDB's grammar is not Snowflake's.</summary>
    public ISqlParser? OpenLineageParser() => null;

    /// <summary>Batched INSERTs with bound values (<see cref="SnowflakeSeedLoader"/>).</summary>
    public IReadOnlyList<string> BulkLoadSeed(IAdapterConnection connection, SeedBulkLoad load) =>
        SnowflakeSeedLoader.BulkLoad((SnowflakeConnection)connection, load);

    /// <summary>The first Ctrl-C cancels the running statements in Snowflake (and the run stops); a second one exits at once.</summary>
    void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        SqlApiClient? client;
        lock (_gate) client = _client;
        if (client is null || Interlocked.Increment(ref _cancelPresses) > 1) return;
        e.Cancel = true;
        client.CancelAll();
    }


    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        lock (_gate)
        {
            _client?.Dispose();
            (_tokens as IDisposable)?.Dispose();
        }
    }
}

/// <summary>
/// A worker's handle on the API. Each request is its own session, so a transaction cannot span calls: it is sent as
/// one request by <see cref="ExecuteTransaction"/>, and <c>begin</c>/<c>commit</c> sent alone are refused.
/// </summary>
public sealed class SnowflakeConnection(SqlApiClient client) : IAdapterConnection
{
    static readonly HashSet<string> TransactionControl = new(StringComparer.OrdinalIgnoreCase)
    {
        "begin", "begin transaction", "begin work", "start transaction", "commit", "commit work", "end", "rollback", "rollback work",
    };

    public SqlApiClient Client => client;

    /// <summary>
    /// The node's query comment, added to each statement of a request (Snowflake records each one on its own), and its
    /// query_tag, sent as the request's QUERY_TAG (each request is its own session: the tag ends with it).
    /// </summary>
    public QueryAnnotation? Annotation { get; set; }

    string Annotate(string statement) => Annotation?.Apply(statement) ?? statement;

    string? Tag => Annotation?.QueryTag;

    public void Execute(string sql)
    {
        var parts = SnowflakeNames.SplitStatements(sql);
        if (parts.Count == 0) return;
        if (parts.FirstOrDefault(p => TransactionControl.Contains(string.Join(' ', p.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))) is { } control)
            throw new DatabaseException($"'{control}' alone would end with its request, since each request is its own session; " +
                                        "run the statements of a transaction with ExecuteTransaction");
        client.Run(string.Join(";\n", parts.Select(Annotate)), parts.Count, maxRows: 0, queryTag: Tag);
    }

    /// <summary>
    /// All statements in one request (one session): <c>begin transaction; ...; commit</c> with MULTI_STATEMENT_COUNT.
    /// A DDL statement commits the open transaction in Snowflake, so a new <c>begin transaction</c> follows each
    /// DDL statement that has statements after it: the DML after the last DDL (delete + insert, ...) stays atomic.
    /// </summary>
    public void ExecuteTransaction(IReadOnlyList<string> statements)
    {
        var parts = statements.SelectMany(SnowflakeNames.SplitStatements).ToList();
        if (parts.Count == 0) return;
        var script = new List<string> { "begin transaction" };
        for (var i = 0; i < parts.Count; i++)
        {
            script.Add(Annotate(parts[i]));
            if (i < parts.Count - 1 && IsDdl(parts[i])) script.Add("begin transaction");
        }
        script.Add("commit");
        client.Run(string.Join(";\n", script), script.Count, maxRows: 0, queryTag: Tag);
    }

    static bool IsDdl(string statement) =>
        System.Text.RegularExpressions.Regex.IsMatch(statement, @"^\s*(create|drop|alter|undrop|comment|grant|revoke)\b",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    public QueryResult Query(string sql, int? maxRows = null)
    {
        var parts = SnowflakeNames.SplitStatements(sql);
        var result = client.Run(parts.Count <= 1 ? Annotate(sql) : string.Join(";\n", parts.Select(Annotate)), Math.Max(1, parts.Count), maxRows: maxRows, queryTag: Tag);
        return new QueryResult(result.Columns.Select(c => c.Name).ToList(), result.Rows);
    }

    /// <summary>Bound values (<c>?</c> placeholders, keys "1", "2", ...), for seeds.</summary>
    public void ExecuteBound(string sql, IReadOnlyDictionary<string, Binding> bindings) => client.Run(Annotate(sql), 1, bindings, maxRows: 0, queryTag: Tag);

    public IReadOnlyList<RelationInfo> ListRelations()
    {
        var rows = Query("select table_schema, table_name, table_type from information_schema.tables " +
                         "where table_schema <> 'INFORMATION_SCHEMA' order by 1, 2").Rows;
        return rows.Select(r => new RelationInfo((string)r[0]!, (string)r[1]!, (string?)r[2] switch
        {
            "VIEW" or "MATERIALIZED VIEW" => RelationKind.View,
            "EXTERNAL TABLE" => RelationKind.External,
            _ => RelationKind.Table,
        })).ToList();
    }

    public void EnsureSchema(string schema) => Execute($"create schema if not exists {SnowflakeNames.Quote(schema)}");

    public IReadOnlyList<ColumnSpec> GetColumns(RelationName relation)
    {
        var catalog = relation.Database is { Length: > 0 } db ? SnowflakeNames.Quote(db) + "." : "";
        var sql = "select column_name, data_type, numeric_precision, numeric_scale, character_maximum_length " +
                  $"from {catalog}information_schema.columns where table_schema = {SnowflakeNames.Literal(SnowflakeNames.Fold(relation.Schema))} " +
                  $"and table_name = {SnowflakeNames.Literal(SnowflakeNames.Fold(relation.Identifier))} order by ordinal_position";
        return Query(sql).Rows.Select(r =>
        {
            var type = ((string)r[1]!).ToUpperInvariant();
            var rendered = type switch
            {
                "NUMBER" or "DECIMAL" or "NUMERIC" when r[2] is not null => $"NUMBER({r[2]},{r[3] ?? 0})",
                "TEXT" or "VARCHAR" when r[4] is not null => $"VARCHAR({r[4]})",
                _ => type,
            };
            return new ColumnSpec((string)r[0]!, rendered);
        }).ToList();
    }

    public IReadOnlyDictionary<string, string> Comments(RelationName relation)
    {
        var catalog = relation.Database is { Length: > 0 } db ? SnowflakeNames.Quote(db) + "." : "";
        var where = $"table_schema = {SnowflakeNames.Literal(SnowflakeNames.Fold(relation.Schema))} " +
                    $"and table_name = {SnowflakeNames.Literal(SnowflakeNames.Fold(relation.Identifier))} and comment is not null";
        var sql = $"select '', comment from {catalog}information_schema.tables where {where} " +
                  $"union all select column_name, comment from {catalog}information_schema.columns where {where}";
        return Query(sql).Rows.ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
    }

    /// <summary>Runs the query with <c>limit 0</c>: the SQL API returns the result's rowType without rows.</summary>
    public IReadOnlyList<ColumnSpec> DescribeQuery(string sql) =>
        client.Run(Annotate($"select * from (\n{sql.TrimEnd().TrimEnd(';')}\n) limit 0"), maxRows: 0, queryTag: Tag).Columns
            .Select(c => new ColumnSpec(c.Name, c.SqlType)).ToList();

    public void Dispose()
    {
    }
}
