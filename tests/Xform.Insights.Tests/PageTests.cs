using System.Text.Json.Nodes;
using Xform.Tests;

namespace Xform.Insights.Tests;

/// <summary>
/// What the page tests share: the retail sample built once, a headless Chromium cut off from the network,
/// and helpers that drive the page and compare its numbers with the marts.
/// </summary>
public abstract class PageTests
{
    protected const string Obt = "obt_customer_kpis_and_segmentation";

    protected RetailProject _project = null!;
    Chromium? _browser;
    string _skip = "";

    [OneTimeSetUp]
    public async Task StartBrowser()
    {
        _project = RetailProject.Shared;
        var executable = Chromium.Find();
        if (executable is null)
        {
            _skip = "chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)";
            return;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _browser = await Chromium.StartAsync(executable);
        await _browser.Offline();
        TestContext.Progress.WriteLine($"chromium started in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [OneTimeTearDown]
    public async Task StopBrowser()
    {
        if (_browser is not null) await _browser.DisposeAsync();
    }

    protected Chromium Browser
    {
        get
        {
            if (_browser is null) Unavailable.Skip(_skip);
            return _browser;
        }
    }

    protected async Task Open(string path)
    {
        var browser = Browser;
        browser.ConsoleErrors.Clear();
        browser.Requests.Clear();
        // Via a blank page: a URL that differs from the open one only by its #fragment would not reload it.
        await browser.Navigate("about:blank");
        await browser.Navigate(path.Contains("://", StringComparison.Ordinal) ? path : new Uri(path).AbsoluteUri);
        await browser.WaitFor("document.readyState === 'complete' && window.xformInsights && window.xformInsights.ready");
    }

    protected async Task Select(string id, string value)
    {
        await Browser.Eval($"(() => {{ const s = document.getElementById('{id}'); s.value = {Js(value)}; s.dispatchEvent(new Event('change')); return s.value; }})()");
        Assert.That((await Browser.Eval($"document.getElementById('{id}').value"))!.GetValue<string>(), Is.EqualTo(value), $"{id} has no option '{value}'");
    }

    protected async Task<Dictionary<string, double?>> Kpis()
    {
        var node = (await Browser.Eval("window.xformInsights.kpis"))!.AsObject();
        return node.ToDictionary(kv => kv.Key, kv => kv.Value is null ? (double?)null : kv.Value.GetValue<double>());
    }

    protected async Task<string> TileText(string id) => (await Browser.Eval($"document.querySelector('#kpi-{id} .kpi-value').textContent"))!.GetValue<string>();

    protected async Task Screenshot(string name)
    {
        var png = await Browser.Screenshot();
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "insights-screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".png");
        await File.WriteAllBytesAsync(path, png);
        TestContext.AddTestAttachment(path, name);
        Assert.That(png.Length, Is.GreaterThan(10_000), "the screenshot is suspiciously small");
    }

    protected static string Js(string s) => System.Text.Json.JsonSerializer.Serialize(s);
    protected static string Sql(string s) => "'" + s.Replace("'", "''") + "'";

    protected static void Close(double? actual, double expected, string what)
    {
        Assert.That(actual, Is.Not.Null, what);
        Assert.That(actual!.Value, Is.EqualTo(expected).Within(Math.Max(1e-9, Math.Abs(expected) * 1e-9)), what);
    }

    protected void AssertOfflineAndClean()
    {
        var browser = Browser;
        Assert.That(browser.Requests.Where(u => !(u.StartsWith("file:", StringComparison.Ordinal) ||
            u.StartsWith("data:", StringComparison.Ordinal) || u.StartsWith("blob:", StringComparison.Ordinal) ||
            u.StartsWith("about:", StringComparison.Ordinal))), Is.Empty, "the page asked the network for something");
        Assert.That(browser.ConsoleErrors, Is.Empty, "the page logged errors");
    }
}
