using static Xform.Cli.Tests.ErrorMessageTests;

namespace Xform.Cli.Tests;

/// <summary>
/// Config mistakes that only the run used to find: `xform parse` now reports each at the line that set the
/// config (a config() call, a YAML config block, a folder level of project.yml), exit 2, before any database work.
/// </summary>
public class ConfigErrorTests
{
    const string Incremental = "{{ config(materialized='incremental', ";

    internal static IEnumerable<Case> Cases()
    {
        yield return C("unknown incremental strategy, at its config() call",
            "models/m.sql:2:4: error: incremental_strategy 'mege' of model 'm' is not one of append, merge, delete+insert, insert_overwrite, microbatch. Did you mean 'merge'?",
            ["parse"], ("models/m.sql", "-- an incremental model\n" + Incremental + "incremental_strategy='mege', unique_key='id') }}\nselect 1 as id"));
        yield return C("unknown on_schema_change, at its YAML value",
            "models/props.yml:6:25: error: on_schema_change 'append_columns' of model 'm' is not one of ignore, fail, append_new_columns, sync_all_columns",
            ["parse"], ("models/m.sql", "{{ config(materialized='incremental') }}select 1 as id"),
            ("models/props.yml", "version: 2\nmodels:\n  - name: m\n    config:\n      materialized: incremental\n      on_schema_change: append_columns\n"));
        yield return C("delete+insert without unique_key, at the folder config that chose it",
            "project.yml:6:28: error: model 'm' uses delete+insert, which needs a unique_key",
            ["parse"], ("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    +materialized: incremental\n    +incremental_strategy: delete+insert\n"),
            ("models/m.sql", "select 1 as id"));
        yield return C("insert_overwrite without partition_by",
            "models/m.sql:1:4: error: model 'm' uses insert_overwrite, which needs partition_by (the column whose values are replaced)",
            ["parse"], ("models/m.sql", Incremental + "incremental_strategy='insert_overwrite') }}select 1 as d"));
        yield return C("partition_by of the wrong shape",
            "models/m.sql:1:4: error: partition_by of model 'm' must be a column name or {field: column}",
            ["parse"], ("models/m.sql", Incremental + "incremental_strategy='insert_overwrite', partition_by=['d']) }}select 1 as d"));
        yield return C("merge columns both included and excluded",
            "models/m.sql:1:4: error: model 'm' sets both merge_update_columns and merge_exclude_columns; use one",
            ["parse"], ("models/m.sql", Incremental + "unique_key='id', merge_update_columns=['a'], merge_exclude_columns=['b']) }}select 1 as id, 2 as a, 3 as b"));
        yield return C("microbatch without event_time",
            "models/m.sql:1:4: error: microbatch model 'm' needs event_time (its timestamp column)",
            ["parse"], ("models/m.sql", Incremental + "incremental_strategy='microbatch', batch_size='day', begin='2024-01-01') }}select 1 as id"));
        yield return C("microbatch without begin",
            "models/m.sql:1:4: error: microbatch model 'm' needs begin (the first event time to build)",
            ["parse"], ("models/m.sql", Incremental + "incremental_strategy='microbatch', event_time='t', batch_size='day') }}select 1 as id"));
        yield return C("microbatch with an unknown batch_size",
            "models/m.sql:1:4: error: batch_size of model 'm' must be hour, day, month or year, not 'week'",
            ["parse"], ("models/m.sql", Incremental + "incremental_strategy='microbatch', event_time='t', batch_size='week', begin='2024-01-01') }}select 1 as id"));
        yield return C("microbatch with a begin that is no date",
            "models/m.sql:1:4: error: begin of model 'm' must be a date or timestamp such as '2024-01-01', not 'yesterday'",
            ["parse"], ("models/m.sql", Incremental + "incremental_strategy='microbatch', event_time='t', batch_size='day', begin='yesterday') }}select 1 as id"));
        yield return C("microbatch with a negative lookback",
            "models/m.sql:1:4: error: lookback of model 'm' must be a whole number",
            ["parse"], ("models/m.sql", Incremental + "incremental_strategy='microbatch', event_time='t', batch_size='day', begin='2024-01-01', lookback=-1) }}select 1 as id"));
        yield return C("snapshot with an unknown strategy",
            "snapshots/s.sql:2:4: error: strategy of snapshot 's' must be timestamp or check, not 'timestmp'",
            ["parse"], ("snapshots/s.sql", "{% snapshot s %}\n{{ config(unique_key='id', strategy='timestmp', updated_at='u') }}\nselect 1 as id\n{% endsnapshot %}"));
        yield return C("timestamp snapshot without updated_at",
            "snapshots/s.sql:2:4: error: snapshot 's' with strategy timestamp needs updated_at",
            ["parse"], ("snapshots/s.sql", "{% snapshot s %}\n{{ config(unique_key='id', strategy='timestamp') }}\nselect 1 as id\n{% endsnapshot %}"));
        yield return C("check snapshot without check_cols",
            "snapshots/s.sql:2:4: error: snapshot 's' with strategy check needs check_cols (a list, or 'all')",
            ["parse"], ("snapshots/s.sql", "{% snapshot s %}\n{{ config(unique_key='id', strategy='check') }}\nselect 1 as id\n{% endsnapshot %}"));
        yield return C("snapshot with unknown hard_deletes",
            "snapshots/s.sql:2:4: error: hard_deletes of snapshot 's' must be ignore, invalidate or new_record, not 'delete'",
            ["parse"], ("snapshots/s.sql", "{% snapshot s %}\n{{ config(unique_key='id', strategy='check', check_cols='all', hard_deletes='delete') }}\nselect 1 as id\n{% endsnapshot %}"));
        yield return C("test severity that is neither error nor warn",
            "models/props.yml:7:13: error: severity of test 'not_null_m_id' must be 'error' or 'warn', not 'fatal'",
            ["parse"], ("models/m.sql", "select 1 as id"),
            ("models/props.yml", "version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - not_null: {config: {severity: fatal}}\n"));
        yield return C("test warn_if that is no comparison",
            "models/props.yml:7:13: error: warn_if of test 'not_null_m_id' must be a comparison with a number such as '>0' or '>=10', not 'many'",
            ["parse"], ("models/m.sql", "select 1 as id"),
            ("models/props.yml", "version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - not_null: {config: {warn_if: many}}\n"));
        yield return C("source freshness of the wrong shape",
            "models/src.yml:5:9: error: freshness 'warn_after' of source raw.t must be {count: N, period: minute|hour|day}",
            ["parse"], ("models/src.yml", "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: t\n        loaded_at_field: at\n        freshness: {warn_after: {count: 1, period: fortnight}}\n"));
    }

    [TestCaseSource(nameof(Cases))]
    public void Parse_reports_the_line_that_set_the_config(Case c) => Check(c);

    /// <summary>The same mistakes injected into a built project and built: the same error, and the table untouched.</summary>
    [TestCaseSource(nameof(Cases))]
    public void Build_stops_at_the_same_line_before_the_database_is_touched(Case c) =>
        CheckBeforeBuild(c with { Args = ["build", .. c.Args[1..]] });

    [Test]
    public void Every_config_mistake_is_reported_at_once()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", Incremental + "incremental_strategy='mege') }}select 1 as id");
        p.Write("models/b.sql", Incremental + "on_schema_change='never') }}select 1 as id");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ConsoleText.Untimed).ToList();
        Assert.That(lines, Has.Some.StartsWith("models/a.sql:1:4: error: incremental_strategy 'mege'"));
        Assert.That(lines, Has.Some.StartsWith("models/b.sql:1:4: error: on_schema_change 'never'"));
    }

    [Test]
    public void A_config_mistake_stops_the_run_before_the_previous_table_is_touched()
    {
        using var p = new TestProject();
        p.Write("models/m.sql", Incremental + "unique_key='id') }}select 1 as id, 'old' as v");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        p.Write("models/m.sql", Incremental + "unique_key='id', incremental_strategy='upsert') }}select 1 as id, 'new' as v");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("models/m.sql:1:4: error: incremental_strategy 'upsert' of model 'm'"));
        Assert.That(r.Out, Does.Not.Contain("START"), "no node started");
        Assert.That(p.Scalar("select v from m"), Is.EqualTo("old"));
    }
}
