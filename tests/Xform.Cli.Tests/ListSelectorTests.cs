using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary>
/// <c>xform ls</c> as dbt's list (every resource type, JSON with dbt's keys or <c>--output-keys</c>, sorted by unique id)
/// and selectors.yml (<c>--selector</c>, union, intersection, exclude, indirect_selection, <c>default: true</c>).
/// </summary>
public class ListSelectorTests
{
    static TestProject Project()
    {
        var p = new TestProject();
        p.Write("seeds/s.csv", "id\n1\n");
        p.Write("models/a.sql", "{{ config(materialized='table', tags=['nightly']) }}\nselect id from {{ ref('s') }}");
        p.Write("models/b.sql", "select id from {{ ref('a') }}");
        p.Write("models/c.sql", "{{ config(materialized='table') }}\nselect id from {{ ref('b') }}");
        p.Write("models/d.sql", "select id from {{ ref('a') }}");
        p.Write("analyses/an.sql", "select * from {{ ref('c') }}");
        p.Write("snapshots/snap.sql", "{% snapshot snap %}\n{{ config(target_schema='main', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('s') }}\n{% endsnapshot %}\n");
        p.Write("models/schema.yml", """
            version: 2
            sources:
              - name: raw
                tables:
                  - name: events
            models:
              - name: a
                columns:
                  - name: id
                    data_tests: [not_null]
              - name: b
                columns:
                  - name: id
                    data_tests:
                      - relationships: {to: ref('a'), field: id}
            unit_tests:
              - name: b_keeps_ids
                model: b
                given:
                  - input: ref('a')
                    rows: [{id: 1}]
                expect:
                  rows: [{id: 1}]
            exposures:
              - name: kpis
                type: dashboard
                owner: {name: Analytics}
                depends_on: [ref('c')]
            semantic_models:
              - name: c_sm
                model: ref('c')
                entities: [{name: id, type: primary}]
                measures:
                  - name: total
                    agg: sum
                    expr: id
            metrics:
              - name: total_ids
                label: Total ids
                type: simple
                type_params:
                  measure: total
            saved_queries:
              - name: ids_by_week
                query_params:
                  metrics: [total_ids]
            """);
        return p;
    }

    static string[] Lines(CliResult r)
    {
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.Contains("warning:", StringComparison.Ordinal) && !l.Contains("Using the default selector", StringComparison.Ordinal)).ToArray();
    }

    [Test]
    public void Ls_lists_every_resource_type_as_dbt_names_them()
    {
        using var p = Project();
        var expected = new Dictionary<string, string[]>
        {
            ["model"] = ["proj.a", "proj.b", "proj.c", "proj.d"],
            ["seed"] = ["proj.s"],
            ["snapshot"] = ["proj.snap"],
            ["source"] = ["source:proj.raw.events"],
            ["unit_test"] = ["unit_test:proj.b_keeps_ids"],
            ["exposure"] = ["exposure:proj.kpis"],
            ["semantic_model"] = ["semantic_model:proj.c_sm"],
            ["saved_query"] = ["saved_query:proj.ids_by_week"],
            ["metric"] = ["metric:proj.total_ids"],
            ["analysis"] = ["proj.analysis.an"],
        };
        foreach (var (type, lines) in expected)
            Assert.That(Lines(p.Run("ls", "--resource-type", type)), Is.EqualTo(lines), type);
        Assert.That(Lines(p.Run("ls", "--resource-type", "test")), Has.Length.EqualTo(2).And.All.StartsWith("proj."));
        var all = Lines(p.Run("ls"));
        Assert.That(all, Has.Length.EqualTo(14), "every type but analysis, as dbt's default");
        Assert.That(Lines(p.Run("ls", "--resource-type", "all")), Has.Length.EqualTo(15));
        Assert.That(Lines(p.Run("ls", "--exclude-resource-type", "test", "unit_test", "source")), Has.Length.EqualTo(10));
        var bad = p.Run("ls", "--resource-type", "modle");
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.Err, Does.Contain("unknown resource type 'modle'").And.Contain("Did you mean 'model'?"));
    }

    [Test]
    public void Ls_json_has_dbts_keys_and_output_keys_picks_them()
    {
        using var p = Project();
        var model = JsonNode.Parse(Lines(p.Run("ls", "-s", "a", "--resource-type", "model", "-o", "json")).Single())!.AsObject();
        Assert.That(model.Select(kv => kv.Key), Is.EquivalentTo(new[] { "name", "resource_type", "package_name", "original_file_path", "unique_id", "alias", "config", "tags", "depends_on" }));
        Assert.That((string)model["config"]!["materialized"]!, Is.EqualTo("table"));
        Assert.That(model["tags"]!.AsArray().Select(t => (string)t!), Is.EqualTo(new[] { "nightly" }));
        Assert.That(model["depends_on"]!["nodes"]!.AsArray().Select(t => (string)t!), Is.EqualTo(new[] { "seed.proj.s" }));
        var source = JsonNode.Parse(Lines(p.Run("ls", "--resource-type", "source", "-o", "json")).Single())!.AsObject();
        Assert.That((string)source["source_name"]!, Is.EqualTo("raw"));

        var picked = Lines(p.Run("ls", "--resource-type", "model", "-o", "json", "--output-keys", "name config.materialized", "--output-keys", "unique_id"));
        Assert.That(picked, Is.EqualTo(new[]
        {
            """{"name":"a","config.materialized":"table","unique_id":"model.proj.a"}""",
            """{"name":"b","config.materialized":"view","unique_id":"model.proj.b"}""",
            """{"name":"c","config.materialized":"table","unique_id":"model.proj.c"}""",
            """{"name":"d","config.materialized":"view","unique_id":"model.proj.d"}""",
        }));
        var exposure = JsonNode.Parse(Lines(p.Run("ls", "--resource-type", "exposure", "-o", "json", "--output-keys", "name,depends_on")).Single())!;
        Assert.That(exposure["depends_on"]!["nodes"]![0]!.ToString(), Is.EqualTo("model.proj.c"));
        Assert.That(p.Run("ls", "--output-keys", "name").ExitCode, Is.EqualTo(2), "--output-keys needs --output json");
    }

    [Test]
    public void File_method_matches_the_file_name_with_or_without_its_extension_as_dbt_does()
    {
        using var p = Project();
        string[] Models(params string[] select) => Lines(p.Run(["ls", "--resource-type", "model", "seed", "-s", .. select]));
        Assert.That(Models("file:a.sql"), Is.EqualTo(new[] { "proj.a" }));
        Assert.That(Models("file:a"), Is.EqualTo(new[] { "proj.a" }));
        Assert.That(Models("file:s.csv"), Is.EqualTo(new[] { "proj.s" }));
        Assert.That(Models("file:?.sql"), Is.EqualTo(new[] { "proj.a", "proj.b", "proj.c", "proj.d" }));
        Assert.That(Models("c.sql"), Is.EqualTo(new[] { "proj.c" }), "a bare value ending in .sql is a file name");
        Assert.That(Models("models/c.sql"), Is.EqualTo(new[] { "proj.c" }), "one with a slash is a path");
        Assert.That(Models("file:models/c.sql"), Is.Empty, "file: compares the name only");
    }

    [Test]
    public void Ls_brings_the_tests_of_what_it_selects_as_dbt_does()
    {
        using var p = Project();
        Assert.That(Lines(p.Run("ls", "-s", "b", "--resource-type", "model", "test", "unit_test")),
            Is.EqualTo(new[] { "proj.b", "proj.relationships_b_id__id__ref_a_", "unit_test:proj.b_keeps_ids" }));
    }

    const string Selectors = """
        selectors:
          - name: nightly_chain
            description: a and what reads it, but not d
            definition:
              union:
                - method: tag
                  value: nightly
                  children: true
                - exclude:
                    - d
          - name: b_cautious
            definition:
              method: path
              value: models/b.sql
              indirect_selection: cautious
          - name: b_buildable
            definition: {method: path, value: models/b.sql, indirect_selection: buildable}
          - name: b_empty
            definition: {method: path, value: models/b.sql, indirect_selection: empty}
          - name: b_eager
            definition: {path: models/b.sql}
          - name: chain_views
            definition:
              intersection:
                - method: selector
                  value: nightly_chain
                - "config.materialized:view"
          - name: the_default
            default: true
            definition: "c"
        """;

    [Test]
    public void Selectors_yml_union_intersection_exclude_and_indirect_selection()
    {
        using var p = Project();
        p.Write("selectors.yml", Selectors);
        const string Relationships = "proj.relationships_b_id__id__ref_a_";
        Assert.That(Lines(p.Run("ls", "--selector", "nightly_chain", "--resource-type", "model")), Is.EqualTo(new[] { "proj.a", "proj.b", "proj.c" }));
        // cautious: only tests whose every parent is selected (the unit test of b, not relationships b -> a)
        Assert.That(Lines(p.Run("ls", "--selector", "b_cautious")), Is.EqualTo(new[] { "proj.b", "unit_test:proj.b_keeps_ids" }));
        // buildable: also tests whose other parents are ancestors of the selection (a is b's parent)
        Assert.That(Lines(p.Run("ls", "--selector", "b_buildable")), Is.EqualTo(new[] { "proj.b", Relationships, "unit_test:proj.b_keeps_ids" }));
        Assert.That(Lines(p.Run("ls", "--selector", "b_empty")), Is.EqualTo(new[] { "proj.b" }), "no test comes along");
        Assert.That(Lines(p.Run("ls", "--selector", "b_eager")), Is.EqualTo(new[] { "proj.b", Relationships, "unit_test:proj.b_keeps_ids" }));
        Assert.That(Lines(p.Run("ls", "--selector", "chain_views", "--resource-type", "model")), Is.EqualTo(new[] { "proj.b" }));

        // default: true applies when the command line selects nothing, and says so; --select replaces it.
        var byDefault = p.Run("ls", "--resource-type", "model");
        Assert.That(byDefault.Out, Does.Contain("Using the default selector 'the_default' of selectors.yml"));
        Assert.That(Lines(byDefault), Is.EqualTo(new[] { "proj.c" }), byDefault.ToString());
        Assert.That(Lines(p.Run("ls", "-s", "d", "--resource-type", "model")), Is.EqualTo(new[] { "proj.d" }));
        var ignored = p.Run("ls", "--selector", "b_empty", "-s", "d");
        Assert.That(Lines(ignored), Is.EqualTo(new[] { "proj.b" }));
        Assert.That(ignored.Out, Does.Contain("--selector 'b_empty' is used; --select and --exclude are ignored"));

        // Building with a selector builds exactly its nodes (and runs their tests).
        Assert.That(p.Run("seed", "-s", "s").ExitCode, Is.Zero, "seed too would take the default selector without -s");
        var run = p.Run("build", "--selector", "nightly_chain");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "s", "a", "b", "c" }), "d is excluded");
        Assert.That(run.Out, Does.Contain("PASS=6"), "a, b, c, not_null of a, relationships of b, the unit test of b");
    }

    [TestCase("selectors:\n  - name: x\n    definition: {method: tags, value: nightly}\n",
        "selectors.yml:3:17: error: selectors.yml selector 'x' 'tags:nightly': unknown selector method 'tags'. Did you mean 'tag'?", TestName = "Selectors_yml_an_unknown_method")]
    [TestCase("selectors:\n  - name: x\n    definition:\n      method: selector\n      value: y\n  - name: y\n    definition: a\n",
        "selectors.yml:5:14: error: no selector 'y' is defined above 'x'", TestName = "Selectors_yml_a_selector_named_before_it_is_defined")]
    [TestCase("selectors:\n  - name: x\n    default: true\n    definition: a\n  - name: y\n    default: true\n    definition: b\n",
        "selectors.yml:6:14: error: two selectors have 'default: true': 'x' and 'y'; only one can be the default", TestName = "Selectors_yml_two_defaults")]
    [TestCase("selectors:\n  - name: x\n    definition: {method: tag, value: nightly, indirect_selection: careful}\n",
        "selectors.yml:3:67: error: 'indirect_selection' is eager, cautious, buildable or empty, not 'careful'.", TestName = "Selectors_yml_an_unknown_indirect_selection")]
    [TestCase("selectors:\n  - name: x\n    definiton: a\n",
        "selectors.yml:3:5: error: unknown key 'definiton' in a selector; use name, description, default, definition. Did you mean 'definition'?", TestName = "Selectors_yml_an_unknown_key")]
    [TestCase("selectors:\n  - name: x\n    definition:\n      union:\n        - a\n        - exclude: [b]\n        - exclude: [c]\n",
        "selectors.yml:7:11: error: only one 'exclude' entry is allowed in a 'union' list", TestName = "Selectors_yml_two_excludes_in_one_union")]
    public void Selectors_yml_mistakes_are_errors_at_their_line_before_anything_runs(string yaml, string error)
    {
        using var p = Project();
        p.Write("selectors.yml", yaml);
        var r = p.Run("build", "--selector", "x");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(error), r.ToString());
        Assert.That(r.All, Does.Not.Contain("   at "));
        Assert.That(p.Exists("target/test.duckdb"), Is.False, "nothing ran");
    }

    [Test]
    public void An_unknown_selector_is_an_error_naming_the_defined_ones()
    {
        using var p = Project();
        var none = p.Run("ls", "--selector", "nightly");
        Assert.That(none.ExitCode, Is.EqualTo(2));
        Assert.That(none.Err, Does.Contain("--selector 'nightly': the project has no selectors.yml"));
        p.Write("selectors.yml", Selectors);
        var typo = p.Run("ls", "--selector", "nightly_chian");
        Assert.That(typo.ExitCode, Is.EqualTo(2));
        Assert.That(typo.Err, Does.Contain("--selector 'nightly_chian' is not defined in selectors.yml; its selectors: nightly_chain, b_cautious").And.Contain("Did you mean 'nightly_chain'?"));
    }
}
