using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>The core's snapshot SQL (SCD type 2) on PostgreSQL, with a fixed clock.</summary>
public class PostgresSnapshotTests
{
    readonly List<ConformanceProject> _projects = [];

    [TearDown]
    public void Cleanup()
    {
        foreach (var p in _projects) p.Dispose();
        _projects.Clear();
    }

    ConformanceProject Project(string config)
    {
        ServerFixture.Require();
        var p = new ConformanceProject(PostgresTarget.Instance);
        _projects.Add(p);
        p.Write("seeds/schema.yml", "version: 2\nseeds:\n  - name: orders\n    config:\n      column_types: {updated: timestamp}\n");
        p.Write("snapshots/orders_snap.sql", $"{{% snapshot orders_snap %}}\n{{{{ config({config}) }}}}\nselect * from {{{{ ref('orders') }}}}\n{{% endsnapshot %}}\n");
        return p;
    }

    static void Step(ConformanceProject p, string now, params string[] rows)
    {
        p.Write("seeds/orders.csv", "id,status,updated\n" + string.Join("\n", rows) + "\n");
        var before = Environment.GetEnvironmentVariable("XFORM_NOW");
        Environment.SetEnvironmentVariable("XFORM_NOW", now);
        try { p.Ok("build"); }
        finally { Environment.SetEnvironmentVariable("XFORM_NOW", before); }
    }

    static string[] History(ConformanceProject p, bool deleted = false) =>
        p.QueryRows($"select id, status, to_char(dbt_valid_from, 'MM-DD'), coalesce(to_char(dbt_valid_to, 'MM-DD'), 'now'){(deleted ? ", dbt_is_deleted" : "")} " +
                    $"from {p.Rel("orders_snap")} order by id, dbt_valid_from")
            .Select(r => string.Join(":", r)).ToArray();

    [Test]
    public void Timestamp_strategy_versions_rows_by_updated_at()
    {
        var p = Project("unique_key='id', strategy='timestamp', updated_at='updated'");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01", "2,placed,2024-01-01");
        Step(p, "2024-01-04T00:00:00Z", "1,shipped,2024-01-03", "2,placed,2024-01-01", "3,new,2024-01-04");
        Step(p, "2024-01-05T00:00:00Z", "1,shipped,2024-01-03", "2,placed,2024-01-01", "3,new,2024-01-04");
        Assert.That(History(p), Is.EqualTo(new[] { "1:placed:01-01:01-03", "1:shipped:01-03:now", "2:placed:01-01:now", "3:new:01-04:now" }));
    }

    [Test]
    public void Check_strategy_and_hard_deletes_new_record()
    {
        var p = Project("unique_key='id', strategy='check', check_cols=['status'], hard_deletes='new_record'");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01", "2,placed,2024-01-01");
        Step(p, "2024-01-04T00:00:00Z", "1,shipped,2024-01-01");
        Step(p, "2024-01-06T00:00:00Z", "1,shipped,2024-01-01", "2,back,2024-01-05");
        Assert.That(History(p, deleted: true), Is.EqualTo(new[]
        {
            "1:placed:01-02:01-04:False", "1:shipped:01-04:now:False", "2:placed:01-02:01-04:False", "2:placed:01-04:01-06:True", "2:back:01-06:now:False",
        }));
    }
}
