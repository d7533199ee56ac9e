namespace Xform.Cli.Tests;

/// <summary>
/// <c>{% materialization %}</c> blocks (issue 14 item 8a) through the CLI on DuckDB files: a project's, an installed
/// package's, the adapter's block before <c>default</c>, the return contract, failures, and overrides of built-ins.
/// </summary>
public class CustomMaterializationTests
{
    /// <summary>A materialization that builds a table through a statement('main') and returns it, as dbt's docs show.</summary>
    const string Snapshotted = """
        {% materialization stamped, default %}
          {%- set target_relation = api.Relation.create(database=this.database, schema=this.schema, identifier=this.identifier, type='table') -%}
          {%- set existing = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
          {{ run_hooks(pre_hooks) }}
          {%- if existing is not none %}{{ adapter.drop_relation(existing) }}{% endif -%}
          {% call statement('main') -%}
            create table {{ target_relation }} as select *, '{{ config.get('stamp', 'none') }}' as stamp, {{ 'true' if should_full_refresh() else 'false' }} as full_refresh from ({{ sql }}) q
          {%- endcall %}
          {{ run_hooks(post_hooks) }}
          {{ return({'relations': [target_relation]}) }}
        {% endmaterialization %}
        """;

    [Test]
    public void A_project_materialization_builds_the_model_and_its_tests_and_refs_see_it()
    {
        using var p = new TestProject();
        p.Write("macros/stamped.sql", Snapshotted);
        p.Write("models/m.sql", "{{ config(materialized='stamped', stamp='v1', post_hook=\"insert into {{ this }} values (99, 'hook', false)\") }}select 1 as id union all select 2");
        p.Write("models/down.sql", "select count(*) as n from {{ ref('m') }}");
        p.Write("models/schema.yml", "models:\n  - name: m\n    columns:\n      - name: id\n        tests: [unique, not_null]\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(p.Relations()["m"], Is.EqualTo("BASE TABLE"));
        Assert.That(p.Query("select id, stamp, full_refresh from m order by id").Select(x => $"{x[0]}:{x[1]}:{x[2]}"),
            Is.EqualTo(new[] { "1:v1:False", "2:v1:False", "99:hook:False" }), "the block ran with config.get, should_full_refresh and the post-hook");
        Assert.That(p.Scalar("select n from down"), Is.EqualTo(3L));
        Assert.That(r.Out, Does.Contain("PASS"), "tests on the model ran");
        Assert.That(p.Read("target/run/proj/models/m.sql"), Does.Contain("create table"), "target/run has what the block ran");

        var again = p.Run("run", "--full-refresh", "-s", "m");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(p.Scalar("select count(*) from m where full_refresh"), Is.EqualTo(2L), "should_full_refresh() reads --full-refresh; the second run replaced the table");

        var manifest = p.Read("target/manifest.json");
        Assert.That(manifest, Does.Contain("macro.proj.materialization_stamped_default"));
        var docs = p.Run("docs", "generate");
        Assert.That(docs.ExitCode, Is.EqualTo(0), docs.ToString());
        Assert.That(p.Read("target/catalog.json"), Does.Contain("\"model.proj.m\""), "the catalog sees the relation");
    }

    [Test]
    public void The_adapter_block_wins_over_default_and_the_project_over_a_package_installed_with_deps()
    {
        using var p = new TestProject();
        p.Write("vendor/matpkg/dbt_project.yml", "name: matpkg\nversion: '1.0.0'\n");
        p.Write("vendor/matpkg/macros/mats.sql", """
            {% materialization tagged, adapter='duckdb' %}
              {% call statement('main') %}create or replace table {{ this }} as select 'package duckdb' as who from ({{ sql }}) q{% endcall %}
              {{ return({'relations': [this]}) }}
            {% endmaterialization %}
            {% materialization shared, default %}
              {% call statement('main') %}create or replace table {{ this }} as select 'package' as who from ({{ sql }}) q{% endcall %}
              {{ return({'relations': [this]}) }}
            {% endmaterialization %}
            """);
        p.Write("packages.yml", "packages:\n  - local: vendor/matpkg\n");
        p.Write("macros/mats.sql", """
            {% materialization tagged, default %}
              {% call statement('main') %}create or replace table {{ this }} as select 'project default' as who{% endcall %}
              {{ return({'relations': [this]}) }}
            {% endmaterialization %}
            {% materialization shared, default %}
              {% call statement('main') %}create or replace table {{ this }} as select 'project' as who from ({{ sql }}) q{% endcall %}
              {{ return({'relations': [this]}) }}
            {% endmaterialization %}
            {% materialization only_pg, adapter='postgres' %}{{ return({'relations': []}) }}{% endmaterialization %}
            """);
        p.Write("models/a.sql", "{{ config(materialized='tagged') }}select 1 as x");
        p.Write("models/b.sql", "{{ config(materialized='shared') }}select 1 as x");
        var deps = p.Run("deps");
        Assert.That(deps.ExitCode, Is.EqualTo(0), deps.ToString());
        Assert.That(p.Exists("dbt_packages/matpkg/macros/mats.sql"));
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(p.Scalar("select who from a"), Is.EqualTo("package duckdb"), "the adapter's block before default, whatever package");
        Assert.That(p.Scalar("select who from b"), Is.EqualTo("project"), "the root project before a package");

        p.Write("models/c.sql", "{{ config(materialized='only_pg') }}select 1 as x");
        var wrongAdapter = p.Run("run");
        Assert.That(wrongAdapter.ExitCode, Is.EqualTo(2), wrongAdapter.ToString());
        Assert.That(wrongAdapter.All, Does.Contain("models/c.sql:1:").And.Contain("asks for materialization 'only_pg'")
            .And.Contain("exists only for adapter 'postgres'"));
    }

    [Test]
    public void A_failing_block_fails_its_node_and_keeps_the_previous_version()
    {
        using var p = new TestProject();
        p.Write("macros/m.sql", """
            {% materialization fragile, default %}
              {% call statement('drop') %}drop table if exists {{ this }}{% endcall %}
              {% call statement('main') %}create table {{ this }} as {{ sql }}{% endcall %}
              {% if config.get('explode') %}{% call statement('boom') %}select * from no_such_table{% endcall %}{% endif %}
              {{ return({'relations': [this]}) }}
            {% endmaterialization %}
            """);
        p.Write("models/m.sql", "{{ config(materialized='fragile') }}select 1 as v");
        Assert.That(p.Run("run").ExitCode, Is.EqualTo(0));
        p.Write("models/m.sql", "{{ config(materialized='fragile', explode=true) }}select 2 as v");
        p.Write("models/after.sql", "select * from {{ ref('m') }}");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Contain("materialization 'fragile' of model 'm' failed").And.Contain("no_such_table"));
        Assert.That(r.All, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(p.Scalar("select v from m"), Is.EqualTo(1), "the drop and create were rolled back with the failure");
        Assert.That(r.Out, Does.Contain("SKIP"), "what reads it is skipped");
    }

    [TestCase("{{ return('done') }}", "returned nothing")]
    [TestCase("", "returned nothing")]
    [TestCase("{{ return([this]) }}", "returned a list, not {'relations': [...]}")]
    [TestCase("{{ return({'relation': [this]}) }}", "has no list under 'relations'")]
    [TestCase("{{ return({'relations': ['x']}) }}", "among its relations")]
    public void The_return_contract_is_checked(string ending, string expected)
    {
        using var p = new TestProject();
        p.Write("macros/m.sql", "{% materialization loose, default %}{% call statement('main') %}create or replace table {{ this }} as {{ sql }}{% endcall %}" +
                                ending + "{% endmaterialization %}");
        p.Write("models/m.sql", "{{ config(materialized='loose') }}select 1 as v");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Contain("materialization 'loose'").And.Contain(expected).And.Contain("macros/m.sql:1:"));
        Assert.That(p.Relations(), Does.Not.ContainKey("m"), "a block that breaks the contract is rolled back");
    }

    [Test]
    public void A_block_without_a_main_statement_is_an_error()
    {
        using var p = new TestProject();
        p.Write("macros/m.sql", "{% materialization nomain, default %}{% call statement('other') %}select 1{% endcall %}{{ return({'relations': [this]}) }}{% endmaterialization %}");
        p.Write("models/m.sql", "{{ config(materialized='nomain') }}select 1 as v");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Contain("did not run a statement named 'main'"));
    }

    [Test]
    public void An_unknown_materialization_is_an_error_before_the_run()
    {
        using var p = new TestProject();
        p.Write("macros/m.sql", "{% materialization stamped, default %}{{ return({'relations': []}) }}{% endmaterialization %}");
        p.Write("models/m.sql", "{{ config(materialized='stampd') }}select 1 as v");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.All, Does.Contain("models/m.sql:1:4: error: model 'm' asks for materialization 'stampd'; supported: view, table, ephemeral, incremental, external, stamped")
            .And.Contain("'stamped'"));
        Assert.That(p.Exists("target/test.duckdb"), Is.False, "nothing touched the database");
    }

    [Test]
    public void Bad_block_tags_are_located()
    {
        using var p = new TestProject();
        p.Write("macros/m.sql", "\n{% materialization x %}{% endmaterialization %}");
        p.Write("models/m.sql", "select 1 as v");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.All, Does.Contain("macros/m.sql:2:").And.Contain("materialization 'x' needs an adapter"));

        p.Write("macros/m.sql", "{% materialization x, adapter='duckdb', supported_languages=['sql', 'python'] %}{% call statement('main') %}create or replace table {{ this }} as {{ sql }}{% endcall %}{{ return({'relations': [this]}) }}{% endmaterialization x %}");
        Assert.That(p.Run("parse").ExitCode, Is.EqualTo(2), "endmaterialization takes no name");
        p.Write("macros/m.sql", "{% materialization x, adapter='duckdb', supported_languages=['sql', 'python'] %}{% call statement('main') %}create or replace table {{ this }} as {{ sql }}{% endcall %}{{ return({'relations': [this]}) }}{% endmaterialization %}");
        p.Write("models/m.sql", "{{ config(materialized='x') }}select 1 as v");
        var ok = p.Run("run");
        Assert.That(ok.ExitCode, Is.EqualTo(0), ok.ToString());
    }

    [Test]
    public void A_project_block_named_table_replaces_the_built_in_and_says_so_and_a_package_one_is_ignored()
    {
        using var p = new TestProject();
        p.Write("dbt_packages/other/dbt_project.yml", "name: other\nversion: '1.0.0'\n");
        p.Write("dbt_packages/other/macros/v.sql",
            "{% materialization view, default %}{% call statement('main') %}select 1{% endcall %}{{ return({'relations': []}) }}{% endmaterialization %}");
        p.Write("macros/table.sql", """
            {% materialization table, default %}
              {% call statement('main') %}create or replace table {{ this }} as select 'mine' as who, * from ({{ sql }}) q{% endcall %}
              {{ return({'relations': [this]}) }}
            {% endmaterialization %}
            """);
        p.Write("models/t.sql", "{{ config(materialized='table') }}select 1 as x");
        p.Write("models/v.sql", "select 2 as x");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.All, Does.Contain("macros/table.sql:1:").And.Contain("replaces xform's built-in table materialization"));
        Assert.That(r.All, Does.Contain("materialization 'view' of package 'other' is ignored"));
        Assert.That(p.Scalar("select who from t"), Is.EqualTo("mine"));
        Assert.That(p.Relations()["v"], Is.EqualTo("VIEW"), "the built-in view ran, not the package's block");
    }
}
