using System.Security.Cryptography;
using System.Text;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Core.Tests.Parsing;

/// <summary>
/// YAML test entries of a model's columns or of the model itself become test nodes named as dbt names them, with
/// the built-in generic tests (<c>test_not_null</c>, ...) as the macros that take their arguments.
/// </summary>
public class TestSpecsTests
{
    const string File = "models/marts/schema.yml";

    static readonly IReadOnlyDictionary<string, MacroInfo> TestMacros =
        new TemplateEngine(BuiltinMacros.All, [], "duckdb").Macros.Where(m => m.Value.IsTest).ToDictionary(m => m.Key, m => m.Value);

    static readonly Node Orders = TestManifests.Model("orders", "models/marts/orders.sql", []);

    /// <summary>The entries of a YAML list of tests, each at its position in <see cref="File"/>.</summary>
    static IReadOnlyList<object?> Entries(string yaml) =>
        ((YamlSequence)Yaml.LoadText(yaml, File)!).Items.Select(i => (object?)new PositionedValue(Yaml.ToValue(i), i.At(File))).ToList();

    static Node[] Build(Node parent, string tableTests = "[]", NodeConfig? baseConfig = null) =>
        TestSpecs.For(parent, Entries(tableTests), TestMacros, TestManifests.Project, baseConfig ?? NodeConfig.Empty, "main_dbt_test__audit").ToArray();

    /// <summary>The tests <paramref name="yaml"/> declares on column <paramref name="column"/> of orders.</summary>
    static Node[] OnColumn(string column, string yaml, NodeConfig? baseConfig = null) =>
        Build(Orders with { Columns = [new ColumnInfo(column, "", null, Entries(yaml), new Dictionary<string, object?>(), new SourceLocation(File, 3, 9))] },
            baseConfig: baseConfig);

    static Node OneOnColumn(string column, string yaml) => OnColumn(column, yaml).Single();

    static XformException Error(TestDelegate build) => Assert.Throws<XformException>(build)!;

    [Test]
    public void A_column_test_is_named_test_model_column_and_attached_to_the_model()
    {
        var test = OneOnColumn("id", "- not_null");
        Assert.That(test.Name, Is.EqualTo("not_null_orders_id"));
        Assert.That(test.UniqueId, Does.Match(@"^test\.proj\.not_null_orders_id\.[0-9a-f]{10}$"));
        Assert.That((test.ResourceType, test.AttachedNode), Is.EqualTo((ResourceType.Test, "model.proj.orders")));
        Assert.That(test.Relation, Is.EqualTo(new RelationName(null, "main_dbt_test__audit", "not_null_orders_id")));
        Assert.That(test.Fqn, Is.EqualTo(new[] { "proj", "marts", "not_null_orders_id" }));
        Assert.That(test.Location, Is.EqualTo(new SourceLocation(File, 1, 3)));
        Assert.That(test.TestMetadata!.Macro, Is.EqualTo("test_not_null"));
        Assert.That(test.TestMetadata!.ColumnName, Is.EqualTo("id"));
    }

    [Test]
    public void Arguments_are_added_to_the_name_in_argument_order()
    {
        var test = OneOnColumn("status", "- accepted_values:\n    values: [placed, shipped]");
        Assert.That(test.Name, Is.EqualTo("accepted_values_orders_status__placed__shipped"));
        Assert.That(test.TestMetadata!.Kwargs, Is.EquivalentTo(new Dictionary<string, object?> { ["values"] = new List<object?> { "placed", "shipped" } }));
    }

    [Test]
    public void The_unique_id_is_the_same_for_the_same_test_and_differs_for_other_arguments()
    {
        const string yaml = "- accepted_values: {values: [a]}";
        Assert.That(OneOnColumn("status", yaml).UniqueId, Is.EqualTo(OneOnColumn("status", yaml).UniqueId));
        var named = OnColumn("status", "- accepted_values: {name: status_ok, values: [a]}\n- accepted_values: {name: status_ok, values: [b]}");
        Assert.That(named.Select(t => t.Name), Is.EqualTo(new[] { "status_ok", "status_ok" }));
        Assert.That(named[0].UniqueId, Is.Not.EqualTo(named[1].UniqueId));
    }

    [Test]
    public void A_custom_name_replaces_the_generated_one()
    {
        var test = OneOnColumn("id", "- not_null:\n    name: order_id_present");
        Assert.That(test.Name, Is.EqualTo("order_id_present"));
        Assert.That(test.UniqueId, Does.StartWith("test.proj.order_id_present."));
        Assert.That(test.TestMetadata!.Kwargs, Is.Empty, "the name is no argument of the test");
    }

    [Test]
    public void A_long_name_is_cut_and_made_unique_with_a_hash_of_the_whole()
    {
        var values = Enumerable.Range(1, 8).Select(i => $"status_number_{i}").ToArray();
        var test = OneOnColumn("status", $"- accepted_values:\n    values: [{string.Join(", ", values)}]");
        // As dbt: the arguments in name order (column_name, values), the full name kept as the node's name, the file and
        // relation named by the first 30 characters of "{test}_{model}" and the md5 of the full name.
        var whole = $"accepted_values_orders_status__{string.Join("__", values)}";
        var hash = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(whole)));
        Assert.That(test.Name, Is.EqualTo(whole));
        Assert.That(test.Relation.Identifier, Is.EqualTo($"accepted_values_orders_{hash}"));
        Assert.That(test.Path, Is.EqualTo($"accepted_values_orders_{hash}.sql"));
        Assert.That(test.Relation.Identifier, Has.Length.LessThan(64), "short enough to be a relation name everywhere");
    }

    [TestCase("- relationships:\n    to: ref('customers')\n    field: id", "relationships_orders_status__id__ref_customers_")]
    [TestCase("- accepted_values:\n    values: ['a b', 1, 2.5, true, null]\n    quote: false", "accepted_values_orders_status__False__a_b__1__2_5__True__None")]
    [TestCase("- accepted_values:\n    values: [[1, 2], {k: v}]", "accepted_values_orders_status___1_2____k_v_")]
    public void Names_follow_dbts_rules_for_every_kind_of_argument(string yaml, string expected) =>
        Assert.That(OneOnColumn("status", yaml).Name, Is.EqualTo(expected));

    const string Legacy = """
        - accepted_values:
            values: [placed, shipped]
            severity: warn
            where: "day > '2024-01-01'"
        """;

    const string Dbt110 = """
        - accepted_values:
            arguments:
              values: [placed, shipped]
            config:
              severity: warn
              where: "day > '2024-01-01'"
        """;

    [Test]
    public void In_the_flat_form_config_keys_configure_and_the_rest_are_arguments()
    {
        var test = OneOnColumn("status", Legacy);
        Assert.That(test.TestMetadata!.Kwargs, Is.EquivalentTo(new Dictionary<string, object?> { ["values"] = new List<object?> { "placed", "shipped" } }));
        Assert.That(test.Config.GetString("severity"), Is.EqualTo("warn"));
        Assert.That(test.Config.GetString("where"), Is.EqualTo("day > '2024-01-01'"));
    }

    [Test]
    public void The_arguments_and_config_form_makes_the_same_test_as_the_flat_form()
    {
        var flat = OneOnColumn("status", Legacy);
        var nested = OneOnColumn("status", Dbt110);
        Assert.That((nested.Name, nested.UniqueId), Is.EqualTo((flat.Name, flat.UniqueId)));
        Assert.That(nested.TestMetadata!.Kwargs, Is.EquivalentTo(flat.TestMetadata!.Kwargs));
        Assert.That(nested.Config, Is.EquivalentTo(flat.Config));
    }

    [TestCase("- accepted_values:\n    valuez: [a]")]
    [TestCase("- accepted_values:\n    arguments:\n      valuez: [a]")]
    public void An_unknown_argument_is_an_error_naming_the_closest(string yaml)
    {
        var e = Error(() => OnColumn("status", yaml));
        Assert.That(e.Message, Does.StartWith("test 'accepted_values' has no argument 'valuez'").And.Contain("Did you mean 'values'?"));
        Assert.That(e.Location, Is.EqualTo(new SourceLocation(File, 1, 3)), "at the test entry");
    }

    [Test]
    public void An_unknown_test_is_an_error_naming_the_closest()
    {
        var e = Error(() => OnColumn("id", "- unique\n- not_nul"));
        Assert.That(e.Message, Does.StartWith("unknown test 'not_nul'. Did you mean 'not_null'?"));
        Assert.That(e.Location, Is.EqualTo(new SourceLocation(File, 2, 3)));
    }

    [Test]
    public void A_model_level_test_can_name_its_column_with_column_name()
    {
        var test = Build(Orders, "- unique:\n    column_name: \"order_id || '-' || line\"").Single();
        Assert.That(test.TestMetadata!.ColumnName, Is.EqualTo("order_id || '-' || line"));
        Assert.That(test.TestMetadata!.Kwargs, Is.Empty, "column_name is passed on its own, not among the arguments");
        Assert.That(test.Name, Is.EqualTo("unique_orders_order_id_line"));
    }

    [Test]
    public void A_table_level_test_under_a_column_is_an_error()
    {
        var e = Error(() => OnColumn("id", "- unique_combination_of_columns:\n    combination_of_columns: [id, line]"));
        Assert.That(e.Message, Does.Contain("is a table-level test").And.Contain("model's tests"));
        Assert.That(Build(Orders, "- unique_combination_of_columns:\n    combination_of_columns: [id, line]").Single().TestMetadata!.ColumnName, Is.Null);
    }

    [Test]
    public void A_namespaced_package_test_runs_the_built_in_test_of_that_name()
    {
        var test = OneOnColumn("amount", "- dbt_utils.accepted_range:\n    min_value: 0");
        Assert.That(test.TestMetadata!.Macro, Is.EqualTo("test_accepted_range"));
        Assert.That(test.TestMetadata!.Namespace, Is.EqualTo("dbt_utils"));
        Assert.That(test.Name, Is.EqualTo("dbt_utils_accepted_range_orders_amount__0"), "dbt names a namespaced test with its namespace");
    }

    [Test]
    public void A_ref_or_source_argument_makes_the_test_read_that_node_too()
    {
        var byRef = OneOnColumn("customer_id", "- relationships:\n    to: ref('customers')\n    field: id");
        Assert.That(byRef.Refs.Select(r => r.Name), Is.EqualTo(new[] { "customers" }));
        var bySource = OneOnColumn("customer_id", "- relationships:\n    to: source('crm', 'customers')\n    field: id");
        Assert.That(bySource.SourceRefs.Select(r => (r.SourceName, r.Name)), Is.EqualTo(new[] { ("crm", "customers") }));
        Assert.That(bySource.Refs, Is.Empty);
    }

    [Test]
    public void A_test_of_a_source_table_is_attached_to_the_source()
    {
        var source = TestManifests.Source("raw", "orders") with
        {
            Columns = [new ColumnInfo("id", "", null, Entries("- not_null"), new Dictionary<string, object?>(), new SourceLocation(File, 3, 9))],
        };
        var test = Build(source).Single();
        Assert.That(test.AttachedNode, Is.EqualTo("source.proj.raw.orders"));
        Assert.That(test.Name, Does.Contain("raw_orders_id"));
    }

    [Test]
    public void The_test_config_is_layered_on_the_projects_test_config()
    {
        var project = NodeConfig.Empty.With(new Dictionary<string, object?> { ["severity"] = "warn", ["tags"] = new List<object?> { "nightly" }, ["limit"] = 10L },
            new SourceLocation("project.yml", 30, 5));
        var test = OnColumn("id", "- unique:\n    config:\n      severity: error\n      tags: [pii]", project).Single();
        Assert.That(test.Config.GetString("severity"), Is.EqualTo("error"));
        Assert.That(test.Config.Tags, Is.EqualTo(new[] { "nightly", "pii" }));
        Assert.That(test.Config.OriginOf("severity"), Is.EqualTo(new SourceLocation(File, 1, 3)), "a mistake is reported at the test");
        Assert.That(test.Config.OriginOf("limit"), Is.EqualTo(new SourceLocation("project.yml", 30, 5)));
    }

    [TestCase("- not_null: [id]", "takes a mapping of arguments")]
    [TestCase("- [not_null, unique]", "a test is a name")]
    [TestCase("- {not_null: {}, unique: {}}", "a test is a name")]
    public void A_malformed_entry_is_an_error(string yaml, string expected) =>
        Assert.That(Error(() => OnColumn("id", yaml)).Message, Does.Contain(expected));

    /// <summary>
    /// A test's id and checksum hash JSON written by hand now; the bytes are the ones the serializer wrote for the anonymous
    /// objects they once were (asserted against it here), so ids and checksums stay what earlier versions gave.
    /// </summary>
    [Test]
    public void Test_ids_and_checksums_hash_what_the_serializer_wrote()
    {
        var tests = OnColumn("status", """
            - not_null
            - accepted_values: {values: ["a<b", "c&d", "é'+", 1, 2.5, true, null], quote: false}
            - relationships: {to: "ref('customers')", field: id, config: {where: "x > 1", severity: warn}}
            """).Concat(Build(Orders, "- dbt_utils.expression_is_true: {expression: \"amount >= 0\"}")).ToArray();
        Assert.That(tests, Has.Length.GreaterThanOrEqualTo(3));
        foreach (var t in tests)
        {
            var m = t.TestMetadata!;
            var args = m.Kwargs;
            var before = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
            {
                macro = m.Macro, parent = t.AttachedNode, column = m.ColumnName,
                args = args.OrderBy(a => a.Key).Select(a => $"{a.Key}={System.Text.Json.JsonSerializer.Serialize(a.Value)}"),
            });
            Assert.That(TestSpecs.HashInput(m.Macro, t.AttachedNode!, m.ColumnName, args).ToArray(), Is.EqualTo(before), t.Name);
            Assert.That(t.UniqueId, Does.EndWith("." + Convert.ToHexStringLower(MD5.HashData(before))[..10]));
            // the checksum's bytes as when the metadata was a dictionary of these keys, in this order
            var asDictionary = new Dictionary<string, object?> { ["name"] = m.Name, ["macro"] = m.Macro, ["kwargs"] = m.Kwargs, ["column_name"] = m.ColumnName, ["namespace"] = m.Namespace };
            Assert.That(Xform.Core.Artifacts.ManifestWriter.TestBody(m, t.AttachedNode).ToArray(),
                Is.EqualTo(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { m = asDictionary, t.AttachedNode })), t.Name);
        }
    }

    [Test]
    public void A_synthetic_name_part_is_cleaned_as_dbt_s_regex_cleans_it()
    {
        var random = new Random(17);
        const string alphabet = "ab_Z09 -'\"(),.é!_";
        var samples = new List<string> { "", "id", "a b", "a__b", "_", "__", " x ", "a_ b", "a _b", "é", "ref('customers')", "[1, 2]" };
        for (var i = 0; i < 2000; i++) samples.Add(new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
        foreach (var text in samples)
            Assert.That(TestSpecs.Identifier(text), Is.EqualTo(System.Text.RegularExpressions.Regex.Replace(text, "[^0-9a-zA-Z_]+", "_")), text);
    }
}
