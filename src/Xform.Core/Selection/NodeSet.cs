using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Selection;

/// <summary>
/// What a selector selects: a flag per position of the graph's order, and the ids of what it matched outside the graph
/// (exposures, metrics, ...). Unions, intersections and differences are passes over the flags, and the selection comes
/// out in graph order without sorting: at 51,000 nodes a selection of 40,000 put in sets of ids (hashing each id twice,
/// then looking each node up again to order them) cost more than finding it (bench/README.md, issue 17).
/// </summary>
public sealed class NodeSet
{
    readonly DependencyGraph _graph;
    readonly bool[] _flags;
    HashSet<string>? _others;
    int _inGraph;

    public NodeSet(DependencyGraph graph)
    {
        _graph = graph;
        _flags = new bool[graph.Order.Count];
    }

    /// <summary>Every node of the graph.</summary>
    public static NodeSet All(DependencyGraph graph)
    {
        var set = new NodeSet(graph);
        Array.Fill(set._flags, true);
        set._inGraph = set._flags.Length;
        return set;
    }

    public static NodeSet Of(DependencyGraph graph, IEnumerable<string> ids)
    {
        var set = new NodeSet(graph);
        foreach (var id in ids) set.Add(id);
        return set;
    }

    /// <summary>
    /// For each test of <paramref name="matches"/>, the graph's nodes it accepts, from one pass over the nodes: a pass is
    /// bound by reading 50,000 nodes from memory, so a selector of several criteria reads them once, not once each.
    /// </summary>
    public static NodeSet[] Where(DependencyGraph graph, IReadOnlyList<Func<Node, bool>> matches)
    {
        var sets = new NodeSet[matches.Count];
        for (var j = 0; j < sets.Length; j++) sets[j] = new NodeSet(graph);
        var nodes = graph.OrderedNodes;
        for (var k = 0; k < nodes.Count; k++)
        {
            var node = nodes[k];
            for (var j = 0; j < sets.Length; j++)
                if (matches[j](node)) sets[j]._flags[k] = true;
        }
        foreach (var set in sets) set._inGraph = set._flags.AsSpan().Count(true);
        return sets;
    }

    public int Count => _inGraph + (_others?.Count ?? 0);

    /// <summary>The ids selected outside the graph (exposures, metrics, ...).</summary>
    public IReadOnlyCollection<string> Others => (IReadOnlyCollection<string>?)_others ?? [];

    public bool Contains(string id) =>
        _graph.OrderIndex.TryGetValue(id, out var k) ? _flags[k] : _others?.Contains(id) == true;

    public bool ContainsAt(int position) => _flags[position];

    public void Add(string id)
    {
        if (_graph.OrderIndex.TryGetValue(id, out var k)) AddAt(k);
        else (_others ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
    }

    public void AddAt(int position)
    {
        if (_flags[position]) return;
        _flags[position] = true;
        _inGraph++;
    }

    public void Remove(string id)
    {
        if (_graph.OrderIndex.TryGetValue(id, out var k)) RemoveAt(k);
        else _others?.Remove(id);
    }

    void RemoveAt(int position)
    {
        if (!_flags[position]) return;
        _flags[position] = false;
        _inGraph--;
    }

    /// <summary>Drops the graph's nodes <paramref name="drop"/> says to, by position.</summary>
    public void RemoveWhere(Func<int, bool> drop)
    {
        for (var k = 0; k < _flags.Length; k++)
            if (_flags[k] && drop(k)) RemoveAt(k);
    }

    /// <summary>Drops what is not a node of the graph: exposures, metrics, ... are listed, never built.</summary>
    public void RemoveOthers() => _others = null;

    public void UnionWith(NodeSet other)
    {
        Span<bool> mine = _flags, theirs = other._flags;
        for (var k = 0; k < mine.Length; k++) mine[k] |= theirs[k];
        _inGraph = mine.Count(true);
        if (other._others is { } more) (_others ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(more);
    }

    public void IntersectWith(NodeSet other)
    {
        Span<bool> mine = _flags, theirs = other._flags;
        for (var k = 0; k < mine.Length; k++) mine[k] &= theirs[k];
        _inGraph = mine.Count(true);
        if (other._others is { } more) _others?.IntersectWith(more);
        else _others = null;
    }

    public void ExceptWith(NodeSet other)
    {
        Span<bool> mine = _flags, theirs = other._flags;
        for (var k = 0; k < mine.Length; k++) mine[k] &= !theirs[k];
        _inGraph = mine.Count(true);
        if (other._others is { } more) _others?.ExceptWith(more);
    }

    /// <summary>The positions selected, in graph order.</summary>
    public List<int> Positions()
    {
        var positions = new List<int>(_inGraph);
        for (var k = 0; k < _flags.Length; k++)
            if (_flags[k]) positions.Add(k);
        return positions;
    }

    /// <summary>The nodes selected whose position <paramref name="wanted"/> accepts, in graph order.</summary>
    public List<Node> Nodes(Func<int, bool>? wanted = null)
    {
        var nodes = new List<Node>(_inGraph);
        for (var k = 0; k < _flags.Length; k++)
            if (_flags[k] && (wanted is null || wanted(k))) nodes.Add(_graph.OrderedNodes[k]);
        return nodes;
    }

    /// <summary>Every id selected: the graph's nodes in graph order, then the others.</summary>
    public HashSet<string> ToHashSet()
    {
        var ids = new HashSet<string>(Count, StringComparer.Ordinal);
        for (var k = 0; k < _flags.Length; k++)
            if (_flags[k]) ids.Add(_graph.Order[k]);
        if (_others is not null) ids.UnionWith(_others);
        return ids;
    }
}
