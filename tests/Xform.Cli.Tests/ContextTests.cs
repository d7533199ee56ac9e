using System.Text.Json;

namespace Xform.Cli.Tests;

/// <summary>dbt's Jinja context end to end: models, macros and YAML see modules, run_started_at, invocation_id, flags, target.</summary>
[NonParallelizable]
public class ContextTests
{
    static string Compiled(TestProject p, string model) => p.Read($"target/compiled/proj/models/{model}.sql").Trim();

    [Test]
    public void Run_started_at_and_invocation_id_are_the_runs_own_and_the_artifacts_agree()
    {
        using var p = new TestProject();
        p.Write("models/stamp.sql",
            "select '{{ run_started_at }}' as started, '{{ run_started_at.strftime(\"%Y-%m-%d\") }}' as day,\n" +
            "  '{{ run_started_at.isoformat() }}' as iso, '{{ run_started_at.astimezone(modules.pytz.timezone(\"America/New_York\")) }}' as ny,\n" +
            "  '{{ invocation_id }}' as invocation, '{{ dbt_version }}' as version");
        Environment.SetEnvironmentVariable("XFORM_NOW", "2024-01-05T10:20:30Z");
        CliResult r;
        try
        {
            r = p.Run("run");
        }
        finally
        {
            Environment.SetEnvironmentVariable("XFORM_NOW", null);
        }
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var row = p.Query("select started, day, iso, ny, invocation, version from stamp")[0];
        Assert.That(row[0], Is.EqualTo("2024-01-05 10:20:30+00:00"));
        Assert.That(row[1], Is.EqualTo("2024-01-05"));
        Assert.That(row[2], Is.EqualTo("2024-01-05T10:20:30+00:00"));
        Assert.That(row[3], Is.EqualTo("2024-01-05 05:20:30-05:00"));
        Assert.That(row[5], Is.EqualTo("1.10.0"));
        var invocation = (string)row[4]!;
        Assert.That(Guid.TryParse(invocation, out _), Is.True, invocation);
        using var manifest = JsonDocument.Parse(p.Read("target/manifest.json"));
        using var results = JsonDocument.Parse(p.Read("target/run_results.json"));
        Assert.That(manifest.RootElement.GetProperty("metadata").GetProperty("invocation_id").GetString(), Is.EqualTo(invocation));
        Assert.That(results.RootElement.GetProperty("metadata").GetProperty("invocation_id").GetString(), Is.EqualTo(invocation));
        Assert.That(manifest.RootElement.GetProperty("metadata").GetProperty("dbt_version").GetString(), Is.EqualTo("1.10.0"));

        var again = p.Run("compile");
        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(Compiled(p, "stamp"), Does.Not.Contain(invocation), "each command is its own invocation");
    }

    [Test]
    public void Macros_use_modules_json_yaml_and_return()
    {
        using var p = new TestProject();
        p.Write("macros/helpers.sql", """
            {% macro strip_prefix(name) %}{{ return(modules.re.sub('^(stg|int)_', '', name)) }}{% endmacro %}
            {% macro date_list(start, days) %}
              {%- set first = modules.datetime.datetime.strptime(start, '%Y-%m-%d').date() -%}
              {%- set out = [] -%}
              {%- for i in range(days) %}{% do out.append((first + modules.datetime.timedelta(days=i)).isoformat()) %}{% endfor -%}
              {{ return(out) }}
            {% endmacro %}
            {% macro pairs(a, b) %}{{ return(modules.itertools.product(a, b) | list) }}{% endmacro %}
            """);
        p.Write("models/stg_orders.sql", """
            {% set cfg = fromjson('{"cols": ["id", "amount"], "limit": 5}') %}
            {% set meta = fromyaml('owner: data\nactive: yes\n') %}
            select '{{ strip_prefix(this.name) }}' as short_name,
              '{{ date_list('2024-02-27', 4) | join(',') }}' as days,
              {{ pairs(['a', 'b'], [1]) | length }} as pair_count,
              '{{ cfg.cols | join('|') }}' as cols, {{ cfg.limit }} as lim,
              '{{ meta.owner }}' as owner, {{ meta.active }} as active,
              '{{ tojson({'b': 1, 'a': [true, none]}, sort_keys=true) }}' as js,
              '{{ local_md5('hello world') }}' as md5,
              {{ set(['x', 'y', 'x']) | length }} as distinct_count
            """);
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var row = p.Query("select short_name, days, pair_count, cols, lim, owner, active, js, md5, distinct_count from stg_orders")[0];
        Assert.That(row, Is.EqualTo(new object?[]
        {
            "orders", "2024-02-27,2024-02-28,2024-02-29,2024-03-01", 2, "id|amount", 5, "data", true,
            "{\"a\": [true, null], \"b\": 1}", "5eb63bbbe01eeed093cb22bb8f5acdc3", 2,
        }));
    }

    [Test]
    public void Toyaml_renders_as_pyyaml_dumps()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "{% set doc = toyaml({'name': 'orders', 'tags': ['a', 'b'], 'cfg': {'on': 'yes'}}) %}select 1 as x\n-- {{ doc | replace('\\n', ' / ') }}");
        var r = p.Run("compile", "-s", "m");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Compiled(p, "m"), Does.EndWith("-- name: orders / tags: / - a / - b / cfg: /   'on': 'yes' /"));
    }

    [Test]
    public void Flags_follow_the_command_line()
    {
        using var p = new TestProject();
        p.Write("models/f.sql", "select '{{ flags.WHICH }}' as which, {{ flags.FULL_REFRESH }} as full_refresh, {{ flags.FAIL_FAST }} as fail_fast, " +
            "{{ flags.NOT_A_FLAG is none }} as unknown_is_none, '{{ flags.INVOCATION_COMMAND }}' as cmd");
        var run = p.Run("run", "--full-refresh", "--vars", "{secret: hunter2}");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var row = p.Query("select which, full_refresh, fail_fast, unknown_is_none, cmd from f")[0];
        Assert.That(row[0..4], Is.EqualTo(new object?[] { "run", true, false, true }));
        Assert.That((string)row[4]!, Does.StartWith("xform run --full-refresh --vars"));
        Assert.That((string)row[4]!, Does.Not.Contain("hunter2"), "--vars values may hold secrets");

        var build = p.Run("build", "--fail-fast");
        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(p.Query("select which, full_refresh, fail_fast from f")[0], Is.EqualTo(new object?[] { "build", false, true }));

        Assert.That(p.Run("compile").ExitCode, Is.Zero);
        Assert.That(Compiled(p, "f"), Does.StartWith("select 'compile' as which, False as full_refresh"));
    }

    [Test]
    public void Target_has_the_profile_fields_and_the_duckdb_catalog_as_database()
    {
        using var p = new TestProject();
        p.Write("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n      threads: 3\n      password: \"{{ env_var('XFORM_CONTEXT_SECRET', 'pw-never-shown') }}\"\n      custom_setting: 42\n");
        p.Write("models/t.sql", "select '{{ target.database }}' as db, '{{ target.schema }}' as sch, '{{ target.type }}' as typ, {{ target.threads }} as threads, " +
            "'{{ target.name }}' as name, '{{ target.profile_name }}' as profile, '{{ target.path }}' as path, {{ target.custom_setting }} as custom, " +
            "{{ 'password' in target }} as has_password, '{{ target.get('password', 'absent') }}' as pw");
        var r = p.Run("run", "--threads", "2");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select db, sch, typ, threads, name, profile, path, custom, has_password, pw from t")[0], Is.EqualTo(new object?[]
        {
            "test", "main", "duckdb", 2, "dev", "proj", "target/test.duckdb", 42, false, "absent",
        }));
        Assert.That(p.Scalar("select current_database()"), Is.EqualTo("test"), "the catalog DuckDB names after the file");
        using var manifest = JsonDocument.Parse(p.Read("target/manifest.json"));
        Assert.That(manifest.RootElement.GetProperty("nodes").GetProperty("model.proj.t").GetProperty("database").GetString(), Is.EqualTo("test"));
        Assert.That(p.Read("target/manifest.json") + r.All, Does.Not.Contain("pw-never-shown"));
    }

    [Test]
    public void An_in_memory_duckdb_target_has_the_memory_catalog()
    {
        using var p = new TestProject();
        p.Write("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n");
        p.Write("models/t.sql", "select '{{ target.database }}' as db, '{{ target.path }}' as path, (select current_database()) as actual");
        var r = p.Run("show", "-s", "t");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Match(@"memory\s*\|\s*:memory:\s*\|\s*memory"));
    }

    [Test]
    public void Yaml_rendering_sees_the_context_and_errors_point_at_the_template()
    {
        using var p = new TestProject();
        p.Write("models/sources.yml", "sources:\n  - name: app\n    schema: \"{{ modules.re.sub('^de', 'ra', target.name) ~ '_' ~ run_started_at.strftime('%Y') }}\"\n    tables:\n      - name: events\n");
        p.Write("models/m.sql", "select * from {{ source('app', 'events') }}");
        Environment.SetEnvironmentVariable("XFORM_NOW", "2031-06-01T00:00:00Z");
        try
        {
            var r = p.Run("compile");
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            Assert.That(Compiled(p, "m"), Is.EqualTo("select * from \"rav_2031\".\"events\""));
        }
        finally
        {
            Environment.SetEnvironmentVariable("XFORM_NOW", null);
        }

        p.Write("models/m.sql", "select '{{ modules.datetime.date(2024, 2, 30) }}' as d");
        var bad = p.Run("compile");
        Assert.That(bad.ExitCode, Is.EqualTo(2), bad.ToString());
        Assert.That(bad.Err, Does.Contain("models/m.sql:1:").And.Contain("day is out of range for month"));
    }

    [Test]
    public void Print_and_exceptions_warn_go_to_the_output()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "{% do print('hello from ' ~ this.name) %}{% do exceptions.warn('careful') %}select 1 as x");
        var r = p.Run("compile");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Contain("hello from m").And.Contain("careful"));
    }
}
