using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary>
/// What dbt's own adapter tests assume of a project: every field of <c>target</c>, the artifacts of commands that run
/// nothing, and show's compiled SQL and run_results.json.
/// </summary>
public class CommandArtifactTests
{
    [Test]
    public void Target_has_the_outputs_fields_and_a_field_it_lacks_renders_empty()
    {
        using var p = new TestProject();
        p.Write("models/t.sql", """
            select '{{ target.host }}' as host, '{{ target['user'] }}' as usr, {{ target.host is defined }} as host_defined,
                   '{{ target.database }}' as db, '{{ target.schema }}' as sch, '{{ target.type }}' as typ, {{ target.threads }} as threads,
                   '{{ target.path }}' as path, '{{ target.name }}|{{ target.target_name }}|{{ target.profile_name }}' as names,
                   '{{ target.host or 'localhost' }}' as fallback
            """);
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var row = p.Query("select * from main.t")[0];
        Assert.That(row, Is.EqualTo(new object?[] { "", "", false, "test", "main", "duckdb", 4, "target/test.duckdb", "dev|dev|proj", "localhost" }).AsCollection);
    }

    [Test]
    public void Secrets_of_the_output_are_not_in_target()
    {
        using var p = new TestProject();
        p.Write("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n      password: hunter2\n      token: abc123\n");
        p.Write("models/t.sql", "select '{{ target.password }}{{ target.token }}' as s, '{{ target.keys() | list | join(\",\") }}' as k");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var row = p.Query("select s, k from main.t")[0];
        Assert.That(row[0], Is.EqualTo(""));
        Assert.That((string)row[1]!, Does.Not.Contain("password").And.Not.Contain("token").And.Contain("database"));
    }

    [Test]
    public void Seed_without_seeds_and_a_selection_of_nothing_still_write_an_empty_run_results()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "select 1 as id");
        var seed = p.Run("seed");
        Assert.That(seed.ExitCode, Is.Zero, seed.ToString());
        var results = JsonNode.Parse(p.Read("target/run_results.json"))!;
        Assert.That(results["results"]!.AsArray(), Is.Empty);
        Assert.That((string)results["args"]!["which"]!, Is.EqualTo("seed"));
        File.Delete(Path.Combine(p.Dir, "target", "run_results.json"));
        var none = p.Run("run", "-s", "tag:nothing");
        Assert.That(none.ExitCode, Is.Zero, none.ToString());
        Assert.That(JsonNode.Parse(p.Read("target/run_results.json"))!["results"]!.AsArray(), Is.Empty);
    }

    [Test]
    public void Catalog_metadata_has_dbts_keys()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "select 1 as id");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        var r = p.Run("docs", "generate");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var metadata = JsonNode.Parse(p.Read("target/catalog.json"))!["metadata"]!.AsObject();
        Assert.That(metadata.Select(kv => kv.Key), Is.SupersetOf(new[] { "env", "invocation_id", "generated_at", "dbt_schema_version", "dbt_version" }));
        Assert.That((string)metadata["dbt_schema_version"]!, Is.EqualTo("https://schemas.getdbt.com/dbt/catalog/v1.json"));
        Assert.That(Guid.TryParse((string)metadata["invocation_id"]!, out _), Is.True);
        Assert.That((string)metadata["generated_at"]!, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"));
    }

    [Test]
    public void Show_writes_the_compiled_sql_and_run_results_of_what_it_showed()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "select {{ 1 + 1 }} as two");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        var r = p.Run("show", "-s", "m");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("target/compiled/proj/models/m.sql"), Is.EqualTo("select 2 as two"));
        var result = JsonNode.Parse(p.Read("target/run_results.json"))!["results"]![0]!;
        Assert.That(((string)result["unique_id"]!, (string)result["status"]!), Is.EqualTo(("model.proj.m", "success")));
        Assert.That((string)result["compiled_code"]!, Does.Contain("select 2 as two"));

        var inline = p.Run("show", "--inline", "select two * 2 as four from {{ ref('m') }}");
        Assert.That(inline.ExitCode, Is.Zero, inline.ToString());
        Assert.That(p.Read("target/compiled/proj/inline_query.sql"), Is.EqualTo("select two * 2 as four from \"main\".\"m\""));
        var inlineResult = JsonNode.Parse(p.Read("target/run_results.json"))!["results"]![0]!;
        Assert.That((string)inlineResult["unique_id"]!, Is.EqualTo("sql_operation.proj.inline_query"));
        Assert.That(inlineResult["relation_name"], Is.Null);

        var failing = p.Run("show", "--inline", "select * from no_such_table");
        Assert.That(failing.ExitCode, Is.EqualTo(1), failing.ToString());
        var error = JsonNode.Parse(p.Read("target/run_results.json"))!["results"]![0]!;
        Assert.That((string)error["status"]!, Is.EqualTo("error"));
        Assert.That((string)error["message"]!, Does.Contain("no_such_table"));
    }
}
