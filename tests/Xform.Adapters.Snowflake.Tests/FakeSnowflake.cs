using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;

namespace Xform.Adapters.Snowflake.Tests;

/// <summary>A request the fake received.</summary>
public sealed record Recorded(string Method, string PathAndQuery, string Body, string? Authorization, string? TokenType);

/// <summary>
/// A loopback stand-in for Snowflake's SQL API v2 (HttpListener on 127.0.0.1), written from the documentation:
/// it checks the bearer token (for key pairs: the RS256 signature with the user's public key, and the iss/sub/exp
/// claims), answers 200, 202 then 200 on the statementStatusUrl, multi-statement requests with statementHandles
/// (checking MULTI_STATEMENT_COUNT), serves result partitions gzipped, 422 for SQL errors, and the failures a test
/// queues (429, 503, 504, 500, 502, 408). It keeps requestIds: a resubmission with retry=true returns the first
/// execution's answer without running the statement again.
/// <para>
/// The statements themselves run on an in-memory DuckDB after the translation of <see cref="FakeSnowflakeSql"/>
/// (upper-case folding of unquoted names, types, string escapes, division by zero, a few functions, the
/// information schema's shape) and <c>swap with</c> and qualified rename targets here. Each request is a
/// session: it runs in the request's schema when that exists, and its temporary tables are dropped at its end.
/// So the tests check the protocol and that the SQL xform sends has the intended shape and effect; where DuckDB
/// and Snowflake differ beyond that (quoted names resolve without regard to case here, result types follow
/// DuckDB), they check nothing of Snowflake's own semantics.
/// </para>
/// </summary>
public sealed class FakeSnowflake : IDisposable
{
    readonly HttpListener _listener = new();
    readonly DuckDBConnection _db;
    readonly object _dbGate = new();
    readonly ConcurrentDictionary<string, Statement> _statements = new();
    readonly ConcurrentDictionary<string, JsonNode> _byRequestId = new();
    readonly ConcurrentQueue<Fault> _faults = new();
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    int _handles;

    public FakeSnowflake(string account = "XY12345", string user = "XFORM_USER", string database = "ANALYTICS")
    {
        Account = account;
        User = user;
        Database = database;
        Key = RSA.Create(2048);
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _db = new DuckDBConnection("Data Source=:memory:");
        _db.Open();
        Run($"attach ':memory:' as \"{database}\"");
        Run($"use \"{database}\"");
        Run("create schema \"PUBLIC\""); // every Snowflake database starts with a PUBLIC schema
        foreach (var statement in FakeSnowflakeSql.Setup(database)) Run(statement);
        _loop = Task.Run(Loop);
    }

    public string Account { get; }
    public string User { get; }
    public string Database { get; }
    public int Port { get; }
    /// <summary>The user's key pair; the fake knows only that the public half was registered (ALTER USER ... SET RSA_PUBLIC_KEY).</summary>
    public RSA Key { get; }
    /// <summary>When set, the bearer token and type expected instead of a key-pair JWT.</summary>
    public (string Token, string Type)? ExpectedToken { get; set; }
    /// <summary>
    /// An answer to every request, before the token is read: 403 (a network policy refusing the client's address), or
    /// 404 or 513 for an account URL that does not exist (Snowflake's behaviour change bundle 2024_03, BCR-1669).
    /// </summary>
    public (int Status, string? Message)? RefuseAll { get; set; }
    /// <summary>Rows per result partition.</summary>
    public int PartitionRows { get; set; } = 10_000;
    public ConcurrentQueue<Recorded> Requests { get; } = new();
    public ConcurrentBag<string> Cancelled { get; } = new();
    /// <summary>Statements actually executed (after any retries), in order.</summary>
    public ConcurrentQueue<string> Executed { get; } = new();
    public ConcurrentBag<string> JwtIssuersSeen { get; } = new();
    public ConcurrentBag<string> TokensSeen { get; } = new();

    public string PrivateKeyPem => Key.ExportPkcs8PrivateKeyPem();

    public string Fingerprint => "SHA256:" + Convert.ToBase64String(SHA256.HashData(Key.ExportSubjectPublicKeyInfo()));

    /// <summary>Queues a behaviour for the next POST of a statement.</summary>
    public void Enqueue(Fault fault) => _faults.Enqueue(fault);

    public IEnumerable<Recorded> Posts => Requests.Where(r => r.Method == "POST" && r.PathAndQuery.StartsWith("/api/v2/statements?", StringComparison.Ordinal));

    static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public List<object?[]> Query(string sql)
    {
        lock (_dbGate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = sql;
            using var reader = cmd.ExecuteReader();
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                rows.Add(row);
            }
            return rows;
        }
    }

    void Run(string sql)
    {
        lock (_dbGate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
    }

    async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(() => Handle(context));
        }
    }

    sealed class Statement
    {
        public required string Handle { get; init; }
        public required JsonObject Final { get; set; }
        public List<JsonArray> Partitions { get; } = [];
        public int PendingPolls;
        public bool Hang;
        public bool IsCancelled;
    }

    void Handle(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8)) body = reader.ReadToEnd();
        var path = request.Url!.PathAndQuery;
        var auth = request.Headers["Authorization"];
        var type = request.Headers["X-Snowflake-Authorization-Token-Type"];
        Requests.Enqueue(new Recorded(request.HttpMethod, path, body, auth, type));
        try
        {
            if (RefuseAll is { } refusal)
            {
                Respond(context, refusal.Status, refusal.Message is null ? [] : new JsonObject { ["message"] = refusal.Message });
                return;
            }
            if (CheckAuth(auth, type) is { } authError)
            {
                Respond(context, 401, new JsonObject { ["code"] = "390144", ["message"] = authError });
                return;
            }
            if (request.HttpMethod == "POST" && request.Url.AbsolutePath == "/api/v2/statements") Submit(context, body);
            else if (request.HttpMethod == "POST" && Regex.Match(request.Url.AbsolutePath, "^/api/v2/statements/([^/]+)/cancel$") is { Success: true } c) Cancel(context, c.Groups[1].Value);
            else if (request.HttpMethod == "GET" && Regex.Match(request.Url.AbsolutePath, "^/api/v2/statements/([^/]+)$") is { Success: true } g) Status(context, g.Groups[1].Value);
            else Respond(context, 404, new JsonObject { ["message"] = "no such endpoint" });
        }
        catch (Exception e)
        {
            Respond(context, 500, new JsonObject { ["message"] = "fake failed: " + e.Message });
        }
    }

    string? CheckAuth(string? authorization, string? type)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal)) return "missing bearer token";
        var token = authorization["Bearer ".Length..];
        TokensSeen.Add(token);
        if (ExpectedToken is { } expected)
            return token == expected.Token && type == expected.Type ? null : "token or token type rejected";
        if (type != "KEYPAIR_JWT") return $"token type {type} is not KEYPAIR_JWT";
        var parts = token.Split('.');
        if (parts.Length != 3) return "not a JWT";
        var header = JsonNode.Parse(FromBase64Url(parts[0]))!;
        if ((string?)header["alg"] != "RS256") return "JWT must be RS256";
        if (!Key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            return "JWT signature does not verify with the user's public key";
        var claims = JsonNode.Parse(FromBase64Url(parts[1]))!;
        var sub = $"{Account}.{User}";
        if ((string?)claims["sub"] != sub) return $"sub must be {sub}";
        if ((string?)claims["iss"] != $"{sub}.{Fingerprint}") return "iss must be ACCOUNT.USER.SHA256:fingerprint";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var iat = (long)claims["iat"]!;
        var exp = (long)claims["exp"]!;
        if (exp <= now) return "JWT expired";
        if (exp - iat > 3600) return "JWT lifetime over one hour";
        JwtIssuersSeen.Add((string)claims["iss"]!);
        return null;
    }

    static byte[] FromBase64Url(string s)
    {
        var t = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(t.PadRight(t.Length + (4 - t.Length % 4) % 4, '='));
    }

    void Submit(HttpListenerContext context, string body)
    {
        var query = context.Request.QueryString;
        var requestId = query["requestId"];
        var retry = query["retry"] == "true";
        if (requestId is null)
        {
            Respond(context, 400, new JsonObject { ["message"] = "requestId missing" });
            return;
        }
        if (retry && _byRequestId.TryGetValue(requestId, out var earlier))
        {
            // the documented idempotency: a resubmitted request is not run again
            var handle = (string?)earlier["statementHandle"];
            if (query["async"] == "true" && handle is not null)
                Respond(context, 202, Pending(handle));
            else
                Respond(context, (int?)earlier["__status"] ?? 200, Strip(earlier));
            return;
        }
        var fault = _faults.TryDequeue(out var f) ? f : null;
        if (fault is { Status: { } s and not 500 } && fault.AsyncPolls == 0 && !fault.Hang)
        {
            Respond(context, s, new JsonObject { ["code"] = s == 408 ? "000630" : "390000", ["message"] = s == 408 ? "Statement reached its statement or warehouse timeout of 1 second(s) and was canceled." : $"injected {s}" });
            return;
        }
        var request = JsonNode.Parse(body)!.AsObject();
        var (status, answer) = Execute(request, fault);
        answer["__status"] = status;
        _byRequestId[requestId] = answer;
        if (fault is { Status: 500 })
        {
            // ran, but the answer was lost on the way: the client must resubmit with the same requestId
            Respond(context, 500, new JsonObject { ["message"] = "injected 500 after execution" });
            return;
        }
        var handleOf = (string?)answer["statementHandle"];
        if (fault is { AsyncPolls: > 0 } || fault is { Hang: true })
        {
            var st = _statements[handleOf!];
            st.PendingPolls = fault.AsyncPolls;
            st.Hang = fault.Hang;
            Respond(context, 202, Pending(handleOf!));
            return;
        }
        Respond(context, status, Strip(answer));
    }

    static JsonObject Strip(JsonNode node)
    {
        var copy = JsonNode.Parse(node.ToJsonString())!.AsObject();
        copy.Remove("__status");
        return copy;
    }

    static JsonObject Pending(string handle) => new()
    {
        ["code"] = "333334",
        ["message"] = "Asynchronous execution in progress. Use provided query id to perform query monitoring and management.",
        ["statementHandle"] = handle,
        ["statementStatusUrl"] = $"/api/v2/statements/{handle}",
    };

    void Status(HttpListenerContext context, string handle)
    {
        if (!_statements.TryGetValue(handle, out var st))
        {
            Respond(context, 404, new JsonObject { ["message"] = "unknown statement handle" });
            return;
        }
        if (st.IsCancelled)
        {
            Respond(context, 422, new JsonObject { ["code"] = "000604", ["sqlState"] = "57014", ["message"] = "SQL execution canceled", ["statementHandle"] = handle });
            return;
        }
        if (context.Request.QueryString["partition"] is { } p)
        {
            var index = int.Parse(p, CultureInfo.InvariantCulture);
            if (index < 0 || index >= st.Partitions.Count)
            {
                Respond(context, 422, new JsonObject { ["message"] = "partition out of range" });
                return;
            }
            RespondGzip(context, new JsonObject { ["data"] = JsonNode.Parse(st.Partitions[index].ToJsonString()) });
            return;
        }
        if (st.Hang || Interlocked.Decrement(ref st.PendingPolls) > 0)
        {
            Respond(context, 202, Pending(handle));
            return;
        }
        Respond(context, (int?)st.Final["__status"] ?? 200, Strip(st.Final));
    }

    void Cancel(HttpListenerContext context, string handle)
    {
        if (_statements.TryGetValue(handle, out var st)) st.IsCancelled = true;
        Cancelled.Add(handle);
        Respond(context, 200, new JsonObject { ["code"] = "000604", ["message"] = "Statement canceled", ["statementHandle"] = handle });
    }

    (int Status, JsonObject Answer) Execute(JsonObject request, Fault? fault)
    {
        var sql = (string)request["statement"]!;
        var count = int.Parse((string?)request["parameters"]?["MULTI_STATEMENT_COUNT"] ?? "1", CultureInfo.InvariantCulture);
        var statements = SnowflakeNames.SplitStatements(sql);
        var handle = NewHandle();
        if (count != 0 && count != statements.Count)
            return (422, Error(handle, "000008", "0A000", $"Actual statement count {statements.Count} did not match the desired statement count {count}."));
        if (fault?.Error is { } injected) return (422, Error(handle, injected.Code, injected.SqlState, injected.Message));
        var bindings = request["bindings"]?.AsObject();
        var results = new List<Statement>();
        lock (_dbGate)
        {
            UseSchemaOf(request);
            using var endOfSession = new EndOfSession(this);
            var inTransaction = false;
            foreach (var s in statements)
            {
                try
                {
                    // Snowflake's transaction rules: DDL commits an open transaction and runs on its own;
                    // BEGIN inside a transaction and COMMIT outside one do nothing
                    var lower = s.Trim().ToLowerInvariant();
                    var id = statements.Count == 1 ? handle : NewHandle();
                    if (lower.StartsWith("begin", StringComparison.Ordinal) || lower.StartsWith("commit", StringComparison.Ordinal))
                    {
                        var begin = lower.StartsWith("begin", StringComparison.Ordinal);
                        if (begin != inTransaction) RunRaw(begin ? "begin transaction" : "commit");
                        inTransaction = begin;
                        results.Add(Done(id, "Statement executed successfully."));
                        Executed.Enqueue(s);
                        continue;
                    }
                    if (inTransaction && Regex.IsMatch(lower, @"^(create|drop|alter)\b"))
                    {
                        RunRaw("commit");
                        inTransaction = false;
                    }
                    results.Add(RunOne(id, s, bindings));
                    Executed.Enqueue(s);
                }
                catch (DuckDBException e)
                {
                    if (inTransaction) RunRaw("rollback"); // the session ends with the request: an open transaction is rolled back
                    var message = e.Message.Split('\n')[0];
                    // a missing relation in Snowflake's words, as xform recognises them
                    var missing = Regex.Match(message, @"Table with name (\S+) does not exist");
                    return (422, message.EndsWith("Division by zero", StringComparison.Ordinal)
                        ? Error(handle, "100051", "22012", "Division by zero")
                        : missing.Success ? Error(handle, "002003", "42S02", $"SQL compilation error:\nObject '{missing.Groups[1].Value.ToUpperInvariant()}' does not exist or not authorized.")
                        : Error(handle, "002003", "42S02", $"SQL compilation error:\n{message}"));
                }
            }
            if (inTransaction) RunRaw("rollback"); // a transaction still open when the session ends is rolled back
        }
        if (statements.Count == 1)
        {
            var only = results[0];
            _statements[handle] = only;
            return (200, only.Final);
        }
        foreach (var r in results) _statements[r.Handle] = r;
        var parent = new Statement { Handle = handle, Final = Envelope(handle, [new ColumnMeta("multiple statement execution", "text", null, null)], [["Multiple statements executed successfully."]], 1, 1) };
        parent.Final["statementHandles"] = new JsonArray(results.Select(r => (JsonNode)JsonValue.Create(r.Handle)!).ToArray());
        parent.Partitions.Add(new JsonArray(new JsonArray("Multiple statements executed successfully.")));
        _statements[handle] = parent;
        return (200, parent.Final);
    }

    /// <summary>The request's database and schema are its session's current ones (when the schema exists).</summary>
    void UseSchemaOf(JsonObject request)
    {
        var schema = (string?)request["schema"];
        var exists = schema is not null && Query($"select count(*) from duckdb_schemas() where database_name = {Quote(Database, '\'')} and schema_name = {Quote(schema, '\'')}")[0][0] is > 0L;
        RunRaw(exists ? $"use {Quote(Database, '"')}.{Quote(schema!, '"')}" : $"use {Quote(Database, '"')}");
    }

    static string Quote(string name, char quote) => quote + name.Replace(quote.ToString(), new string(quote, 2), StringComparison.Ordinal) + quote;

    /// <summary>A request is a session: its temporary tables go with it.</summary>
    sealed class EndOfSession(FakeSnowflake fake) : IDisposable
    {
        public void Dispose()
        {
            foreach (var row in fake.Query("select table_name from duckdb_tables() where temporary"))
                fake.RunRaw($"drop table if exists temp.main.{Quote((string)row[0]!, '"')}");
        }
    }

    string NewHandle() => $"01b2c3d4-0000-{Interlocked.Increment(ref _handles):0000}-0000-0000deadbeef";

    static JsonObject Error(string handle, string code, string state, string message) => new()
    {
        ["code"] = code, ["message"] = message, ["sqlState"] = state, ["statementHandle"] = handle,
    };

    void RunRaw(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Snowflake SQL to DuckDB SQL.</summary>
    static string Rewrite(string sql) =>
        // DuckDB's rename takes an unqualified new name
        Regex.Replace(FakeSnowflakeSql.Translate(sql), @"rename to (?:""[^""]+""\.)+(""[^""]+"")", "rename to $1", RegexOptions.IgnoreCase);

    /// <summary>The privileges granted on the fake's objects.</summary>
    public FakeSnowflakeGrants Grants { get; } = new();

    Statement RunOne(string handle, string sql, JsonObject? bindings)
    {
        // a query comment before or after the statement (dbt's) is kept in history, not read
        sql = Regex.Replace(sql, @"^\s*/\*.*?\*/\s*|\s*/\*(?:(?!\*/).)*\*/\s*$", "", RegexOptions.Singleline);
        if (Grants.Handle(ref sql, out var grantsQuery)) return Done(handle, "Statement executed successfully.");
        // session parameters (a model's sql_header) change nothing the fake computes
        if (Regex.IsMatch(sql, @"^\s*alter\s+session\s+set\b", RegexOptions.IgnoreCase)) return Done(handle, "Statement executed successfully.");
        sql = grantsQuery ?? sql;
        var swap = Regex.Match(sql, @"^\s*alter table ((?:""[^""]+""\.)*""([^""]+)"") swap with ((?:""[^""]+""\.)*""([^""]+)"")\s*$", RegexOptions.IgnoreCase);
        if (swap.Success)
        {
            var tmpName = "__swap_" + Guid.NewGuid().ToString("N")[..8];
            RunRaw($"alter table {swap.Groups[1].Value} rename to \"{tmpName}\"");
            RunRaw($"alter table {swap.Groups[3].Value} rename to \"{swap.Groups[2].Value}\"");
            var schemaPrefix = swap.Groups[1].Value[..^(swap.Groups[2].Value.Length + 2)];
            RunRaw($"alter table {schemaPrefix}\"{tmpName}\" rename to \"{swap.Groups[4].Value}\"");
            return Done(handle, "Statement executed successfully.");
        }
        var rewritten = Rewrite(sql);
        // DuckDB's reader names DECIMAL without precision and scale: ask DESCRIBE for the exact result types
        List<string>? described = null;
        if (bindings is null && Regex.IsMatch(rewritten, @"^\s*(select|with)\b", RegexOptions.IgnoreCase))
        {
            using var describe = _db.CreateCommand();
            describe.CommandText = "describe " + rewritten;
            using var r = describe.ExecuteReader();
            described = [];
            while (r.Read()) described.Add(r.GetString(1));
        }
        using var cmd = _db.CreateCommand();
        cmd.CommandText = rewritten;
        if (bindings is not null)
        {
            for (var i = 1; bindings[i.ToString(CultureInfo.InvariantCulture)] is { } b; i++)
            {
                var value = (string?)b["value"];
                object? typed = value is null ? null : (string?)b["type"] switch
                {
                    "FIXED" => decimal.Parse(value, CultureInfo.InvariantCulture),
                    "BOOLEAN" => bool.Parse(value),
                    "REAL" => double.Parse(value, CultureInfo.InvariantCulture),
                    _ => value,
                };
                cmd.Parameters.Add(new DuckDBParameter(typed ?? DBNull.Value));
            }
        }
        using var reader = cmd.ExecuteReader();
        var columns = new List<ColumnMeta>();
        for (var i = 0; i < reader.FieldCount; i++) columns.Add(Meta(reader.GetName(i), described?[i] ?? reader.GetDataTypeName(i)));
        var rows = new List<JsonArray>();
        while (reader.Read())
        {
            var row = new JsonArray();
            for (var i = 0; i < reader.FieldCount; i++) row.Add(reader.IsDBNull(i) ? null : JsonValue.Create(Encode(reader.GetValue(i), columns[i])));
            rows.Add(row);
        }
        var st = new Statement { Handle = handle, Final = new JsonObject() };
        for (var i = 0; i < rows.Count || i == 0; i += PartitionRows)
            st.Partitions.Add(new JsonArray(rows.Skip(i).Take(PartitionRows).Select(r => (JsonNode)r).ToArray()));
        st.Final = Envelope(handle, columns, st.Partitions[0].Select(r => (IEnumerable<string?>)r!.AsArray().Select(v => (string?)v)).ToList(), rows.Count, st.Partitions.Count,
            st.Partitions.Select(p => p.Count).ToList());
        return st;
    }

    Statement Done(string handle, string message) =>
        new() { Handle = handle, Final = Envelope(handle, [new ColumnMeta("status", "text", null, null)], [[message]], 1, 1) };

    public sealed record ColumnMeta(string Name, string Type, int? Precision, int? Scale);

    static ColumnMeta Meta(string name, string duckType)
    {
        var t = duckType.ToUpperInvariant();
        var dec = Regex.Match(t, @"^DECIMAL\((\d+),\s*(\d+)\)$");
        if (dec.Success) return new ColumnMeta(name, "fixed", int.Parse(dec.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(dec.Groups[2].Value, CultureInfo.InvariantCulture));
        return t switch
        {
            "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT" or "UTINYINT" or "USMALLINT" or "UINTEGER" or "UBIGINT" => new ColumnMeta(name, "fixed", 38, 0),
            "DOUBLE" or "FLOAT" or "REAL" => new ColumnMeta(name, "real", null, null),
            "BOOLEAN" => new ColumnMeta(name, "boolean", null, null),
            "DATE" => new ColumnMeta(name, "date", null, null),
            "TIME" => new ColumnMeta(name, "time", null, 9),
            "TIMESTAMP" => new ColumnMeta(name, "timestamp_ntz", null, 9),
            "TIMESTAMP WITH TIME ZONE" => new ColumnMeta(name, "timestamp_ltz", null, 9),
            _ => new ColumnMeta(name, "text", null, null),
        };
    }

    /// <summary>A value in the jsonv2 encoding.</summary>
    static string Encode(object value, ColumnMeta column)
    {
        var inv = CultureInfo.InvariantCulture;
        var epoch = new DateTime(1970, 1, 1);
        return column.Type switch
        {
            "fixed" => Convert.ToString(value, inv)!,
            "real" => Convert.ToDouble(value, inv).ToString("R", inv),
            "boolean" => (bool)value ? "true" : "false",
            "date" => ((value is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : Convert.ToDateTime(value, inv)) - epoch).Days.ToString(inv),
            "time" => Seconds(value is TimeOnly t ? t.ToTimeSpan() : (TimeSpan)value),
            "timestamp_ntz" => Seconds((DateTime)value - epoch),
            "timestamp_ltz" => Seconds(((DateTimeOffset)value).UtcDateTime - epoch),
            _ => Convert.ToString(value, inv)!,
        };
    }

    static string Seconds(TimeSpan span)
    {
        var ticks = span.Ticks;
        var whole = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        return $"{whole}.{rest * 100:000000000}";
    }

    static JsonObject Envelope(string handle, IReadOnlyList<ColumnMeta> columns, IReadOnlyList<IEnumerable<string?>> firstPartition, long numRows, int partitions,
        IReadOnlyList<int>? partitionCounts = null)
    {
        var rowType = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name, ["database"] = "", ["schema"] = "", ["table"] = "", ["type"] = c.Type,
            ["precision"] = c.Precision, ["scale"] = c.Scale, ["length"] = c.Type == "text" ? 16777216 : null, ["nullable"] = true, ["byteLength"] = null,
        }).ToArray());
        var info = new JsonArray(Enumerable.Range(0, partitions).Select(i => (JsonNode)new JsonObject
        {
            ["rowCount"] = partitionCounts is null ? numRows : partitionCounts[i], ["uncompressedSize"] = 100,
        }).ToArray());
        return new JsonObject
        {
            ["resultSetMetaData"] = new JsonObject { ["numRows"] = numRows, ["format"] = "jsonv2", ["partitionInfo"] = info, ["rowType"] = rowType },
            ["data"] = new JsonArray(firstPartition.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode?)(v is null ? null : JsonValue.Create(v))).ToArray())).ToArray()),
            ["code"] = "090001",
            ["statementStatusUrl"] = $"/api/v2/statements/{handle}?requestId={Guid.NewGuid()}",
            ["sqlState"] = "00000",
            ["statementHandle"] = handle,
            ["message"] = "Statement executed successfully.",
            ["createdOn"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
    }

    static void Respond(HttpListenerContext context, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (status == 429) context.Response.Headers["Retry-After"] = "0";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    static void RespondGzip(HttpListenerContext context, JsonObject body)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(Encoding.UTF8.GetBytes(body.ToJsonString()));
        var bytes = buffer.ToArray();
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.Headers["Content-Encoding"] = "gzip";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        lock (_dbGate) _db.Dispose();
        Key.Dispose();
        _stop.Dispose();
    }
}

/// <summary>What the fake does with the next statement: an HTTP status, 202s before the answer, a hang until cancelled, a SQL error.</summary>
public sealed record Fault(int? Status = null, int AsyncPolls = 0, bool Hang = false, (string Code, string SqlState, string Message)? Error = null)
{
    public static Fault Http(int status) => new(status);
    public static Fault Accepted(int polls) => new(AsyncPolls: polls);
    public static Fault HangUntilCancelled() => new(Hang: true);
    public static Fault SqlError(string code, string state, string message) => new(Error: (code, state, message));
}
