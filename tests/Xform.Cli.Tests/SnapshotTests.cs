namespace Xform.Cli.Tests;

/// <summary>Snapshots (SCD type 2) on DuckDB, with a fixed clock: strategies, hard deletes, YAML form, idempotence.</summary>
public class SnapshotTests
{
    static TestProject Project(string config, bool yaml = false)
    {
        var p = new TestProject();
        p.Write("models/orders.sql", "{{ config(materialized='table') }}\nselect * from read_csv('in.csv', header = true, columns = {'id': 'integer', 'status': 'varchar', 'updated': 'timestamp'})");
        if (yaml)
            p.Write("snapshots/snaps.yml", $"version: 2\nsnapshots:\n  - name: orders_snap\n    relation: ref('orders')\n    config: {{{config.Replace("=", ": ")}}}\n");
        else
            p.Write("snapshots/orders_snap.sql", $"{{% snapshot orders_snap %}}\n{{{{ config({config}) }}}}\nselect * from {{{{ ref('orders') }}}}\n{{% endsnapshot %}}\n");
        return p;
    }

    static void Step(TestProject p, string now, params string[] rows)
    {
        p.Write("in.csv", "id,status,updated\n" + string.Join("\n", rows) + "\n");
        Environment.SetEnvironmentVariable("XFORM_NOW", now);
        try
        {
            var r = p.Run("build");
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
        }
        finally { Environment.SetEnvironmentVariable("XFORM_NOW", null); }
    }

    static string[] History(TestProject p, bool deleted = false) =>
        p.Query($"select id, status, strftime(dbt_valid_from, '%m-%d'), coalesce(strftime(dbt_valid_to, '%m-%d'), 'now'){(deleted ? ", dbt_is_deleted" : "")} from orders_snap order by id, dbt_valid_from")
            .Select(r => string.Join(":", r)).ToArray();

    [Test]
    public void Timestamp_strategy_versions_rows_by_updated_at()
    {
        using var p = Project("unique_key='id', strategy='timestamp', updated_at='updated'");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01", "2,placed,2024-01-01");
        Step(p, "2024-01-04T00:00:00Z", "1,shipped,2024-01-03", "2,placed,2024-01-01", "3,new,2024-01-04");
        Step(p, "2024-01-05T00:00:00Z", "1,shipped,2024-01-03", "2,placed,2024-01-01", "3,new,2024-01-04");
        Assert.That(History(p), Is.EqualTo(new[]
        {
            "1:placed:01-01:01-03", "1:shipped:01-03:now", "2:placed:01-01:now", "3:new:01-04:now",
        }));
        var ids = p.Query("select count(distinct dbt_scd_id), count(*) from orders_snap")[0];
        Assert.That(ids[0], Is.EqualTo(ids[1]), "dbt_scd_id is unique per version");
    }

    [Test]
    public void Check_strategy_versions_rows_whose_checked_columns_change()
    {
        using var p = Project("unique_key='id', strategy='check', check_cols=['status']");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01", "2,placed,2024-01-01");
        Step(p, "2024-01-04T00:00:00Z", "1,shipped,2024-01-01", "2,placed,2024-01-09");
        Assert.That(History(p), Is.EqualTo(new[] { "1:placed:01-02:01-04", "1:shipped:01-04:now", "2:placed:01-02:now" }),
            "a change in an unchecked column makes no version; versions take the run's time");
        using var all = Project("unique_key='id', strategy='check', check_cols='all'");
        Step(all, "2024-01-02T00:00:00Z", "1,placed,2024-01-01");
        Step(all, "2024-01-04T00:00:00Z", "1,placed,2024-01-02");
        Assert.That(History(all), Is.EqualTo(new[] { "1:placed:01-02:01-04", "1:placed:01-04:now" }));
    }

    [TestCase("ignore", new[] { "1:placed:01-01:now", "2:placed:01-01:now" })]
    [TestCase("invalidate", new[] { "1:placed:01-01:now", "2:placed:01-01:01-04" })]
    public void Hard_deletes(string mode, string[] expected)
    {
        using var p = Project($"unique_key='id', strategy='timestamp', updated_at='updated', hard_deletes='{mode}'");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01", "2,placed,2024-01-01");
        Step(p, "2024-01-04T00:00:00Z", "1,placed,2024-01-01");
        Assert.That(History(p), Is.EqualTo(expected));
    }

    [Test]
    public void Hard_deletes_new_record_keeps_a_deletion_row_and_a_returning_key_starts_again()
    {
        using var p = Project("unique_key='id', strategy='timestamp', updated_at='updated', hard_deletes='new_record'", yaml: true);
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01", "2,placed,2024-01-01");
        Step(p, "2024-01-04T00:00:00Z", "1,placed,2024-01-01");
        Step(p, "2024-01-06T00:00:00Z", "1,placed,2024-01-01", "2,back,2024-01-05");
        Step(p, "2024-01-07T00:00:00Z", "1,placed,2024-01-01", "2,back,2024-01-05");
        Assert.That(History(p, deleted: true), Is.EqualTo(new[]
        {
            "1:placed:01-01:now:False", "2:placed:01-01:01-04:False", "2:placed:01-04:01-05:True", "2:back:01-05:now:False",
        }));
    }

    [Test]
    public void Snapshot_configuration_errors_are_clear()
    {
        using var p = Project("strategy='timestamp', updated_at='updated'");
        p.Write("in.csv", "id,status,updated\n1,a,2024-01-01\n");
        var r = p.Run("build");
        // A config mistake is the project's fault: found at parse, exit 2, nothing built; reported at the config() call it belongs in.
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("snapshots/orders_snap.sql:2:4: error: snapshot 'orders_snap' needs unique_key"));
    }

    [TestCase("snapshot_meta_column_names={'dbt_valid_too': 'valid_to'}",
        "snapshots/orders_snap.sql:2:4: error: snapshot_meta_column_names of snapshot 'orders_snap' has 'dbt_valid_too', which is not a metadata column; known: " +
        "dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_is_deleted. Did you mean 'dbt_valid_to'")]
    [TestCase("snapshot_meta_column_names='valid_to'", "snapshots/orders_snap.sql:2:4: error: snapshot_meta_column_names of snapshot 'orders_snap' must be a mapping such as {dbt_valid_to: valid_to}")]
    [TestCase("snapshot_meta_column_names={'dbt_valid_to': 'dbt_valid_from'}",
        "snapshots/orders_snap.sql:2:4: error: snapshot_meta_column_names of snapshot 'orders_snap' names two metadata columns 'dbt_valid_from'")]
    [TestCase("dbt_valid_to_current=['9999-12-31']", "snapshots/orders_snap.sql:2:4: error: dbt_valid_to_current of snapshot 'orders_snap' must be an SQL expression")]
    [TestCase("dbt_valid_to_current=' '", "snapshots/orders_snap.sql:2:4: error: dbt_valid_to_current of snapshot 'orders_snap' must be an SQL expression")]
    public void Meta_column_and_valid_to_current_mistakes_stop_before_the_database_is_touched(string config, string expected)
    {
        using var p = Project($"unique_key='id', strategy='timestamp', updated_at='updated', {config}");
        p.Write("in.csv", "id,status,updated\n1,a,2024-01-01\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(expected));
        Assert.That(r.All, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(File.Exists(p.DatabasePath), Is.False, "found before the database is opened");
    }

    [Test]
    public void A_mistake_in_yaml_meta_column_names_is_reported_at_its_line()
    {
        using var p = new TestProject();
        p.Write("models/orders.sql", "select 1 as id, timestamp '2024-01-01' as updated");
        p.Write("snapshots/snaps.yml", """
            version: 2
            snapshots:
              - name: orders_snap
                relation: ref('orders')
                config:
                  unique_key: id
                  strategy: timestamp
                  updated_at: updated
                  snapshot_meta_column_names:
                    dbt_valid_from: valid_from
                    valid_to: until
            """);
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Match(@"snapshots/snaps\.yml:10:9: error: snapshot_meta_column_names of snapshot 'orders_snap' has 'valid_to'"));
    }
}
