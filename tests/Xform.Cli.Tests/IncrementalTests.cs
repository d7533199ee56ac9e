namespace Xform.Cli.Tests;

/// <summary>
/// Incremental models on DuckDB: each strategy with late-arriving data (old keys and old partitions in
/// a later run end up exactly once with the latest values), idempotence, schema changes, full refresh.
/// The input is a CSV the test rewrites between runs.
/// </summary>
public class IncrementalTests
{
    static TestProject Project(string modelConfig, string filter = "where day >= (select max(day) from {{ this }}) - 1")
    {
        var p = new TestProject();
        p.Write("models/input_rows.sql", "{{ config(materialized='table') }}\nselect * from read_csv('input.csv', header = true, columns = {'id': 'integer', 'v': 'varchar', 'day': 'integer'})");
        p.Write("models/target.sql", "{{ config(" + modelConfig + ") }}\nselect id, v, day from {{ ref('input_rows') }}\n{% if is_incremental() %}" + filter + "{% endif %}");
        return p;
    }

    static void Input(TestProject p, params string[] rows) => p.Write("input.csv", "id,v,day\n" + string.Join("\n", rows) + "\n");

    static string[] Rows(TestProject p) =>
        p.Query("select id, v, day from target order by id, day, v").Select(r => $"{r[0]}:{r[1]}:{r[2]}").ToArray();

    static void Run(TestProject p, params string[] extra)
    {
        var r = p.Run(["run", .. extra]);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
    }

    [Test]
    public void Merge_updates_late_keys_in_place_and_inserts_new_ones()
    {
        using var p = Project("materialized='incremental', unique_key='id', incremental_strategy='merge'");
        Input(p, "1,a,1", "2,b,2");
        Run(p);
        Input(p, "1,a,1", "2,b,2", "1,A-late,3", "3,c,3");
        // key 1 arrives again later with a new value; the day-1 original is filtered out by is_incremental()
        Input(p, "1,A-late,3", "3,c,3");
        Run(p);
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:A-late:3", "2:b:2", "3:c:3" }));
        Run(p);
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:A-late:3", "2:b:2", "3:c:3" }), "a second run on the same input changes nothing");
        Assert.That(p.Read("target/run/proj/models/target.sql"), Does.Contain("merge into \"main\".\"target\" as DBT_INTERNAL_DEST"));
    }

    [Test]
    public void Composite_unique_key_and_merge_update_columns()
    {
        using var p = Project("materialized='incremental', unique_key=['id', 'day'], merge_update_columns=['v']", "");
        Input(p, "1,a,1", "1,b,2");
        Run(p);
        Input(p, "1,z,2", "1,n,3");
        Run(p);
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:a:1", "1:z:2", "1:n:3" }));
    }

    [Test]
    public void Delete_insert_replaces_every_row_of_a_late_key()
    {
        using var p = Project("materialized='incremental', unique_key='id', incremental_strategy='delete+insert'", "");
        Input(p, "1,a,1", "2,b,2");
        Run(p);
        Input(p, "2,B,5", "3,c,5");
        Run(p);
        Run(p);
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:a:1", "2:B:5", "3:c:5" }));
    }

    [Test]
    public void Insert_overwrite_replaces_whole_partitions_only()
    {
        using var p = Project("materialized='incremental', incremental_strategy='insert_overwrite', partition_by='day'", "");
        Input(p, "1,a,1", "2,b,1", "3,c,2");
        Run(p);
        // day 1 arrives again (late, corrected and smaller); day 2 is untouched; day 3 is new
        Input(p, "9,late,1", "4,d,3");
        Run(p);
        Run(p);
        Assert.That(Rows(p), Is.EqualTo(new[] { "3:c:2", "4:d:3", "9:late:1" }));
    }

    [Test]
    public void Append_adds_rows_and_no_unique_key_merge_appends_too()
    {
        using var p = Project("materialized='incremental'", "where day > (select max(day) from {{ this }})");
        Input(p, "1,a,1");
        Run(p);
        Input(p, "1,a,1", "2,b,2");
        Run(p);
        Run(p);
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:a:1", "2:b:2" }), "the filter makes append idempotent");
    }

    [Test]
    public void Full_refresh_rebuilds_unless_the_model_forbids_it()
    {
        using var p = Project("materialized='incremental', unique_key='id'", "");
        Input(p, "1,a,1", "2,b,2");
        Run(p);
        Input(p, "3,c,3");
        Run(p);
        Assert.That(Rows(p), Has.Length.EqualTo(3));
        Run(p, "--full-refresh");
        Assert.That(Rows(p), Is.EqualTo(new[] { "3:c:3" }));

        p.Write("models/target.sql", "{{ config(materialized='incremental', unique_key='id', full_refresh=false) }}\nselect id, v, day from {{ ref('input_rows') }}");
        Input(p, "4,d,4");
        Run(p, "--full-refresh");
        Assert.That(Rows(p), Is.EqualTo(new[] { "3:c:3", "4:d:4" }), "full_refresh: false protects the table");
    }

    [TestCase("ignore", "id,v,day", false)]
    [TestCase("append_new_columns", "id,v,day,extra", false)]
    [TestCase("sync_all_columns", "id,day,extra", false)]
    [TestCase("fail", "", true)]
    public void On_schema_change(string mode, string expectedColumns, bool fails)
    {
        using var p = Project($"materialized='incremental', unique_key='id', on_schema_change='{mode}'", "");
        Input(p, "1,a,1");
        Run(p);
        p.Write("models/target.sql", $"{{{{ config(materialized='incremental', unique_key='id', on_schema_change='{mode}') }}}}\nselect id, day, 'x' as extra from {{{{ ref('input_rows') }}}}");
        Input(p, "2,b,2");
        var r = p.Run("run");
        if (fails)
        {
            Assert.That(r.ExitCode, Is.EqualTo(1));
            Assert.That(r.Err, Does.Contain("the columns of incremental model 'target' changed (new columns: extra; missing columns: v) and on_schema_change is 'fail'"));
            Assert.That(p.Query("select count(*) from target")[0][0], Is.EqualTo(1L), "the table is untouched");
            return;
        }
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var columns = p.Query("select column_name from information_schema.columns where table_name = 'target' order by ordinal_position").Select(x => (string)x[0]!);
        Assert.That(string.Join(",", columns), Is.EqualTo(expectedColumns));
        Assert.That(p.Query("select count(*) from target")[0][0], Is.EqualTo(2L));
    }

    [Test]
    public void First_run_creates_the_table_and_is_incremental_is_false_until_it_exists()
    {
        using var p = Project("materialized='incremental'", "and false");
        p.Write("models/target.sql", "{{ config(materialized='incremental') }}\nselect id, v, day, {{ 'true' if is_incremental() else 'false' }} as inc from {{ ref('input_rows') }}");
        Input(p, "1,a,1");
        Run(p);
        Assert.That(p.Query("select inc from target")[0][0], Is.EqualTo(false));
        Run(p);
        Assert.That(p.Query("select inc from target order by inc").Select(x => x[0]), Is.EqualTo(new object?[] { false, true }));
    }

    [Test]
    public void A_failing_incremental_run_leaves_the_table_as_it_was()
    {
        using var p = Project("materialized='incremental', unique_key='id'", "");
        Input(p, "1,a,1", "2,b,2");
        Run(p);
        Input(p, "3,c,3", "3,dup,3");  // two source rows for one key: MERGE refuses
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:a:1", "2:b:2" }));
        Assert.That(p.Relations().Keys, Has.None.Contains("__xform"));
    }

    [Test]
    public void Microbatch_builds_one_window_per_batch_and_reprocesses_late_data()
    {
        using var p = new TestProject();
        p.Write("models/events.sql", "{{ config(materialized='table', event_time='ts') }}\nselect * from read_csv('events.csv', header = true, columns = {'id': 'integer', 'ts': 'timestamp', 'v': 'integer'})");
        p.Write("models/daily.sql", "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='day', batch_size='day', begin='2024-01-01', lookback=1) }}\n" +
            "select cast(date_trunc('day', ts) as timestamp) as day, count(*) as n, sum(v) as total from {{ ref('events') }} group by 1");
        p.Write("events.csv", "id,ts,v\n1,2024-01-01 10:00:00,1\n2,2024-01-02 11:00:00,2\n3,2024-01-03 09:00:00,3\n");
        Environment.SetEnvironmentVariable("XFORM_NOW", "2024-01-03T12:00:00Z");
        try
        {
            Assert.That(p.Run("run").ExitCode, Is.Zero);
            Assert.That(Daily(p), Is.EqualTo(new[] { "2024-01-01:1:1", "2024-01-02:1:2", "2024-01-03:1:3" }));
            Assert.That(p.Read("target/compiled/proj/models/daily.sql"), Does.Contain("where \"ts\" >= cast('2024-01-03 00:00:00' as timestamp)"));

            // a late event for yesterday and a new one today: the lookback window rebuilds both days, once
            p.Write("events.csv", "id,ts,v\n1,2024-01-01 10:00:00,1\n2,2024-01-02 11:00:00,2\n3,2024-01-03 09:00:00,3\n4,2024-01-02 23:00:00,40\n5,2024-01-03 11:00:00,50\n");
            Assert.That(p.Run("run").ExitCode, Is.Zero);
            Assert.That(p.Run("run").ExitCode, Is.Zero);
            Assert.That(Daily(p), Is.EqualTo(new[] { "2024-01-01:1:1", "2024-01-02:2:42", "2024-01-03:2:53" }));

            // a correction far in the past is picked up only by an explicit backfill
            p.Write("events.csv", "id,ts,v\n1,2024-01-01 10:00:00,100\n2,2024-01-02 11:00:00,2\n3,2024-01-03 09:00:00,3\n4,2024-01-02 23:00:00,40\n5,2024-01-03 11:00:00,50\n");
            Assert.That(p.Run("run").ExitCode, Is.Zero);
            Assert.That(Daily(p)[0], Is.EqualTo("2024-01-01:1:1"));
            Assert.That(p.Run("run", "--event-time-start", "2024-01-01", "--event-time-end", "2024-01-02").ExitCode, Is.Zero);
            Assert.That(Daily(p), Is.EqualTo(new[] { "2024-01-01:1:100", "2024-01-02:2:42", "2024-01-03:2:53" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable("XFORM_NOW", null);
        }
    }

    static string[] Daily(TestProject p) =>
        p.Query("select strftime(day, '%Y-%m-%d'), n, total from daily order by day").Select(r => $"{r[0]}:{r[1]}:{r[2]}").ToArray();

    [Test]
    public void Merge_exclude_columns_keep_their_first_values()
    {
        using var p = Project("materialized='incremental', unique_key='id', merge_exclude_columns=['day']", "");
        Input(p, "1,a,1");
        Run(p);
        Input(p, "1,b,9", "2,c,9");
        Run(p);
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:b:1", "2:c:9" }));
    }

    [Test]
    public void Incremental_predicates_narrow_what_a_merge_may_touch()
    {
        // Only rows of day >= 2 in the table may be matched: key 1 (day 1) is out of reach, so it is inserted again.
        using var p = Project("materialized='incremental', unique_key='id', incremental_predicates=['DBT_INTERNAL_DEST.day >= 2']", "");
        Input(p, "1,a,1", "2,b,2");
        Run(p);
        Input(p, "1,a2,3", "2,b2,3");
        Run(p);
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:a:1", "1:a2:3", "2:b2:3" }));
        Assert.That(p.Read("target/run/proj/models/target.sql"), Does.Contain("and (DBT_INTERNAL_DEST.day >= 2)"));
    }
}
