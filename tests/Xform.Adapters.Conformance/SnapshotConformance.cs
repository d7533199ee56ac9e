using System.Globalization;

namespace Xform.Adapters.Conformance;

/// <summary>Snapshots (SCD type 2) on every engine, with a fixed clock.</summary>
public abstract class SnapshotConformance : ConformanceFixture
{
    ConformanceProject Project(string config)
    {
        var p = NewProject();
        p.Write("seeds/orders.csv", "id,status,updated\n0,x,2024-01-01 00:00:00\n");
        p.Write("seeds/schema.yml", "version: 2\nseeds:\n  - name: orders\n    config:\n      column_types: {id: integer, status: varchar(20), updated: timestamp}\n");
        p.Write("snapshots/orders_snap.sql", $"{{% snapshot orders_snap %}}\n{{{{ config({config}) }}}}\nselect * from {{{{ ref('orders') }}}}\n{{% endsnapshot %}}\n");
        return p;
    }

    static void Step(ConformanceProject p, string now, params string[] rows)
    {
        p.Write("seeds/orders.csv", "id,status,updated\n" + string.Join("\n", rows) + "\n");
        WithClock(now, () => p.Ok("build"));
    }

    static string[] History(ConformanceProject p) =>
        p.QueryRows($"select id, status, dbt_valid_from, dbt_valid_to from {p.Rel("orders_snap")} order by id, dbt_valid_from")
            .Select(r => $"{r[0]}:{r[1]}:{Day(r[2])}:{(r[3] is null ? "now" : Day(r[3]))}").ToArray();

    static string Day(object? t) => Convert.ToDateTime(t, CultureInfo.InvariantCulture).ToString("MM-dd", CultureInfo.InvariantCulture);

    [Test]
    public void Timestamp_strategy_with_invalidated_hard_deletes()
    {
        var p = Project("unique_key='id', strategy='timestamp', updated_at='updated', hard_deletes='invalidate'");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,placed,2024-01-01 00:00:00");
        Step(p, "2024-01-04T00:00:00Z", "1,shipped,2024-01-03 00:00:00");
        Step(p, "2024-01-05T00:00:00Z", "1,shipped,2024-01-03 00:00:00");
        Assert.That(History(p), Is.EqualTo(new[] { "1:placed:01-01:01-03", "1:shipped:01-03:now", "2:placed:01-01:01-04" }));
    }

    [Test]
    public void Check_strategy_versions_changes_of_checked_columns()
    {
        var p = Project("unique_key='id', strategy='check', check_cols=['status']");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,placed,2024-01-01 00:00:00");
        Step(p, "2024-01-04T00:00:00Z", "1,shipped,2024-01-01 00:00:00", "2,placed,2024-01-09 00:00:00");
        Assert.That(History(p), Is.EqualTo(new[] { "1:placed:01-02:01-04", "1:shipped:01-04:now", "2:placed:01-02:now" }));
    }
}
