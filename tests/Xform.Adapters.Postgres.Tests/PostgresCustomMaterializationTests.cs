using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>A <c>{% materialization %}</c> block on the real server: its statements in one transaction, rolled back when it fails.</summary>
public class PostgresCustomMaterializationTests
{
    readonly List<ConformanceProject> _projects = [];

    [TearDown]
    public void Cleanup()
    {
        foreach (var p in _projects) p.Dispose();
        _projects.Clear();
    }

    [Test]
    public void A_custom_materialization_builds_on_postgres_and_a_failure_keeps_the_previous_table()
    {
        ServerFixture.Require();
        var p = new ConformanceProject(PostgresTarget.Instance);
        _projects.Add(p);
        p.Write("macros/swap.sql", """
            {% materialization swapped, adapter='postgres' %}
              {%- set target_relation = this.incorporate(type='table') -%}
              {%- set tmp = make_temp_relation(target_relation, '__new') -%}
              {%- set existing = load_relation(this) -%}
              {{ run_hooks(pre_hooks, inside_transaction=False) }}
              {{ run_hooks(pre_hooks) }}
              {% call statement('main') %}create table {{ tmp }} as {{ sql }}{% endcall %}
              {% if existing is not none %}{{ adapter.drop_relation(existing) }}{% endif %}
              {{ adapter.rename_relation(tmp, target_relation) }}
              {{ run_hooks(post_hooks) }}
              {{ adapter.commit() }}
              {{ return({'relations': [target_relation]}) }}
            {% endmaterialization %}
            {% materialization swapped, default %}{{ exceptions.raise_compiler_error('the default block ran') }}{% endmaterialization %}
            """);
        p.Write("models/m.sql", "{{ config(materialized='swapped') }}\nselect 1 as id");
        p.Write("models/v.sql", "select id * 10 as id from {{ ref('m') }}");
        var ok = p.Run("run");
        Assert.That(ok.ExitCode, Is.Zero, ok.ToString());
        Assert.That(p.Long($"select id from {p.Rel("v")}"), Is.EqualTo(10));

        p.Write("models/m.sql", "{{ config(materialized='swapped', post_hook='select 1/0') }}\nselect 2 as id");
        var r = p.Run("run", "-s", "m");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Contain("materialization 'swapped' of model 'm' failed").And.Contain("division by zero"));
        Assert.That(p.Long($"select id from {p.Rel("m")}"), Is.EqualTo(1), "the drop and rename rolled back with the failing hook");
    }

    [Test]
    public void External_is_refused_before_the_run_on_postgres()
    {
        ServerFixture.Require();
        var p = new ConformanceProject(PostgresTarget.Instance);
        _projects.Add(p);
        p.Write("models/m.sql", "{{ config(materialized='external') }}\nselect 1 as id");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.All, Does.Contain("models/m.sql:1:4: error: model 'm' asks for materialization 'external': external is a DuckDB materialization"));
    }
}
