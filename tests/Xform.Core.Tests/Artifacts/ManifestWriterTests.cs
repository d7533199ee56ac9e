using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xform.Core.Artifacts;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Tests.Artifacts;

public class ManifestWriterTests
{
    /// <summary>What the manifest wrote for a config when it built a JsonNode DOM: the writer must match it byte for byte.</summary>
    static JsonObject DomConfig(Node n)
    {
        var config = new JsonObject();
        foreach (var (k, v) in n.Config.OrderBy(kv => kv.Key, StringComparer.Ordinal)) config[k] = JsonSerializer.SerializeToNode(v);
        if (n.ResourceType != ResourceType.Source) config["materialized"] = n.Materialized;
        config["enabled"] = n.Config.Enabled;
        config["tags"] = new JsonArray(n.Config.Tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
        return config;
    }

    static IEnumerable<TestCaseData> Configs()
    {
        var values = new Dictionary<string, object?>
        {
            ["meta"] = new Dictionary<string, object?>
            {
                ["owner"] = "ø team <x&y> 'q' \"d\"\n",
                ["nested"] = new Dictionary<string, object?> { ["list"] = new List<object?> { 1L, 2.5, null, true, "two", new List<object?>() } },
                ["empty"] = new Dictionary<string, object?>(),
            },
            ["decimals"] = new List<object?> { 1.50m, 0m, -12.000m, 79228162514264337593543950335m },
            ["doubles"] = new List<object?> { 0.0, -0.0, 0.1, 1e20, 1e-7, 123456789.125, double.MaxValue, 1.0 / 3 },
            ["ints"] = new List<object?> { 0, -1, int.MaxValue, long.MinValue },
            // (an object of another kind is written as its text: PlainJsonTests)
            ["other"] = new List<object?> { 2.5f, (short)3, 'x', new[] { 1, 2 } },
            ["array"] = new object?[] { 1L, "a", new Dictionary<string, object?> { ["k"] = 1.5 } },
            ["labels"] = new SortedDictionary<string, object?> { ["b"] = 1L, ["a"] = "x" },
            ["unique_key"] = null,
        };
        yield return new TestCaseData(ResourceType.Model, values).SetName("Config values of every kind, as JsonSerializer wrote them");
        yield return new TestCaseData(ResourceType.Source, values).SetName("Source config: no materialized");
        var withKeys = new Dictionary<string, object?>(values)
        {
            ["tags"] = new List<object?> { "b", "a", 3L },
            ["materialized"] = "table",
            ["enabled"] = "true",
        };
        yield return new TestCaseData(ResourceType.Model, withKeys).SetName("materialized, enabled and tags in their sorted place");
        yield return new TestCaseData(ResourceType.Source, withKeys).SetName("Source with a materialized key keeps its value");
    }

    [TestCaseSource(nameof(Configs))]
    public void ConfigJson_writes_what_the_dom_wrote(ResourceType type, Dictionary<string, object?> values)
    {
        var node = TestManifests.Model("m", "models/m.sql", [], values) with { ResourceType = type };
        var indented = new JsonSerializerOptions { WriteIndented = true };
        Assert.That(ManifestWriter.ConfigJson(node).ToJsonString(indented), Is.EqualTo(DomConfig(node).ToJsonString(indented)));
    }

    [TestCase("")]
    [TestCase("select 1")]
    [TestCase("é\ud800 lone surrogate")]
    public void Sha256_is_of_the_utf8_bytes(string text)
    {
        foreach (var t in new[] { text, string.Concat(Enumerable.Repeat(text + "ü", 500)) })
            Assert.That(MacroIndex.Sha256(t), Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(t)))));
    }
}
