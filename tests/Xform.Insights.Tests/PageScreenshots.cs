namespace Xform.Insights.Tests;

/// <summary>
/// Not part of the suite: full-page screenshots (1440 px wide) of an exported page, the real data's say, for a
/// person to look at, in a few states given as URL fragments.
/// XFORM_INSIGHTS_PAGE=page.html XFORM_INSIGHTS_SHOTS=folder dotnet test --filter Name~Screenshots_of_an_exported_page
/// </summary>
[Explicit("writes screenshots of a page named by XFORM_INSIGHTS_PAGE")]
public sealed class PageScreenshots
{
    static readonly (string Name, string Fragment)[] States =
    [
        ("01-overview", ""),
        ("02-sorted-by-sales", "#sort=monetary"),
        ("03-customer-12346", "#search=12346"),
        ("04-customer-16446", "#search=16446"),
        ("05-uk-autumn-2011", "#country=United+Kingdom&from=2011-09-01&to=2011-11-30"),
    ];

    [Test]
    public async Task Screenshots_of_an_exported_page()
    {
        var page = Environment.GetEnvironmentVariable("XFORM_INSIGHTS_PAGE");
        var folder = Environment.GetEnvironmentVariable("XFORM_INSIGHTS_SHOTS") ?? Path.Combine(Path.GetTempPath(), "insights-shots");
        if (page is null || !File.Exists(page)) Assert.Ignore("XFORM_INSIGHTS_PAGE names no exported page");
        var executable = Chromium.Find();
        if (executable is null) Assert.Ignore("chromium is not installed");
        Directory.CreateDirectory(folder);
        await using var browser = await Chromium.StartAsync(executable, 1440, 900);
        await browser.Offline();
        foreach (var (name, fragment) in States)
        {
            await browser.Navigate("about:blank");
            await browser.Navigate(new Uri(Path.GetFullPath(page)).AbsoluteUri + fragment);
            await browser.WaitFor("document.readyState === 'complete' && window.xformInsights && window.xformInsights.ready");
            var table = await browser.Eval("({ rows: window.xformInsights.table.rows, first: window.xformInsights.table.ids.slice(0, 10) })");
            TestContext.Progress.WriteLine($"{name}: {table?.ToJsonString()}");
            await File.WriteAllBytesAsync(Path.Combine(folder, name + ".png"), await browser.Screenshot());
        }
        Assert.That(browser.ConsoleErrors, Is.Empty, "the page logged errors");
    }
}
