using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Tests.Project;

/// <summary>
/// A node's config is layered folder by folder, then YAML, then config(): a scalar set higher replaces the one
/// below, tags and hooks accumulate (dbt's additive keys), meta merges key by key.
/// </summary>
public class NodeConfigTests
{
    static readonly SourceLocation Folder = new("project.yml", 12, 7);
    static readonly SourceLocation Yaml = new("models/schema.yml", 20, 9);
    static readonly SourceLocation Call = new("models/m.sql", 1, 3);

    static Dictionary<string, object?> Layer(params (string Key, object? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    static List<object?> List(params object?[] items) => [.. items];

    [Test]
    public void A_scalar_set_higher_replaces_the_one_below_and_other_keys_stay()
    {
        var config = NodeConfig.Empty
            .With(Layer(("materialized", "view"), ("schema", "staging")))
            .With(Layer(("materialized", "table")));
        Assert.That(config.Materialized, Is.EqualTo("table"));
        Assert.That(config.GetString("schema"), Is.EqualTo("staging"));
    }

    [Test]
    public void Layering_leaves_the_config_below_unchanged()
    {
        var below = NodeConfig.Empty.With(Layer(("materialized", "view"), ("tags", List("a"))));
        _ = below.With(Layer(("materialized", "table"), ("tags", List("b"))));
        Assert.That(below.Materialized, Is.EqualTo("view"));
        Assert.That(below.Tags, Is.EqualTo(new[] { "a" }));
    }

    [TestCase("one")]
    [TestCase("list")]
    [TestCase("mixed")]
    [TestCase("none")]
    public void A_tag_is_matched_as_the_converted_tags_read_it(string shape)
    {
        object? tags = shape switch
        {
            "one" => "nightly",
            "list" => new List<object?> { "nightly", "pii" },
            "mixed" => new List<object?> { 1, true, null, "pii" },
            _ => null,
        };
        var values = new Dictionary<string, object?>();
        if (tags is not null) values["tags"] = tags;
        foreach (var candidate in new[] { "nightly", "pii", "1", "True", "", "other" })
        {
            // a fresh config each time: AnyTag reads the raw value, Tags converts it
            var expected = new NodeConfig(values).Tags.Contains(candidate);
            Assert.That(new NodeConfig(values).AnyTag(t => t == candidate), Is.EqualTo(expected), $"{shape}: {candidate}");
        }
        Assert.That(new NodeConfig(values).AnyTag(_ => true), Is.EqualTo(tags is not null), shape);
    }

    [Test]
    public void Tags_append_in_order_without_duplicates()
    {
        var config = NodeConfig.Empty
            .With(Layer(("tags", List("nightly", "pii"))))
            .With(Layer(("tags", List("pii", "finance"))));
        Assert.That(config.Tags, Is.EqualTo(new[] { "nightly", "pii", "finance" }));
    }

    [Test]
    public void A_single_tag_string_counts_as_one_tag_on_either_side()
    {
        var config = NodeConfig.Empty.With(Layer(("tags", "nightly"))).With(Layer(("tags", List("pii")))).With(Layer(("tags", "hourly")));
        Assert.That(config.Tags, Is.EqualTo(new[] { "nightly", "pii", "hourly" }));
    }

    [Test]
    public void Hooks_accumulate_whether_spelled_with_a_dash_or_an_underscore()
    {
        var config = NodeConfig.Empty
            .With(Layer(("pre_hook", "grant select on {{ this }} to reporter")))
            .With(Layer(("pre-hook", List("analyze {{ this }}"))));
        Assert.That(config.GetStrings("pre-hook"), Is.EqualTo(new[] { "grant select on {{ this }} to reporter", "analyze {{ this }}" }));
        Assert.That(config.ContainsKey("pre_hook"), Is.False);
    }

    [Test]
    public void Meta_merges_key_by_key_with_the_higher_value_winning()
    {
        var config = NodeConfig.Empty
            .With(Layer(("meta", new Dictionary<string, object?> { ["owner"] = "data", ["tier"] = 1L })))
            .With(Layer(("meta", new Dictionary<string, object?> { ["tier"] = 2L, ["pii"] = true })));
        Assert.That(config["meta"], Is.EquivalentTo(new Dictionary<string, object?> { ["owner"] = "data", ["tier"] = 2L, ["pii"] = true }));
    }

    [Test]
    public void A_key_written_with_a_plus_is_the_same_key()
    {
        var config = NodeConfig.Empty.With(Layer(("materialized", "view"), ("tags", List("a"))))
            .With(Layer(("+materialized", "table"), ("+tags", List("b"))));
        Assert.That(config.Materialized, Is.EqualTo("table"));
        Assert.That(config.Tags, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(config.Keys, Has.None.StartsWith("+"));
    }

    [Test]
    public void An_empty_layer_shares_the_config_instead_of_copying_it()
    {
        var config = NodeConfig.Empty.With(Layer(("materialized", "table")), Folder);
        Assert.That(config.With(Layer()), Is.SameAs(config));
        Assert.That(config.With(ConfigValues.Empty, Yaml), Is.SameAs(config));
        Assert.That(config.OriginOf("materialized"), Is.EqualTo(Folder), "an empty layer placed nothing");
    }

    [Test]
    public void Defaults_when_nothing_is_set()
    {
        Assert.That(NodeConfig.Empty.Materialized, Is.EqualTo("view"), "dbt's default materialization");
        Assert.That(NodeConfig.Empty.Enabled, Is.True);
        Assert.That(NodeConfig.Empty.Tags, Is.Empty);
        Assert.That(NodeConfig.Empty.With(Layer(("enabled", "False"))).Enabled, Is.False, "a string is read as a boolean");
    }

    [Test]
    public void The_origin_of_a_key_is_the_top_layer_that_sets_it()
    {
        var config = NodeConfig.Empty
            .With(Layer(("materialized", "view"), ("schema", "staging")), Folder)
            .With(Layer(("materialized", "table")), Yaml)
            .With(Layer(("alias", "m2")), Call);
        Assert.That(config.OriginOf("materialized"), Is.EqualTo(Yaml));
        Assert.That(config.OriginOf("schema"), Is.EqualTo(Folder));
        Assert.That(config.OriginOf("alias"), Is.EqualTo(Call));
    }

    [Test]
    public void An_additive_key_is_placed_at_the_top_layer_that_adds_to_it()
    {
        var config = NodeConfig.Empty.With(Layer(("tags", List("a"))), Folder).With(Layer(("tags", List("b"))), Call);
        Assert.That(config.OriginOf("tags"), Is.EqualTo(Call));
    }

    [Test]
    public void A_layer_of_config_values_places_each_key_where_it_was_written()
    {
        var values = new ConfigValues();
        values.Set("materialized", "incremental", new SourceLocation("models/schema.yml", 8, 22));
        values.Set("unique_key", "id", new SourceLocation("models/schema.yml", 9, 20));
        var config = NodeConfig.Empty.With(Layer(("materialized", "view")), Folder).With(values, Yaml);
        Assert.That(config.OriginOf("materialized"), Is.EqualTo(new SourceLocation("models/schema.yml", 8, 22)));
        Assert.That(config.OriginOf("unique_key"), Is.EqualTo(new SourceLocation("models/schema.yml", 9, 20)));
    }

    [Test]
    public void A_plain_layer_places_its_keys_at_the_location_given_to_With()
    {
        var config = NodeConfig.Empty.With(Layer(("materialized", "table"), ("schema", "marts")), Call);
        Assert.That(config.OriginOf("materialized"), Is.EqualTo(Call));
        Assert.That(config.OriginOf("schema"), Is.EqualTo(Call));
    }

    [Test]
    public void A_key_written_with_a_plus_has_the_origin_of_its_layer()
    {
        var config = NodeConfig.Empty.With(Layer(("materialized", "view")), Folder).With(Layer(("+materialized", "table")), Yaml);
        Assert.That(config.OriginOf("materialized"), Is.EqualTo(Yaml));
    }

    [Test]
    public void A_key_no_layer_sets_has_no_origin()
    {
        var config = NodeConfig.Empty.With(Layer(("materialized", "table")), Folder);
        Assert.That(config.OriginOf("unique_key"), Is.Null);
        Assert.That(new NodeConfig(Layer(("materialized", "table"))).OriginOf("materialized"), Is.Null, "built whole, not layered");
        Assert.That(NodeConfig.Empty.With(Layer(("materialized", "table"))).OriginOf("materialized"), Is.Null, "layered with no location");
    }

    [Test]
    public void Config_values_keep_the_last_value_set_and_its_location()
    {
        var values = new ConfigValues();
        values.Set("materialized", "view", Folder);
        values.Set("materialized", "table", Call);
        Assert.That(values["materialized"], Is.EqualTo("table"));
        Assert.That(values.LocationOf("materialized"), Is.EqualTo(Call));
        Assert.That(values.LocationOf("schema"), Is.Null);
    }

    [Test]
    public void Config_values_With_copies_and_sets_the_upper_values_with_their_locations()
    {
        var lower = new ConfigValues();
        lower.Set("materialized", "view", Folder);
        lower.Set("schema", "staging", Folder);
        var upper = new ConfigValues();
        upper.Set("materialized", "table", Yaml);

        var both = lower.With(upper);
        Assert.That(both["materialized"], Is.EqualTo("table"));
        Assert.That(both.LocationOf("materialized"), Is.EqualTo(Yaml));
        Assert.That(both["schema"], Is.EqualTo("staging"));
        Assert.That(both.LocationOf("schema"), Is.EqualTo(Folder));
        Assert.That(lower["materialized"], Is.EqualTo("view"), "the lower values are not changed");
        Assert.That(upper.ContainsKey("schema"), Is.False, "nor the upper ones");
    }

    [Test]
    public void Config_values_With_one_value_adds_it_to_a_copy()
    {
        var values = new ConfigValues();
        values.Set("schema", "staging", Folder);
        var more = values.With("alias", "orders_v2", Call);
        Assert.That(more.Keys, Is.EquivalentTo(new[] { "schema", "alias" }));
        Assert.That(more.LocationOf("alias"), Is.EqualTo(Call));
        Assert.That(values.ContainsKey("alias"), Is.False);
    }
}
