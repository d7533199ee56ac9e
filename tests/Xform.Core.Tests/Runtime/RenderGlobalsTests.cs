using Xform.Core.Runtime;

namespace Xform.Core.Tests.Runtime;

/// <summary>A render's globals: its own names over the session's; deferred names (the database objects) made when first read.</summary>
public class RenderGlobalsTests
{
    static readonly Dictionary<string, object?> Shared = new(StringComparer.Ordinal) { ["adapter"] = "parse-time adapter", ["var"] = "var" };

    [Test]
    public void A_deferred_name_is_made_when_first_read_once_and_over_the_shared_one()
    {
        var made = new List<string>();
        var g = new RenderGlobals(Shared) { ["ref"] = "ref" };
        g.Defer(new HashSet<string> { "adapter", "run_query" }, name =>
        {
            made.Add(name);
            return "run-time " + name;
        });

        Assert.That(made, Is.Empty, "nothing made before a read");
        Assert.That(g["ref"], Is.EqualTo("ref"));
        Assert.That(g.TryGetValue("var", out var v) ? v : null, Is.EqualTo("var"));
        Assert.That(made, Is.Empty, "reading other names makes none");
        Assert.That(g["adapter"], Is.EqualTo("run-time adapter"), "the deferred value, not the session's");
        Assert.That(g.TryGetValue("adapter", out var again) ? again : null, Is.EqualTo("run-time adapter"));
        Assert.That(made, Is.EqualTo(new[] { "adapter" }), "made once");
        Assert.That(g.ContainsKey("run_query"), Is.True);
        Assert.That(made, Is.EqualTo(new[] { "adapter" }), "asking whether it is there makes nothing");
    }

    [Test]
    public void Enumerating_reads_each_name_once_with_deferred_ones_made_on_the_way()
    {
        var g = new RenderGlobals(Shared) { ["ref"] = "ref", ["run_query"] = "set by the render" };
        g.Defer(new HashSet<string> { "adapter", "run_query" }, name => "run-time " + name);

        var all = g.ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.That(all.Keys, Is.EquivalentTo(new[] { "ref", "run_query", "adapter", "var" }));
        Assert.That(all["adapter"], Is.EqualTo("run-time adapter"));
        Assert.That(all["run_query"], Is.EqualTo("set by the render"), "a name the render set wins over the deferred one");
        Assert.That(g.Count, Is.EqualTo(4));
    }

    [Test]
    public void Reading_a_deferred_name_is_noted_when_watched()
    {
        var g = new RenderGlobals(Shared);
        g.Defer(new HashSet<string> { "run_query" }, _ => "run");
        g.Watch(new HashSet<string> { "run_query" });
        Assert.That(g.ReadWatched, Is.False);
        _ = g["run_query"];
        Assert.That(g.ReadWatched, Is.True, "a compile that read run_query is not kept");
    }
}
