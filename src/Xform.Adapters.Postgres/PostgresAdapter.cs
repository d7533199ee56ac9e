using System.Data;
using System.Net.Sockets;
using Npgsql;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Seeds;
using Xform.Core.Templating;

namespace Xform.Adapters.Postgres;

/// <summary>
/// PostgreSQL through Npgsql: one pooled data source per run, one connection per worker thread. DDL is
/// transactional, so every build is one transaction; seeds are bulk-loaded with binary COPY.
/// </summary>
public sealed class PostgresAdapter : IAdapter
{
    readonly PostgresProfile _profile;
    readonly TargetConfig _target;
    readonly Lazy<NpgsqlDataSource> _dataSource;

    public PostgresAdapter(TargetConfig target, string projectRoot)
    {
        _target = target;
        _profile = PostgresProfile.From(target);
        TargetFields = _profile.TargetFields(target);
        _dataSource = new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(_profile.ConnectionString()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public PostgresProfile Profile => _profile;

    /// <summary>
    /// A connection reads only its own database (without extensions such as postgres_fdw or dblink), so --defer can read
    /// production's relations from another schema of this database, never from another database.
    /// </summary>
    public string ReadDatabase(string database, Func<IReadOnlyList<TargetConfig>> profileOutputs) =>
        throw new XformException(
            $"--defer reads relations the --state run built in PostgreSQL database '{database}', but output '{_target.Name}' connects to database " +
            $"'{_profile.Database}', and PostgreSQL reads only the database it is connected to: build the pull request in another schema " +
            "of production's database (its own 'schema' in profiles.yml)", _target.Location);

    public string Type => "postgres";

    /// <summary>
    /// postgres__ variants of dispatched macros, from Macros/: dbt-postgres's versions of the cross-database macros
    /// whose dbt default__ is not PostgreSQL SQL (datediff, dateadd, listagg, ...).
    /// </summary>
    public IReadOnlyList<TemplateSource> Macros { get; } = EmbeddedMacros.Load(typeof(PostgresAdapter).Assembly, "macros/", "postgres");

    public string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    /// <summary>
    /// Built for the server's version when the first connection opens (connecting for it if none has), then shared
    /// and never changed.
    /// </summary>
    public SqlDialect Dialect
    {
        get
        {
            if (Volatile.Read(ref _dialect) is { } built) return built;
            using (Connect()) return _dialect!;
        }
    }

    PostgresDialect? _dialect;

    public SeedTypeNames SeedTypes { get; } = new("text", "bigint", "boolean", "date", "timestamp", "numeric");

    /// <summary>Postgres reads no files in place: sources are tables.</summary>
    public ExternalRelationRenderer? External => null;

    public string Describe() => _profile.ToString();

    public IReadOnlyDictionary<string, object?> TargetFields { get; }

    public IAdapterConnection Open() => new PostgresConnection(Connect(), Quote);

    /// <summary>
    /// None. DuckDB's parser descends from PostgreSQL's and reads most of it, but not all (operators, casts and functions
    /// differ); lineage is only shown where it is known, and no test proves DuckDB's reading right on PostgreSQL's SQL.
    /// </summary>
    public ISqlParser? OpenLineageParser() => null;

    NpgsqlConnection Connect()
    {
        NpgsqlConnection connection;
        try
        {
            connection = _dataSource.Value.OpenConnection();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or ArgumentException or InvalidOperationException)
        {
            throw ConnectionError(Reason(e));
        }
        // the first connection to finish decides; every server of a data source has the same version
        if (Volatile.Read(ref _dialect) is null) Interlocked.CompareExchange(ref _dialect, new PostgresDialect(Quote, connection.PostgreSqlVersion), null);
        if (_profile.Role is { } role)
        {
            try
            {
                using var cmd = connection.CreateCommand();
                cmd.CommandText = $"set role {Quote(role)}";
                cmd.ExecuteNonQuery();
            }
            catch (NpgsqlException e)
            {
                connection.Dispose();
                throw ConnectionError(e is PostgresException p ? $"{p.MessageText}: check 'role'" : Reason(e));
            }
        }
        return connection;
    }

    XformException ConnectionError(string reason) =>
        _target.ConnectionError($"cannot connect to PostgreSQL at {_profile.Server} as '{_profile.User}' (output '{_target.Name}'): {reason}");

    const string NoPassword = "the server asks for a password and none was given: set 'password' (or PGPASSWORD, ~/.pgpass)";

    /// <summary>
    /// Why a connection failed and what to check, in one line, without the connection string or the password.
    /// </summary>
    internal string Reason(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case PostgresException p when p.SqlState == PostgresErrorCodes.InvalidPassword:
                    return _profile.Password is null ? NoPassword : "password authentication failed: check 'password' and 'user'";
                case PostgresException p when p.SqlState == PostgresErrorCodes.InvalidCatalogName:
                    return $"database '{_profile.Database}' does not exist: check 'dbname'";
                case PostgresException p when p.SqlState == PostgresErrorCodes.InvalidAuthorizationSpecification:
                    return $"{p.MessageText}: check 'user' and the server's pg_hba.conf";
                case PostgresException p when p.SqlState == PostgresErrorCodes.TooManyConnections:
                    return $"{p.MessageText}: lower 'threads' or raise the server's max_connections";
                case PostgresException p when p.SqlState == PostgresErrorCodes.CannotConnectNow:
                    return $"{p.MessageText}: retry when the server is up";
                case PostgresException p:
                    return p.MessageText;
                case NpgsqlException when x.Message.StartsWith("No password has been provided", StringComparison.Ordinal):
                    return NoPassword;
                case SocketException s when s.SocketErrorCode == SocketError.ConnectionRefused:
                    return "connection refused: check 'host' and 'port', and that the server is running and accepts TCP connections there";
                case SocketException s when s.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData:
                    return $"unknown host '{_profile.Host}': check 'host'";
                case SocketException when _profile.Host.StartsWith('/'):
                    return $"no server listens on the socket '{Path.Combine(_profile.Host, $".s.PGSQL.{_profile.Port}")}': check 'host' and 'port', and that the server is running";
                case SocketException s when s.SocketErrorCode is SocketError.HostUnreachable or SocketError.NetworkUnreachable:
                    return $"'{_profile.Host}' is unreachable ({s.Message}): check 'host' and the network";
                case SocketException s:
                    return $"{s.Message}: check 'host' and 'port'";
                case TimeoutException:
                    return $"no answer within {_profile.ConnectTimeout}s: check 'host', 'port' and the network (a firewall that drops packets), or raise 'connect_timeout'";
            }
        }
        return e.Message.Split('\n')[0].Trim();
    }

    /// <summary>Session advisory locks per schema, on a connection of their own (<see cref="PostgresRunLock"/>).</summary>
    public IDisposable? LockRun(RunSchemas schemas, TimeSpan timeout, Action<string> waiting) =>
        schemas.Written.Count + schemas.Read.Count == 0 ? null : PostgresRunLock.Take(Connect(), schemas, timeout, waiting);

    /// <summary>Binary COPY, typed on the client (<see cref="PostgresSeedLoader"/>).</summary>
    public IReadOnlyList<string> BulkLoadSeed(IAdapterConnection connection, SeedBulkLoad load) =>
        PostgresSeedLoader.BulkLoad((PostgresConnection)connection.Unwrapped, load, (PostgresDialect)Dialect);

    public void Dispose()
    {
        if (_dataSource.IsValueCreated) _dataSource.Value.Dispose();
    }
}

sealed class PostgresConnection(NpgsqlConnection connection, Func<string, string> quote) : IAdapterConnection
{
    internal NpgsqlConnection Npgsql => connection;

    public QueryAnnotation? Annotation { get; set; }

    /// <summary>A command with the node's query comment; <see cref="Error"/> maps positions back past the comment.</summary>
    NpgsqlCommand Command(string sql) => new(Annotation?.Apply(sql) ?? sql, connection);

    DatabaseException Failed(Exception e, string sql) => Error(e, sql, Annotation?.PrefixLength ?? 0);

    // Npgsql's commands join the connection's open transaction on their own.
    public IOpenTransaction Begin() =>
        new AdoOpenTransaction(connection.BeginTransaction(), e => e is NpgsqlException or InvalidOperationException ? Error(e, "commit") : null);

    public void Execute(string sql)
    {
        try
        {
            using var cmd = Command(sql);
            cmd.ExecuteNonQuery();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw Failed(e, sql);
        }
    }

    public void ExecuteTransaction(IReadOnlyList<string> statements) =>
        AdoTransaction.Run(connection, statements, (e, sql) => e is NpgsqlException or InvalidOperationException ? Failed(e, sql) : null, Annotation);

    public QueryResult Query(string sql, int? maxRows = null)
    {
        try
        {
            using var cmd = Command(sql);
            return Read(cmd, maxRows);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw Failed(e, sql);
        }
    }

    QueryResult Read(NpgsqlCommand cmd, int? maxRows = null)
    {
        using var reader = cmd.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while ((maxRows is null || rows.Count < maxRows) && reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                if (reader.IsDBNull(i)) continue;
                try
                {
                    row[i] = reader.GetValue(i);
                }
                catch (Exception e) when (e is InvalidCastException or OverflowException or NotSupportedException)
                {
                    // an array of numbers, dates or booleans holding a NULL (Npgsql reads integer[] as int[]) is read with
                    // nullable elements; values .NET cannot hold (numeric beyond decimal, infinite dates, ...) come back as
                    // the engine prints them
                    row[i] = ReadAgain(reader, i, e);
                }
            }
            rows.Add(row);
        }
        return new QueryResult(columns, rows);
    }

    static object ReadAgain(NpgsqlDataReader reader, int i, Exception first)
    {
        try
        {
            if (WithNulls(reader, i) is { } array) return array;
        }
        catch (InvalidCastException)
        {
            // an array of more than one dimension: read as text below
        }
        return AsText(reader, i, first);
    }

    static object? WithNulls(NpgsqlDataReader reader, int i)
    {
        var name = reader.GetDataTypeName(i);
        if (!name.EndsWith("[]", StringComparison.Ordinal)) return null;
        var element = name[..^2];
        if (element.IndexOf('(') is var open and > 0) element = element[..open]; // numeric(10,2), timestamp(3) without time zone
        return element switch
        {
            "integer" => reader.GetFieldValue<int?[]>(i),
            "bigint" => reader.GetFieldValue<long?[]>(i),
            "smallint" => reader.GetFieldValue<short?[]>(i),
            "numeric" => reader.GetFieldValue<decimal?[]>(i),
            "double precision" => reader.GetFieldValue<double?[]>(i),
            "real" => reader.GetFieldValue<float?[]>(i),
            "boolean" => reader.GetFieldValue<bool?[]>(i),
            "date" => reader.GetFieldValue<DateOnly?[]>(i),
            "timestamp" or "timestamp without time zone" or "timestamp with time zone" => reader.GetFieldValue<DateTime?[]>(i),
            "interval" => reader.GetFieldValue<TimeSpan?[]>(i),
            "uuid" => reader.GetFieldValue<Guid?[]>(i),
            _ => null,
        };
    }

    static string AsText(NpgsqlDataReader reader, int i, Exception first)
    {
        try
        {
            return reader.GetFieldValue<string>(i);
        }
        catch (Exception e) when (e is InvalidCastException or NotSupportedException)
        {
            throw new DatabaseException($"column '{reader.GetName(i)}' holds a value xform cannot read ({first.Message}); cast it to text in the query ({reader.GetName(i)}::text)", e);
        }
    }

    /// <summary>A one-line engine error, with the line and column of the statement it points at when it has one.</summary>
    /// <param name="prefix">how many characters were sent before <paramref name="sql"/> (a query comment)</param>
    internal static DatabaseException Error(Exception e, string sql, int prefix = 0)
    {
        if (e is not PostgresException p) return new DatabaseException(e.Message.Split('\n')[0].Trim(), e);
        var message = p.MessageText;
        var position = p.Position - prefix;
        if (position > 0 && position <= sql.Length + 1)
        {
            var before = sql.AsSpan(0, position - 1);
            var line = before.Count('\n') + 1;
            var column = before.Length - (before.LastIndexOf('\n') + 1) + 1;
            message += $" (line {line}, column {column} of the statement)";
        }
        if (!string.IsNullOrEmpty(p.Detail)) message += $"; {p.Detail}";
        if (!string.IsNullOrEmpty(p.Hint)) message += $"; hint: {p.Hint}";
        return new DatabaseException(message, e)
        {
            // 42P01: relation "schema.name" does not exist
            MissingRelation = p.SqlState == PostgresErrorCodes.UndefinedTable && p.MessageText.Split('"') is [_, var name, ..] ? name : null,
        };
    }

    public IReadOnlyList<RelationInfo> ListRelations()
    {
        const string sql = """
            select n.nspname, c.relname, c.relkind::text
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'p', 'v', 'm', 'f')
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%'
            """;
        return Query(sql).Rows.Select(r => new RelationInfo((string)r[0]!, (string)r[1]!,
            (string)r[2]! == "v" ? RelationKind.View : RelationKind.Table)).ToList();
    }

    public void EnsureSchema(string schema)
    {
        // "create schema if not exists" can still race between two connections: the loser gets a unique violation
        try
        {
            Execute($"create schema if not exists {quote(schema)}");
        }
        catch (DatabaseException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
        }
    }

    public IReadOnlyDictionary<string, string> Comments(RelationName relation)
    {
        const string sql = """
            select '', obj_description(c.oid, 'pg_class') from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2 and obj_description(c.oid, 'pg_class') is not null
            union all
            select a.attname::text, col_description(c.oid, a.attnum) from pg_attribute a
            join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped and col_description(c.oid, a.attnum) is not null
            """;
        try
        {
            using var cmd = Command(sql);
            cmd.Parameters.Add(new NpgsqlParameter { Value = relation.Schema });
            cmd.Parameters.Add(new NpgsqlParameter { Value = relation.Identifier });
            return Read(cmd).Rows.ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw Failed(e, sql);
        }
    }

    public IReadOnlyList<ColumnSpec> GetColumns(RelationName relation)
    {
        const string sql = """
            select a.attname::text, format_type(a.atttypid, a.atttypmod)
            from pg_attribute a
            join pg_class c on c.oid = a.attrelid
            join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped
            order by a.attnum
            """;
        try
        {
            using var cmd = Command(sql);
            cmd.Parameters.Add(new NpgsqlParameter { Value = relation.Schema });
            cmd.Parameters.Add(new NpgsqlParameter { Value = relation.Identifier });
            return Read(cmd).Rows.Select(r => new ColumnSpec((string)r[0]!, (string)r[1]!)).ToList();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw Failed(e, sql);
        }
    }

    /// <summary>Prepares the query without running it and reads the types of its result columns.</summary>
    public IReadOnlyList<ColumnSpec> DescribeQuery(string sql)
    {
        try
        {
            using var cmd = Command(sql.TrimEnd().TrimEnd(';'));
            using var reader = cmd.ExecuteReader(CommandBehavior.SchemaOnly);
            var schema = reader.GetColumnSchema();
            return schema.Select(c => new ColumnSpec(c.ColumnName, TypeName(c))).ToList();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw Failed(e, sql);
        }
    }

    static string TypeName(Npgsql.Schema.NpgsqlDbColumn c)
    {
        var name = c.PostgresType?.DisplayName ?? c.DataTypeName;
        // numeric(p,s), varchar(n), ... as format_type prints them
        if (c.NumericPrecision is { } p && name is "numeric" && c.NumericScale is { } s) return $"numeric({p},{s})";
        if (c.ColumnSize is { } size and > 0 && name is "character varying" or "character" or "bit" or "bit varying") return $"{name}({size})";
        return name;
    }

    public void Dispose() => connection.Dispose();
}
