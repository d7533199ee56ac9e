using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Tests.Parsing;

public class ParseSnapshotCodecTests
{
    static Node WithConfig(string name, Dictionary<string, object?> values, int line) =>
        TestManifests.Model(name, $"models/{name}.sql", []) with
        {
            // config() in the model's own file: every node's origins differ
            Config = NodeConfig.Empty.With(values, new SourceLocation($"models/{name}.sql", line, 3)),
        };

    static List<Node> RoundTrip(IEnumerable<Node> nodes, bool pooled)
    {
        using var buffer = new MemoryStream();
        using (var w = pooled ? new PooledWriter(buffer) : new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            foreach (var n in nodes) ParseSnapshotCodec.WriteNode(w, n);
        buffer.Position = 0;
        using var r = pooled ? new PooledReader(buffer) : new BinaryReader(buffer);
        var origins = new Dictionary<string, ConfigValues>(StringComparer.Ordinal);
        return nodes.Select(_ => ParseSnapshotCodec.ReadNode(r, origins)).ToList();
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Configs_read_back_with_their_values_and_where_each_was_set(bool pooled)
    {
        var table = new Dictionary<string, object?> { ["materialized"] = "table", ["tags"] = new List<object?> { "a", "b" } };
        var view = new Dictionary<string, object?> { ["materialized"] = "view" };
        var nodes = new[] { WithConfig("a", table, 1), WithConfig("b", view, 2), WithConfig("c", new(table), 3), WithConfig("d", new(view), 4) };

        var read = RoundTrip(nodes, pooled);

        for (var i = 0; i < nodes.Length; i++)
        {
            Assert.That(read[i].Config.OrderBy(kv => kv.Key), Is.EqualTo(nodes[i].Config.OrderBy(kv => kv.Key)), nodes[i].Name);
            Assert.That(read[i].Config.OriginOf("materialized"), Is.EqualTo(nodes[i].Config.OriginOf("materialized")), nodes[i].Name);
        }
        Assert.That(read[2].Config.OriginOf("materialized")!.Value.Line, Is.EqualTo(3), "the shared values keep each node's own origins");
    }

    [Test]
    public void Equal_config_values_are_read_back_as_one_shared_value()
    {
        var values = new Dictionary<string, object?> { ["materialized"] = "table", ["meta"] = new Dictionary<string, object?> { ["owner"] = "x" } };
        var same = Enumerable.Range(0, 50).Select(i => WithConfig($"m{i}", new(values), i + 1)).ToList();
        var other = WithConfig("other", new Dictionary<string, object?> { ["materialized"] = "view" }, 99);

        var read = RoundTrip(same.Append(other), pooled: true);
        var dictionaries = read.Select(n => n.Config.Select(kv => kv.Value).OfType<Dictionary<string, object?>>().Single()).Take(50).ToList();
        Assert.That(dictionaries.Distinct(ReferenceEqualityComparer.Instance).Count(), Is.EqualTo(1), "one meta value for the fifty nodes");
        Assert.That(read[^1].Config["materialized"], Is.EqualTo("view"));
    }
}
