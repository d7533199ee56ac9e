using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xform.Core.Adapters;
using Xform.Core.Templating;

namespace Xform.Adapters.Snowflake;

/// <summary>A bind variable of the SQL API: a Snowflake type (FIXED, TEXT, BOOLEAN, ...) and the value as text.</summary>
public sealed record Binding(string Type, string? Value);

/// <summary>What a statement returned: its handle, the columns of the result and the decoded rows.</summary>
public sealed record StatementResult(string? Handle, IReadOnlyList<SnowflakeColumn> Columns, IReadOnlyList<object?[]> Rows,
    IReadOnlyList<string> ChildHandles, long TotalRows);

/// <summary>
/// The Snowflake SQL API v2 (<c>/api/v2/statements</c>) over HttpClient. Every request is its own session.
/// <list type="bullet">
/// <item>each statement gets a <c>requestId</c>; a request that failed on the way (500, 502, network error,
/// HTTP timeout) is resent with the same requestId and <c>retry=true</c>, so Snowflake runs it at most once;</item>
/// <item>429, 503 and 504 are retried with exponential backoff and jitter (honouring Retry-After);</item>
/// <item>202 (still running, which can happen even for a synchronous request) is polled at
/// <c>statementStatusUrl</c> with a growing interval until 200 or an error;</item>
/// <item>401 (after one fresh token), 403, a 404 or 513 to a submission (no such account) and network failures that
/// outlast the retries are connection errors (<see cref="ConnectionFailure"/>): user errors, not statement errors;</item>
/// <item>408 (the statement timeout) and 422 (a SQL error: code, sqlState, message) become a
/// <see cref="DatabaseException"/>; results come in partitions, fetched one by one and gunzipped;</item>
/// <item><see cref="CancelAll"/> cancels every running statement with <c>POST .../{handle}/cancel</c>.</item>
/// </list>
/// </summary>
public sealed class SqlApiClient : IDisposable
{
    readonly SnowflakeSettings _settings;
    readonly ITokenSource _tokens;
    readonly HttpClient _http;
    readonly CancellationTokenSource _cancelAll = new();
    readonly ConcurrentDictionary<string, InFlight> _inFlight = new();

    sealed class InFlight(string body)
    {
        public string Body { get; } = body;
        public volatile string? Handle;
    }

    internal SqlApiClient(SnowflakeSettings settings, ITokenSource tokens, HttpMessageHandler? handler = null)
    {
        _settings = settings;
        _tokens = tokens;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None, // partitions are gunzipped here, explicitly
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30), // else the system's, which can be minutes, for each retry
        }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>First wait before polling a 202; it grows by half each time up to <see cref="PollMax"/>.</summary>
    public TimeSpan PollStart { get; set; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan PollMax { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>First backoff after a 429/5xx; doubles each retry (with jitter) up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long one HTTP exchange may take before it is abandoned and retried with the same requestId.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The requests sent, for tests and for <c>--debug</c>-style diagnostics: method, path and query, status.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public bool Cancelled => _cancelAll.IsCancellationRequested;

    /// <summary>Runs <paramref name="sql"/> (with <paramref name="statementCount"/> statements; more than one is sent as
    /// a multi-statement request) and returns its result; stops fetching partitions after <paramref name="maxRows"/>.</summary>
    /// <param name="queryTag">the QUERY_TAG of this request's session, over the profile's (a node's <c>query_tag</c> config)</param>
    public StatementResult Run(string sql, int statementCount = 1, IReadOnlyDictionary<string, Binding>? bindings = null, int? maxRows = null,
        string? queryTag = null) =>
        RunAsync(sql, statementCount, bindings, maxRows, queryTag).GetAwaiter().GetResult();

    public async Task<StatementResult> RunAsync(string sql, int statementCount, IReadOnlyDictionary<string, Binding>? bindings, int? maxRows,
        string? queryTag = null)
    {
        if (Cancelled) throw new DatabaseException("cancelled (Ctrl-C): the statement was not sent");
        var requestId = Guid.NewGuid().ToString();
        var body = Body(sql, statementCount, bindings, queryTag);
        var flight = new InFlight(body);
        _inFlight[requestId] = flight;
        try
        {
            var response = await SendAsync(retry => Submit(requestId, body, retry, async: false), resubmittable: true);
            var delay = PollStart;
            while (true)
            {
                switch (response.Status)
                {
                    case HttpStatusCode.OK:
                        var result = await ReadResultAsync(response.Json, maxRows);
                        if (statementCount != 1 && result.ChildHandles.Count > 0 && maxRows is not 0)
                        {
                            // a multi-statement request answers with the handles of its statements: the last one's rows are the result
                            var last = await SendAsync(_ => Get(StatementPath(result.ChildHandles[^1])), resubmittable: false);
                            if (last.Status == HttpStatusCode.OK)
                                return (await ReadResultAsync(last.Json, maxRows)) with { ChildHandles = result.ChildHandles };
                        }
                        return result;
                    case HttpStatusCode.Accepted:
                        var handle = String(response.Json, "statementHandle");
                        if (handle is not null) flight.Handle = handle;
                        var statusUrl = String(response.Json, "statementStatusUrl") ?? (handle is null ? null : StatementPath(handle))
                            ?? throw new DatabaseException("Snowflake answered 202 without a statement handle");
                        await Task.Delay(delay, _cancelAll.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                        if (Cancelled) throw new DatabaseException($"cancelled (Ctrl-C): statement {handle} was cancelled");
                        delay = TimeSpan.FromTicks(Math.Min(PollMax.Ticks, delay.Ticks * 3 / 2));
                        response = await SendAsync(_ => Get(SameServer(statusUrl)), resubmittable: false);
                        break;
                    case HttpStatusCode.RequestTimeout:
                        throw new DatabaseException(
                            $"the statement ran longer than the statement_timeout{(_settings.StatementTimeout > 0 ? $" of {_settings.StatementTimeout}s" : "")} " +
                            $"and Snowflake cancelled it (HTTP 408){Details(response.Json)}");
                    case HttpStatusCode.UnprocessableEntity:
                        throw SqlError(response.Json, sql);
                    default:
                        throw new DatabaseException($"the Snowflake SQL API answered HTTP {(int)response.Status}{Details(response.Json)}");
                }
            }
        }
        finally
        {
            _inFlight.TryRemove(requestId, out _);
        }
    }

    string Body(string sql, int statementCount, IReadOnlyDictionary<string, Binding>? bindings, string? queryTag)
    {
        var body = new JsonObject { ["statement"] = sql };
        if (_settings.StatementTimeout > 0) body["timeout"] = _settings.StatementTimeout;
        body["database"] = SnowflakeNames.Fold(_settings.Database);
        body["schema"] = SnowflakeNames.Fold(_settings.Schema);
        if (_settings.Warehouse is { } w) body["warehouse"] = SnowflakeNames.Fold(w);
        if (_settings.Role is { } r) body["role"] = SnowflakeNames.Fold(r);
        if (bindings is { Count: > 0 })
        {
            var b = new JsonObject();
            foreach (var (k, v) in bindings) b[k] = new JsonObject { ["type"] = v.Type, ["value"] = v.Value };
            body["bindings"] = b;
        }
        var parameters = new JsonObject { ["MULTI_STATEMENT_COUNT"] = statementCount.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if ((queryTag ?? _settings.QueryTag) is { } tag) parameters["QUERY_TAG"] = tag;
        body["parameters"] = parameters;
        return body.ToJsonString();
    }

    HttpRequestMessage Submit(string requestId, string body, bool retry, bool async)
    {
        var query = $"?requestId={requestId}{(retry ? "&retry=true" : "")}{(async ? "&async=true" : "")}";
        return new HttpRequestMessage(HttpMethod.Post, new Uri(_settings.BaseUri, "/api/v2/statements" + query))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
    }

    HttpRequestMessage Get(string pathAndQuery) => new(HttpMethod.Get, new Uri(_settings.BaseUri, pathAndQuery));

    static string StatementPath(string handle) => "/api/v2/statements/" + Uri.EscapeDataString(handle);

    /// <summary>Only the path and query of a URL from a response: the token is never sent to another host.</summary>
    string SameServer(string url) => new Uri(_settings.BaseUri, url).PathAndQuery;

    readonly record struct Response(HttpStatusCode Status, JsonElement Json);

    static bool Transient(HttpStatusCode s) => s is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
    static bool ServerFailure(HttpStatusCode s) => s is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway;

    /// <summary>Sends with retries: 429/503/504 and (for resubmittable requests) 500/502 and network failures.</summary>
    async Task<Response> SendAsync(Func<bool, HttpRequestMessage> make, bool resubmittable)
    {
        var attempt = 0;
        var reauthenticated = false;
        var retry = false;
        while (true)
        {
            if (Cancelled) throw new DatabaseException("cancelled (Ctrl-C)");
            using var request = make(retry);
            var (token, type) = _tokens.Current();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("X-Snowflake-Authorization-Token-Type", type);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("xform", typeof(SqlApiClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancelAll.Token);
            timeout.CancelAfter(HttpTimeout);
            HttpStatusCode status;
            JsonElement json;
            TimeSpan? retryAfter = null;
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                status = response.StatusCode;
                retryAfter = response.Headers.RetryAfter?.Delta;
                json = await ReadJsonAsync(response, timeout.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !Cancelled)
            {
                Log.Enqueue($"{request.Method} {request.RequestUri?.PathAndQuery} -> {e.GetType().Name}");
                if (attempt >= _settings.Retries || ConnectionFailure.IsUnknownHost(e))
                    throw ConnectionFailure.Unreachable(_settings, e, attempt, HttpTimeout);
                attempt++;
                retry = true;
                await Backoff(attempt, null);
                continue;
            }
            catch (OperationCanceledException) when (Cancelled)
            {
                throw new DatabaseException("cancelled (Ctrl-C)");
            }
            Log.Enqueue($"{request.Method} {request.RequestUri?.PathAndQuery} -> {(int)status}");

            if (status == HttpStatusCode.Unauthorized && !reauthenticated)
            {
                // an expired or rejected token: sign a new one once before giving up
                reauthenticated = true;
                _tokens.Invalidate();
                continue;
            }
            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                throw ConnectionFailure.Refused(_settings, status, Details(json));
            if (status is HttpStatusCode.NotFound && resubmittable || (int)status == 513)
                throw ConnectionFailure.NoAccount(_settings, status);
            if ((Transient(status) || resubmittable && ServerFailure(status)) && attempt < _settings.Retries)
            {
                attempt++;
                retry = true; // same requestId, retry=true: Snowflake will not run the statement twice
                await Backoff(attempt, retryAfter);
                continue;
            }
            if (Transient(status) || ServerFailure(status))
                throw new DatabaseException($"the Snowflake SQL API answered HTTP {(int)status} {(attempt > 0 ? $"after {attempt} retries" : "")}{Details(json)}");
            return new Response(status, json);
        }
    }

    async Task Backoff(int attempt, TimeSpan? retryAfter)
    {
        var cap = Math.Min(BackoffMax.TotalMilliseconds, BackoffBase.TotalMilliseconds * Math.Pow(2, attempt - 1));
        var wait = cap / 2 + Random.Shared.NextDouble() * cap / 2; // "equal jitter"
        if (retryAfter is { } ra && ra.TotalMilliseconds > wait) wait = Math.Min(ra.TotalMilliseconds, BackoffMax.TotalMilliseconds);
        await Task.Delay(TimeSpan.FromMilliseconds(wait), _cancelAll.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Reads a JSON body, gunzipping it when it is gzip (by header or by its magic bytes).</summary>
    static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var gzip = response.Content.Headers.ContentEncoding.Contains("gzip", StringComparer.OrdinalIgnoreCase)
                   || bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
        if (gzip)
        {
            using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            await input.CopyToAsync(output, ct);
            bytes = output.ToArray();
        }
        if (bytes.Length == 0) return default;
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    async Task<StatementResult> ReadResultAsync(JsonElement json, int? maxRows)
    {
        var handle = String(json, "statementHandle");
        var children = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("statementHandles", out var hs) && hs.ValueKind == JsonValueKind.Array
            ? hs.EnumerateArray().Select(h => h.GetString() ?? "").ToList()
            : [];
        var columns = new List<SnowflakeColumn>();
        var partitions = 1;
        long total = 0;
        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("resultSetMetaData", out var meta))
        {
            if (meta.TryGetProperty("format", out var format) && format.GetString() is { } f && f != "jsonv2")
                throw new DatabaseException($"Snowflake returned results in format '{f}'; xform reads jsonv2");
            if (meta.TryGetProperty("rowType", out var rowType))
                columns.AddRange(rowType.EnumerateArray().Select(SnowflakeColumn.From));
            if (meta.TryGetProperty("partitionInfo", out var info) && info.ValueKind == JsonValueKind.Array)
                partitions = Math.Max(1, info.GetArrayLength());
            if (meta.TryGetProperty("numRows", out var n) && n.ValueKind == JsonValueKind.Number) total = n.GetInt64();
        }
        var rows = new List<object?[]>();
        Append(rows, json, columns, maxRows);
        for (var p = 1; p < partitions && (maxRows is null || rows.Count < maxRows) && handle is not null; p++)
        {
            var part = await SendAsync(_ => Get($"{StatementPath(handle)}?partition={p}"), resubmittable: false);
            if (part.Status != HttpStatusCode.OK)
                throw new DatabaseException($"cannot fetch partition {p} of statement {handle}: HTTP {(int)part.Status}{Details(part.Json)}");
            Append(rows, part.Json, columns, maxRows);
        }
        return new StatementResult(handle, columns, rows, children, total);
    }

    static void Append(List<object?[]> rows, JsonElement json, List<SnowflakeColumn> columns, int? maxRows)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array) return;
        foreach (var r in data.EnumerateArray())
        {
            if (maxRows is { } max && rows.Count >= max) return;
            var row = new object?[columns.Count];
            var i = 0;
            foreach (var v in r.EnumerateArray())
            {
                if (i >= row.Length) break;
                row[i] = JsonV2.Decode(v.ValueKind == JsonValueKind.Null ? null : v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText(), columns[i]);
                i++;
            }
            rows.Add(row);
        }
    }

    static string? String(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static string Details(JsonElement json)
    {
        var message = String(json, "message");
        var code = String(json, "code");
        return message is null ? "" : $": {message}{(code is null ? "" : $" (code {code})")}";
    }

    /// <summary>A 422: Snowflake's message, error code and SQL state, and the line of the statement it points at.</summary>
    static DatabaseException SqlError(JsonElement json, string sql)
    {
        var message = String(json, "message") ?? "SQL execution error";
        var code = String(json, "code");
        var state = String(json, "sqlState");
        var handle = String(json, "statementHandle");
        var text = new StringBuilder(message.Trim());
        text.Append($" (Snowflake error {code ?? "?"}, SQL state {state ?? "?"}{(handle is null ? "" : $", statement {handle}")})");
        var at = System.Text.RegularExpressions.Regex.Match(message, @"line (\d+) at position (\d+)");
        if (at.Success)
        {
            var lines = sql.Split('\n');
            var line = int.Parse(at.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var position = int.Parse(at.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (line >= 1 && line <= lines.Length)
                text.Append($"\n  {line} | {lines[line - 1].TrimEnd('\r')}\n  {new string(' ', line.ToString(System.Globalization.CultureInfo.InvariantCulture).Length)} | {new string(' ', Math.Max(0, position))}^");
        }
        return new DatabaseException(text.ToString(), new SnowflakeApiException(code, state, handle, message))
        {
            // 002003: "Object 'DB.SCHEMA.X' does not exist or not authorized."
            MissingRelation = code == "002003" && System.Text.RegularExpressions.Regex.Match(message, @"Object '([^']+)' does not exist") is { Success: true } m
                ? m.Groups[1].Value : null,
        };
    }

    /// <summary>
    /// Cancels every statement this client has running: those with a known handle at once; those still in their
    /// first synchronous wait are asked for their handle (same requestId, retry=true, async=true) and then cancelled.
    /// New statements fail at once afterwards.
    /// </summary>
    public void CancelAll(TimeSpan? wait = null)
    {
        if (Cancelled) return;
        var flights = _inFlight.ToArray();
        _cancelAll.Cancel();
        var tasks = flights.Select(f => CancelOneAsync(f.Key, f.Value)).ToArray();
        Task.WaitAll(tasks, wait ?? TimeSpan.FromSeconds(10));
    }

    async Task CancelOneAsync(string requestId, InFlight flight)
    {
        try
        {
            var handle = flight.Handle;
            if (handle is null)
            {
                using var lookup = Authorized(Submit(requestId, flight.Body, retry: true, async: true));
                using var answer = await _http.SendAsync(lookup);
                handle = String(await ReadJsonAsync(answer, CancellationToken.None), "statementHandle");
            }
            if (handle is null) return;
            using var cancel = Authorized(new HttpRequestMessage(HttpMethod.Post, new Uri(_settings.BaseUri, StatementPath(handle) + "/cancel")));
            using var response = await _http.SendAsync(cancel);
            Log.Enqueue($"POST {StatementPath(handle)}/cancel -> {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // best effort: the process is stopping
        }
    }

    HttpRequestMessage Authorized(HttpRequestMessage request)
    {
        var (token, type) = _tokens.Current();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Snowflake-Authorization-Token-Type", type);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    public void Dispose()
    {
        _http.Dispose();
        _cancelAll.Dispose();
    }
}

/// <summary>The fields of a Snowflake SQL error (HTTP 422), kept as the inner exception of a <see cref="DatabaseException"/>.</summary>
public sealed class SnowflakeApiException(string? code, string? sqlState, string? statementHandle, string message) : Exception(message)
{
    public string? Code { get; } = code;
    public string? SqlState { get; } = sqlState;
    public string? StatementHandle { get; } = statementHandle;
}
