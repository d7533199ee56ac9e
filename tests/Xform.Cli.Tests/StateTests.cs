using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary>Artifacts, state comparison, deferral and retry: the CI workflow of a pull request.</summary>
public class StateTests
{
    /// <summary>prod and ci are two schemas of one DuckDB file, as a warehouse would have them.</summary>
    static TestProject Project()
    {
        var p = new TestProject();
        p.Write("profiles.yml", "proj:\n  target: prod\n  outputs:\n    prod:\n      type: duckdb\n      path: target/test.duckdb\n      schema: prod\n    ci:\n      type: duckdb\n      path: target/test.duckdb\n      schema: ci\n");
        p.Write("macros/money.sql", "{% macro money(col) %}round({{ col }}, 2){% endmacro %}");
        p.Write("models/staging/stg_a.sql", "select 1 as id, 10.123 as amount union all select 2, 20.456");
        p.Write("models/staging/stg_b.sql", "select 1 as id, 'x' as label");
        p.Write("models/intermediate/int_x.sql", "select id, amount * 2 as doubled from {{ ref('stg_a') }}");
        p.Write("models/intermediate/int_y.sql", "select id, {{ money('1.005') }} as fee from {{ ref('stg_b') }}");
        p.Write("models/marts/fct.sql", "{{ config(materialized='table') }}\nselect x.id, x.doubled, y.fee from {{ ref('int_x') }} x left join {{ ref('int_y') }} y using (id)");
        p.Write("models/marts/other.sql", "select 42 as answer");
        p.Write("models/marts/schema.yml", "version: 2\nmodels:\n  - name: fct\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n");
        return p;
    }

    static string[] Executed(TestProject p) =>
        JsonNode.Parse(p.Read("target/run_results.json"))!["results"]!.AsArray()
            .Select(r => r!["unique_id"]!.GetValue<string>().Split('.')[0] + "." + r["unique_id"]!.GetValue<string>().Split('.')[2])
            .OrderBy(x => x, StringComparer.Ordinal).ToArray();

    static string KeepState(TestProject p)
    {
        var dir = Path.Combine(p.Dir, "prod-artifacts");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(p.Dir, "target", "manifest.json"), Path.Combine(dir, "manifest.json"), overwrite: true);
        return dir;
    }

    [Test]
    public void Pull_request_builds_exactly_the_changed_nodes_and_their_descendants_reading_the_rest_from_prod()
    {
        using var p = Project();
        Assert.That(p.Run("build").ExitCode, Is.Zero);
        var state = KeepState(p);

        // The pull request: one intermediate model and one macro change.
        p.Write("models/intermediate/int_x.sql", "select id, amount * 3 as doubled from {{ ref('stg_a') }}");
        p.Write("macros/money.sql", "{% macro money(col) %}round({{ col }}, 1){% endmacro %}");
        var r = p.Run("build", "-s", "state:modified+", "--defer", "--state", state, "-t", "ci");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Executed(p), Is.EqualTo(new[] { "model.fct", "model.int_x", "model.int_y", "test.not_null_fct_id", "test.unique_fct_id" }));
        Assert.That(p.Read("target/compiled/proj/models/intermediate/int_x.sql"), Does.Contain("from \"test\".\"prod\".\"stg_a\""),
            "an unchanged parent the ci schema lacks is read from prod, where the state's manifest says (database test: the DuckDB file's catalog)");
        Assert.That(p.Query("select id, doubled, fee from ci.fct order by id").Select(x => $"{x[0]}:{x[1]}:{x[2]}"),
            Is.EqualTo(new[] { "1:30.369:1.0", "2:61.368:" }));
        Assert.That(p.Query("select count(*) from information_schema.tables where table_schema = 'prod'")[0][0], Is.EqualTo(6L), "prod untouched");
        Assert.That(p.Query("select count(*) from information_schema.tables where table_schema = 'ci'")[0][0], Is.EqualTo(3L));
    }

    [Test]
    public void Whitespace_at_the_ends_unrelated_files_and_the_target_do_not_count_as_modified()
    {
        using var p = Project();
        Assert.That(p.Run("build").ExitCode, Is.Zero);
        var state = KeepState(p);
        p.Write("models/intermediate/int_x.sql", "\n\nselect id, amount * 2 as doubled from {{ ref('stg_a') }}\n\n\n");
        p.Write("README.txt", "unrelated");
        var ls = p.Run("ls", "-s", "state:modified", "--state", state, "-t", "ci", "-o", "name");
        Assert.That(ls.ExitCode, Is.Zero, ls.ToString());
        // Nothing is listed; as dbt, the criterion that matched nothing is warned about.
        Assert.That(ls.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ConsoleText.Untimed),
            Is.EqualTo(new[] { "warning: the selection criterion 'state:modified' does not match any enabled nodes", "warning: No nodes selected!" }));

        p.Write("models/marts/other.sql", "select 43 as answer");
        p.Write("models/staging/stg_new.sql", "select 1 as x");
        Assert.That(p.Run("ls", "-s", "state:modified", "--state", state, "-o", "name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { "other", "stg_new" }));
        Assert.That(p.Run("ls", "-s", "state:new", "--state", state, "-o", "name").Out.Trim(), Is.EqualTo("stg_new"));
    }

    [TestCase("models/intermediate/int_x.sql", "{{ config(materialized='table') }}\nselect id, amount * 2 as doubled from {{ ref('stg_a') }}", "state:modified.configs", "int_x")]
    [TestCase("models/intermediate/int_x.sql", "select id, amount * 2 as doubled from {{ ref('stg_a') }} where true", "state:modified.body", "int_x")]
    [TestCase("macros/money.sql", "{% macro money(col) %}round({{ col }}, 3){% endmacro %}", "state:modified.macros", "int_y")]
    [TestCase("models/intermediate/int_x.sql", "{{ config(alias='int_x2') }}\nselect id, amount * 2 as doubled from {{ ref('stg_a') }}", "state:modified.relation", "int_x")]
    [TestCase("models/marts/schema.yml", "version: 2\nmodels:\n  - name: fct\n    description: now documented\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n", "state:modified.properties", "fct")]
    public void Sub_selectors(string file, string text, string selector, string expected)
    {
        using var p = Project();
        Assert.That(p.Run("parse").ExitCode, Is.Zero);
        var state = KeepState(p);
        p.Write(file, text);
        var r = p.Run("ls", "-s", selector, "--state", state, "--resource-type", "model", "-o", "name");
        Assert.That(r.Out.Trim(), Is.EqualTo(expected), r.ToString());
    }

    [Test]
    public void A_changed_package_macro_is_listed_in_the_manifest_and_modifies_what_calls_it()
    {
        using var p = Project();
        p.Write("dbt_packages/utils/dbt_project.yml", "name: utils\nversion: '1.0.0'\n");
        p.Write("dbt_packages/utils/macros/m.sql", "{% macro double(x) %}{{ x }} * 2{% endmacro %}{% macro wrapped(x) %}({{ utils.double(x) }}){% endmacro %}");
        p.Write("models/intermediate/int_x.sql", "select id, {{ utils.wrapped('amount') }} as doubled from {{ ref('stg_a') }}");
        Assert.That(p.Run("parse").ExitCode, Is.Zero);
        var manifest = JsonNode.Parse(p.Read("target/manifest.json"))!;
        Assert.That(manifest["macros"]!["macro.utils.wrapped"]!["package_name"]!.GetValue<string>(), Is.EqualTo("utils"));
        Assert.That(manifest["macros"]!["macro.utils.wrapped"]!["depends_on"]!["macros"]!.AsArray().Select(x => x!.GetValue<string>()), Is.EqualTo(new[] { "macro.utils.double" }));
        Assert.That(manifest["nodes"]!["model.proj.int_x"]!["depends_on"]!["macros"]!.AsArray().Select(x => x!.GetValue<string>()),
            Is.EqualTo(new[] { "macro.utils.double", "macro.utils.wrapped" }));
        var state = KeepState(p);

        // The package's inner macro changes: the model calling it through the outer one is modified, nothing else.
        p.Write("dbt_packages/utils/macros/m.sql", "{% macro double(x) %}{{ x }} + {{ x }}{% endmacro %}{% macro wrapped(x) %}({{ utils.double(x) }}){% endmacro %}");
        foreach (var selector in new[] { "state:modified", "state:modified.macros" })
        {
            var r = p.Run("ls", "-s", selector, "--state", state, "--resource-type", "model", "-o", "name");
            Assert.That(r.Out.Trim(), Is.EqualTo("int_x"), r.ToString());
        }
    }

    [Test]
    public void State_selectors_without_state_are_a_clear_error()
    {
        using var p = Project();
        var r = p.Run("ls", "-s", "state:modified");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("error: 'state:modified' compares with a previous run: pass --state DIR"));
    }

    [Test]
    public void Retry_reruns_only_what_failed_or_was_skipped()
    {
        using var p = Project();
        p.Write("models/intermediate/int_x.sql", "select id, no_such_column from {{ ref('stg_a') }}");
        var first = p.Run("build");
        Assert.That(first.ExitCode, Is.EqualTo(1));
        p.Write("models/intermediate/int_x.sql", "select id, amount * 2 as doubled from {{ ref('stg_a') }}");
        var r = p.Run("retry");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("Retrying 4 nodes of the last 'build'"));
        Assert.That(Executed(p), Is.EqualTo(new[] { "model.fct", "model.int_x", "test.not_null_fct_id", "test.unique_fct_id" }));
        Assert.That(p.Run("retry").Out, Does.Contain("Nothing to retry"));
    }

    [Test]
    public void Artifacts_have_dbt_shapes_and_no_secrets()
    {
        using var p = Project();
        Environment.SetEnvironmentVariable("XFORM_TEST_PW", "s3cret-value");
        p.Write("profiles.yml", p.Read("profiles.yml").Replace("schema: prod\n", "schema: prod\n      password: \"{{ env_var('XFORM_TEST_PW') }}\"\n"));
        Assert.That(p.Run("build", "--vars", "{token: also-secret}").ExitCode, Is.Zero);
        var manifestText = p.Read("target/manifest.json");
        var runText = p.Read("target/run_results.json");
        Assert.That(manifestText + runText, Does.Not.Contain("s3cret-value").And.Not.Contain("also-secret"));

        var manifest = JsonNode.Parse(manifestText)!.AsObject();
        ArtifactShape.Check(manifest, ArtifactShape.Manifest);
        Assert.That(manifest["metadata"]!["dbt_schema_version"]!.GetValue<string>(), Is.EqualTo("https://schemas.getdbt.com/dbt/manifest/v12.json"));
        var fct = manifest["nodes"]!["model.proj.fct"]!;
        ArtifactShape.Check(fct.AsObject(), ArtifactShape.ManifestNode);
        Assert.That(fct["depends_on"]!["nodes"]!.AsArray().Select(x => x!.GetValue<string>()), Is.EqualTo(new[] { "model.proj.int_x", "model.proj.int_y" }));
        Assert.That(fct["relation_name"]!.GetValue<string>(), Is.EqualTo("\"prod\".\"fct\""));
        Assert.That(fct["compiled_code"]!.GetValue<string>(), Does.Contain("from \"prod\".\"int_x\" x"));
        Assert.That(manifest["nodes"]!["model.proj.int_y"]!["depends_on"]!["macros"]!.AsArray().Select(x => x!.GetValue<string>()), Is.EqualTo(new[] { "macro.proj.money" }));
        Assert.That(manifest["child_map"]!["model.proj.stg_a"]!.AsArray().Select(x => x!.GetValue<string>()), Is.EqualTo(new[] { "model.proj.int_x" }));
        var test = manifest["nodes"]!.AsObject().Single(kv => kv.Key.StartsWith("test.proj.unique_fct_id.", StringComparison.Ordinal)).Value!;
        Assert.That(test["test_metadata"]!["name"]!.GetValue<string>(), Is.EqualTo("unique"));
        Assert.That(test["attached_node"]!.GetValue<string>(), Is.EqualTo("model.proj.fct"));

        var run = JsonNode.Parse(runText)!.AsObject();
        ArtifactShape.Check(run, ArtifactShape.RunResults);
        foreach (var result in run["results"]!.AsArray()) ArtifactShape.Check(result!.AsObject(), ArtifactShape.RunResult);
        var statuses = run["results"]!.AsArray().Select(r => r!["status"]!.GetValue<string>()).Distinct().OrderBy(x => x);
        Assert.That(statuses, Is.EqualTo(new[] { "pass", "success" }));
        Assert.That(run["args"]!["which"]!.GetValue<string>(), Is.EqualTo("build"));

        // sources.json (v3) and catalog.json (v1) from the same project.
        p.Write("models/src.yml", "version: 2\nsources:\n  - name: app\n    schema: prod\n    loaded_at_field: loaded_at\n    freshness: {warn_after: {count: 1, period: day}}\n    tables:\n      - name: events\n");
        p.Write("models/events_table.sql", "{{ config(materialized='table', alias='events') }}\nselect 1 as id, current_timestamp as loaded_at");
        Assert.That(p.Run("run", "-s", "events_table").ExitCode, Is.Zero);
        var fresh = p.Run("source", "freshness");
        Assert.That(fresh.ExitCode, Is.Zero, fresh.ToString());
        var sources = JsonNode.Parse(p.Read("target/sources.json"))!.AsObject();
        ArtifactShape.Check(sources, ArtifactShape.Sources);
        foreach (var result in sources["results"]!.AsArray()) ArtifactShape.Check(result!.AsObject(), ArtifactShape.SourceResult);
        Assert.That(p.Run("docs", "generate").ExitCode, Is.Zero);
        var catalog = JsonNode.Parse(p.Read("target/catalog.json"))!.AsObject();
        ArtifactShape.Check(catalog, ArtifactShape.Catalog);
        var table = catalog["nodes"]!["model.proj.fct"]!.AsObject();
        ArtifactShape.Check(table, ArtifactShape.CatalogTable);
        Assert.That(table["columns"]!.AsObject().Select(c => c.Key.ToLowerInvariant()), Is.EqualTo(new[] { "id", "doubled", "fee" }));
    }
}

/// <summary>
/// The required properties of dbt's published artifact schemas (manifest v12, run-results v6, sources v3,
/// catalog v1), written out by hand from the schemas and checked for presence and JSON type. The schema files
/// themselves are not vendored (no network here, and they are not ours to copy).
/// </summary>
static class ArtifactShape
{
    public static readonly (string Key, JsonValueKind[] Kinds)[] Manifest =
    [
        ("metadata", [JsonValueKind.Object]), ("nodes", [JsonValueKind.Object]), ("sources", [JsonValueKind.Object]),
        ("macros", [JsonValueKind.Object]), ("docs", [JsonValueKind.Object]), ("exposures", [JsonValueKind.Object]),
        ("metrics", [JsonValueKind.Object]), ("groups", [JsonValueKind.Object]), ("selectors", [JsonValueKind.Object]),
        ("disabled", [JsonValueKind.Object, JsonValueKind.Null]), ("parent_map", [JsonValueKind.Object, JsonValueKind.Null]),
        ("child_map", [JsonValueKind.Object, JsonValueKind.Null]), ("group_map", [JsonValueKind.Object, JsonValueKind.Null]),
        ("saved_queries", [JsonValueKind.Object]), ("semantic_models", [JsonValueKind.Object]), ("unit_tests", [JsonValueKind.Object]),
    ];

    public static readonly (string, JsonValueKind[])[] ManifestNode =
    [
        ("database", [JsonValueKind.String, JsonValueKind.Null]), ("schema", [JsonValueKind.String]), ("name", [JsonValueKind.String]),
        ("resource_type", [JsonValueKind.String]), ("package_name", [JsonValueKind.String]), ("path", [JsonValueKind.String]),
        ("original_file_path", [JsonValueKind.String]), ("unique_id", [JsonValueKind.String]), ("fqn", [JsonValueKind.Array]),
        ("alias", [JsonValueKind.String]), ("checksum", [JsonValueKind.Object]), ("config", [JsonValueKind.Object]),
        ("tags", [JsonValueKind.Array]), ("description", [JsonValueKind.String]), ("columns", [JsonValueKind.Object]),
        ("meta", [JsonValueKind.Object]), ("docs", [JsonValueKind.Object]), ("raw_code", [JsonValueKind.String]),
        ("language", [JsonValueKind.String]), ("refs", [JsonValueKind.Array]), ("sources", [JsonValueKind.Array]),
        ("depends_on", [JsonValueKind.Object]), ("compiled", [JsonValueKind.True, JsonValueKind.False]),
        ("relation_name", [JsonValueKind.String, JsonValueKind.Null]), ("unrendered_config", [JsonValueKind.Object]),
    ];

    public static readonly (string, JsonValueKind[])[] RunResults =
    [
        ("metadata", [JsonValueKind.Object]), ("results", [JsonValueKind.Array]), ("elapsed_time", [JsonValueKind.Number]), ("args", [JsonValueKind.Object]),
    ];

    public static readonly (string, JsonValueKind[])[] RunResult =
    [
        ("status", [JsonValueKind.String]), ("timing", [JsonValueKind.Array]), ("thread_id", [JsonValueKind.String]),
        ("execution_time", [JsonValueKind.Number]), ("adapter_response", [JsonValueKind.Object]),
        ("message", [JsonValueKind.String, JsonValueKind.Null]), ("failures", [JsonValueKind.Number, JsonValueKind.Null]),
        ("unique_id", [JsonValueKind.String]), ("compiled", [JsonValueKind.True, JsonValueKind.False, JsonValueKind.Null]),
        ("compiled_code", [JsonValueKind.String, JsonValueKind.Null]), ("relation_name", [JsonValueKind.String, JsonValueKind.Null]),
    ];

    public static readonly (string, JsonValueKind[])[] Sources =
    [
        ("metadata", [JsonValueKind.Object]), ("results", [JsonValueKind.Array]), ("elapsed_time", [JsonValueKind.Number]),
    ];

    public static readonly (string, JsonValueKind[])[] SourceResult =
    [
        ("unique_id", [JsonValueKind.String]), ("max_loaded_at", [JsonValueKind.String]), ("snapshotted_at", [JsonValueKind.String]),
        ("max_loaded_at_time_ago_in_s", [JsonValueKind.Number]), ("status", [JsonValueKind.String]), ("criteria", [JsonValueKind.Object]),
        ("adapter_response", [JsonValueKind.Object]), ("timing", [JsonValueKind.Array]), ("thread_id", [JsonValueKind.String]),
        ("execution_time", [JsonValueKind.Number]),
    ];

    public static readonly (string, JsonValueKind[])[] Catalog =
    [
        ("metadata", [JsonValueKind.Object]), ("nodes", [JsonValueKind.Object]), ("sources", [JsonValueKind.Object]),
    ];

    public static readonly (string, JsonValueKind[])[] CatalogTable =
    [
        ("metadata", [JsonValueKind.Object]), ("columns", [JsonValueKind.Object]), ("stats", [JsonValueKind.Object]),
        ("unique_id", [JsonValueKind.String, JsonValueKind.Null]),
    ];

    public static void Check(JsonObject o, (string Key, JsonValueKind[] Kinds)[] required)
    {
        foreach (var (key, kinds) in required)
        {
            Assert.That(o.ContainsKey(key), $"missing '{key}'");
            var kind = o[key] is null ? JsonValueKind.Null : JsonSerializer.SerializeToElement(o[key]).ValueKind;
            Assert.That(kinds, Does.Contain(kind), $"'{key}' is {kind}");
        }
    }
}
