using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Tests.Graph;

public class DependencyGraphTests
{
    [Test]
    public void Orders_parents_before_children_and_fills_depends_on()
    {
        var graph = DependencyGraph.Build(TestManifests.Of(
            ("d", "models/d.sql", ["b", "c"]),
            ("b", "models/b.sql", ["a"]),
            ("c", "models/c.sql", ["a"]),
            ("a", "models/a.sql", [])));
        var order = graph.Order.Select(id => id.Split('.')[^1]).ToList();
        Assert.That(order, Has.Count.EqualTo(4));
        Assert.That(order.IndexOf("a"), Is.LessThan(order.IndexOf("b")));
        Assert.That(order.IndexOf("a"), Is.LessThan(order.IndexOf("c")));
        Assert.That(order.IndexOf("c"), Is.LessThan(order.IndexOf("d")));
        Assert.That(graph.Manifest.Nodes["model.proj.d"].DependsOn, Is.EquivalentTo(new[] { "model.proj.b", "model.proj.c" }));
        Assert.That(graph.Descendants("model.proj.a"), Is.EquivalentTo(new[] { "model.proj.b", "model.proj.c", "model.proj.d" }));
        Assert.That(graph.Ancestors("model.proj.d", 1), Is.EquivalentTo(new[] { "model.proj.b", "model.proj.c" }));
    }

    [Test]
    public void The_graph_resolves_the_parsed_nodes_in_place_and_a_second_build_gives_the_same()
    {
        var manifest = TestManifests.Of(("b", "models/b.sql", ["a"]), ("a", "models/a.sql", []));
        var graph = DependencyGraph.Build(manifest);
        // no copy of every node for its parents (a project's nodes are its largest part in memory)
        Assert.That(graph.Manifest.Nodes["model.proj.b"], Is.SameAs(manifest.Nodes["model.proj.b"]));
        Assert.That(manifest.Nodes["model.proj.b"].DependsOn, Is.EqualTo(new[] { "model.proj.a" }));
        Assert.That(DependencyGraph.Build(manifest).Manifest.Nodes["model.proj.b"].DependsOn, Is.EqualTo(new[] { "model.proj.a" }));
        Assert.That(manifest.Nodes["model.proj.a"].DependsOn, Is.Empty);
    }

    [Test]
    public void A_cycle_is_reported_as_its_whole_path()
    {
        var e = Assert.Throws<XformException>(() => DependencyGraph.Build(TestManifests.Of(
            ("a", "models/a.sql", ["c"]),
            ("b", "models/b.sql", ["a"]),
            ("c", "models/c.sql", ["b"]),
            ("x", "models/x.sql", ["a"]))))!;
        Assert.That(e.Message, Is.EqualTo("dependency cycle: a -> b -> c -> a"));
    }

    [Test]
    public void An_unknown_ref_names_the_call_position_and_the_closest_names()
    {
        var e = Assert.Throws<XformException>(() => DependencyGraph.Build(TestManifests.Of(
            ("stg_orders", "models/stg_orders.sql", []),
            ("fct", "models/fct.sql", ["stg_order"]))))!;
        Assert.That(e.Format(), Is.EqualTo(
            "models/fct.sql:2:8: error: fct refers to ref('stg_order'), which is not a model, seed or snapshot of this project. Did you mean 'stg_orders'?"));
    }

    [Test]
    public void Every_unknown_ref_is_reported_at_once()
    {
        var e = Assert.Throws<XformAggregateException>(() => DependencyGraph.Build(TestManifests.Of(
            ("a", "models/a.sql", ["nope"]),
            ("b", "models/b.sql", ["zilch"]))))!;
        Assert.That(e.Errors.Select(x => x.Location.File), Is.EqualTo(new[] { "models/a.sql", "models/b.sql" }));
    }
}
