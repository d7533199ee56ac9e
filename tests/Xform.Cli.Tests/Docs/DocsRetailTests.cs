using System.Diagnostics;
using System.Text.Json.Nodes;
using Xform.Cli.Tests.Retail;

namespace Xform.Cli.Tests.Docs;

/// <summary>
/// <c>docs generate</c> and <c>docs lineage</c> on a built copy of the retail project: catalog.json, the page in headless
/// Chromium, and column lineage checked against expectations written by reading the models' SQL.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DocsRetailTests
{
    TestProject _project = null!;
    CliResult _generate = null!;

    [OneTimeSetUp]
    public void BuildAndGenerate()
    {
        var watch = Stopwatch.StartNew();
        _project = RetailProjectTests.CopyRetailProject("retail_docs");
        // A folder-level tag, so the page's tag: selector has something to find.
        var projectYml = _project.Read("project.yml");
        _project.Write("project.yml", projectYml.Replace("    marts:\n      +materialized: table", "    marts:\n      +materialized: table\n      +tags: [mart]"));
        Assert.That(_project.Read("project.yml"), Does.Contain("+tags: [mart]"), "project.yml changed shape: update this test");
        var seed = _project.Run("seed", "--threads", "1");
        Assert.That(seed.ExitCode, Is.EqualTo(0), seed.ToString());
        var run = _project.Run("run", "--threads", "1");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var built = watch.Elapsed;
        _generate = _project.Run("docs", "generate");
        TestContext.Progress.WriteLine($"retail docs: seed+run {built.TotalSeconds:0.0}s, docs generate {(watch.Elapsed - built).TotalSeconds:0.0}s");
    }

    [OneTimeTearDown]
    public void CleanUp() => _project.Dispose();

    string Html => _project.Read("target/index.html");

    [Test]
    public void Generate_writes_a_catalog_read_from_the_engine()
    {
        Assert.That(_generate.ExitCode, Is.EqualTo(0), _generate.ToString());
        var catalog = JsonNode.Parse(_project.Read("target/catalog.json"))!;
        Assert.That((string?)catalog["metadata"]!["dbt_schema_version"], Is.EqualTo("https://schemas.getdbt.com/dbt/catalog/v1.json"));
        var fct = catalog["nodes"]!["model.retail.fct_customer_metrics"]!;
        Assert.That((string?)fct["metadata"]!["type"], Is.EqualTo("BASE TABLE"));
        Assert.That((string?)fct["metadata"]!["schema"], Is.EqualTo("main"));
        Assert.That((string?)fct["metadata"]!["name"], Is.EqualTo("fct_customer_metrics"));
        Assert.That((string?)fct["columns"]!["customer_id"]!["type"], Is.EqualTo("INTEGER"));
        Assert.That((int?)fct["columns"]!["customer_id"]!["index"], Is.EqualTo(1));
        var rows = Convert.ToInt64(_project.Query("select count(*) from main.fct_customer_metrics", Path.Combine(_project.Dir, "target/retail.duckdb"))[0][0]);
        Assert.That((long?)fct["stats"]!["row_count"]!["value"], Is.EqualTo(rows));
        Assert.That((string?)catalog["nodes"]!["model.retail.int_sales_lines"]!["metadata"]!["type"], Is.EqualTo("VIEW"));
        Assert.That(catalog["nodes"]!["model.retail.int_sales_lines"]!["stats"]!["row_count"], Is.Null, "views are not counted");
        Assert.That(catalog["nodes"]!["seed.retail.rfm_segment_mapping"]!["columns"]!.AsObject().Count, Is.GreaterThan(2));
        var source = catalog["sources"]!["source.retail.pos.transaction_logs"]!;
        Assert.That(source["columns"]!.AsObject().Select(c => c.Key), Does.Contain("InvoiceNo"));
    }

    [Test]
    public void The_page_is_self_contained()
    {
        var html = Html;
        Assert.That(html, Does.Not.Match(@"<script[^>]*\bsrc="), "no external scripts");
        Assert.That(html, Does.Not.Match(@"<link[^>]*\bhref="), "no external styles");
        Assert.That(html, Does.Not.Contain("@import"));
        Assert.That(html, Does.Not.Match(@"(src|href)=""(https?:)?//"), "nothing fetched from the network");
        Assert.That(html, Does.Contain("model.retail.fct_customer_metrics"));
    }

    /// <summary>Written by reading the SQL under models/: node.column -> its upstream columns (short names), direct copy or not.</summary>
    static readonly (string Column, string[] Sources, bool Direct)[] Expected =
    [
        ("fct_customer_metrics.customer_id", ["obt_customer_kpis_and_segmentation.customer_id"], true),
        ("fct_customer_metrics.snapshot_date", ["obt_customer_kpis_and_segmentation.snapshot_date"], true),
        ("fct_customer_metrics.rfm_group_key", ["obt_customer_kpis_and_segmentation.rfm_segment"], false),
        ("fct_customer_metrics.cltv_group_key", ["obt_customer_kpis_and_segmentation.cltv_segment"], false),
        ("fct_customer_metrics.churn_group_key", ["obt_customer_kpis_and_segmentation.churn_risk_group"], false),
        ("fct_customer_metrics.monetary", ["obt_customer_kpis_and_segmentation.monetary"], true),
        ("fct_customer_metrics.is_churned", ["obt_customer_kpis_and_segmentation.is_churned"], true),
        ("dim_customer.customer_id", ["int_customers.customer_id"], true),
        ("dim_customer.country", ["int_customers.country"], true),
        ("dim_customer.first_purchase_at", ["int_customer_rfm_values.first_purchase_at"], true),
        ("dim_customer.first_purchase_date", ["int_customer_rfm_values.first_purchase_at"], false),
        ("dim_rfm_group.rfm_segment", ["rfm_segment_mapping.rfm_segment"], true),
        ("dim_rfm_group.rfm_group_key", ["rfm_segment_mapping.rfm_segment"], false),
        ("dim_rfm_group.min_r_score", ["rfm_segment_mapping.min_r"], false),
        ("dim_rfm_group.max_m_score", ["rfm_segment_mapping.max_m"], false),
        ("dim_churn_group.risk_order", [], false),
        ("dim_churn_group.min_recency_days", ["churn_risk_mapping.low_risk", "churn_risk_mapping.medium_risk"], false),
        ("dim_cltv_group.min_cltv_profit", ["int_customer_cltv_segmentation.cltv_p33", "int_customer_cltv_segmentation.cltv_p66"], false),
        ("obt_customer_kpis_and_segmentation.customer_id", ["int_customer_rfm_values.customer_id"], true),
        ("obt_customer_kpis_and_segmentation.country", ["int_customers.country"], true),
        ("obt_customer_kpis_and_segmentation.customer_aov", ["int_customer_aov.customer_aov"], true),
        ("obt_customer_kpis_and_segmentation.rfm_segment", ["int_customer_rfm_segmentation.rfm_segment"], true),
        ("obt_customer_kpis_and_segmentation.churn_risk_group", ["int_customer_churn_segmentation.churn_risk_group"], true),
        ("obt_customer_kpis_and_segmentation.net_monetary", ["int_customer_net_value.net_monetary"], true),
        ("int_customer_net_value.net_monetary", ["int_customer_rfm_values.sales_value", "int_customer_daily_returns.returns_value"], false),
        ("int_customer_daily_returns.returns_value", ["stg_transaction_logs.line_amount"], false),
        ("obt_overall_customer_kpis.snapshot_date", ["int_snapshot_date.snapshot_date"], true),
        ("obt_overall_customer_kpis.customers", [], false),
        ("obt_overall_customer_kpis.orders", ["int_customer_invoices.invoice_no"], false),
        ("obt_overall_customer_kpis.gross_sales", ["int_customer_invoices.sales_amount"], false),
        ("obt_overall_customer_kpis.returns_value", ["int_category_totals.gross_value"], false),
        ("obt_overall_customer_kpis.net_revenue", ["int_customer_invoices.sales_amount", "int_category_totals.gross_value"], false),
        ("obt_overall_customer_kpis.overall_aov", ["int_customer_invoices.invoice_no", "int_customer_invoices.sales_amount"], false),
        ("obt_overall_customer_kpis.total_cltv_profit", ["obt_customer_kpis_and_segmentation.customer_cltv_profit"], false),
        ("obt_overall_customer_kpis.churned_customers", ["obt_customer_kpis_and_segmentation.is_churned"], false),
        ("obt_overall_customer_kpis.avg_dau", ["obt_customer_dau_mau_stickiness.dau"], false),
        ("obt_overall_customer_kpis.customers_per_rfm_segment", ["obt_customer_kpis_and_segmentation.rfm_segment"], false),
        ("obt_customer_dau_mau_stickiness.stickiness", ["int_daily_engagement.stickiness"], true),
        ("int_sales_lines.line_amount", ["stg_transaction_logs.line_amount"], true), // select * expanded
        ("stg_transaction_logs.invoice_no", ["pos.transaction_logs.InvoiceNo"], false),
        ("stg_transaction_logs.line_amount", ["pos.transaction_logs.Quantity", "pos.transaction_logs.UnitPrice"], false),
    ];

    [Test]
    public void Column_lineage_of_the_retail_models_matches_hand_written_expectations()
    {
        var models = Expected.Select(e => e.Column.Split('.')[0]).Distinct().ToList();
        var watch = Stopwatch.StartNew();
        var result = _project.Run(["docs", "lineage", "--format", "json", "--columns", "-s", .. models]);
        TestContext.Progress.WriteLine($"docs lineage --columns of {models.Count} models: {watch.Elapsed.TotalSeconds:0.00}s");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var json = JsonNode.Parse(result.Out)!;
        // model.retail.x -> x, source.retail.pos.t -> pos.t
        static string Short(string id) => string.Join('.', id.Split('.').Skip(2));
        Assert.Multiple(() =>
        {
            foreach (var (column, sources, direct) in Expected)
            {
                var (model, col) = (column.Split('.')[0], column.Split('.')[1]);
                var node = json["nodes"]!.AsArray().FirstOrDefault(n => (string?)n!["name"] == model);
                Assert.That(node, Is.Not.Null, $"{model} is missing from the output");
                var lineage = node?["columns"]?[col];
                Assert.That(lineage, Is.Not.Null, $"{column} has no lineage");
                if (lineage is null) continue;
                var actual = lineage["sources"]!.AsArray()
                    .Select(s => $"{Short((string)s!["node"]!)}.{(string)s["column"]!}").ToList();
                Assert.That(actual, Is.EquivalentTo(sources), column);
                Assert.That((bool)lineage["direct"]!, Is.EqualTo(direct), $"{column}: direct");
                Assert.That(lineage["unknown"]!.AsArray(), Is.Empty, $"{column}: nothing unknown");
            }
        });
        Assert.That(Expected, Has.Length.GreaterThanOrEqualTo(20));
    }

    [Test]
    public void Lineage_prints_the_selected_graph_as_mermaid_dot_and_json()
    {
        var mermaid = _project.Run("docs", "lineage", "--format", "mermaid", "-s", "+dim_customer");
        Assert.That(mermaid.ExitCode, Is.EqualTo(0), mermaid.ToString());
        Assert.That(mermaid.Out, Does.StartWith("flowchart LR"));
        Assert.That(mermaid.Out, Does.Contain("model_retail_int_customers --> model_retail_dim_customer"));
        Assert.That(mermaid.Out, Does.Not.Contain("fct_customer_metrics"), "respects --select");
        var dot = _project.Run("docs", "lineage", "--format", "dot", "-s", "dim_customer", "int_customers");
        Assert.That(dot.Out, Does.Contain("\"model.retail.int_customers\" -> \"model.retail.dim_customer\";"));
        var columns = _project.Run("docs", "lineage", "--format", "mermaid", "--columns", "-s", "int_customers", "dim_customer");
        Assert.That(columns.Out, Does.Contain("model_retail_int_customers__country -.-> model_retail_dim_customer__country"));
        var bad = _project.Run("docs", "lineage", "--format", "svg");
        Assert.That(bad.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public async Task Serve_serves_the_generated_page_on_loopback()
    {
        var port = FreePort();
        using var server = Xform.Cli.Commands.DocsServer.Start(Path.Combine(_project.Dir, "target"), port);
        using var http = new HttpClient();
        var page = await http.GetStringAsync(server.Url);
        Assert.That(page, Does.Contain("xform-data"));
        var catalog = await http.GetAsync(server.Url + "catalog.json");
        Assert.That(catalog.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        var outside = await http.GetAsync(server.Url + "..%2Fproject.yml");
        Assert.That((int)outside.StatusCode, Is.EqualTo(404));
    }

    static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    List<string> CliSelect(string spec)
    {
        var r = _project.Run("docs", "lineage", "--format", "json", "-s", spec);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        return JsonNode.Parse(r.Out)!["nodes"]!.AsArray().Select(n => (string)n!["unique_id"]!).OrderBy(x => x, StringComparer.Ordinal).ToList();
    }

    [Test]
    public async Task The_page_in_headless_chromium_renders_every_node_selects_and_filters()
    {
        var chromium = HeadlessChromium.Find();
        if (chromium is null) Unavailable.Skip("chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)");
        var watch = Stopwatch.StartNew();
        var graphNodes = CliSelect("*"); // every model, seed, snapshot and source, as the command line selects them
        using var browser = await HeadlessChromium.StartAsync(chromium);
        var url = new Uri(Path.Combine(_project.Dir, "target", "index.html")).AbsoluteUri;
        await browser.NavigateAsync(url, "document.body && document.body.getAttribute('data-ready') === 'true'");
        TestContext.Progress.WriteLine($"chromium started and page ready in {watch.Elapsed.TotalSeconds:0.0}s");

        // Every node is drawn.
        var drawn = (await browser.EvalAsync("Array.from(document.querySelectorAll('#nodes .node')).map(g => g.getAttribute('data-id'))"))!
            .AsArray().Select(x => (string)x!).OrderBy(x => x, StringComparer.Ordinal).ToList();
        Assert.That(drawn, Is.EqualTo(graphNodes));
        Assert.That(drawn, Has.Count.GreaterThanOrEqualTo(31));
        Assert.That((int)(await browser.EvalAsync("document.querySelectorAll('#edges .edge').length"))!, Is.GreaterThan(30));

        // A real mouse click on fct_customer_metrics shows its columns, types and upstream columns.
        var box = (await browser.EvalAsync(
            "(() => { const r = document.querySelector('#nodes .node[data-id=\"model.retail.fct_customer_metrics\"] rect').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"))!.AsArray();
        await browser.ClickAsync((double)box[0]!, (double)box[1]!);
        await browser.WaitForAsync("document.getElementById('details-name') && document.getElementById('details-name').textContent === 'fct_customer_metrics'");
        var columns = (await browser.EvalAsync(
            "Array.from(document.querySelectorAll('#columns-table tr[data-column]')).map(r => [r.getAttribute('data-column'), r.querySelector('.col-type').textContent, r.querySelector('.col-lineage').textContent])"))!
            .AsArray().Select(r => (Name: (string)r![0]!, Type: (string)r[1]!, Lineage: (string)r[2]!)).ToList();
        Assert.That(columns.Select(c => c.Name), Is.SupersetOf(new[] { "customer_id", "snapshot_date", "rfm_group_key", "monetary", "is_churned" }));
        Assert.That(columns.First(c => c.Name == "customer_id").Type, Is.EqualTo("INTEGER"));
        Assert.That(columns.First(c => c.Name == "customer_id").Lineage, Does.Contain("obt_customer_kpis_and_segmentation.customer_id"));
        var details = (string)(await browser.EvalAsync("document.getElementById('details').textContent"))!;
        Assert.That(details, Does.Contain("not_null"), "column tests are listed");
        Assert.That(details, Does.Contain("Compiled SQL"));
        // Its upstream is highlighted, its unrelated nodes dimmed.
        var up = (int)(await browser.EvalAsync("document.querySelectorAll('#nodes .node.up').length"))!;
        var ancestors = CliSelect("+fct_customer_metrics").Count - 1;
        Assert.That(up, Is.EqualTo(ancestors));
        Assert.That((int)(await browser.EvalAsync("document.querySelectorAll('#nodes .node.dim').length"))!, Is.GreaterThan(0));
        await SaveScreenshot(browser, "docs-selected-fct_customer_metrics.png");

        // Clicking a column traces it through every model back to the raw source columns, and forward.
        var trace = (await browser.EvalAsync(
            "(() => { const a = document.querySelector('#columns-table a.trace[data-column=\"monetary\"]'); a.scrollIntoView({block: 'center'}); const r = a.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"))!.AsArray();
        await browser.ClickAsync((double)trace[0]!, (double)trace[1]!);
        await browser.WaitForAsync("document.getElementById('column-trace').textContent.includes('Column trace: monetary')");
        var traced = (string)(await browser.EvalAsync("document.getElementById('column-trace').textContent"))!;
        Assert.That(traced, Does.Contain("obt_customer_kpis_and_segmentation.monetary"));
        Assert.That(traced, Does.Contain("stg_transaction_logs.line_amount"));
        Assert.That(traced, Does.Contain("pos.transaction_logs.Quantity"));
        Assert.That(traced, Does.Contain("pos.transaction_logs.UnitPrice"));
        await SaveScreenshot(browser, "docs-column-trace-monetary.png");

        // Typing a selector into the filter box reduces the graph to what the command line selects.
        await browser.EvalAsync("document.getElementById('filter').focus()");
        await browser.TypeAsync("+dim_customer", pressEnter: true);
        await browser.WaitForAsync($"document.querySelectorAll('#nodes .node').length < {graphNodes.Count}");
        var filtered = (await browser.EvalAsync("Array.from(document.querySelectorAll('#nodes .node')).map(g => g.getAttribute('data-id'))"))!
            .AsArray().Select(x => (string)x!).OrderBy(x => x, StringComparer.Ordinal).ToList();
        Assert.That(filtered, Is.EqualTo(CliSelect("+dim_customer")));
        await SaveScreenshot(browser, "docs-filter-plus-dim_customer.png");

        // The page evaluates selectors like the command line does.
        foreach (var spec in new[] { "tag:mart", "int_customer_rfm_values+", "resource_type:seed", "staging", "+obt_overall_customer_kpis,config.materialized:view",
                     "source:pos+1", "2+dim_customer", "path:models/intermediate", "int_customer_*" })
        {
            var js = (await browser.EvalAsync($"window.xformDocs.select({System.Text.Json.JsonSerializer.Serialize(spec)})"))!
                .AsArray().Select(x => (string)x!).Where(id => !id.StartsWith("test.", StringComparison.Ordinal)).ToList();
            Assert.That(js, Is.EqualTo(CliSelect(spec)), spec);
        }
        // A bad selector is reported in the page, not thrown away silently.
        await browser.EvalAsync("window.xformDocs.filter('nosuch:x')");
        Assert.That((string)(await browser.EvalAsync("document.getElementById('filter-status').textContent"))!, Does.Contain("unknown selector method"));

        // Search finds nodes by column name.
        await browser.EvalAsync("window.xformDocs.filter('')");
        await browser.EvalAsync("document.getElementById('search').focus()");
        await browser.TypeAsync("stickiness", pressEnter: false);
        var hits = (await browser.EvalAsync("Array.from(document.querySelectorAll('#search-results .hit')).map(h => h.getAttribute('data-id'))"))!
            .AsArray().Select(x => (string)x!).ToList();
        Assert.That(hits, Does.Contain("model.retail.obt_customer_dau_mau_stickiness"));
        TestContext.Progress.WriteLine($"chromium docs test: {watch.Elapsed.TotalSeconds:0.0}s");
    }

    [Test]
    public async Task On_first_open_at_1280x800_the_graph_is_layered_readable_and_whole_and_the_details_pane_closed()
    {
        var chromium = HeadlessChromium.Find();
        if (chromium is null) Unavailable.Skip("chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)");
        // Longest path from a root, computed here from the command line's depends_on: sources and seeds are 0.
        var lineage = _project.Run("docs", "lineage", "--format", "json", "-s", "*");
        Assert.That(lineage.ExitCode, Is.EqualTo(0), lineage.ToString());
        var parents = JsonNode.Parse(lineage.Out)!["nodes"]!.AsArray().ToDictionary(
            n => (string)n!["unique_id"]!, n => n!["depends_on"]!.AsArray().Select(p => (string)p!).ToList());
        var depth = new Dictionary<string, int>();
        int Depth(string id) => depth.TryGetValue(id, out var d) ? d
            : depth[id] = parents[id].Where(parents.ContainsKey).Select(p => Depth(p) + 1).DefaultIfEmpty(0).Max();
        foreach (var id in parents.Keys) Depth(id);
        Assert.That(depth.Values.Max(), Is.GreaterThanOrEqualTo(8), "the retail project is deep: the test means something");

        using var browser = await HeadlessChromium.StartAsync(chromium, 1280, 800);
        var url = new Uri(Path.Combine(_project.Dir, "target", "index.html")).AbsoluteUri;
        await browser.NavigateAsync(url, "document.body && document.body.getAttribute('data-ready') === 'true'");
        var page = (await browser.EvalAsync("""
            (() => {
              const nodes = Array.from(document.querySelectorAll('#nodes .node')).map(g => {
                const r = g.querySelector('rect').getBoundingClientRect(), t = g.querySelector('text');
                const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a; // the label's size on screen
                return { id: g.getAttribute('data-id'), left: r.left, right: r.right, top: r.top, bottom: r.bottom, px: px };
              });
              const graph = document.getElementById('graph').getBoundingClientRect();
              return { width: innerWidth, height: innerHeight, details: document.getElementById('details').getBoundingClientRect().width,
                       graph: [graph.left, graph.top, graph.right, graph.bottom], nodes: nodes };
            })()
            """))!;
        await SaveScreenshot(browser, "docs-first-open-1280x800.png");
        Assert.That((int)page["width"]!, Is.EqualTo(1280));
        var nodes = page["nodes"]!.AsArray().Select(n => (Id: (string)n!["id"]!, Left: (double)n["left"]!, Right: (double)n["right"]!,
            Top: (double)n["top"]!, Bottom: (double)n["bottom"]!, Px: (double)n["px"]!)).ToList();
        Assert.That(nodes.Select(n => n.Id), Is.EquivalentTo(parents.Keys));

        // Layered left to right: every node of a layer starts where the layer starts, right of the whole previous layer.
        var layers = nodes.GroupBy(n => depth[n.Id]).OrderBy(g => g.Key).ToList();
        Assert.That(layers.Select(l => l.Key), Is.EqualTo(Enumerable.Range(0, layers.Count)));
        for (var i = 0; i < layers.Count; i++)
        {
            Assert.That(layers[i].Select(n => n.Left).Distinct(), Has.Exactly(1).Items, $"layer {i} is one column");
            if (i > 0) Assert.That(layers[i].Min(n => n.Left), Is.GreaterThan(layers[i - 1].Max(n => n.Right)), $"layer {i} is right of layer {i - 1}");
        }
        var x = nodes.ToDictionary(n => n.Id, n => n.Left);
        Assert.That(x["source.retail.pos.transaction_logs"], Is.LessThan(x["model.retail.stg_transaction_logs"]));
        Assert.That(x["model.retail.stg_transaction_logs"], Is.LessThan(x["model.retail.int_sales_lines"]));
        Assert.That(x["model.retail.int_sales_lines"], Is.LessThan(x["model.retail.obt_customer_kpis_and_segmentation"]));
        Assert.That(x["model.retail.obt_customer_kpis_and_segmentation"], Is.LessThan(x["model.retail.fct_customer_metrics"]));

        // Readable and whole: labels of at least 11 px, every node inside the graph pane and the 1280x800 window.
        Assert.That(nodes.Min(n => n.Px), Is.GreaterThanOrEqualTo(11.0));
        var graph = page["graph"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.That(graph[2], Is.LessThanOrEqualTo(1280).And.GreaterThan(640), "the graph has the room");
        Assert.That(graph[3], Is.LessThanOrEqualTo(800));
        Assert.Multiple(() =>
        {
            foreach (var n in nodes)
                Assert.That(n.Left >= graph[0] && n.Top >= graph[1] && n.Right <= graph[2] && n.Bottom <= graph[3], Is.True, $"{n.Id} is inside the graph pane");
        });
        // Nothing selected: the details pane is closed; a click opens it.
        Assert.That((double)page["details"]! / 1280, Is.LessThan(0.3));
        var stg = nodes.First(n => n.Id == "model.retail.stg_transaction_logs");
        await browser.ClickAsync((stg.Left + stg.Right) / 2, (stg.Top + stg.Bottom) / 2);
        await browser.WaitForAsync("document.getElementById('details-name') && document.getElementById('details-name').textContent === 'stg_transaction_logs'");
        Assert.That((double)(await browser.EvalAsync("document.getElementById('details').getBoundingClientRect().width"))!, Is.GreaterThan(300));
        Assert.That((bool)(await browser.EvalAsync(
            "(() => { const r = document.querySelector('#nodes .node[data-id=\"model.retail.stg_transaction_logs\"] rect').getBoundingClientRect(), g = document.getElementById('graph').getBoundingClientRect(); return r.left >= g.left && r.right <= g.right; })()"))!,
            Is.True, "the clicked node stays in view beside the opened pane");
        await browser.EvalAsync("document.getElementById('close-details').click()");
        Assert.That((double)(await browser.EvalAsync("document.getElementById('details').getBoundingClientRect().width"))!, Is.EqualTo(0));
    }

    [Test]
    public async Task Descriptions_render_formulas_as_written_with_commonmark_emphasis_and_no_markup()
    {
        var chromium = HeadlessChromium.Find();
        if (chromium is null) Unavailable.Skip("chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)");
        using var browser = await HeadlessChromium.StartAsync(chromium, 1280, 800);
        var url = new Uri(Path.Combine(_project.Dir, "target", "index.html")).AbsoluteUri;
        await browser.NavigateAsync(url + "#" + Uri.EscapeDataString("model.retail.int_customer_cltv"),
            "document.getElementById('details-name') && document.getElementById('details-name').textContent === 'int_customer_cltv'");
        var description = (string)(await browser.EvalAsync("document.getElementById('details-body').querySelector('h3 + p').textContent"))!;
        Assert.That(description, Does.Contain("avg_line_value * frequency * tenure_days"));
        Assert.That((int)(await browser.EvalAsync("document.querySelectorAll('#details-body em, #details-body strong').length"))!, Is.EqualTo(0));
        var column = (string)(await browser.EvalAsync("document.querySelector('#columns-table tr[data-column=\"customer_cltv_revenue\"]').textContent"))!;
        Assert.That(column, Does.Contain("avg_line_value * frequency * tenure_days"));
        await SaveScreenshot(browser, "docs-cltv-description.png");

        // The page's Markdown function, case by case (CommonMark's answers).
        var cases = new (string Markdown, string Html)[]
        {
            ("a * b * c", "<p>a * b * c</p>"),
            ("avg_line_value * frequency * tenure_days", "<p>avg_line_value * frequency * tenure_days</p>"),
            ("snake_case_name and _em_ here", "<p>snake_case_name and <em>em</em> here</p>"),
            ("*em* and **strong** and ***both***", "<p><em>em</em> and <strong>strong</strong> and <em><strong>both</strong></em></p>"),
            ("a*b*c", "<p>a<em>b</em>c</p>"),
            ("2 * 3 = *six*", "<p>2 * 3 = <em>six</em></p>"),
            ("`a * b * c` and `x*y*z`", "<p><code>a * b * c</code> and <code>x*y*z</code></p>"),
            ("`` a`b ``", "<p><code>a`b</code></p>"),
            ("\\*not em\\*", "<p>*not em*</p>"),
            ("**unclosed", "<p>**unclosed</p>"),
            ("<script>alert(1)</script> *x*", "<p>&lt;script&gt;alert(1)&lt;/script&gt; <em>x</em></p>"),
            ("[docs](https://example.org/a?b=1&c=2) [bad](javascript:alert(1))",
                "<p><a href=\"https://example.org/a?b=1&amp;c=2\">docs</a> [bad](javascript:alert(1))</p>"),
            ("- one * two\n- *three*", "<ul><li>one * two</li><li><em>three</em></li></ul>"),
        };
        Assert.Multiple(() =>
        {
            foreach (var (markdown, html) in cases)
                Assert.That(Eval(browser, $"window.xformDocs.markdown({System.Text.Json.JsonSerializer.Serialize(markdown)})"), Is.EqualTo(html), markdown);
        });
        // A description is never markup: an injected script stays text and does not run.
        Assert.That(Eval(browser, """
            (() => { const d = document.createElement('div'); d.innerHTML = window.xformDocs.markdown('<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>');
                     document.body.appendChild(d); return d.querySelectorAll('img, script').length + ':' + (window.pwned || 0); })()
            """), Is.EqualTo("0:0"));
    }

    static string Eval(HeadlessChromium browser, string expression) => (string)browser.EvalAsync(expression).GetAwaiter().GetResult()!;

    static async Task SaveScreenshot(HeadlessChromium browser, string name)
    {
        var png = await browser.ScreenshotAsync();
        Assert.That(png, Has.Length.GreaterThan(10_000));
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "artifacts");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        await File.WriteAllBytesAsync(path, png);
        TestContext.AddTestAttachment(path, name);
    }
}
