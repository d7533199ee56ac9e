using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary>Analyses: compiled, listed, in the manifest and selectable as dbt's, never built.</summary>
public class AnalysisTests
{
    static TestProject Project()
    {
        var p = new TestProject();
        p.Write("models/orders.sql", "select 1 as id, 10 as amount");
        p.Write("analyses/reports/revenue.sql", "-- {{ target.name }}\nselect sum(amount) as revenue from {{ ref('orders') }}");
        return p;
    }

    [Test]
    public void Compile_writes_each_analysis_with_its_refs_resolved_and_run_never_builds_it()
    {
        using var p = Project();
        var r = p.Run("compile");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Not.Contain("analysis-paths"), "the key is used, not warned about");
        Assert.That(r.Out, Does.Contain("Compiled 1 model and 1 analysis"));
        Assert.That(p.Read("target/compiled/proj/analyses/reports/revenue.sql"),
            Is.EqualTo("-- dev\nselect sum(amount) as revenue from \"main\".\"orders\""));

        var run = p.Run("build");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "orders" }), "an analysis is never built");
        var selected = p.Run("run", "-s", "revenue");
        Assert.That(selected.ExitCode, Is.Zero, selected.ToString());
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "orders" }));
    }

    [Test]
    public void Ls_and_the_manifest_list_analyses_as_dbt_does()
    {
        using var p = Project();
        // dbt's default resource types leave analyses out; 'all' (or naming the type) lists them.
        var ls = p.Run("ls");
        Assert.That(ls.ExitCode, Is.Zero, ls.ToString());
        Assert.That(ls.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Is.EqualTo(new[] { "proj.orders" }));
        var all = p.Run("ls", "--resource-type", "all");
        Assert.That(all.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Is.EqualTo(new[] { "proj.analysis.reports.revenue", "proj.orders" }), "sorted by unique id, as dbt's list");
        var only = p.Run("ls", "--resource-type", "analysis", "-o", "json");
        var json = JsonNode.Parse(only.Out.Trim())!;
        Assert.That((string)json["unique_id"]!, Is.EqualTo("analysis.proj.revenue"));
        Assert.That((string)json["resource_type"]!, Is.EqualTo("analysis"));
        Assert.That(p.Run("ls", "-s", "resource_type:analysis", "--resource-type", "all", "-o", "name").Out.Trim(), Is.EqualTo("revenue"));
        Assert.That(p.Run("ls", "-s", "+revenue", "--resource-type", "all", "-o", "name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Is.EquivalentTo(new[] { "orders", "revenue" }), "an analysis has its refs as parents");

        Assert.That(p.Run("compile", "-s", "revenue").ExitCode, Is.Zero);
        var node = JsonNode.Parse(p.Read("target/manifest.json"))!["nodes"]!["analysis.proj.revenue"]!;
        Assert.That((string)node["resource_type"]!, Is.EqualTo("analysis"));
        Assert.That((string)node["path"]!, Is.EqualTo("analysis/reports/revenue.sql"));
        Assert.That((string)node["original_file_path"]!, Is.EqualTo("analyses/reports/revenue.sql"));
        Assert.That(node["fqn"]!.AsArray().Select(x => (string)x!), Is.EqualTo(new[] { "proj", "analysis", "reports", "revenue" }).AsCollection);
        Assert.That(node["depends_on"]!["nodes"]!.AsArray().Select(x => (string)x!), Is.EqualTo(new[] { "model.proj.orders" }).AsCollection);
        Assert.That(node["relation_name"], Is.Null);
        Assert.That((string)node["compiled_code"]!, Does.Contain("\"main\".\"orders\""));
    }

    [Test]
    public void Analysis_paths_in_the_project_file_are_read_and_a_bad_ref_is_located()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nanalysis-paths: [adhoc]\n");
        p.Write("models/orders.sql", "select 1 as id");
        p.Write("analyses/ignored.sql", "select * from {{ ref('nothing') }}");
        p.Write("adhoc/broken.sql", "select 1\nfrom {{ ref('ordres') }}");
        var r = p.Run("compile");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("adhoc/broken.sql:2:9: error:").And.Contain("ref('ordres')"));
        Assert.That(r.All, Does.Not.Contain("ignored.sql"), "only the configured folders are analyses");
        Assert.That(r.All, Does.Not.Contain("   at "));
    }
}
