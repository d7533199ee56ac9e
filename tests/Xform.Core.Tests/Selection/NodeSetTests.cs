using Xform.Core.Graph;
using Xform.Core.Selection;

namespace Xform.Core.Tests.Selection;

public class NodeSetTests
{
    // c and a read b; d alone: graph order b, a, c, d (parents first, ties by id)
    static readonly DependencyGraph Graph = DependencyGraph.Build(TestManifests.Of(
        TestManifests.Model("b", "models/b.sql", []),
        TestManifests.Model("a", "models/a.sql", ["b"]),
        TestManifests.Model("c", "models/c.sql", ["b"]),
        TestManifests.Model("d", "models/d.sql", [])));

    static string Id(string name) => Graph.OrderedNodes.Single(n => n.Name == name).UniqueId;

    static NodeSet Of(params string[] names) => NodeSet.Of(Graph, names.Select(n => n.StartsWith("exposure.", StringComparison.Ordinal) ? n : Id(n)));

    static string Names(NodeSet set) => string.Join(" ", set.Nodes().Select(n => n.Name).Concat(set.Others.Order(StringComparer.Ordinal)));

    [Test]
    public void Nodes_come_in_graph_order_whatever_order_they_were_added_in()
    {
        var set = Of("d", "c", "b", "a");
        Assert.That(Names(set), Is.EqualTo(string.Join(" ", Graph.OrderedNodes.Select(n => n.Name))));
        Assert.That(Graph.OrderedNodes[0].Name, Is.EqualTo("b"), "b is read by a and c: it comes first");
    }

    [Test]
    public void Set_operations_keep_graph_nodes_and_other_ids_and_count_both()
    {
        var union = Of("a", "exposure.p.x");
        union.UnionWith(Of("c", "exposure.p.y"));
        Assert.That((Names(union), union.Count), Is.EqualTo(("a c exposure.p.x exposure.p.y", 4)));

        var both = Of("a", "c", "exposure.p.x");
        both.IntersectWith(Of("c", "d", "exposure.p.x"));
        Assert.That((Names(both), both.Count), Is.EqualTo(("c exposure.p.x", 2)));

        var noOthers = Of("a", "exposure.p.x");
        noOthers.IntersectWith(Of("a"));
        Assert.That((Names(noOthers), noOthers.Count), Is.EqualTo(("a", 1)));

        var rest = NodeSet.All(Graph);
        rest.Add("exposure.p.x");
        rest.ExceptWith(Of("b", "d", "exposure.p.x"));
        Assert.That((Names(rest), rest.Count), Is.EqualTo(("a c", 2)));
    }

    [Test]
    public void Adding_removing_and_asking_by_id()
    {
        var set = new NodeSet(Graph);
        set.Add(Id("c"));
        set.Add(Id("c"));
        set.Add("exposure.p.x");
        Assert.That((set.Count, set.Contains(Id("c")), set.Contains(Id("a")), set.Contains("exposure.p.x"), set.Contains("nothing")), Is.EqualTo((2, true, false, true, false)));
        set.Remove(Id("c"));
        set.RemoveOthers();
        Assert.That(set.Count, Is.Zero);

        var all = NodeSet.All(Graph);
        all.RemoveWhere(k => Graph.OrderedNodes[k].Name is "a" or "d");
        Assert.That((Names(all), all.Count, all.ToHashSet().Count), Is.EqualTo(("b c", 2, 2)));
    }
}
