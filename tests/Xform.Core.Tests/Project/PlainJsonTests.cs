using System.Collections.ObjectModel;
using System.Text.Encodings.Web;
using System.Text.Json;
using Scriban.Runtime;
using Xform.Core.Project;

namespace Xform.Core.Tests.Project;

/// <summary>
/// PlainJson replaces the serializer's reflection (which natively compiled code lacks) where values are written to be
/// hashed or stored: test ids, unit test checksums, manifest configs, query comments. Its bytes must be the serializer's,
/// or every id and checksum of an existing project would change.
/// </summary>
public sealed class PlainJsonTests
{
    static IEnumerable<object?> Values()
    {
        yield return null;
        yield return "plain";
        yield return "quotes \" and \\ and <tags> & 'apostrophes' + é ü 中 \u2028 \t\n";
        yield return true;
        yield return 0L;
        yield return long.MinValue;
        yield return 42;
        yield return 3.5;
        yield return 1e-9;
        yield return 12345678901234.5678;
        yield return -0.0;
        yield return 1.1m;
        yield return 2.5f;
        yield return (short)-7;
        yield return (byte)200;
        yield return ulong.MaxValue;
        yield return 'c';
        yield return new DateTime(2026, 12, 6, 1, 2, 3, DateTimeKind.Utc);
        yield return new DateTime(2026, 12, 6, 1, 2, 3, 456, DateTimeKind.Unspecified);
        yield return new DateTimeOffset(2026, 12, 6, 1, 2, 3, TimeSpan.FromHours(2));
        yield return new DateOnly(2011, 12, 9);
        yield return new TimeOnly(13, 4, 5, 600);
        yield return new TimeOnly(23, 59);
        yield return TimeSpan.FromMinutes(90.5);
        yield return Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        yield return DayOfWeek.Friday;
        yield return new List<object?> { 1L, "a", null, new List<object?>(), new Dictionary<string, object?>() };
        yield return new Dictionary<string, object?> { ["b"] = 1L, ["a"] = new List<object?> { true, 2.25 }, ["c"] = new Dictionary<string, object?> { ["x"] = null } };
        yield return new Dictionary<string, string> { ["DBT_ENV"] = "prod", ["Ü"] = "<x>" };
        yield return new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?> { ["k"] = "v" });
        yield return new[] { "x", "y" };
        yield return new List<IReadOnlyDictionary<string, object?>> { new Dictionary<string, object?> { ["id"] = 1L, ["name"] = "n" } };
        yield return new ScriptObject { ["materialized"] = "table", ["n"] = 3 };
        yield return new ScriptArray { 1, "two", new ScriptObject { ["k"] = false } };
    }

    [TestCaseSource(nameof(Values))]
    public void A_value_is_written_as_the_serializer_wrote_it(object? value)
    {
        Assert.That(PlainJson.Serialize(value), Is.EqualTo(JsonSerializer.Serialize(value)));
        var relaxed = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        Assert.That(PlainJson.Serialize(value, new JsonWriterOptions { Encoder = relaxed.Encoder }), Is.EqualTo(JsonSerializer.Serialize(value, relaxed)));
        Assert.That(PlainJson.SerializeToUtf8Bytes(value), Is.EqualTo(JsonSerializer.SerializeToUtf8Bytes(value)));
    }

    [Test]
    public void Random_trees_of_yaml_values_are_written_as_the_serializer_wrote_them()
    {
        var random = new Random(17);
        for (var i = 0; i < 500; i++)
        {
            var value = Tree(random, depth: 0);
            Assert.That(PlainJson.Serialize(value), Is.EqualTo(JsonSerializer.Serialize(value)), $"tree {i}");
        }
    }

    // what Yaml.ToValue hands over: text, long, double, bool, null, List, Dictionary
    static object? Tree(Random random, int depth)
    {
        switch (random.Next(depth > 3 ? 5 : 7))
        {
            case 0: return null;
            case 1: return new string(Enumerable.Range(0, random.Next(8)).Select(_ => "ab <>&'\"\\é\n"[random.Next(11)]).ToArray());
            case 2: return (long)random.Next(-1000, 1000) * random.Next(1, 100000);
            case 3: return random.NextDouble() * Math.Pow(10, random.Next(-5, 12));
            case 4: return random.Next(2) == 0;
            case 5: return Enumerable.Range(0, random.Next(4)).Select(_ => Tree(random, depth + 1)).ToList();
            default:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var k = random.Next(4); k > 0; k--) map["k" + random.Next(10)] = Tree(random, depth + 1);
                return map;
        }
    }

    sealed record Custom(string Name, double Weight);

    [Test]
    public void Another_object_is_written_as_its_text()
    {
        // The serializer wrote such an object's public properties by reflection, which natively compiled code does not
        // have; its text is what a template prints of it (a relation passed to config(), a date of the modules).
        Assert.That(PlainJson.Serialize(new Uri("https://example.com/x")), Is.EqualTo("\"https://example.com/x\""));
        Assert.That(PlainJson.Serialize(new List<object?> { new Custom("c", 0.5) }), Is.EqualTo("[\"Custom { Name = c, Weight = 0.5 }\"]"));
    }
}
