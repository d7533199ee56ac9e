using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary>on-run-start / on-run-end and the pre-hooks and post-hooks of models, seeds and snapshots, through the CLI on DuckDB.</summary>
public class HookTests
{
    static void NoCrash(CliResult r)
    {
        Assert.That(r.All, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(r.All, Does.Not.Contain("internal error"));
    }

    static JsonArray Results(TestProject p) => JsonNode.Parse(p.Read("target/run_results.json"))!["results"]!.AsArray();

    [Test]
    public void On_run_start_and_end_run_around_the_nodes_and_on_run_end_sees_the_results_and_schemas()
    {
        using var p = new TestProject();
        p.Write("project.yml", """
            name: proj
            profile: proj
            on-run-start: "create table if not exists main.audit (what varchar, detail varchar)"
            on-run-end:
              - "insert into main.audit values ('end', '{{ results | length }}')"
              - "{% for r in results %}insert into main.audit values ('{{ r.status }}', '{{ r.node.unique_id }}|{{ r.node.name }}|{{ r.execution_time > 0 }}');{% endfor %}"
              - "insert into main.audit values ('schemas', '{{ schemas | join(',') }}|{{ database_schemas | length }}')"
            """);
        p.Write("models/a.sql", "{{ config(materialized='table') }}\nselect (select count(*) from main.audit) as audit_rows_while_building");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select audit_rows_while_building from main.a")[0][0], Is.EqualTo(0L), "on-run-start ran before the model");
        var audit = p.Query("select what, detail from main.audit order by what").Select(row => $"{row[0]}={row[1]}").ToList();
        Assert.That(audit, Is.EqualTo(new[] { "end=1", "schemas=main|1", "success=model.proj.a|a|True" }).AsCollection);
        var ids = Results(p).Select(x => (string)x!["unique_id"]!).ToList();
        Assert.That(ids, Is.EqualTo(new[]
        {
            "operation.proj.proj-on-run-start-0", "model.proj.a", "operation.proj.proj-on-run-end-0",
            "operation.proj.proj-on-run-end-1", "operation.proj.proj-on-run-end-2",
        }).AsCollection, "hooks are operation nodes of run_results.json, as dbt's");
        Assert.That(r.Out, Does.Contain("hook: proj-on-run-start-0"));
    }

    [Test]
    public void A_failing_on_run_start_stops_the_run_before_any_node()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", "select 1 as id");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        p.Write("models/a.sql", "select 2 as id");
        p.Write("project.yml", "name: proj\nprofile: proj\non-run-start: [\"select * from no_such_table\"]\non-run-end: \"create table main.ended as select 1 as x\"\n");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        NoCrash(r);
        Assert.That(r.Err, Does.Contain("project.yml: proj-on-run-start-0 failed: database error:"));
        Assert.That(r.Err, Does.Contain("no_such_table"));
        Assert.That(p.Query("select id from main.a")[0][0], Is.EqualTo(1), "the model did not run");
        Assert.That(p.Query("select count(*) from information_schema.tables where table_name = 'ended'")[0][0], Is.EqualTo(0L), "nor on-run-end");
        var statuses = Results(p).Select(x => $"{x!["unique_id"]}:{x["status"]}").ToList();
        Assert.That(statuses, Is.EqualTo(new[] { "operation.proj.proj-on-run-start-0:error", "model.proj.a:skipped" }).AsCollection);
    }

    [Test]
    public void A_failing_on_run_end_fails_the_command_after_the_nodes()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\non-run-end: \"{{ exceptions.raise_compiler_error('audit table missing') }}\"\n");
        p.Write("models/a.sql", "select 1 as id");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        NoCrash(r);
        Assert.That(r.Err, Does.Contain("proj-on-run-end-0 failed: project.yml"));
        Assert.That(r.Err, Does.Contain("audit table missing"));
        Assert.That(p.Query("select id from main.a")[0][0], Is.EqualTo(1));
    }

    [Test]
    public void On_run_start_must_be_a_statement_or_a_list()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\non-run-start:\n  sql: select 1\n");
        p.Write("models/a.sql", "select 1 as id");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        NoCrash(r);
        Assert.That(r.Err, Does.Contain("project.yml:4:3: error: 'on-run-start' must be a SQL statement or a list of them"));
    }

    [Test]
    public void Model_hooks_from_the_project_and_config_run_in_order_with_this()
    {
        using var p = new TestProject();
        p.Write("project.yml", """
            name: proj
            profile: proj
            on-run-start: "create table if not exists main.log (step varchar)"
            models:
              proj:
                +pre-hook: "insert into main.log values ('project pre')"
                +post-hook: ["insert into main.log values ('project post {{ this.identifier }}')"]
            """);
        p.Write("models/m.sql", "{{ config(pre_hook=\"insert into main.log values ('own pre')\", post_hook=[\"insert into main.log select 'own post ' || count(*) from {{ this }}\"]) }}\nselect 1 as id union all select 2");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var log = p.Query("select step from main.log").Select(row => (string)row[0]!).ToList();
        Assert.That(log, Is.EqualTo(new[] { "project pre", "own pre", "project post m", "own post 2" }).AsCollection);
    }

    [Test]
    public void A_hook_that_renders_no_sql_sends_nothing_and_the_node_builds()
    {
        // dbt-utils' integration project has such a seed post-hook: template code with a side effect, no statement.
        using var p = new TestProject();
        p.Write("seeds/s.csv", "id\n1\n");
        p.Write("models/m.sql", "{{ config(materialized='table', post_hook=['{% do log(\"hook ran\", info=True) %}', \"create table main.after as select 1 as x\"]) }}\nselect 1 as id");
        p.Write("project.yml", "name: proj\nprofile: proj\nseeds:\n  proj:\n    +post-hook: \"{% set unused = 1 %}\"\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("hook ran"));
        Assert.That(p.Query("select count(*) from main.after")[0][0], Is.EqualTo(1L), "the hook after the empty one runs");
        Assert.That(p.Query("select count(*) from main.s")[0][0], Is.EqualTo(1L));
    }

    [Test]
    public void Hooks_outside_the_transaction_run_before_it_begins_and_after_it_commits()
    {
        using var p = new TestProject();
        p.Write("project.yml", """
            name: proj
            profile: proj
            on-run-start: "create table if not exists main.log (step varchar)"
            models:
              proj:
                +post-hook:
                  - sql: "insert into main.log values ('outside post')"
                    transaction: false
                  - "insert into main.log values ('inside post')"
            """);
        p.Write("models/m.sql", "{{ config(pre_hook=before_begin(\"insert into main.log values ('before begin')\"), post_hook=after_commit(\"insert into main.log values ('after commit')\")) }}\nselect 1 as id");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var log = p.Query("select step from main.log").Select(row => (string)row[0]!).ToList();
        Assert.That(log, Is.EqualTo(new[] { "before begin", "inside post", "outside post", "after commit" }).AsCollection);
        Assert.That(p.Read("target/run/proj/models/m.sql"), Does.StartWith("insert into main.log values ('before begin')"));
    }

    [Test]
    public void A_failing_hook_fails_its_node_names_the_hook_and_keeps_the_previous_table()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", "{{ config(materialized='table') }}\nselect 1 as id");
        p.Write("models/after.sql", "select * from {{ ref('m') }}");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        p.Write("models/m.sql", "{{ config(materialized='table', post_hook=['select 1', 'insert into no_such_log values (1)']) }}\nselect 2 as id");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        NoCrash(r);
        Assert.That(r.Err, Does.Contain("models/m.sql: database error: post-hook 2 of model 'm' failed:"));
        Assert.That(r.Err, Does.Contain("no_such_log"));
        Assert.That(p.Query("select id from main.m")[0][0], Is.EqualTo(1), "the post-hook ran in the model's transaction: the previous table stays");
        Assert.That(Results(p).Single(x => (string)x!["unique_id"]! == "model.proj.after")!["status"]!.ToString(), Is.EqualTo("skipped"));

        p.Write("models/m.sql", "{{ config(materialized='table', pre_hook=before_begin('drop table no_such_table')) }}\nselect 3 as id");
        r = p.Run("run", "--select", "m");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Err, Does.Contain("pre-hook 1 of model 'm' failed:"));
        Assert.That(p.Query("select id from main.m")[0][0], Is.EqualTo(1));
    }

    [Test]
    public void Snapshot_hooks_run()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\non-run-start: \"create table if not exists main.log (step varchar)\"\n");
        p.Write("snapshots/snap.sql", """
            {% snapshot snap %}
            {{ config(target_schema='main', unique_key='id', strategy='check', check_cols='all', post_hook="insert into main.log select 'rows ' || count(*) from {{ this }}") }}
            select 1 as id, 'a' as v
            {% endsnapshot %}
            """);
        var r = p.Run("snapshot");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select step from main.log")[0][0], Is.EqualTo("rows 1"));
    }
}
