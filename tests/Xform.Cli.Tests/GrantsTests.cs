using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary>
/// The grants config on DuckDB, which has no roles: accepted wherever dbt accepts it (project.yml, YAML, config()), kept
/// in the manifest merged as dbt merges it, and skipped with one warning per run however many nodes set it.
/// </summary>
public class GrantsTests
{
    [Test]
    public void Grants_are_accepted_merged_and_skipped_with_one_warning()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    +grants:\n      select: ['reporter', 'bi']\n" +
                               "seeds:\n  proj:\n    +grants: {select: [reporter]}\n");
        p.Write("models/a.sql", "{{ config(materialized='table', grants={'+select': ['auditor']}) }}\nselect 1 as id");
        p.Write("models/b.sql", "select 1 as id");
        p.Write("models/props.yml", "models:\n  - name: b\n    config:\n      grants: {insert: [loader]}\n");
        p.Write("seeds/s.csv", "id\n1\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All.Split("grants are skipped on DuckDB").Length - 1, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Not.Contain("config 'grants' is accepted but not used"));
        var nodes = JsonNode.Parse(p.Read("target/manifest.json"))!["nodes"]!;
        Assert.That(nodes["model.proj.a"]!["config"]!["grants"]!.ToJsonString(), Is.EqualTo("""{"select":["reporter","bi","auditor"]}"""));
        Assert.That(nodes["model.proj.b"]!["config"]!["grants"]!.ToJsonString(), Is.EqualTo("""{"select":["reporter","bi"],"insert":["loader"]}"""));
        Assert.That(p.Read("target/run/proj/models/a.sql"), Does.Not.Contain("grant"), "nothing was sent");
    }
}
