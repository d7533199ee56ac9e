using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Tests.Graph;

/// <summary>The graph's order is part of xform's output (run order, artifacts): pinned against a plain reference.</summary>
public class GraphOrderTests
{
    [Test]
    public void Order_takes_the_smallest_ready_id_first()
    {
        var graph = DependencyGraph.Build(TestManifests.Of(
            ("m", "models/m.sql", []),
            ("b", "models/b.sql", ["m"]),
            ("a", "models/a.sql", ["z"]),
            ("z", "models/z.sql", []),
            ("c", "models/c.sql", [])));
        Assert.That(graph.Order.Select(id => id.Split('.')[^1]), Is.EqualTo(new[] { "c", "m", "b", "z", "a" }));
    }

    [Test]
    public void Order_and_edges_match_a_reference_on_random_graphs()
    {
        var random = new Random(7);
        for (var round = 0; round < 20; round++)
        {
            // Names in random order; each model reads up to 3 earlier ones, so the graph is acyclic.
            var names = Enumerable.Range(0, 200).Select(i => $"m{i:x}_{random.Next(1000)}").Distinct().ToList();
            var models = names.Select((n, i) => (n, $"models/{n}.sql",
                Enumerable.Range(0, random.Next(4)).Where(_ => i > 0).Select(_ => names[random.Next(i)]).ToArray())).ToArray();
            var graph = DependencyGraph.Build(TestManifests.Of(models));

            Assert.That(graph.Order, Is.EqualTo(ReferenceOrder(models)));
            foreach (var (name, _, refs) in models)
            {
                var id = $"model.proj.{name}";
                var parents = refs.Distinct().Select(r => $"model.proj.{r}").ToList();
                Assert.That(graph.Manifest.Nodes[id].DependsOn, Is.EqualTo(parents));
                Assert.That(graph.Parents(id), Is.EqualTo(parents));
            }
            foreach (var id in graph.Order)
            {
                var children = graph.Order.Where(c => graph.Manifest.Nodes[c].DependsOn.Contains(id)).Order(StringComparer.Ordinal);
                Assert.That(graph.Children(id), Is.EqualTo(children));
            }
        }
    }

    [Test]
    public void A_cycle_below_acyclic_nodes_is_named_from_the_first_id_that_reaches_it()
    {
        var e = Assert.Throws<XformException>(() => DependencyGraph.Build(TestManifests.Of(
            ("a", "models/a.sql", []),
            ("q", "models/q.sql", ["a", "p"]),
            ("p", "models/p.sql", ["q"]),
            ("r", "models/r.sql", ["q"]))))!;
        Assert.That(e.Message, Is.EqualTo("dependency cycle: q -> p -> q"));
        Assert.That(e.Location.File, Is.EqualTo("models/q.sql"));
    }

    [Test]
    public void A_self_reference_is_an_error_after_the_unknown_refs_of_the_same_node()
    {
        var e = Assert.Throws<XformAggregateException>(() => DependencyGraph.Build(TestManifests.Of(
            ("a", "models/a.sql", ["a", "nope", "a"]))))!;
        Assert.That(e.Errors.Select(x => x.Message), Is.EqualTo(new[]
        {
            "a refers to ref('nope'), which is not a model, seed or snapshot of this project.",
            "a refers to itself; use {{ this }} for the model's own relation",
        }));
    }

    /// <summary>Kahn's algorithm over ids as strings, smallest ready id first.</summary>
    static List<string> ReferenceOrder((string Name, string Path, string[] Refs)[] models)
    {
        var parents = models.ToDictionary(m => $"model.proj.{m.Name}", m => m.Refs.Distinct().Select(r => $"model.proj.{r}").ToList());
        var done = new HashSet<string>();
        var order = new List<string>();
        while (order.Count < parents.Count)
        {
            var next = parents.Keys.Where(id => !done.Contains(id) && parents[id].All(done.Contains)).Min(StringComparer.Ordinal)!;
            done.Add(next);
            order.Add(next);
        }
        return order;
    }
}
