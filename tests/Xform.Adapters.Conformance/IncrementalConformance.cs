using System.Globalization;

namespace Xform.Adapters.Conformance;

/// <summary>
/// Incremental strategies on every engine: rows for an old key or an old partition arriving in a later run end
/// up exactly once with the latest values, and a second run on the same input changes nothing. The input is a
/// seed the test rewrites between runs.
/// </summary>
public abstract class IncrementalConformance : ConformanceFixture
{
    ConformanceProject Project(string config, string incrementalFilter = "")
    {
        var p = NewProject();
        p.Write("seeds/input_rows.csv", "id,v,day\n0,seed,0\n");
        p.Write("models/target.sql", "{{ config(" + config + ") }}\nselect id, v, day from {{ ref('input_rows') }}\n{% if is_incremental() %}" + incrementalFilter + "{% endif %}");
        return p;
    }

    static void Step(ConformanceProject p, params string[] rows)
    {
        p.Write("seeds/input_rows.csv", "id,v,day\n" + string.Join("\n", rows) + "\n");
        p.Ok("seed");
        p.Ok("run");
    }

    static string[] Rows(ConformanceProject p) =>
        p.QueryRows($"select id, v, day from {p.Rel("target")} order by id, day, v")
            .Select(r => string.Join(":", r.Select(x => Convert.ToString(x, CultureInfo.InvariantCulture)))).ToArray();

    [Test]
    public void Merge_keeps_each_key_once_with_its_latest_values()
    {
        var p = Project("materialized='incremental', unique_key='id', incremental_strategy='merge'");
        Step(p, "1,a,1", "2,b,2");
        Step(p, "1,late,3", "3,c,3");
        var after = Rows(p);
        Assert.That(after, Is.EqualTo(new[] { "1:late:3", "2:b:2", "3:c:3" }));
        Step(p, "1,late,3", "3,c,3");
        Assert.That(Rows(p), Is.EqualTo(after), "idempotent");
    }

    [Test]
    public void Delete_insert_keeps_each_key_once_with_its_latest_values()
    {
        var p = Project("materialized='incremental', unique_key=['id'], incremental_strategy='delete+insert'");
        Step(p, "1,a,1", "2,b,2");
        Step(p, "2,late,5", "3,c,5");
        Step(p, "2,late,5", "3,c,5");
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:a:1", "2:late:5", "3:c:5" }));
    }

    [Test]
    public void Insert_overwrite_replaces_an_old_partition_whole()
    {
        var p = Project("materialized='incremental', incremental_strategy='insert_overwrite', partition_by='day'");
        Step(p, "1,a,1", "2,b,1", "3,c,2");
        Step(p, "9,late,1", "4,d,3");
        Step(p, "9,late,1", "4,d,3");
        Assert.That(Rows(p), Is.EqualTo(new[] { "3:c:2", "4:d:3", "9:late:1" }));
    }

    [Test]
    public void Append_with_a_filter_adds_only_new_rows()
    {
        var p = Project("materialized='incremental'", "where day > (select max(day) from {{ this }})");
        Step(p, "1,a,1");
        Step(p, "1,a,1", "2,b,2");
        Step(p, "1,a,1", "2,b,2");
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:a:1", "2:b:2" }));
    }

    [Test]
    public void New_rows_repeating_a_key_fail_and_leave_the_table()
    {
        var p = Project("materialized='incremental', unique_key='id'");
        Step(p, "1,a,1");
        p.Write("seeds/input_rows.csv", "id,v,day\n2,x,2\n2,y,2\n");
        p.Ok("seed");
        Assert.That(p.Run("run").ExitCode, Is.EqualTo(1));
        Assert.That(Rows(p), Is.EqualTo(new[] { "1:a:1" }));
    }

    [TestCase("append_new_columns", "id,v,day,extra")]
    [TestCase("sync_all_columns", "id,day,extra")]
    public void Schema_changes(string mode, string expected)
    {
        var p = Project($"materialized='incremental', unique_key='id', on_schema_change='{mode}'");
        Step(p, "1,a,1");
        p.Write("models/target.sql", $"{{{{ config(materialized='incremental', unique_key='id', on_schema_change='{mode}') }}}}\nselect id, day, 'x' as extra from {{{{ ref('input_rows') }}}}");
        Step(p, "2,b,2");
        Assert.That(string.Join(",", p.Columns("target").Select(c => c.Name.ToLowerInvariant())), Is.EqualTo(expected));
        Assert.That(p.Long($"select count(*) from {p.Rel("target")}"), Is.EqualTo(2));
    }

    /// <summary>dbt compares data types too: a retyped column stops <c>fail</c>, is altered by <c>sync_all_columns</c>, and left by <c>append_new_columns</c>.</summary>
    [TestCase("fail")]
    [TestCase("sync_all_columns")]
    [TestCase("append_new_columns")]
    public void A_column_whose_type_changed(string mode)
    {
        var config = $"materialized='incremental', unique_key='id', on_schema_change='{mode}'";
        var p = Project(config);
        Step(p, "1,a,4");
        string DayType() => p.Columns("target").Single(c => c.Name.Equals("day", StringComparison.OrdinalIgnoreCase)).DataType;
        var before = DayType();
        p.Write("models/target.sql", "{{ config(" + config + ") }}\nselect id, v, cast(day / 4.0 as {{ type_numeric(18, 2) }}) as day from {{ ref('input_rows') }}");
        p.Write("seeds/input_rows.csv", "id,v,day\n2,b,2\n");
        p.Ok("seed");
        var run = p.Run("run");
        if (mode == "fail")
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.All, Does.Contain("data types changed: day (").IgnoreCase.And.Contain("on_schema_change is 'fail'"));
            Assert.That(Rows(p), Is.EqualTo(new[] { "1:a:4" }));
            return;
        }
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(p.Long($"select count(*) from {p.Rel("target")}"), Is.EqualTo(2));
        if (mode == "sync_all_columns")
        {
            Assert.That(DayType(), Does.Contain("18,2").IgnoreCase, "altered to the query's type");
            Assert.That(p.QueryRows($"select day from {p.Rel("target")} order by id").Select(r => Convert.ToDecimal(r[0], CultureInfo.InvariantCulture)),
                Is.EqualTo(new[] { 4m, 0.5m }), "the old value converted, the new one kept whole");
        }
        else Assert.That(DayType(), Is.EqualTo(before), "append_new_columns leaves types");
    }

    [Test]
    public void Microbatch_rebuilds_the_lookback_window_once()
    {
        var p = NewProject();
        p.Write("seeds/events.csv", "id,ts,v\n1,2024-01-01 10:00:00,1\n2,2024-01-02 11:00:00,2\n3,2024-01-03 09:00:00,3\n");
        p.Write("seeds/schema.yml", "version: 2\nseeds:\n  - name: events\n    config:\n      event_time: ts\n");
        p.Write("models/daily.sql", "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='day', batch_size='day', begin='2024-01-01', lookback=1) }}\n" +
            "select cast({{ date_trunc('day', 'ts') }} as {{ type_timestamp() }}) as day, count(*) as n, sum(v) as total from {{ ref('events') }} group by 1");
        string[] Daily() => p.QueryRows($"select day, n, total from {p.Rel("daily")} order by day")
            .Select(r => $"{Convert.ToDateTime(r[0], CultureInfo.InvariantCulture):MM-dd}:{ConformanceProject.ToLong(r[1])}:{ConformanceProject.ToLong(r[2])}").ToArray();
        WithClock("2024-01-03T12:00:00Z", () =>
        {
            p.Ok("seed");
            p.Ok("run");
            Assert.That(Daily(), Is.EqualTo(new[] { "01-01:1:1", "01-02:1:2", "01-03:1:3" }));
            p.Write("seeds/events.csv", "id,ts,v\n1,2024-01-01 10:00:00,1\n2,2024-01-02 11:00:00,2\n3,2024-01-03 09:00:00,3\n4,2024-01-02 23:00:00,40\n5,2024-01-03 11:00:00,50\n");
            p.Ok("seed");
            p.Ok("run");
            p.Ok("run");
            Assert.That(Daily(), Is.EqualTo(new[] { "01-01:1:1", "01-02:2:42", "01-03:2:53" }));
        });
    }
}
