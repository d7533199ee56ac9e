using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xform.Adapters.DuckDb;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Insights.Tests;

/// <summary>The exported file, the server and the read-only connection, without a browser.</summary>
[TestFixture, NonParallelizable]
public sealed class ExportAndServerTests
{
    RetailProject _project = null!;

    [OneTimeSetUp]
    public void SetUp() => _project = RetailProject.Shared;

    InsightsSource Source()
    {
        var project = ProjectFileReader.Read(_project.Dir, []);
        var target = ProfileReader.Read(ProfileReader.ResolveDir(null, _project.Dir), project.ProfileName, null, _project.Dir);
        return new InsightsSource(target, project, _project.Dir, new Dictionary<string, object?>(),
            (t, root) => new DuckDbAdapter(t, root), message => TestContext.Progress.WriteLine(message));
    }

    /// <summary>Runs <paramref name="body"/> with the run's results edited, then puts them back.</summary>
    void WithRunResults(Func<JsonNode, JsonNode> edit, Action body)
    {
        var path = Path.Combine(_project.Dir, "target", "run_results.json");
        var original = File.ReadAllText(path);
        var stamp = File.GetLastWriteTimeUtc(path);
        try
        {
            File.WriteAllText(path, edit(JsonNode.Parse(original)!).ToJsonString());
            File.SetLastWriteTimeUtc(path, stamp);
            body();
        }
        finally
        {
            File.WriteAllText(path, original);
            File.SetLastWriteTimeUtc(path, stamp);
        }
    }

    [Test]
    public void Export_warns_when_the_last_build_failed_or_the_raw_data_is_newer_than_the_marts()
    {
        var page = Path.Combine(_project.Dir, "target", "insights-health.html");
        var clean = _project.Run("insights", "export", "--out", page);
        Assert.That(clean.Code, Is.EqualTo(0), clean.ToString());
        Assert.That(clean.Out + clean.Err, Does.Not.Contain("warn"), "a fresh, successful build warns of nothing");

        WithRunResults(root =>
        {
            var result = root["results"]!.AsArray().First(r => (string)r!["unique_id"]! == "model.retail.obt_overall_customer_kpis")!;
            result["status"] = "error";
            return root;
        }, () =>
        {
            var failed = _project.Run("insights", "export", "--out", page);
            Assert.That(failed.Code, Is.EqualTo(0), failed.ToString());
            // Another test of this fixture may have run 'xform run' last: the warning names whichever command it was.
            var which = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(_project.Dir, "target", "run_results.json")))!["args"]!["which"]!;
            Assert.That(failed.Out, Does.Contain($"the last 'xform {which}' failed (1 node with an error or failure: model.retail.obt_overall_customer_kpis)"));
            Assert.That(File.ReadAllText(page), Does.Contain($"the last \\u0027xform {which}\\u0027 failed"), "the page carries the warning");
        });

        var raw = Path.Combine(_project.Dir, "data", "sample", "transaction_logs.csv");
        var rawStamp = File.GetLastWriteTimeUtc(raw);
        try
        {
            File.SetLastWriteTimeUtc(raw, DateTime.UtcNow.AddHours(1));
            var stale = _project.Run("insights", "export", "--out", page);
            Assert.That(stale.Code, Is.EqualTo(0), stale.ToString());
            Assert.That(stale.Out, Does.Contain("the raw data data/sample/transaction_logs.csv changed at").And.Contain("run 'xform build'"));
        }
        finally
        {
            File.SetLastWriteTimeUtc(raw, rawStamp);
        }
    }

    [Test]
    public void A_project_without_the_retail_marts_is_told_so_in_one_line()
    {
        var dir = Path.Combine(Path.GetTempPath(), "xform-not-retail-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "models"));
            File.WriteAllText(Path.Combine(dir, "project.yml"), "name: shop\nversion: '1.0'\nprofile: shop\n");
            File.WriteAllText(Path.Combine(dir, "profiles.yml"), "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/shop.duckdb\n");
            File.WriteAllText(Path.Combine(dir, "models", "orders.sql"), "select 1 as id\n");
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = Xform.Cli.XformCli.Run(["insights", "export", "--project-dir", dir, "--no-color"], stdout, stderr);
            var text = (stdout + "" + stderr).Trim();
            Assert.That(code, Is.EqualTo(2), text);
            Assert.That(text.Split('\n'), Has.Length.EqualTo(1), text);
            Assert.That(text, Does.Contain("this project has none of the retail marts the insights page draws"));
            Assert.That(File.Exists(Path.Combine(dir, "target", "shop.duckdb")), Is.False, "the database was not touched");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Exported_file_inlines_everything_and_names_no_network_resource()
    {
        var html = File.ReadAllText(_project.PagePath);
        Assert.Multiple(() =>
        {
            Assert.That(Regex.IsMatch(html, @"<(script|link|img|iframe)[^>]+(src|href)\s*=", RegexOptions.IgnoreCase), Is.False,
                "the page loads a file");
            Assert.That(Regex.Matches(html, Regex.Escape("plotly.js (basic - minified) v4.1.1")).Count, Is.EqualTo(1), "one copy of plotly.js");
            Assert.That(html, Does.Contain("Content-Security-Policy").And.Contain("default-src 'none'"));
            Assert.That(Regex.Matches(html, "</script>", RegexOptions.IgnoreCase).Count, Is.EqualTo(4), "four script elements (data, plotly.js, the page's parts, page.js), none cut short");
        });
        var json = Regex.Match(html, "<script id=\"insights-data\" type=\"application/json\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        var data = JsonNode.Parse(json)!;
        var customers = _project.Scalar("select count(*) from obt_customer_kpis_and_segmentation");
        Assert.That(data["customers"]!["id"]!.AsArray(), Has.Count.EqualTo((int)customers));
        Assert.That((double)data["overall"]!["customers"]!, Is.EqualTo(customers));
        Assert.That(data["engagement"]!["date"]!.AsArray(), Has.Count.EqualTo((int)_project.Scalar("select count(*) from obt_customer_dau_mau_stickiness")));
    }

    [Test]
    public void Export_of_a_project_not_built_says_to_build_first()
    {
        using var bare = RetailProject.Create(build: false);
        var result = bare.Run("insights", "export", "--out", Path.Combine(bare.Dir, "x.html"));
        Assert.That(result.Code, Is.EqualTo(2), result.ToString());
        Assert.That(result.Err, Does.Contain("xform build"));
        Assert.That(File.Exists(Path.Combine(bare.Dir, "x.html")), Is.False);
    }

    [Test]
    public void The_page_opens_duckdb_read_only()
    {
        var project = ProjectFileReader.Read(_project.Dir, []);
        var target = ProfileReader.Read(ProfileReader.ResolveDir(null, _project.Dir), project.ProfileName, null, _project.Dir);
        var readOnly = InsightsSource.ReadOnlyTarget(target, project.RootDir);
        using var adapter = new DuckDbAdapter(readOnly, project.RootDir);
        using var connection = adapter.Open();
        // It reads the built mart: one row per customer with a sale line, counted here from the staged lines.
        var customers = RetailProject.ToDouble(connection.Query("select count(*) from obt_customer_kpis_and_segmentation").Rows.Single()[0]);
        var withSales = _project.Scalar("select count(distinct customer_id) from stg_transaction_logs where transaction_category = 'sale'");
        Assert.That(withSales, Is.GreaterThan(0), "the sample has customers with sales");
        Assert.That(customers, Is.EqualTo(withSales), "customers read through the page's read-only connection");
        Assert.That(() => connection.Execute("create table insights_should_not_write(i int)"), Throws.Exception,
            "a write went through the page's connection");
    }

    [Test]
    public async Task Server_answers_the_page_and_its_data_on_loopback_and_refuses_writes()
    {
        var source = Source();
        using var server = new InsightsServer(source.Load, 0);
        server.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = server.RunAsync(stop.Token);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.That(server.Url, Does.StartWith("http://127.0.0.1:"));

        var page = await http.GetAsync(server.Url);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("Customer insights").And.Contain("plotly.js (basic - minified)"));

        var data = JsonNode.Parse(await http.GetStringAsync(server.Url + "data.json"))!;
        Assert.That((double)data["overall"]!["customers"]!, Is.EqualTo(_project.Scalar("select customers from obt_overall_customer_kpis")));

        var post = await http.PostAsync(server.Url, new StringContent("x"));
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        // A POST without a body (HttpListener itself answers 411) must not stop the server either.
        using (var bare = new HttpRequestMessage(HttpMethod.Post, server.Url))
            Assert.That((int)(await http.SendAsync(bare)).StatusCode, Is.AnyOf(405, 411));
        var missing = await http.GetAsync(server.Url + "nope");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await http.GetAsync(server.Url + "data.json")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "still serving");

        // Between requests the server holds no connection: the project can be rebuilt while it serves.
        var rebuild = _project.Run("run", "--select", "obt_overall_customer_kpis");
        Assert.That(rebuild.Code, Is.EqualTo(0), rebuild.ToString());

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public void Loader_states_a_missing_mart_and_what_to_do()
    {
        var source = new InsightsSource(
            new TargetConfig("retail", "dev", "duckdb", "main", "", 1, new Dictionary<string, object?> { ["path"] = ":memory:" }),
            ProjectFileReader.Read(_project.Dir, []), _project.Dir, new Dictionary<string, object?>(),
            (t, root) => new DuckDbAdapter(t, root), _ => { });
        var error = Assert.Throws<XformException>(() => source.Load())!;
        Assert.That(error.Message, Does.Contain("obt_overall_customer_kpis").And.Contain("xform build"));
    }
}
