namespace Xform.Cli.Tests;

/// <summary>Jinja in configuration, rendered as dbt renders it (issue 12, point 4).</summary>
public class ConfigTemplateTests
{
    static TestProject Project()
    {
        var p = new TestProject();
        p.Write("project.yml", """
            name: proj
            profile: proj
            vars:
              start: "{{ '2024' ~ '-01-01' }}"
              region_list: "{{ var('region', 'eu') | upper }}"
            models:
              proj:
                optional:
                  +enabled: "{{ var('load_optional', false) }}"
                marts:
                  +schema: "{{ target.name }}_marts"
                  +tags: ["{{ env_var('XFORM_TEST_TAG', 'fallback_tag') }}"]
                  +pre-hook: "select '{{ this.identifier }}'"
            seeds:
              proj:
                +enabled: "True"
            """);
        p.Write("models/optional/opt.sql", "select 1 as id");
        p.Write("models/marts/m.sql", "select '{{ var(\"start\") }}' as start, '{{ var(\"region_list\") }}' as region");
        p.Write("models/props.yml", "models:\n  - name: m\n    config:\n      alias: \"{{ 'm_' ~ target.name }}\"\n");
        p.Write("seeds/s.csv", "a\n1\n");
        return p;
    }

    [Test]
    public void Project_and_yaml_configs_render_with_target_vars_and_env_var_and_hooks_render_later_per_node()
    {
        using var p = Project();
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select start, region from main_dev_marts.m_dev")[0], Is.EqualTo(new object?[] { "2024-01-01", "EU" }).AsCollection,
            "schema from target.name, alias from a YAML config block, vars whose values are templates rendered when read");
        Assert.That(p.Query("select count(*) from information_schema.tables where table_name = 'opt'")[0][0], Is.EqualTo(0L),
            "+enabled rendered to false: the model is disabled");
        Assert.That(p.Query("select count(*) from information_schema.tables where table_name = 's'")[0][0], Is.EqualTo(1L), "a string \"True\" enables");
        Assert.That(p.Run("ls", "--select", "tag:fallback_tag", "--output", "name").Out.Trim(), Is.EqualTo("m"));
        Assert.That(p.Read("target/run/proj/models/marts/m.sql"), Does.Not.Contain("{{"));
    }

    [Test]
    public void A_var_on_the_command_line_enables_the_model()
    {
        using var p = Project();
        var r = p.Run("run", "--vars", "{load_optional: true, region: us}");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select id from main.opt")[0][0], Is.EqualTo(1));
        Assert.That(p.Query("select region from main_dev_marts.m_dev")[0][0], Is.EqualTo("US"));
    }

    [Test]
    public void A_model_disabled_by_a_folder_config_or_its_own_config_is_not_a_node()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    legacy:\n      +enabled: false\n");
        p.Write("models/legacy/old.sql", "select 1 as id");
        p.Write("models/self_off.sql", "{{ config(enabled=false) }}\nselect 1 as id");
        p.Write("models/kept.sql", "select 1 as id");
        var r = p.Run("ls", "--output", "name");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out.Trim(), Is.EqualTo("kept"));
    }
}
