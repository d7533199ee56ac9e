using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Tests.Project;

/// <summary>
/// An incremental model's configs as dbt reads them: the strategy defaults from unique_key, each strategy's
/// requirements are checked, and a wrong value is reported at the line of schema.yml that set it.
/// </summary>
public class IncrementalSettingsTests
{
    static Node Events(string yaml) => TestManifests.Configured(TestManifests.Model("events", "models/events.sql", []), yaml);

    static IncrementalSettings Read(string yaml) => IncrementalSettings.Of(Events(yaml));

    static string ErrorAt(int line, string yaml) => TestManifests.ErrorAtLine(line, () => Read(yaml));

    [Test]
    public void Without_a_unique_key_the_strategy_is_append()
    {
        var settings = Read("materialized: incremental");
        Assert.That(settings.Strategy, Is.EqualTo("append"));
        Assert.That(settings.UniqueKey, Is.Empty);
        Assert.That(settings.OnSchemaChange, Is.EqualTo("ignore"), "dbt's default on_schema_change");
        Assert.That(settings.Microbatch, Is.Null);
    }

    [Test]
    public void With_a_unique_key_the_strategy_is_merge()
    {
        Assert.That(Read("unique_key: id").Strategy, Is.EqualTo("merge"));
        Assert.That(Read("unique_key: id").UniqueKey, Is.EqualTo(new[] { "id" }));
        Assert.That(Read("unique_key: [order_id, line]").UniqueKey, Is.EqualTo(new[] { "order_id", "line" }));
    }

    [Test]
    public void A_strategy_that_is_set_is_kept_even_with_a_unique_key()
    {
        Assert.That(Read("unique_key: id\nincremental_strategy: append").Strategy, Is.EqualTo("append"));
        Assert.That(Read("unique_key: id\nincremental_strategy: delete+insert").Strategy, Is.EqualTo("delete+insert"));
    }

    [TestCase("unique_key: id\nincremental_strategy: merg", 2,
        "incremental_strategy 'merg' of model 'events' is not one of append, merge, delete+insert, insert_overwrite, microbatch. Did you mean 'merge'?")]
    [TestCase("unique_key: id\nincremental_strategy: merge\non_schema_change: sync_columns", 3, "on_schema_change 'sync_columns'")]
    [TestCase("on_schema_change: fail\nincremental_strategy: delete+insert", 2, "uses delete+insert, which needs a unique_key")]
    [TestCase("on_schema_change: fail\nincremental_strategy: merge", 2, "uses merge, which needs a unique_key: without one every run inserts all new rows again")]
    [TestCase("incremental_strategy: merge\nunique_key: ''", 1, "uses merge, which needs a unique_key")]
    [TestCase("incremental_strategy: merge\nunique_key: [' ']", 1, "uses merge, which needs a unique_key")]
    [TestCase("incremental_strategy: insert_overwrite", 1, "uses insert_overwrite, which needs partition_by")]
    [TestCase("incremental_strategy: insert_overwrite\npartition_by: [a, b]", 2, "partition_by of model 'events' must be a column name")]
    [TestCase("unique_key: id\nmerge_update_columns: [a]\nmerge_exclude_columns: [b]", 3, "sets both merge_update_columns and merge_exclude_columns")]
    public void A_wrong_or_missing_config_is_reported_at_the_line_of_the_key_it_concerns(string yaml, int line, string expected) =>
        Assert.That(ErrorAt(line, yaml), Does.Contain(expected));

    [Test]
    public void On_schema_change_accepts_each_dbt_mode()
    {
        foreach (var mode in new[] { "ignore", "fail", "append_new_columns", "sync_all_columns" })
            Assert.That(Read($"on_schema_change: {mode}").OnSchemaChange, Is.EqualTo(mode));
    }

    [Test]
    public void Partition_by_is_a_column_or_a_field_mapping()
    {
        Assert.That(Read("incremental_strategy: insert_overwrite\npartition_by: event_day").PartitionColumn, Is.EqualTo("event_day"));
        Assert.That(Read("partition_by: {field: event_day, data_type: date}").PartitionColumn, Is.EqualTo("event_day"));
        Assert.That(Read("materialized: incremental").PartitionColumn, Is.Null);
    }

    [Test]
    public void Merge_columns_and_predicates_are_read_as_lists()
    {
        var settings = Read("unique_key: id\nmerge_exclude_columns: [created_at]\nincremental_predicates: [\"DBT_INTERNAL_DEST.day > '2024-01-01'\"]");
        Assert.That(settings.MergeExcludeColumns, Is.EqualTo(new[] { "created_at" }));
        Assert.That(settings.MergeUpdateColumns, Is.Empty);
        Assert.That(settings.Predicates, Is.EqualTo(new[] { "DBT_INTERNAL_DEST.day > '2024-01-01'" }));
    }

    const string Microbatch = "incremental_strategy: microbatch\nevent_time: occurred_at\nbatch_size: day\nbegin: '2024-03-01'\n";

    [Test]
    public void Microbatch_reads_its_batches_with_a_lookback_of_one_by_default()
    {
        var batches = Read(Microbatch).Microbatch!;
        Assert.That((batches.EventTime, batches.BatchSize, batches.Lookback), Is.EqualTo(("occurred_at", "day", 1)));
        Assert.That(batches.Begin, Is.EqualTo(new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.That(batches.Begin.Kind, Is.EqualTo(DateTimeKind.Utc), "begin is a UTC time");
        Assert.That(Read(Microbatch + "lookback: 3").Microbatch!.Lookback, Is.EqualTo(3));
    }

    [TestCase("event_time", "needs event_time")]
    [TestCase("batch_size", "needs batch_size")]
    [TestCase("begin", "needs begin")]
    public void A_microbatch_model_missing_a_required_config_is_reported_at_the_strategy(string missing, string expected)
    {
        var yaml = string.Join("\n", Microbatch.Split('\n').Where(l => !l.StartsWith(missing + ":", StringComparison.Ordinal)));
        Assert.That(ErrorAt(1, yaml), Does.Contain(expected));
    }

    [TestCase("batch_size", "week", 3)]
    [TestCase("begin", "soon", 4)]
    [TestCase("lookback", "-1", 5)]
    [TestCase("lookback", "two", 5)]
    public void A_wrong_microbatch_value_is_reported_at_its_own_line(string key, string value, int line)
    {
        var yaml = (Microbatch + "lookback: 1").Split('\n').Select(l => l.StartsWith(key + ":", StringComparison.Ordinal) ? $"{key}: {value}" : l);
        Assert.That(ErrorAt(line, string.Join("\n", yaml)), Does.StartWith($"{key} of model 'events'"));
    }

    [Test]
    public void A_wrong_value_without_a_known_origin_is_reported_at_the_model()
    {
        var node = TestManifests.Model("events", "models/events.sql", [], new() { ["incremental_strategy"] = "upsert" });
        var e = Assert.Throws<XformException>(() => IncrementalSettings.Of(node))!;
        Assert.That(e.Location, Is.EqualTo(node.Location));
    }
}
