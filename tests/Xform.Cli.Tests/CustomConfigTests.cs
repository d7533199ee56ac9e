namespace Xform.Cli.Tests;

/// <summary>dbt accepts config keys it does not know; so does xform, warning only for a likely typo (issue 12, point 7).</summary>
public class CustomConfigTests
{
    [Test]
    public void Custom_keys_from_every_layer_are_kept_and_readable_through_config_get()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    owner_team: finance\n    +sla_hours: 24\n");
        p.Write("models/props.yml", "models:\n  - name: a\n    config:\n      pii: true\n");
        p.Write("models/a.sql", "{{ config(refresh_window='7 days') }}\nselect '{{ config.get('owner_team') }}' as team, {{ config.get('sla_hours') }} as sla, " +
                                "{{ config.get('pii') }} as pii, '{{ config.get('refresh_window') }}' as w, '{{ config.get('absent', 'fallback') }}' as d");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Not.Contain("warning"), "no warning for a key that is no typo of a known one");
        Assert.That(p.Query("select team, sla, pii, w, d from a")[0], Is.EqualTo(new object?[] { "finance", 24, true, "7 days", "fallback" }).AsCollection);
        Assert.That(p.Read("target/manifest.json"), Does.Contain("\"owner_team\":\"finance\""));
    }

    [Test]
    public void A_key_one_typo_from_a_known_one_is_a_warning_naming_it_at_its_line()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    +materialised: table\n");
        p.Write("models/a.sql", "{{ config(uniqe_key='id') }}\nselect 1 as id");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Contain("project.yml:5:5: warning: config 'materialised' in 'models' of project.yml is not one xform knows, kept as a custom config. Did you mean 'materialized'?"));
        Assert.That(r.All, Does.Contain("models/a.sql:1:4: warning: config 'uniqe_key' is not one xform knows, kept as a custom config. Did you mean 'unique_key'?"));
    }

    [Test]
    public void dbts_config_helper_macros_read_the_nodes_config()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", "{{ config(full_refresh=true) }}\nselect '{{ should_full_refresh() }}' as fr, '{{ should_store_failures() }}' as sf");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select fr, sf from a")[0], Is.EqualTo(new object?[] { "True", "False" }).AsCollection);
    }
}
