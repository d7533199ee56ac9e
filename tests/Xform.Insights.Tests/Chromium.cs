using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Xform.Tests;
using System.Text.Json.Nodes;

namespace Xform.Insights.Tests;

/// <summary>
/// Headless Chromium driven over the DevTools protocol (a WebSocket), with a fresh profile that is
/// deleted afterwards. One page; commands are sent one at a time and answered by id.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    readonly Process _process;
    readonly string _profile;
    readonly ClientWebSocket _socket;
    readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    readonly CancellationTokenSource _stop = new();
    Task _reader = Task.CompletedTask;
    int _nextId;

    public ConcurrentQueue<string> ConsoleErrors { get; } = new();
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The browser to run, or null (the tests then skip, saying why).</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("XFORM_CHROMIUM") is { Length: > 0 } configured && File.Exists(configured)) return configured;
        return Executables.Find("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    }

    Chromium(Process process, string profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
    }

    public static async Task<Chromium> StartAsync(string executable, int width = 1440, int height = 1000)
    {
        var profile = Path.Combine(Path.GetTempPath(), "xform-chromium-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(profile);
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
                     "--disable-extensions", "--hide-scrollbars", "--mute-audio", "--allow-file-access-from-files",
                     $"--window-size={width},{height}", $"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank",
                 })
            info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Chromium writes the port it picked to DevToolsActivePort in the profile.
        var portFile = Path.Combine(profile, "DevToolsActivePort");
        var deadline = Stopwatch.StartNew();
        int port = 0;
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) throw new InvalidOperationException($"chromium exited with {process.ExitCode} before it opened DevTools");
            try
            {
                if (File.Exists(portFile) && File.ReadAllLines(portFile) is [var first, ..] && int.TryParse(first, out port) && port > 0) break;
            }
            catch (IOException) { }
            await Task.Delay(50);
        }
        if (port == 0) { process.Kill(true); throw new TimeoutException("chromium did not open its DevTools port within 60 s"); }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        string? pageUrl = null;
        while (pageUrl is null && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var list = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
            pageUrl = list.FirstOrDefault(t => (string?)t!["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
            if (pageUrl is null) await Task.Delay(50);
        }
        if (pageUrl is null) { process.Kill(true); throw new TimeoutException("chromium has no page target"); }

        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await socket.ConnectAsync(new Uri(pageUrl), CancellationToken.None);
        var browser = new Chromium(process, profile, socket);
        browser._reader = Task.Run(() => ReadLoop(socket, browser));
        await browser.Send("Page.enable");
        await browser.Send("Runtime.enable");
        await browser.Send("Log.enable");
        await browser.Send("Network.enable");
        return browser;
    }

    static async Task ReadLoop(ClientWebSocket socket, Chromium browser)
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open && !browser._stop.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, browser._stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray())!;
                message.SetLength(0);
                browser.Dispatch(node);
            }
        }
        catch (Exception) when (browser._stop.IsCancellationRequested) { }
        catch (WebSocketException) { }
        foreach (var p in browser._pending.Values) p.TrySetException(new InvalidOperationException("the DevTools connection closed"));
    }

    void Dispatch(JsonNode node)
    {
        if (node["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var waiter))
        {
            if (node["error"] is { } error) waiter.TrySetException(new InvalidOperationException("DevTools: " + error.ToJsonString()));
            else waiter.TrySetResult(node["result"] ?? new JsonObject());
            return;
        }
        var p = node["params"];
        string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        switch (Str(node["method"]))
        {
            case "Runtime.exceptionThrown":
                ConsoleErrors.Enqueue("exception: " + node["params"]?["exceptionDetails"]?.ToJsonString());
                break;
            case "Runtime.consoleAPICalled" when Str(p?["type"]) is "error" or "warning":
                ConsoleErrors.Enqueue("console: " + node["params"]?["args"]?.ToJsonString());
                break;
            case "Log.entryAdded" when Str(p?["entry"]?["level"]) is "error":
                ConsoleErrors.Enqueue("log: " + node["params"]?["entry"]?["text"]);
                break;
            case "Network.requestWillBeSent":
                Requests.Enqueue((string?)node["params"]?["request"]?["url"] ?? "");
                break;
        }
    }

    public async Task<JsonNode> Send(string method, object? parameters = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var waiter = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiter;
        var text = JsonSerializer.Serialize(new { id, method, @params = parameters ?? new { } });
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        var done = await Task.WhenAny(waiter.Task, Task.Delay(timeout ?? TimeSpan.FromSeconds(60)));
        if (done != waiter.Task) throw new TimeoutException($"DevTools {method} did not answer in time");
        return await waiter.Task;
    }

    /// <summary>Cuts the page off the network: every request fails as if the machine were offline.</summary>
    public Task Offline() => Send("Network.emulateNetworkConditions",
        new { offline = true, latency = 0, downloadThroughput = -1, uploadThroughput = -1 });

    public async Task Navigate(string url)
    {
        var result = await Send("Page.navigate", new { url });
        if (result["errorText"] is { } error) throw new InvalidOperationException($"could not open {url}: {error}");
    }

    /// <summary>Evaluates a JavaScript expression and returns its value as JSON (awaiting promises).</summary>
    public async Task<JsonNode?> Eval(string expression)
    {
        var result = await Send("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result["exceptionDetails"] is { } details) throw new InvalidOperationException($"page script failed: {details.ToJsonString()}\n{expression}");
        return result["result"]?["value"];
    }

    public async Task<T> Eval<T>(string expression) =>
        (await Eval(expression)) is { } node ? node.Deserialize<T>()! : throw new InvalidOperationException($"'{expression}' returned nothing");

    public async Task WaitFor(string condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            if ((await Eval($"!!({condition})"))?.GetValue<bool>() == true) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the page never got to: {condition}; console: {string.Join(" | ", ConsoleErrors)}");
    }

    /// <summary>Moves the mouse (and with <paramref name="button"/>, drags) like a person: real input events.</summary>
    public async Task Mouse(string type, double x, double y, string button = "none") =>
        await Send("Input.dispatchMouseEvent", new { type, x, y, button, buttons = button == "left" && type != "mouseReleased" ? 1 : 0, clickCount = button == "none" ? 0 : 1 });

    /// <summary>The centre of the first element matching a CSS selector, in viewport pixels (scrolled into view).</summary>
    public async Task<(double X, double Y)> Centre(string selector)
    {
        var box = (await Eval($"(() => {{ const e = document.querySelector({System.Text.Json.JsonSerializer.Serialize(selector)}); if (!e) return null; " +
            "e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()"))
            ?? throw new InvalidOperationException($"nothing matches {selector}");
        return (box["x"]!.GetValue<double>(), box["y"]!.GetValue<double>());
    }

    /// <summary>A PNG of the whole page, at its full height.</summary>
    public async Task<byte[]> Screenshot(int width = 1440)
    {
        var height = await Eval<int>("Math.ceil(document.documentElement.scrollHeight)");
        await Send("Emulation.setDeviceMetricsOverride", new { width, height = Math.Min(height, 8000), deviceScaleFactor = 1, mobile = false });
        await Task.Delay(300); // let Plotly's responsive charts settle at the new size
        var shot = await Send("Page.captureScreenshot", new { format = "png", captureBeyondViewport = true });
        await Send("Emulation.clearDeviceMetricsOverride");
        return Convert.FromBase64String(shot["data"]!.GetValue<string>());
    }

    public async ValueTask DisposeAsync()
    {
        try { await Send("Browser.close", timeout: TimeSpan.FromSeconds(5)); } catch (Exception) { /* it may be gone already */ }
        _stop.Cancel();
        try { if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        try { await _reader.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
        _socket.Dispose();
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
