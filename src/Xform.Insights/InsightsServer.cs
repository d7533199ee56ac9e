using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Xform.Insights;

/// <summary>
/// Serves the insights page on 127.0.0.1, read-only: GET / renders the page from the marts at request
/// time (so a rebuild shows on reload), GET /data.json returns its data; anything else is 404 or 405.
/// </summary>
public sealed class InsightsServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly Func<InsightsData> _load;
    readonly Action<string> _log;

    public InsightsServer(Func<InsightsData> load, int port, Action<string>? log = null)
    {
        _load = load;
        _log = log ?? (_ => { });
        Port = port == 0 ? FreePort() : port;
        if (Port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), "the port must be between 1 and 65535");
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/";

    public void Start() => _listener.Start();

    /// <summary>Answers requests one at a time until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        if (!_listener.IsListening) Start();
        using var registration = cancel.Register(() => { try { _listener.Stop(); } catch (ObjectDisposedException) { } });
        while (!cancel.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (cancel.IsCancellationRequested || !_listener.IsListening)
            {
                break;
            }
            try
            {
                Handle(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The client went away mid-response, or the listener already answered it (e.g. 411 to a POST
                // without a length): one request never stops the server.
                _log($"{context.Request.HttpMethod} {context.Request.Url?.AbsolutePath} not answered: {e.Message.Split('\n')[0].Trim()}");
            }
        }
    }

    void Handle(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers["Cache-Control"] = "no-store";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        var path = request.Url?.AbsolutePath ?? "/";
        if (request.HttpMethod is not ("GET" or "HEAD"))
        {
            response.Headers["Allow"] = "GET, HEAD";
            Send(response, 405, "text/plain; charset=utf-8", "read-only: only GET and HEAD are served\n", request.HttpMethod == "HEAD");
            return;
        }
        var head = request.HttpMethod == "HEAD";
        try
        {
            switch (path)
            {
                case "/" or "/index.html" or "/insights.html":
                    Send(response, 200, "text/html; charset=utf-8", InsightsPage.Render(_load()), head);
                    break;
                case "/data.json":
                    Send(response, 200, "application/json; charset=utf-8", InsightsPage.DataJson(_load(), DateTimeOffset.UtcNow), head);
                    break;
                case "/favicon.ico":
                    Send(response, 204, "text/plain", "", true);
                    break;
                default:
                    Send(response, 404, "text/plain; charset=utf-8", "not found\n", head);
                    break;
            }
            _log($"{request.HttpMethod} {path} {response.StatusCode}");
        }
        catch (Exception e) when (e is not (HttpListenerException or IOException))
        {
            _log($"{request.HttpMethod} {path} 500: {e.Message}");
            Send(response, 500, "text/plain; charset=utf-8", $"could not read the marts: {e.Message}\n", head);
        }
    }

    static void Send(HttpListenerResponse response, int status, string type, string body, bool head)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = type;
        response.ContentLength64 = bytes.Length;
        if (!head && bytes.Length > 0) response.OutputStream.Write(bytes);
        response.Close();
    }

    static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose() => ((IDisposable)_listener).Dispose();
}
