using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;

namespace Xform.Core.Tests.Parsing;

/// <summary>
/// The saved parse keeps its nodes in segments, each with texts of its own, decoded on every core: read back, the nodes
/// are the same, in the same order, with their templates, whatever the segments' size.
/// </summary>
[NonParallelizable] // sets the segments' size, which every save reads
public class ParseSnapshotSegmentsTests
{
    string _dir = "";

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "xform-segments-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown()
    {
        ParseSnapshot.SegmentSize = 2048;
        Directory.Delete(_dir, recursive: true);
    }

    static Node ModelNode(int i) => TestManifests.Model($"m{i}", $"models/m{i}.sql", i > 0 ? [$"m{i - 1}"] : []) with
    {
        RawCode = $"select {i} as id -- a text every node has its own of",
        Config = NodeConfig.Empty.With(new Dictionary<string, object?> { ["materialized"] = i % 2 == 0 ? "table" : "view" },
            new SourceLocation($"models/m{i}.sql", 1, 3)),
    };

    static Node TestNode(int i) => TestManifests.Model($"not_null_m{i}_id", "models/schema.yml", []) with
    {
        UniqueId = $"test.proj.not_null_m{i}_id",
        ResourceType = ResourceType.Test,
        AttachedNode = $"model.proj.m{i}",
        TestMetadata = new Dictionary<string, object?> { ["name"] = "not_null", ["kwargs"] = new Dictionary<string, object?> { ["column_name"] = "id" } },
    };

    ParsedContents? RoundTrip(IReadOnlyList<Node> nodes, TemplateEngine engine)
    {
        var models = Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName;
        var file = Path.Combine(models, "m.sql");
        File.WriteAllText(file, "select 1");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-1)); // old enough to be known by its time
        var templates = nodes.Where(n => n.ResourceType == ResourceType.Model)
            .ToDictionary(n => n.UniqueId, n => engine.Parse(new TemplateSource(n.OriginalFilePath, n.RawCode)), StringComparer.Ordinal);
        var contents = new ParsedContents(nodes, [], [], [], [], templates, [new ProjectFile("models/m.sql", "proj", "model", "c")], 1, "g1");
        var path = Path.Combine(_dir, "partial_parse_manifest.bin");
        var notSaved = ParseSnapshot.Save(path, "key", new Dictionary<string, string?>(),
            [(models, new[] { file }, _ => null)], contents, DateTime.UtcNow.AddMinutes(-1));
        Assert.That(notSaved, Is.Null);
        using var saved = ParseSnapshot.Open(path, "key", _dir, _ => false, out var why);
        Assert.That(saved, Is.Not.Null, why);
        return saved!.Read(engine, new Dictionary<string, string?>());
    }

    [TestCase(2048)]
    [TestCase(3)]
    [TestCase(1)]
    public void Nodes_and_their_templates_read_back_in_order_whatever_the_segments(int segmentSize)
    {
        ParseSnapshot.SegmentSize = segmentSize;
        var engine = new TemplateEngine(BuiltinMacros.All, [], "duckdb");
        var nodes = Enumerable.Range(0, 8).SelectMany(i => new[] { ModelNode(i), TestNode(i) }).ToList();

        var read = RoundTrip(nodes, engine);

        Assert.That(read, Is.Not.Null);
        Assert.That(read!.Nodes.Select(n => n.UniqueId), Is.EqualTo(nodes.Select(n => n.UniqueId)));
        for (var i = 0; i < nodes.Count; i++)
        {
            Assert.That(read.Nodes[i].RawCode, Is.EqualTo(nodes[i].RawCode), nodes[i].UniqueId);
            Assert.That(read.Nodes[i].Refs.Select(r => r.Name), Is.EqualTo(nodes[i].Refs.Select(r => r.Name)), nodes[i].UniqueId);
            Assert.That(read.Nodes[i].Config.OrderBy(kv => kv.Key), Is.EqualTo(nodes[i].Config.OrderBy(kv => kv.Key)), nodes[i].UniqueId);
            Assert.That(read.Nodes[i].Config.OriginOf("materialized"), Is.EqualTo(nodes[i].Config.OriginOf("materialized")), nodes[i].UniqueId);
            Assert.That(read.Nodes[i].AttachedNode, Is.EqualTo(nodes[i].AttachedNode), nodes[i].UniqueId);
            Assert.That(read.Nodes[i].TestMetadata?["name"], Is.EqualTo(nodes[i].TestMetadata?["name"]), nodes[i].UniqueId);
        }
        Assert.That(read.Templates.Keys.Order(StringComparer.Ordinal), Is.EqualTo(nodes.Where(n => n.ResourceType == ResourceType.Model).Select(n => n.UniqueId).Order(StringComparer.Ordinal)));
        foreach (var (id, template) in read.Templates)
            Assert.That(template.Source.Text, Is.EqualTo(nodes.Single(n => n.UniqueId == id).RawCode), id);
        Assert.That(read.Files.Single().Path, Is.EqualTo("models/m.sql"), "what follows the segments reads on from their end");
    }

    [Test]
    public void A_damaged_segment_is_an_unreadable_saved_parse_not_an_error()
    {
        ParseSnapshot.SegmentSize = 2;
        var engine = new TemplateEngine(BuiltinMacros.All, [], "duckdb");
        var nodes = Enumerable.Range(0, 6).Select(ModelNode).ToList();
        Assert.That(RoundTrip(nodes, engine), Is.Not.Null);
        var path = Path.Combine(_dir, "partial_parse_manifest.bin");
        var bytes = File.ReadAllBytes(path);
        var at = System.Text.Encoding.UTF8.GetBytes("select 3 as id");
        var offset = bytes.AsSpan().IndexOf(at);
        Assert.That(offset, Is.GreaterThan(0));
        bytes[offset - 1] = 0xFF; // the text's length, in the middle of the second segment
        File.WriteAllBytes(path, bytes);

        using var saved = ParseSnapshot.Open(path, "key", _dir, _ => false, out var why);
        Assert.That(saved, Is.Not.Null, why);
        Assert.That(saved!.Read(engine, new Dictionary<string, string?>()), Is.Null, "read as unreadable: a full parse follows");
    }
}
