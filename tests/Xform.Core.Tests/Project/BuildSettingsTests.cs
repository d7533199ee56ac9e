using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Tests.Project;

/// <summary>
/// The typed build configs of snapshots, data tests and source freshness, and <see cref="BuildSettings.Check"/>,
/// which collects every config mistake of a node at parse time, each at the line that set the config.
/// </summary>
public class BuildSettingsTests
{
    static Node Snapshot(string yaml) => TestManifests.Configured(
        TestManifests.Model("orders_snapshot", "models/orders_snapshot.sql", []) with { ResourceType = ResourceType.Snapshot }, yaml);

    static Node DataTest(string yaml) => TestManifests.Configured(TestManifests.Test("not_null_orders_id", "orders"), yaml);

    static Node Model(string yaml) => TestManifests.Configured(TestManifests.Model("orders", "models/orders.sql", []), yaml);

    static XformException Error(TestDelegate read) => Assert.Throws<XformException>(read)!;

    static (string, int) Line(int line) => ("models/schema.yml", line);

    static (string, int) Place(XformException e) => (e.Location.File, e.Location.Line);

    [Test]
    public void A_timestamp_snapshot_reads_its_key_and_updated_at_and_ignores_hard_deletes_by_default()
    {
        var s = SnapshotSettings.Of(Snapshot("unique_key: id\nstrategy: timestamp\nupdated_at: modified"));
        Assert.That((s.Strategy, s.UpdatedAt, s.HardDeletes), Is.EqualTo(("timestamp", "modified", "ignore")));
        Assert.That(s.UniqueKey, Is.EqualTo(new[] { "id" }));
    }

    [Test]
    public void Snapshot_meta_column_names_and_valid_to_current_are_read_with_dbts_defaults()
    {
        var plain = SnapshotSettings.Of(Snapshot("unique_key: id\nstrategy: timestamp\nupdated_at: modified"));
        Assert.That((plain.Columns, plain.ValidToCurrent), Is.EqualTo((SnapshotMetaColumns.Default, (string?)null)));
        var s = SnapshotSettings.Of(Snapshot(
            "unique_key: id\nstrategy: check\ncheck_cols: all\ndbt_valid_to_current: \"to_date('9999-12-31')\"\n" +
            "snapshot_meta_column_names: {dbt_valid_to: valid_to, dbt_is_deleted: gone}"));
        Assert.That(s.Columns, Is.EqualTo(SnapshotMetaColumns.Default with { ValidTo = "valid_to", IsDeleted = "gone" }));
        Assert.That(s.ValidToCurrent, Is.EqualTo("to_date('9999-12-31')"), "dbt accepts it with the check strategy too");
        Assert.That(TestManifests.ErrorAtLine(4, () => SnapshotSettings.Of(Snapshot("unique_key: id\nstrategy: timestamp\nupdated_at: modified\nsnapshot_meta_column_names: {dbt_valid: x}"))),
            Does.Contain("has 'dbt_valid', which is not a metadata column"));
    }

    [Test]
    public void A_check_snapshot_reads_its_columns()
    {
        var s = SnapshotSettings.Of(Snapshot("unique_key: id\nstrategy: check\ncheck_cols: [status, amount]"));
        Assert.That(s.CheckCols, Is.EqualTo(new[] { "status", "amount" }));
        Assert.That(SnapshotSettings.Of(Snapshot("unique_key: id\nstrategy: check\ncheck_cols: all")).CheckCols, Is.EqualTo(new[] { "all" }));
    }

    [Test]
    public void The_legacy_invalidate_hard_deletes_means_hard_deletes_invalidate()
    {
        var s = SnapshotSettings.Of(Snapshot("unique_key: id\nstrategy: timestamp\nupdated_at: modified\ninvalidate_hard_deletes: true"));
        Assert.That(s.HardDeletes, Is.EqualTo("invalidate"));
    }

    [Test]
    public void A_snapshot_missing_unique_key_or_strategy_is_reported_at_its_other_configs_else_at_the_snapshot()
    {
        Assert.That(TestManifests.ErrorAtLine(1, () => SnapshotSettings.Of(Snapshot("strategy: timestamp\nupdated_at: modified"))), Does.Contain("needs unique_key"));
        Assert.That(TestManifests.ErrorAtLine(2, () => SnapshotSettings.Of(Snapshot("tags: [daily]\nunique_key: id"))), Does.Contain("needs strategy"));
        var bare = Snapshot("tags: [daily]");
        Assert.That(Error(() => SnapshotSettings.Of(bare)).Location, Is.EqualTo(bare.Location), "no config of its own: the snapshot itself");
    }

    [TestCase("unique_key: id\nstrategy: timestamp", 2, "needs updated_at")]
    [TestCase("unique_key: id\nstrategy: check", 2, "needs check_cols")]
    [TestCase("unique_key: id\nstrategy: latest", 2, "must be timestamp or check")]
    [TestCase("unique_key: id\nstrategy: timestamp\nupdated_at: modified\nhard_deletes: purge", 4, "hard_deletes")]
    public void A_wrong_snapshot_config_is_reported_at_the_key_that_set_it(string yaml, int line, string expected) =>
        Assert.That(TestManifests.ErrorAtLine(line, () => SnapshotSettings.Of(Snapshot(yaml))), Does.Contain(expected));

    [Test]
    public void A_data_test_fails_on_any_failing_row_with_severity_error_by_default()
    {
        var t = TestSettings.Of(DataTest("tags: [nightly]"));
        Assert.That((t.Severity, t.WarnIf, t.ErrorIf), Is.EqualTo(("error", "!= 0", "!= 0")));
        Assert.That((t.FailCalc, t.Limit, t.StoreFailures), Is.EqualTo(("count(*)", (int?)null, false)));
    }

    [Test]
    public void A_data_test_reads_its_thresholds_severity_and_limit()
    {
        var t = TestSettings.Of(DataTest("severity: WARN\nwarn_if: '>10'\nerror_if: ' >= 100 '\nlimit: 50\nstore_failures: true"));
        Assert.That(t.Severity, Is.EqualTo("warn"), "dbt reads severity in any case");
        Assert.That((t.WarnIf, t.ErrorIf), Is.EqualTo((">10", ">= 100")));
        Assert.That((t.Limit, t.StoreFailures), Is.EqualTo(((int?)50, true)));
    }

    // dbt 1.7: store_failures_as decides when set (ephemeral: not stored), else store_failures, else --store-failures.
    [TestCase("tags: [a]", false, false, "table")]
    [TestCase("tags: [a]", true, true, "table")]
    [TestCase("store_failures: false", true, false, "table")]
    [TestCase("store_failures: true", false, true, "table")]
    [TestCase("store_failures_as: view", false, true, "view")]
    [TestCase("store_failures_as: table\nstore_failures: false", false, true, "table")]
    [TestCase("store_failures_as: ephemeral\nstore_failures: true", true, false, "table")]
    public void Store_failures_as_decides_over_store_failures_and_the_flag(string yaml, bool flag, bool stored, string storedAs)
    {
        var t = TestSettings.Of(DataTest(yaml), flag);
        Assert.That((t.StoreFailures, t.StoreFailuresAs), Is.EqualTo((stored, storedAs)));
    }

    [TestCase("store_failures_as: temporary", 1, "store_failures_as")]
    [TestCase("tags: [a]\nseverity: fatal", 2, "severity")]
    [TestCase("warn_if: more than 10", 1, "warn_if")]
    [TestCase("severity: warn\nerror_if: '> ten'", 2, "error_if")]
    [TestCase("limit: -5", 1, "limit")]
    [TestCase("limit: lots", 1, "limit")]
    public void A_wrong_data_test_config_is_reported_at_the_key_that_set_it(string yaml, int line, string key) =>
        Assert.That(TestManifests.ErrorAtLine(line, () => TestSettings.Of(DataTest(yaml))), Does.StartWith($"{key} of test 'not_null_orders_id'").Or.StartWith($"'temporary' is not a valid value for `{key}` of test 'not_null_orders_id'"));

    static Dictionary<string, object?> Threshold(object? count, object? period) => new() { ["count"] = count, ["period"] = period };

    [Test]
    public void A_freshness_threshold_is_a_count_of_minutes_hours_or_days()
    {
        var source = TestManifests.Source("raw", "orders");
        var freshness = new Dictionary<string, object?>
        {
            ["warn_after"] = Threshold(12L, "hour"), ["error_after"] = Threshold("2", "day"), ["filter"] = null,
        };
        Assert.That(FreshnessThreshold.Read(freshness, "warn_after", source)!.Span, Is.EqualTo(TimeSpan.FromHours(12)));
        Assert.That(FreshnessThreshold.Read(freshness, "error_after", source)!.Span, Is.EqualTo(TimeSpan.FromDays(2)));
        Assert.That(FreshnessThreshold.Read(Threshold(30L, "minute"), "x", source), Is.Null, "a threshold not set is none");
        Assert.That(FreshnessThreshold.Read(new Dictionary<string, object?> { ["warn_after"] = null }, "warn_after", source), Is.Null,
            "a threshold set to null is none (dbt's way of switching one off)");
    }

    [Test]
    public void A_wrong_freshness_threshold_is_reported_at_the_source_table()
    {
        var source = TestManifests.Source("raw", "orders");
        foreach (var wrong in new object?[] { Threshold(12L, "week"), Threshold(-1L, "hour"), Threshold("many", "hour"), "12 hours", Threshold(null, "hour") })
        {
            var e = Error(() => FreshnessThreshold.Read(new Dictionary<string, object?> { ["warn_after"] = wrong }, "warn_after", source));
            Assert.That(e.Location, Is.EqualTo(source.Location));
            Assert.That(e.Message, Does.Contain("freshness 'warn_after' of source raw.orders"));
        }
    }

    [Test]
    public void Check_reports_an_unsupported_materialization_at_its_line_naming_the_supported_ones()
    {
        var errors = BuildSettings.Check(Model("tags: [a]\nmaterialized: tabel"));
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(Place(errors[0]), Is.EqualTo(Line(2)));
        Assert.That(errors[0].Message, Does.Contain("'tabel'").And.Contain("view, table, ephemeral, incremental"));
    }

    [Test]
    public void External_is_checked_on_duckdb_and_refused_on_other_engines_at_its_line()
    {
        var duck = new Templating.TemplateEngine([], [], "duckdb");
        Assert.That(BuildSettings.Check(Model("materialized: external\nformat: csv"), duck), Is.Empty);
        var format = BuildSettings.Check(Model("materialized: external\nformat: xlsx"), duck).Single();
        Assert.That(format.Message, Does.Contain("format 'xlsx' of external model 'orders' is not one of parquet, csv, json"));
        Assert.That(Place(format), Is.EqualTo(Line(2)));
        foreach (var engine in new[] { "snowflake", "postgres" })
        {
            var e = BuildSettings.Check(Model("tags: [a]\nmaterialized: external"), new Templating.TemplateEngine([], [], engine)).Single();
            Assert.That(e.Message, Does.Contain($"external is a DuckDB materialization, which the {engine} target cannot build"));
            Assert.That(Place(e), Is.EqualTo(Line(2)));
        }
        Assert.That(BuildSettings.Check(Model("materialized: external")), Has.Count.EqualTo(1), "without the engine only the built-ins are known");
    }

    [Test]
    public void Check_reads_incremental_configs_only_for_incremental_models()
    {
        Assert.That(BuildSettings.Check(Model("materialized: table\nincremental_strategy: upsert")), Is.Empty);
        var errors = BuildSettings.Check(Model("materialized: incremental\nincremental_strategy: upsert"));
        Assert.That(errors.Select(Place), Is.EqualTo(new[] { Line(2) }));
    }

    [Test]
    public void Check_finds_nothing_wrong_with_valid_nodes()
    {
        Assert.That(BuildSettings.Check(Model("materialized: incremental\nunique_key: id")), Is.Empty);
        Assert.That(BuildSettings.Check(Model("tags: [a]")), Is.Empty, "a view by default");
        Assert.That(BuildSettings.Check(Snapshot("unique_key: id\nstrategy: check\ncheck_cols: all")), Is.Empty);
        Assert.That(BuildSettings.Check(DataTest("severity: warn")), Is.Empty);
        Assert.That(BuildSettings.Check(TestManifests.Seed("countries")), Is.Empty);
        Assert.That(BuildSettings.Check(TestManifests.Source("raw", "orders")), Is.Empty, "a source without freshness");
    }

    [Test]
    public void Check_reports_snapshot_and_data_test_mistakes()
    {
        Assert.That(BuildSettings.Check(Snapshot("unique_key: id\nstrategy: latest")).Select(Place), Is.EqualTo(new[] { Line(2) }));
        Assert.That(BuildSettings.Check(DataTest("severity: fatal")).Select(Place), Is.EqualTo(new[] { Line(1) }));
    }

    [Test]
    public void Check_reports_both_wrong_freshness_thresholds_of_a_source()
    {
        var source = TestManifests.Source("raw", "orders", new Dictionary<string, object?>
        {
            ["warn_after"] = Threshold(1L, "week"), ["error_after"] = Threshold(2L, "fortnight"),
        });
        var errors = BuildSettings.Check(source);
        Assert.That(errors, Has.Count.EqualTo(2));
        Assert.That(errors[0].Message, Does.Contain("'warn_after'"));
        Assert.That(errors[1].Message, Does.Contain("'error_after'"));
    }
}
