namespace Xform.Cli.Tests;

/// <summary>dbt's generate_schema_name / generate_alias_name / generate_database_name, default and overridden (issue 12, point 3).</summary>
public class RelationNamingTests
{
    static TestProject Project()
    {
        var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    marts:\n      +schema: marts\nseeds:\n  proj:\n    +schema: raw\n");
        p.Write("models/marts/orders.sql", "select * from {{ ref('countries') }}");
        p.Write("models/plain.sql", "{{ config(alias='plain_alias ') }}\nselect 1 as id");
        p.Write("seeds/countries.csv", "code\nFR\n");
        return p;
    }

    static string[] Tables(TestProject p) => p.Query(
        "select table_schema || '.' || table_name from information_schema.tables where table_catalog = current_database() order by 1")
        .Select(r => (string)r[0]!).ToArray();

    [Test]
    public void By_default_a_custom_schema_is_appended_to_the_target_schema_and_an_alias_is_trimmed()
    {
        using var p = Project();
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Tables(p), Is.EqualTo(new[] { "main.plain_alias", "main_marts.orders", "main_raw.countries" }));
    }

    [Test]
    public void A_project_macro_that_returns_the_custom_schema_as_is_gets_exactly_that_schema_for_models_and_seeds()
    {
        using var p = Project();
        p.Write("macros/naming.sql", """
            {% macro generate_schema_name(custom_schema_name, node) -%}
                {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
            {%- endmacro %}
            """);
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Tables(p), Is.EqualTo(new[] { "main.plain_alias", "marts.orders", "raw.countries" }));
        Assert.That(p.Read("target/compiled/proj/models/marts/orders.sql"), Does.Contain("\"raw\".\"countries\""), "refs follow the new names");
    }

    [Test]
    public void The_node_reaches_the_macros_and_a_dispatched_default_override_is_used()
    {
        using var p = Project();
        // Overriding the dispatched default (what dbt's generate_schema_name calls) and the alias by resource type.
        p.Write("macros/naming.sql", """
            {% macro default__generate_schema_name(custom_schema_name, node) -%}
                {{ node.resource_type }}s
            {%- endmacro %}
            {% macro generate_alias_name(custom_alias_name=none, node=none) -%}
                {{ node.fqn[-1] }}_{{ node.package_name }}
            {%- endmacro %}
            """);
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Tables(p), Is.EqualTo(new[] { "models.orders_proj", "models.plain_proj", "seeds.countries_proj" }));
    }

    [Test]
    public void An_error_in_a_naming_macro_points_at_the_macro_and_touches_nothing()
    {
        using var p = Project();
        p.Write("macros/naming.sql", "{% macro generate_schema_name(custom_schema_name, node) -%}\n{{ exceptions.raise_compiler_error('no schema for ' ~ node.name) }}\n{%- endmacro %}\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("macros/naming.sql:2:").And.Contain("no schema for"));
        Assert.That(p.Exists("target/test.duckdb"), Is.False, "found at parse, before the database is opened");
    }
}
