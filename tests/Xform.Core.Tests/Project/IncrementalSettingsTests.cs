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

    /// <summary>The error reading <paramref name="yaml"/>, which must be at <paramref name="line"/> of schema.yml.</summary>
    static string ErrorAt(int line, string yaml)
    {
        var e = Assert.Throws<XformException>(() => Read(yaml))!;
        Assert.That((e.Location.File, e.Location.Line), Is.EqualTo(("models/schema.yml", line)), e.Message);
        return e.Message;
    }

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

    [Test]
    public void An_unknown_strategy_is_reported_at_its_line_with_the_closest_name()
    {
        var message = ErrorAt(2, "unique_key: id\nincremental_strategy: merg");
        Assert.That(message, Does.Contain("incremental_strategy 'merg'").And.Contain("Did you mean 'merge'"));
    }

    [Test]
    public void An_unknown_on_schema_change_is_reported_at_its_line()
    {
        var message = ErrorAt(3, "unique_key: id\nincremental_strategy: merge\non_schema_change: sync_columns");
        Assert.That(message, Does.Contain("on_schema_change 'sync_columns'").And.Contain("sync_all_columns"));
    }

    [Test]
    public void On_schema_change_accepts_each_dbt_mode()
    {
        foreach (var mode in new[] { "ignore", "fail", "append_new_columns", "sync_all_columns" })
            Assert.That(Read($"on_schema_change: {mode}").OnSchemaChange, Is.EqualTo(mode));
    }

    [Test]
    public void Delete_insert_without_a_unique_key_is_reported_at_the_strategy()
    {
        var message = ErrorAt(2, "on_schema_change: fail\nincremental_strategy: delete+insert");
        Assert.That(message, Does.Contain("needs a unique_key"));
    }

    [Test]
    public void Insert_overwrite_needs_partition_by()
    {
        Assert.That(ErrorAt(1, "incremental_strategy: insert_overwrite"), Does.Contain("needs partition_by"));
        Assert.That(Read("incremental_strategy: insert_overwrite\npartition_by: event_day").PartitionColumn, Is.EqualTo("event_day"));
    }

    [Test]
    public void Partition_by_is_a_column_or_a_field_mapping_and_anything_else_is_reported_at_it()
    {
        Assert.That(Read("partition_by: {field: event_day, data_type: date}").PartitionColumn, Is.EqualTo("event_day"));
        Assert.That(Read("materialized: incremental").PartitionColumn, Is.Null);
        Assert.That(ErrorAt(2, "incremental_strategy: insert_overwrite\npartition_by: [a, b]"), Does.Contain("partition_by"));
    }

    [Test]
    public void Merge_update_and_exclude_columns_together_are_reported_at_the_exclude_list()
    {
        var message = ErrorAt(3, "unique_key: id\nmerge_update_columns: [a]\nmerge_exclude_columns: [b]");
        Assert.That(message, Does.Contain("merge_update_columns").And.Contain("merge_exclude_columns"));
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
