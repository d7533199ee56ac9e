namespace Xform.Cli.Tests;

/// <summary>Installed packages under dbt_packages/, loaded as dbt loads them (issue 12, part 1).</summary>
public class PackageTests
{
    /// <summary>A root project 'shop' with a package 'mypkg' laid out as `deps` lays it out.</summary>
    static TestProject Shop()
    {
        var p = new TestProject("shop");
        p.Write("project.yml", """
            name: shop
            profile: shop
            vars:
              shop_var: root
              mypkg:
                greeting: hello from root
            models:
              mypkg:
                +materialized: table
            dispatch:
              - macro_namespace: mypkg
                search_order: [shop, mypkg]
            """);
        p.Write("dbt_packages/mypkg/dbt_project.yml", """
            name: mypkg
            version: '1.0.0'
            config-version: 2
            require-dbt-version: [">=1.0.0", "<2.0.0"]
            vars:
              greeting: hello from the package
              pkg_only: 42
            models:
              mypkg:
                +materialized: view
                +tags: [from_package]
            """);
        p.Write("dbt_packages/mypkg/macros/m.sql", """
            {% macro shout(x) %}upper({{ x }}){% endmacro %}
            {% macro helper() %}{{ return(adapter.dispatch('helper', 'mypkg')()) }}{% endmacro %}
            {% macro default__helper() %}'package default'{% endmacro %}
            {% macro inner() %}'inner of mypkg'{% endmacro %}
            {% macro uses_inner() %}{{ inner() }}{% endmacro %}
            {% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}
            """);
        p.Write("dbt_packages/mypkg/models/pkg_model.sql",
            "select '{{ var(\"greeting\") }}' as greeting, {{ var('pkg_only') }} as n, {{ uses_inner() }} as inner_value, * from {{ ref('pkg_seed') }}");
        p.Write("dbt_packages/mypkg/models/schema.yml", "models:\n  - name: pkg_model\n    columns:\n      - name: id\n        tests: [unique, is_positive]\n");
        p.Write("dbt_packages/mypkg/seeds/pkg_seed.csv", "id,amount\n1,10\n2,20\n");
        p.Write("macros/over.sql", "{% macro default__helper() %}'root override'{% endmacro %}\n{% macro inner() %}'inner of root'{% endmacro %}\n");
        p.Write("models/final.sql",
            "select {{ mypkg.shout(\"'x'\") }} as s, {{ mypkg.helper() }} as h, '{{ var(\"shop_var\") }}' as v, * from {{ ref('mypkg', 'pkg_model') }}");
        p.Write("models/schema.yml", "models:\n  - name: final\n    columns:\n      - name: amount\n        tests: [mypkg.is_positive, not_null]\n");
        return p;
    }

    [Test]
    public void A_package_builds_with_its_macros_models_seeds_tests_configs_and_vars()
    {
        using var p = Shop();
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var row = p.Query("select s, h, v, greeting, n, inner_value, cast(sum(amount) over () as integer) from final order by id")[0];
        Assert.That(row, Is.EqualTo(new object?[] { "X", "root override", "root", "hello from root", 42, "inner of mypkg", 30 }).AsCollection,
            "namespaced call; dispatch search order [shop, mypkg]; the root's var over the package's; the package's own var; the package's own macro first");
        Assert.That(p.Query("select table_type from information_schema.tables where table_name = 'pkg_model'")[0][0], Is.EqualTo("BASE TABLE"),
            "the root project's models: mypkg: config overrides the package's own");
        Assert.That(r.Out, Does.Contain("PASS mypkg_is_positive_final_amount").And.Contain("PASS is_positive_pkg_model_id"),
            "a package's generic test, namespaced from the root project and plain inside the package");
    }

    [Test]
    public void Package_nodes_carry_their_package_in_the_manifest_and_selectors()
    {
        using var p = Shop();
        Assert.That(p.Run("parse").ExitCode, Is.Zero);
        var manifest = p.Read("target/manifest.json");
        Assert.That(manifest, Does.Contain("\"model.mypkg.pkg_model\"").And.Contain("\"seed.mypkg.pkg_seed\""));
        var ls = p.Run("ls", "--select", "tag:from_package", "--resource-type", "model", "--output", "name");
        Assert.That(ls.Out.Trim(), Is.EqualTo("pkg_model"), "the package's own folder config (tags) applies");
        var path = p.Run("ls", "--select", "pkg_model", "--resource-type", "model", "--output", "path");
        Assert.That(path.Out.Trim(), Is.EqualTo("dbt_packages/mypkg/models/pkg_model.sql"), "paths are shown from the project folder");
    }

    [Test]
    public void An_installed_package_shadows_the_built_in_package_test_and_a_missing_test_is_named()
    {
        using var p = Shop();
        p.Write("models/schema.yml", "models:\n  - name: final\n    columns:\n      - name: amount\n        tests: [mypkg.accepted_range]\n");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("models/schema.yml:5:").And.Contain("unknown test 'mypkg.accepted_range': package 'mypkg' has no test 'accepted_range'"));
    }

    [Test]
    public void Two_packages_may_have_models_of_one_name()
    {
        using var p = Shop();
        p.Write("models/pkg_model.sql", "select 1 as id");
        var r = p.Run("compile");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("target/compiled/shop/models/final.sql"), Does.Contain("pkg_model"));
    }

    [Test]
    public void A_folder_without_a_project_file_is_not_a_package()
    {
        using var p = Shop();
        p.Write("dbt_packages/stray/readme.md", "not a package");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Contain("dbt_packages/stray/ has no dbt_project.yml: not a package, ignored"));
    }

    [Test]
    public void A_package_test_gets_relations_and_extra_keyword_arguments_as_dbt_passes_them()
    {
        using var p = Shop();
        // dbt's older form (a macro named test_x) that passes its keyword arguments on, reading the relation it was given.
        p.Write("dbt_packages/mypkg/macros/same_rows.sql", """
            {% macro test_same_rows(model, compare_model) %}
                {{ return(adapter.dispatch('test_same_rows', 'mypkg')(model, compare_model, **kwargs)) }}
            {% endmacro %}
            {% macro default__test_same_rows(model, compare_model) %}
                select 1 from (select count(*) as n from {{ model }}) a
                where n <> (select count(*) from {{ compare_model }}) or '{{ compare_model.name }}' <> 'pkg_model' or {{ kwargs.get('threshold', 0) }} <> 7
            {% endmacro %}
            """);
        p.Write("models/schema.yml", "models:\n  - name: final\n    tests:\n      - mypkg.same_rows:\n          compare_model: ref('mypkg', 'pkg_model')\n          threshold: 7\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("PASS mypkg_same_rows_final_"));
    }

    [Test]
    public void A_generic_tests_own_config_call_sets_its_fail_calc_under_the_yaml_config()
    {
        using var p = Shop();
        // dbt_utils' equal_rowcount style: the test's rows are counted by sum(diff), set inside the macro.
        p.Write("dbt_packages/mypkg/macros/diff.sql", """
            {% test zero_diff(model) %}
                {{ config(fail_calc='sum(diff)') }}
                select 0 as diff from {{ model }}
            {% endtest %}
            """);
        p.Write("models/schema.yml", "models:\n  - name: final\n    tests:\n      - mypkg.zero_diff\n      - mypkg.zero_diff:\n          name: counted_rows\n          config: {fail_calc: 'count(*)'}\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("PASS mypkg_zero_diff_final"), "sum(diff) over zeros: no failures (a 128-bit sum on DuckDB)");
        Assert.That(r.Out, Does.Contain("FAIL 2 counted_rows"), "the YAML config wins over the macro's");
    }
}
