using System.Globalization;

namespace Xform.Adapters.Conformance;

/// <summary>
/// Snapshots (SCD type 2) on every engine, with a fixed clock: strategies, hard deletes (also over an ephemeral
/// model), dbt 1.9's metadata column names and dbt_valid_to_current, legacy target_schema/target_database, and
/// source columns that come and go between runs. Each test asserts every row of the snapshot table.
/// </summary>
public abstract class SnapshotConformance : ConformanceFixture
{
    const string Columns = "id,status,updated";

    ConformanceProject Project(string config, string from = "ref('orders')")
    {
        var p = NewProject();
        p.Write("seeds/orders.csv", Columns + "\n0,x,2024-01-01 00:00:00\n");
        p.Write("seeds/schema.yml", "version: 2\nseeds:\n  - name: orders\n    config:\n      column_types: {id: integer, status: varchar(20), updated: timestamp}\n");
        Snapshot(p, config, from);
        return p;
    }

    static void Snapshot(ConformanceProject p, string config, string from = "ref('orders')") =>
        p.Write("snapshots/orders_snap.sql", $"{{% snapshot orders_snap %}}\n{{{{ config({config}) }}}}\nselect * from {{{{ {from} }}}}\n{{% endsnapshot %}}\n");

    static void Step(ConformanceProject p, string now, params string[] rows) => StepWith(p, now, Columns, rows);

    /// <summary>Writes the seed (header <paramref name="header"/>) and runs <c>build</c> at <paramref name="now"/>.</summary>
    static void StepWith(ConformanceProject p, string now, string header, params string[] rows)
    {
        p.Write("seeds/orders.csv", header + "\n" + string.Join("\n", rows) + "\n");
        WithClock(now, () => p.Ok("build"));
    }

    static string[] History(ConformanceProject p) =>
        p.QueryRows($"select id, status, dbt_valid_from, dbt_valid_to from {p.Rel("orders_snap")} order by id, dbt_valid_from")
            .Select(r => $"{r[0]}:{r[1]}:{Day(r[2])}:{(r[3] is null ? "now" : Day(r[3]))}").ToArray();

    static string Day(object? t) => Convert.ToDateTime(t, CultureInfo.InvariantCulture).ToString("MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The rows of <paramref name="sql"/>, cells joined by ':' (null as '-', times as dates, booleans as T/F).</summary>
    static string[] Rows(ConformanceProject p, string sql) =>
        p.QueryRows(sql).Select(r => string.Join(":", r.Select(Cell))).ToArray();

    static string Cell(object? value) => value switch
    {
        null or DBNull => "-",
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "T" : "F",
        string s when s.Equals("true", StringComparison.OrdinalIgnoreCase) => "T",
        string s when s.Equals("false", StringComparison.OrdinalIgnoreCase) => "F",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

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

    [Test]
    public void Legacy_target_schema_and_target_database_take_the_targets_names_exactly()
    {
        // dbt's snapshot context defines schema and database (the target's); target_schema is used as written,
        // where the 1.9 schema config goes through generate_schema_name (<target schema>_<schema>).
        var p = Project("target_schema=schema ~ 'hist', target_database=database, unique_key='id', strategy='timestamp', updated_at='updated'");
        p.Write("snapshots/snaps.yml",
            "version: 2\nsnapshots:\n  - name: orders_yaml_snap\n    relation: ref('orders')\n" +
            "    config: {schema: hist, unique_key: id, strategy: timestamp, updated_at: updated}\n");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01 00:00:00");
        Assert.That(p.Relations(p.Schema + "hist"), Does.ContainKey("orders_snap"));
        Assert.That(p.Relations(p.Schema + "_hist"), Does.ContainKey("orders_yaml_snap"));
        Assert.That(p.Relations(), Does.Not.ContainKey("orders_snap").And.Not.ContainKey("orders_yaml_snap"));
        Assert.That(Rows(p, $"select id, status from {p.Rel("orders_snap", p.Schema + "hist")}"), Is.EqualTo(new[] { "1:placed" }));
    }

    [Test]
    public void Meta_column_names_and_valid_to_current_name_and_fill_every_version()
    {
        var p = Project("unique_key='id', strategy='timestamp', updated_at='updated', hard_deletes='invalidate', dbt_valid_to_current=\"cast('9999-12-31' as timestamp)\", " +
                        "snapshot_meta_column_names={'dbt_valid_from': 'valid_from', 'dbt_valid_to': 'valid_to', 'dbt_scd_id': 'version_id', 'dbt_updated_at': 'changed_at'}");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,placed,2024-01-01 00:00:00");
        Step(p, "2024-01-04T00:00:00Z", "1,shipped,2024-01-03 00:00:00");
        Step(p, "2024-01-05T00:00:00Z", "1,shipped,2024-01-03 00:00:00");
        Assert.That(p.Columns("orders_snap").Select(c => c.Name), Is.EqualTo(new[] { "id", "status", "updated", "version_id", "changed_at", "valid_from", "valid_to" }));
        Assert.That(Rows(p, $"select id, status, changed_at, valid_from, valid_to from {p.Rel("orders_snap")} order by id, valid_from"), Is.EqualTo(new[]
        {
            "1:placed:2024-01-01:2024-01-01:2024-01-03", "1:shipped:2024-01-03:2024-01-03:9999-12-31", "2:placed:2024-01-01:2024-01-01:2024-01-04",
        }));
        Assert.That(p.Long($"select count(distinct version_id) from {p.Rel("orders_snap")}"), Is.EqualTo(3));
    }

    [Test]
    public void Valid_to_current_set_later_leaves_the_null_versions_current_until_they_change()
    {
        var p = Project("unique_key='id', strategy='timestamp', updated_at='updated'");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,placed,2024-01-01 00:00:00");
        Snapshot(p, "unique_key='id', strategy='timestamp', updated_at='updated', dbt_valid_to_current=\"cast('9999-12-31' as timestamp)\"");
        Step(p, "2024-01-04T00:00:00Z", "1,shipped,2024-01-03 00:00:00", "2,placed,2024-01-01 00:00:00", "3,new,2024-01-04 00:00:00");
        var history = $"select id, status, dbt_valid_from, dbt_valid_to from {p.Rel("orders_snap")} order by id, dbt_valid_from";
        Assert.That(Rows(p, history), Is.EqualTo(new[]
        {
            "1:placed:2024-01-01:2024-01-03", "1:shipped:2024-01-03:9999-12-31", "2:placed:2024-01-01:-", "3:new:2024-01-04:9999-12-31",
        }), "as dbt: rows written before the setting keep their null, and count as current");
        Step(p, "2024-01-06T00:00:00Z", "1,shipped,2024-01-03 00:00:00", "2,back,2024-01-05 00:00:00", "3,new,2024-01-04 00:00:00");
        Assert.That(Rows(p, history), Is.EqualTo(new[]
        {
            "1:placed:2024-01-01:2024-01-03", "1:shipped:2024-01-03:9999-12-31", "2:placed:2024-01-01:2024-01-05", "2:back:2024-01-05:9999-12-31",
            "3:new:2024-01-04:9999-12-31",
        }));
    }

    static string[] WithNote(ConformanceProject p) =>
        Rows(p, $"select id, status, note, dbt_valid_from, dbt_valid_to from {p.Rel("orders_snap")} order by id, dbt_valid_from");

    [Test]
    public void Timestamp_strategy_adds_new_source_columns_and_keeps_removed_ones()
    {
        var p = Project("unique_key='id', strategy='timestamp', updated_at='updated'");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,placed,2024-01-01 00:00:00");
        StepWith(p, "2024-01-04T00:00:00Z", Columns + ",note", "1,shipped,2024-01-03 00:00:00,fast", "2,placed,2024-01-01 00:00:00,slow");
        Assert.That(WithNote(p), Is.EqualTo(new[] { "1:placed:-:2024-01-01:2024-01-03", "1:shipped:fast:2024-01-03:-", "2:placed:-:2024-01-01:-" }),
            "the new column is added; versions written before it hold null, and an unchanged row makes no new version");
        // The column leaves the source: the table keeps it, null in new versions.
        Step(p, "2024-01-06T00:00:00Z", "1,shipped,2024-01-03 00:00:00", "2,back,2024-01-05 00:00:00");
        Assert.That(WithNote(p), Is.EqualTo(new[]
        {
            "1:placed:-:2024-01-01:2024-01-03", "1:shipped:fast:2024-01-03:-", "2:placed:-:2024-01-01:2024-01-05", "2:back:-:2024-01-05:-",
        }));
    }

    [Test]
    public void Check_all_versions_every_row_when_a_column_is_added()
    {
        var p = Project("unique_key='id', strategy='check', check_cols='all'");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,placed,2024-01-01 00:00:00");
        StepWith(p, "2024-01-04T00:00:00Z", Columns + ",note", "1,placed,2024-01-01 00:00:00,x", "2,placed,2024-01-01 00:00:00,y");
        StepWith(p, "2024-01-05T00:00:00Z", Columns + ",note", "1,placed,2024-01-01 00:00:00,x", "2,placed,2024-01-01 00:00:00,y");
        var expected = new[] { "1:placed:-:2024-01-02:2024-01-04", "1:placed:x:2024-01-04:-", "2:placed:-:2024-01-02:2024-01-04", "2:placed:y:2024-01-04:-" };
        Assert.That(WithNote(p), Is.EqualTo(expected), "dbt's check strategy: a column the table lacks changes every row, once");
        Step(p, "2024-01-06T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,placed,2024-01-01 00:00:00");
        Assert.That(WithNote(p), Is.EqualTo(expected), "a column gone from the source is no longer compared");
    }

    [Test]
    public void Check_cols_list_adds_a_new_unchecked_column_without_versioning_unchanged_rows()
    {
        var p = Project("unique_key='id', strategy='check', check_cols=['status']");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,placed,2024-01-01 00:00:00");
        StepWith(p, "2024-01-04T00:00:00Z", Columns + ",note", "1,shipped,2024-01-01 00:00:00,x", "2,placed,2024-01-01 00:00:00,y");
        Assert.That(WithNote(p), Is.EqualTo(new[] { "1:placed:-:2024-01-02:2024-01-04", "1:shipped:x:2024-01-04:-", "2:placed:-:2024-01-02:-" }));
    }

    [TestCase("hard_deletes='invalidate'", new[] { "1:placed:2024-01-01:-:-", "2:placed:2024-01-01:2024-01-04:-", "2:placed:2024-01-05:-:-" })]
    [TestCase("invalidate_hard_deletes=true", new[] { "1:placed:2024-01-01:-:-", "2:placed:2024-01-01:2024-01-04:-", "2:placed:2024-01-05:-:-" })]
    [TestCase("hard_deletes='new_record'", new[] { "1:placed:2024-01-01:-:F", "2:placed:2024-01-01:2024-01-04:F", "2:placed:2024-01-04:2024-01-05:T", "2:placed:2024-01-05:-:F" })]
    public void Hard_deletes_over_an_ephemeral_model(string hardDeletes, string[] expected)
    {
        var p = Project($"unique_key='id', strategy='timestamp', updated_at='updated', {hardDeletes}", from: "ref('open_orders')");
        p.Write("models/open_orders.sql", "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('orders') }} where status <> 'cancelled'\n");
        Step(p, "2024-01-02T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,placed,2024-01-01 00:00:00");
        Step(p, "2024-01-04T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,cancelled,2024-01-03 00:00:00");
        Step(p, "2024-01-06T00:00:00Z", "1,placed,2024-01-01 00:00:00", "2,placed,2024-01-05 00:00:00");
        var deleted = hardDeletes.Contains("new_record", StringComparison.Ordinal) ? "dbt_is_deleted" : "null";
        Assert.That(Rows(p, $"select id, status, dbt_valid_from, dbt_valid_to, {deleted} from {p.Rel("orders_snap")} order by id, dbt_valid_from"), Is.EqualTo(expected));
    }
}
