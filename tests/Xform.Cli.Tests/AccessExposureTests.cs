using System.Text.Json;

namespace Xform.Cli.Tests;

/// <summary>Groups and model access, exposures, semantic models, metrics and saved queries (issue 14, items 2 and 3).</summary>
public class AccessExposureTests
{
    const string Governance = """
        groups:
          - name: finance
            owner: {name: Finance team, email: finance@example.com}
          - name: marketing
            owner: {name: Marketing}
        models:
          - name: ledger
            access: private
            config:
              group: finance
          - name: revenue
            config:
              group: finance
              access: public
        """;

    const string Objects = """
        exposures:
          - name: weekly_kpis
            label: Weekly KPIs
            type: dashboard
            maturity: high
            url: https://bi.example.com/kpis
            description: the Monday dashboard
            owner: {name: Analytics, email: analytics@example.com}
            depends_on:
              - ref('revenue')
              - source('raw', 'events')
        semantic_models:
          - name: revenue_sm
            model: ref('revenue')
            entities: [{name: id, type: primary}]
            measures:
              - name: total
                agg: sum
                expr: amount
        metrics:
          - name: total_revenue
            label: Total revenue
            type: simple
            type_params:
              measure: total
        saved_queries:
          - name: revenue_by_week
            query_params:
              metrics: [total_revenue]
        """;

    static TestProject Project()
    {
        var p = new TestProject();
        p.Write("models/governance.yml", Governance);
        p.Write("models/objects.yml", Objects);
        p.Write("models/sources.yml", "sources:\n  - name: raw\n    tables:\n      - name: events\n");
        p.Write("models/ledger.sql", "select 1 as id, 10 as amount");
        p.Write("models/revenue.sql", "select * from {{ ref('ledger') }}");
        p.Write("models/report.sql", "select * from {{ ref('revenue') }}");
        p.Write("models/other.sql", "select 1 as id");
        return p;
    }

    static void Clean(CliResult r)
    {
        Assert.That(r.All, Does.Not.Contain("   at "));
        Assert.That(r.All, Does.Not.Contain("internal error"));
    }

    static string[] Lines(CliResult r) =>
        r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.Contains(": warning: ")).ToArray();

    [Test]
    public void A_private_model_is_read_inside_its_group_and_the_project_builds()
    {
        using var p = Project();
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Clean(r);
        Assert.That(p.Scalar("select amount from report"), Is.EqualTo(10));
        Assert.That(r.All, Does.Not.Contain("accepted but not used"), "groups, access and the YAML objects are used now");
    }

    [Test]
    public void A_ref_to_a_private_model_from_outside_its_group_is_dbts_error_at_the_ref_and_nothing_runs()
    {
        using var p = Project();
        Assert.That(p.Run("build").ExitCode, Is.Zero);
        p.Write("models/other.sql", "select 2 as id\nunion all select id from {{ ref('ledger') }}");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Clean(r);
        Assert.That(r.Err, Does.Contain("models/other.sql:2:29: error: Node model.proj.other attempted to reference node model.proj.ledger, " +
                                        "which is not allowed because the referenced node is private to the 'finance' group."));
        Assert.That(p.Scalar("select count(*) from other"), Is.EqualTo(1L), "the previous table is unchanged");
    }

    [Test]
    public void Project_level_group_and_access_apply_and_an_undeclared_group_is_an_error()
    {
        using (var p = Project())
        {
            p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    mkt:\n      +group: marketing\n      +access: private\n");
            p.Write("models/mkt/campaigns.sql", "select 1 as id");
            p.Write("models/mkt/campaign_report.sql", "select * from {{ ref('campaigns') }}");
            var ok = p.Run("parse");
            Assert.That(ok.ExitCode, Is.Zero, ok.ToString());
            using (var doc = JsonDocument.Parse(p.Read("target/manifest.json")))
            {
                var campaigns = doc.RootElement.GetProperty("nodes").GetProperty("model.proj.campaigns");
                Assert.That(campaigns.GetProperty("group").GetString(), Is.EqualTo("marketing"));
                Assert.That(campaigns.GetProperty("access").GetString(), Is.EqualTo("private"));
            }
            p.Write("models/other.sql", "select * from {{ ref('campaigns') }}");
            var r = p.Run("parse");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Clean(r);
            Assert.That(r.Err, Does.Contain("models/other.sql:1:18: error: Node model.proj.other attempted to reference node model.proj.campaigns, " +
                                            "which is not allowed because the referenced node is private to the 'marketing' group."));
        }
        using (var p = Project())
        {
            p.Write("models/governance.yml", Governance.Replace("group: finance\n      access: public", "group: finanse\n      access: public"));
            var r = p.Run("parse");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Clean(r);
            Assert.That(r.Err, Does.Contain("models/governance.yml:13:14: error: model.proj.revenue belongs to group 'finanse', which no groups: entry declares. Did you mean 'finance'?"));
        }
        using (var p = Project())
        {
            p.Write("models/governance.yml", Governance.Replace("access: private", "access: secret"));
            var r = p.Run("parse");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Clean(r);
            Assert.That(r.Err, Does.Contain("models/governance.yml:8:13: error: config 'access' must be private, protected or public"));
        }
    }

    [Test]
    public void The_manifest_has_access_groups_and_every_yaml_object_with_its_dependencies()
    {
        using var p = Project();
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(p.Read("target/manifest.json"));
        var root = doc.RootElement;
        var ledger = root.GetProperty("nodes").GetProperty("model.proj.ledger");
        Assert.That(ledger.GetProperty("access").GetString(), Is.EqualTo("private"));
        Assert.That(ledger.GetProperty("group").GetString(), Is.EqualTo("finance"));
        Assert.That(root.GetProperty("nodes").GetProperty("model.proj.revenue").GetProperty("access").GetString(), Is.EqualTo("public"));
        Assert.That(root.GetProperty("nodes").GetProperty("model.proj.other").GetProperty("access").GetString(), Is.EqualTo("protected"));
        var finance = root.GetProperty("groups").GetProperty("group.proj.finance");
        Assert.That(finance.GetProperty("owner").GetProperty("email").GetString(), Is.EqualTo("finance@example.com"));
        Assert.That(root.GetProperty("group_map").GetProperty("finance").EnumerateArray().Select(e => e.GetString()),
            Is.EqualTo(new[] { "model.proj.ledger", "model.proj.revenue" }));

        var exposure = root.GetProperty("exposures").GetProperty("exposure.proj.weekly_kpis");
        Assert.That(exposure.GetProperty("resource_type").GetString(), Is.EqualTo("exposure"));
        Assert.That(exposure.GetProperty("type").GetString(), Is.EqualTo("dashboard"));
        Assert.That(exposure.GetProperty("label").GetString(), Is.EqualTo("Weekly KPIs"));
        Assert.That(exposure.GetProperty("url").GetString(), Is.EqualTo("https://bi.example.com/kpis"));
        Assert.That(exposure.GetProperty("depends_on").GetProperty("nodes").EnumerateArray().Select(e => e.GetString()),
            Is.EqualTo(new[] { "model.proj.revenue", "source.proj.raw.events" }));
        Assert.That(root.GetProperty("semantic_models").GetProperty("semantic_model.proj.revenue_sm").GetProperty("depends_on").GetProperty("nodes")[0].GetString(),
            Is.EqualTo("model.proj.revenue"));
        Assert.That(root.GetProperty("metrics").GetProperty("metric.proj.total_revenue").GetProperty("depends_on").GetProperty("nodes")[0].GetString(),
            Is.EqualTo("semantic_model.proj.revenue_sm"));
        Assert.That(root.GetProperty("saved_queries").GetProperty("saved_query.proj.revenue_by_week").GetProperty("depends_on").GetProperty("nodes")[0].GetString(),
            Is.EqualTo("metric.proj.total_revenue"));
    }

    [Test]
    public void Exposures_and_semantic_objects_are_listed_and_selected_and_plus_exposure_builds_its_upstream_models()
    {
        using var p = Project();
        var all = p.Run("ls");
        Assert.That(all.ExitCode, Is.Zero, all.ToString());
        Assert.That(Lines(all), Is.SupersetOf(new[] { "exposure:proj.weekly_kpis", "metric:proj.total_revenue", "semantic_model:proj.revenue_sm", "saved_query:proj.revenue_by_week" }));
        Assert.That(Lines(p.Run("ls", "--resource-type", "exposure")), Is.EqualTo(new[] { "exposure:proj.weekly_kpis" }));
        Assert.That(Lines(p.Run("ls", "--resource-type", "metric", "semantic_model")), Is.EquivalentTo(new[] { "metric:proj.total_revenue", "semantic_model:proj.revenue_sm" }));
        Assert.That(Lines(p.Run("ls", "--select", "exposure:weekly_kpis")), Is.EqualTo(new[] { "exposure:proj.weekly_kpis" }));
        Assert.That(Lines(p.Run("ls", "--select", "+exposure:weekly_kpis", "--output", "name")),
            Is.EquivalentTo(new[] { "ledger", "revenue", "events", "weekly_kpis" }));
        Assert.That(Lines(p.Run("ls", "--select", "+saved_query:revenue_by_week", "--resource-type", "model", "--output", "name")),
            Is.EquivalentTo(new[] { "ledger", "revenue" }));

        var r = p.Run("build", "--select", "+exposure:weekly_kpis");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Clean(r);
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "ledger", "revenue" }), "only the exposure's upstream models are built");
    }

    [Test]
    public void The_docs_site_shows_the_exposure_and_semantic_objects_in_the_lineage_graph()
    {
        using var p = Project();
        Assert.That(p.Run("build").ExitCode, Is.Zero);
        var r = p.Run("docs", "generate");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var nodes = Docs.DocsCommandTests.PageData(p)["nodes"]!.AsArray().Select(n => n!).ToList();
        var ids = nodes.Select(n => (string)n["id"]!).ToList();
        var exposure = nodes.Single(n => (string)n["id"]! == "exposure.proj.weekly_kpis");
        Assert.That((string)exposure["type"]!, Is.EqualTo("exposure"));
        Assert.That((string)exposure["label"]!, Is.EqualTo("Weekly KPIs"));
        Assert.That((string)exposure["owner"]!, Is.EqualTo("Analytics"));
        Assert.That(exposure["parents"]!.AsArray().Select(x => (string)x!), Is.EqualTo(new[] { "model.proj.revenue", "source.proj.raw.events" }));
        var revenue = nodes.Single(n => (string)n["id"]! == "model.proj.revenue");
        Assert.That(revenue["children"]!.AsArray().Select(x => (string)x!), Does.Contain("exposure.proj.weekly_kpis").And.Contain("semantic_model.proj.revenue_sm"));
        // Entries come parents first, as the page's layout reads them.
        Assert.That(ids.IndexOf("saved_query.proj.revenue_by_week"), Is.GreaterThan(ids.IndexOf("metric.proj.total_revenue")));
        Assert.That(ids.IndexOf("metric.proj.total_revenue"), Is.GreaterThan(ids.IndexOf("semantic_model.proj.revenue_sm")));
    }

    [Test]
    public void Unknown_names_in_yaml_objects_are_errors_at_their_lines()
    {
        using (var p = Project())
        {
            p.Write("models/objects.yml", Objects.Replace("- ref('revenue')", "- ref('revenu')"));
            var r = p.Run("build");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Clean(r);
            Assert.That(r.Err, Does.Contain("models/objects.yml:10:9: error: exposure 'weekly_kpis' depends on ref('revenu'), which is not a model, seed or snapshot of this project. Did you mean 'revenue'?"));
            Assert.That(p.Exists("target/test.duckdb") && p.Relations().Count > 0, Is.False, "nothing was built");
        }
        using (var p = Project())
        {
            p.Write("models/objects.yml", Objects.Replace("measure: total", "measure: totl").Replace("metrics: [total_revenue]", "metrics: [total_revenu]"));
            var r = p.Run("parse");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Clean(r);
            Assert.That(r.Err, Does.Contain("models/objects.yml:25:16: error: metric 'total_revenue' uses measure 'totl', which no semantic model defines. Did you mean 'total'?"));
            Assert.That(r.Err, Does.Contain("models/objects.yml:29:17: error: saved query 'revenue_by_week' uses metric 'total_revenu', which is not declared in any metrics: entry. Did you mean 'total_revenue'?"));
        }
        using (var p = Project())
        {
            p.Write("models/objects.yml", Objects.Replace("type: dashboard", "type: dashbord"));
            var r = p.Run("parse");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Clean(r);
            Assert.That(r.Err, Does.Contain("models/objects.yml:4:11: error: 'dashbord' is not a valid type of exposure 'weekly_kpis'; use one of dashboard, notebook, analysis, ml, application. Did you mean 'dashboard'?"));
        }
    }
}
