using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xform.Cli.Tests.Docs;

/// <summary>
/// Headless Chromium driven over the DevTools protocol (a WebSocket to the page target). Started with a fresh profile
/// folder, no network services, and stopped (by its process id) on Dispose.
/// </summary>
sealed class HeadlessChromium : IDisposable
{
    readonly Process _process;
    readonly string _profile;
    readonly ClientWebSocket _socket = new();
    int _nextId;

    HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The chromium executable on PATH, or null.</summary>
    public static string? Find() => Executables.Find("chromium", "chromium-browser", "google-chrome");

    public static async Task<HeadlessChromium> StartAsync(string executable, int width = 1600, int height = 1000)
    {
        var profile = Path.Combine(Path.GetTempPath(), "xform-chromium-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(profile);
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     $"--user-data-dir={profile}", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                     $"--window-size={width},{height}", "about:blank",
                 })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("chromium did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.ConnectAsync().ConfigureAwait(false);
        }
        catch
        {
            browser.Dispose();
            throw;
        }
        return browser;
    }

    async Task ConnectAsync()
    {
        // Chromium writes the port it chose to DevToolsActivePort in the profile folder.
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(portFile) || new FileInfo(portFile).Length == 0)
        {
            if (_process.HasExited) throw new InvalidOperationException($"chromium exited with {_process.ExitCode}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("chromium did not open its DevTools port");
            await Task.Delay(50).ConfigureAwait(false);
        }
        var port = int.Parse((await File.ReadAllLinesAsync(portFile).ConfigureAwait(false))[0].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string? ws = null;
        while (ws is null)
        {
            var list = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list").ConfigureAwait(false))!.AsArray();
            ws = list.FirstOrDefault(t => (string?)t!["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
            if (ws is null)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("chromium has no page target");
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
        await _socket.ConnectAsync(new Uri(ws), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Sends one DevTools command and waits for its answer (events in between are dropped).</summary>
    public async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null, int timeoutSeconds = 30)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cts.Token).ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var ms = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, cts.Token).ConfigureAwait(false);
                ms.Write(buffer, 0, result.Count);
            } while (!result.EndOfMessage);
            var answer = JsonNode.Parse(ms.ToArray())!;
            if (answer["id"]?.GetValue<int>() != id) continue;
            if (answer["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return answer["result"]!;
        }
    }

    /// <summary>Evaluates a JavaScript expression in the page and returns its value as JSON.</summary>
    public async Task<JsonNode?> EvalAsync(string expression)
    {
        var r = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true,
        }).ConfigureAwait(false);
        if (r["exceptionDetails"] is { } ex) throw new InvalidOperationException($"page script failed: {ex.ToJsonString()}");
        return r["result"]?["value"]?.DeepClone();
    }

    public async Task NavigateAsync(string url, string readyExpression, int timeoutSeconds = 30)
    {
        await SendAsync("Page.enable").ConfigureAwait(false);
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url }).ConfigureAwait(false);
        await WaitForAsync(readyExpression, timeoutSeconds).ConfigureAwait(false);
    }

    public async Task WaitForAsync(string expression, int timeoutSeconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            try
            {
                if (await EvalAsync($"!!({expression})").ConfigureAwait(false) is JsonValue v && v.GetValue<bool>()) return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline) { /* page still loading */ }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {expression}");
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>A real mouse click (pressed and released) at page coordinates.</summary>
    public async Task ClickAsync(double x, double y)
    {
        foreach (var type in new[] { "mouseMoved", "mousePressed", "mouseReleased" })
            await SendAsync("Input.dispatchMouseEvent", new JsonObject
            {
                ["type"] = type, ["x"] = x, ["y"] = y, ["button"] = type == "mouseMoved" ? "none" : "left", ["clickCount"] = 1,
            }).ConfigureAwait(false);
    }

    public async Task TypeAsync(string text, bool pressEnter)
    {
        await SendAsync("Input.insertText", new JsonObject { ["text"] = text }).ConfigureAwait(false);
        if (!pressEnter) return;
        foreach (var type in new[] { "keyDown", "keyUp" })
            await SendAsync("Input.dispatchKeyEvent", new JsonObject
            {
                ["type"] = type, ["key"] = "Enter", ["code"] = "Enter", ["windowsVirtualKeyCode"] = 13, ["nativeVirtualKeyCode"] = 13,
            }).ConfigureAwait(false);
    }

    public async Task<byte[]> ScreenshotAsync()
    {
        var r = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }).ConfigureAwait(false);
        return Convert.FromBase64String(r["data"]!.GetValue<string>());
    }

    public void Dispose()
    {
        try { _socket.Dispose(); } catch (ObjectDisposedException) { }
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
