using QuikGraph;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Graph;

/// <summary>The DAG of nodes: an edge runs from a parent (what is read) to a child (what reads it).</summary>
public sealed class DependencyGraph
{
    // The order and every walk use arrays of node positions; QuikGraph's graph is built only to name a cycle. Building it
    // with every graph cost 110 to 180 ms at 30,000 nodes (bench/README.md, issue 17).
    DependencyGraph(Manifest manifest, NodeLookup lookup, IReadOnlyList<string> order,
        IReadOnlyList<Node> ordered, List<int> ranks, Adjacency children, ResourceType[] typeByRank)
    {
        Manifest = manifest;
        Lookup = lookup;
        Order = order;
        OrderedNodes = ordered;
        _types = new ResourceType[ranks.Count];
        for (var k = 0; k < ranks.Count; k++) _types[k] = typeByRank[ranks[k]];
        _edges = new Lazy<IndexedEdges>(() => IndexEdges(ranks, children));
        var index = new Dictionary<string, int>(order.Count, StringComparer.Ordinal);
        for (var i = 0; i < order.Count; i++) index[order[i]] = i;
        OrderIndex = index;
    }

    /// <summary>The manifest with every node's DependsOn filled in.</summary>
    public Manifest Manifest { get; }

    /// <summary>What ref() and source() name, by (package, name).</summary>
    public NodeLookup Lookup { get; }

    /// <summary>Every node, parents before children; ties in a stable order.</summary>
    public IReadOnlyList<string> Order { get; }

    public IReadOnlyDictionary<string, int> OrderIndex { get; }

    /// <summary>The nodes of <see cref="Order"/>, in that order (the manifest's, with their parents filled in).</summary>
    public IReadOnlyList<Node> OrderedNodes { get; }

    /// <summary>
    /// The resource type of the node at <paramref name="position"/> in <see cref="Order"/>, kept in an array of its own: a
    /// pass over 50,000 nodes for their type then reads one array instead of 50,000 objects spread over the heap.
    /// </summary>
    public ResourceType TypeAt(int position) => _types[position];

    readonly ResourceType[] _types;

    /// <summary>What the node reads, in the order its DependsOn lists them.</summary>
    public IReadOnlyList<string> Parents(string id) => Manifest.Nodes[id].DependsOn;

    /// <summary>What reads the node, in id order.</summary>
    public IEnumerable<string> Children(string id)
    {
        var below = Edges.Children.Of(OrderIndex[id]);
        var ids = new string[below.Length];
        for (var i = 0; i < below.Length; i++) ids[i] = Order[below[i]];
        return ids;
    }

    /// <summary>The nodes (by id, in id order) and an edge from each parent to each node that reads it: what a cycle is found in.</summary>
    static BidirectionalGraph<string, Edge<string>> QuikGraphOf(string[] ids, Node[] byRank)
    {
        var graph = new BidirectionalGraph<string, Edge<string>>(allowParallelEdges: true, vertexCapacity: ids.Length, edgeCapacity: -1);
        graph.AddVertexRange(ids);
        for (var i = 0; i < ids.Length; i++)
            foreach (var p in byRank[i].DependsOn)
                // Parents are distinct already, so the graph need not look for parallel edges; a self-reference is an error.
                if (p != ids[i]) graph.AddEdge(new Edge<string>(p, ids[i]));
        return graph;
    }

    /// <summary>Ancestors up to <paramref name="depth"/> edges away (null: all).</summary>
    public HashSet<string> Ancestors(string id, int? depth = null) => Walk([id], depth, Edges.Parents);

    public HashSet<string> Descendants(string id, int? depth = null) => Walk([id], depth, Edges.Children);

    /// <summary>
    /// The positions (in <see cref="Order"/>) of <paramref name="starts"/> and of their ancestors (<paramref name="up"/>, within
    /// <paramref name="upDepth"/> edges; null: all) and descendants (<paramref name="down"/>, within <paramref name="downDepth"/>):
    /// what a selector's <c>+</c>s reach from every node it matched, walked from all of them at once.
    /// </summary>
    public List<int> Around(IReadOnlyList<int> starts, bool up, int? upDepth, bool down, int? downDepth)
    {
        var found = new List<int>(starts);
        if (up) Reach([.. starts], upDepth, Edges.Parents, new bool[Order.Count], found);
        if (down) Reach([.. starts], downDepth, Edges.Children, new bool[Order.Count], found);
        return found;
    }

    /// <summary>Each node's parents and children by position in <see cref="Order"/>.</summary>
    sealed record IndexedEdges(Adjacency Parents, Adjacency Children);

    /// <summary>
    /// Edges in compressed rows: the neighbours of the node at position k are <c>Targets[Offsets[k]..Offsets[k + 1]]</c>. Two
    /// arrays for the whole graph instead of one per node (building 100,000 small arrays cost 20 to 30 ms at 51,000 nodes).
    /// </summary>
    sealed record Adjacency(int[] Offsets, int[] Targets)
    {
        public ReadOnlySpan<int> Of(int k) => Targets.AsSpan(Offsets[k], Offsets[k + 1] - Offsets[k]);
    }

    // Walking ints and a bool per node, not strings in hash sets, keeps a walk over 50,000 nodes at a few milliseconds.
    // Built when a selection first walks the graph, from the sort's ranks (reading them back from the graph's edges cost
    // 170 ms at 51,000 nodes; building them with every graph, 80 ms that most commands never use).
    readonly Lazy<IndexedEdges> _edges;

    IndexedEdges Edges => _edges.Value;

    static IndexedEdges IndexEdges(List<int> ranks, Adjacency childrenByRank)
    {
        var n = ranks.Count;
        var position = new int[n];
        for (var k = 0; k < n; k++) position[ranks[k]] = k;
        // every edge by positions, parents in position order: each node's children then come in id order (their ranks'),
        // and its parents in position order
        var parents = new List<int>(childrenByRank.Targets.Length);
        var children = new List<int>(childrenByRank.Targets.Length);
        for (var k = 0; k < n; k++)
            foreach (var c in childrenByRank.Of(ranks[k]))
            {
                parents.Add(k);
                children.Add(position[c]);
            }
        return new IndexedEdges(Rows(n, children, parents), Rows(n, parents, children));
    }

    /// <summary>The nodes reached from <paramref name="starts"/> within <paramref name="depth"/> edges (null: all); a start is in it only when reached again.</summary>
    HashSet<string> Walk(IEnumerable<string> starts, int? depth, Adjacency next)
    {
        var found = new List<int>();
        Reach(Positions(starts), depth, next, new bool[Order.Count], found);
        return Ids(found);
    }

    /// <summary>
    /// dbt's <c>@</c>: the positions of the descendants of <paramref name="seeds"/>, and of every ancestor of those, of the
    /// seeds and of <paramref name="more"/> (positions in <see cref="Order"/>); two walks.
    /// </summary>
    public List<int> DescendantsAndAllTheirAncestors(IReadOnlyList<int> seeds, IReadOnlyList<int> more)
    {
        var seen = new bool[Order.Count];
        var found = new List<int>();
        Reach([.. seeds], null, Edges.Children, seen, found);
        // A node already seen as a descendant starts the second walk, so its ancestors are reached all the same.
        var upward = new List<int>(seeds.Count + found.Count + more.Count);
        upward.AddRange(seeds);
        upward.AddRange(found);
        upward.AddRange(more);
        Reach(upward, null, Edges.Parents, seen, found);
        return found;
    }

    List<int> Positions(IEnumerable<string> ids)
    {
        var positions = new List<int>();
        foreach (var id in ids)
            if (OrderIndex.TryGetValue(id, out var i)) positions.Add(i);
        return positions;
    }

    HashSet<string> Ids(List<int> positions)
    {
        var result = new HashSet<string>(positions.Count, StringComparer.Ordinal);
        foreach (var i in positions) result.Add(Order[i]);
        return result;
    }

    /// <summary>Breadth first from <paramref name="frontier"/>: each node not <paramref name="seen"/> yet is marked and added to <paramref name="found"/>.</summary>
    static void Reach(List<int> frontier, int? depth, Adjacency next, bool[] seen, List<int> found)
    {
        var following = new List<int>();
        for (var level = 0; frontier.Count > 0 && (depth is null || level < depth); level++)
        {
            following.Clear();
            foreach (var i in frontier)
                foreach (var n in next.Of(i))
                    if (!seen[n])
                    {
                        seen[n] = true;
                        following.Add(n);
                        found.Add(n);
                    }
            (frontier, following) = (following, frontier);
        }
    }

    public static DependencyGraph Build(Manifest manifest)
    {
        // The lookup is built while the ids are sorted: both only read the manifest.
        var lookupBuilt = Task.Run(() => new NodeLookup(manifest));

        // Each node is known by its rank in id order, so the topological sort below compares ints, not strings.
        var ids = manifest.Nodes.Keys.ToArray();
        Array.Sort(ids, StringComparer.Ordinal);
        var rank = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++) rank[ids[i]] = i;
        var lookup = lookupBuilt.GetAwaiter().GetResult();

        // Each node's parents (and what it names that does not exist) are found on every core: the lookups only read. The
        // edges and errors are then laid down in rank order, as one pass over the nodes did.
        var byRank = new Node[ids.Length];
        var types = new ResourceType[ids.Length];
        var nodeErrors = new List<XformException>?[ids.Length];
        Parallel.For(0, ids.Length, () => (new HashSet<string>(StringComparer.Ordinal), new List<string>()), (i, _, buffers) =>
        {
            var node = manifest.Nodes[ids[i]];
            types[i] = node.ResourceType;
            node.Resolve(Parents(node, ids[i], manifest, lookup, buffers, ref nodeErrors[i]));
            byRank[i] = node;
            return buffers;
        }, _ => { });

        // every edge as (parent rank, child rank), children by ascending rank: made into compressed rows below
        var edgeParents = new List<int>();
        var edgeChildren = new List<int>();
        var inDegree = new int[ids.Length];
        var nodes = new Dictionary<string, Node>(manifest.Nodes.Count, StringComparer.Ordinal);
        var errors = new List<XformException>();
        for (var i = 0; i < ids.Length; i++)
        {
            if (nodeErrors[i] is { } found) errors.AddRange(found);
            foreach (var p in byRank[i].DependsOn)
            {
                if (p == ids[i]) continue; // reported as an error with the node's others
                edgeParents.Add(rank[p]);
                edgeChildren.Add(i);
                inDegree[i]++;
            }
            nodes[ids[i]] = byRank[i];
        }
        if (errors.Count > 0) throw errors.Count == 1 ? errors[0] : new XformAggregateException(errors);

        var children = Rows(ids.Length, edgeParents, edgeChildren);
        var ranks = StableTopologicalOrder(children, inDegree);
        if (ranks is null) throw CycleError(QuikGraphOf(ids, byRank), manifest);
        return new DependencyGraph(manifest with { Nodes = nodes }, lookup, ranks.ConvertAll(r => ids[r]), ranks.ConvertAll(r => byRank[r]), ranks, children, types);
    }

    /// <summary>
    /// The nodes <paramref name="node"/> reads, in the order it names them (its refs, its sources, the node a test is attached
    /// to), each once; what it names that is not there, and itself, are added to <paramref name="errors"/> in that order.
    /// </summary>
    /// <param name="buffers">this thread's, reused: the parents are kept in an array of their own size (one per node, as long as the node)</param>
    static string[] Parents(Node node, string id, Manifest manifest, NodeLookup lookup, (HashSet<string> Seen, List<string> Parents) buffers, ref List<XformException>? errors)
    {
        var (seen, parents) = buffers;
        parents.Clear();
        seen.Clear();
        void AddParent(string parent)
        {
            if (seen.Add(parent)) parents.Add(parent);
        }
        foreach (var r in node.Refs)
        {
            if (r.Package is not null && !lookup.HasPackage(r.Package))
            {
                (errors ??= []).Add(new XformException($"{node.Name} refers to package '{r.Package}', which is not part of this project", r.Location));
                continue;
            }
            if (lookup.Ref(r.Name, r.Package, node.PackageName, r.Version) is { } parent) AddParent(parent.UniqueId);
            else if (r.Version is not null && lookup.Ref(r.Name, r.Package, node.PackageName) is { } unversioned)
                (errors ??= []).Add(new XformException(unversioned.Version is null
                    ? $"{node.Name} refers to {r}, but model '{r.Name}' has no versions"
                    : $"{node.Name} refers to {r}, which is not a version of model '{r.Name}' (its versions: {string.Join(", ", lookup.VersionsOf(unversioned.PackageName, r.Name))})",
                    r.Location));
            else (errors ??= []).Add(new XformException(
                $"{node.Name} refers to {r}, which is not a model, seed or snapshot of this project." +
                Suggestions.DidYouMean(r.Name, lookup.RefNames), r.Location));
        }
        foreach (var s in node.SourceRefs)
        {
            if (lookup.Source(s.SourceName!, s.Name, node.PackageName) is { } source) AddParent(source.UniqueId);
            else (errors ??= []).Add(new XformException(
                $"{node.Name} refers to {s}, which is not declared in any sources: block." +
                Suggestions.DidYouMean($"{s.SourceName}.{s.Name}", lookup.SourceNames), s.Location));
        }
        if (node.AttachedNode is { } attached && manifest.Nodes.ContainsKey(attached)) AddParent(attached);
        if (seen.Contains(id))
            (errors ??= []).Add(new XformException($"{node.Name} refers to itself; use {{{{ this }}}} for the model's own relation", node.Location));
        return parents.Count == 0 ? [] : parents.ToArray();
    }

    /// <summary>
    /// Kahn's algorithm taking ready nodes by id (rank), so the same project always runs in the same order: the ranks in
    /// that order; null when a cycle leaves nodes that never become ready.
    /// </summary>
    static List<int>? StableTopologicalOrder(Adjacency children, int[] inDegree)
    {
        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < inDegree.Length; i++) if (inDegree[i] == 0) ready.Enqueue(i, i);
        var order = new List<int>(inDegree.Length);
        while (ready.TryDequeue(out var v, out _))
        {
            order.Add(v);
            foreach (var c in children.Of(v))
                if (--inDegree[c] == 0) ready.Enqueue(c, c);
        }
        return order.Count == inDegree.Length ? order : null;
    }

    /// <summary>Edges given as pairs (<paramref name="from"/>[e], <paramref name="to"/>[e]) as compressed rows over <paramref name="n"/> nodes, each row's targets in the pairs' order.</summary>
    static Adjacency Rows(int n, List<int> from, List<int> to)
    {
        var offsets = new int[n + 1];
        foreach (var f in from) offsets[f + 1]++;
        for (var k = 0; k < n; k++) offsets[k + 1] += offsets[k];
        var targets = new int[from.Count];
        var next = offsets[..n];
        for (var e = 0; e < from.Count; e++) targets[next[from[e]]++] = to[e];
        return new Adjacency(offsets, targets);
    }

    /// <summary>Finds one cycle and names it whole: <c>a -> b -> c -> a</c>.</summary>
    static XformException CycleError(BidirectionalGraph<string, Edge<string>> graph, Manifest manifest)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on stack, 2 done
        var stack = new List<string>();
        List<string>? cycle = null;

        bool Visit(string v)
        {
            state[v] = 1;
            stack.Add(v);
            foreach (var e in graph.OutEdges(v).OrderBy(e => e.Target, StringComparer.Ordinal))
            {
                if (state.TryGetValue(e.Target, out var s))
                {
                    if (s == 1)
                    {
                        cycle = stack.Skip(stack.IndexOf(e.Target)).Append(e.Target).ToList();
                        return true;
                    }
                    continue;
                }
                if (Visit(e.Target)) return true;
            }
            stack.RemoveAt(stack.Count - 1);
            state[v] = 2;
            return false;
        }

        foreach (var v in graph.Vertices.OrderBy(v => v, StringComparer.Ordinal))
            if (!state.ContainsKey(v) && Visit(v)) break;
        var path = cycle!.Select(id => manifest.Nodes[id].Name);
        var first = manifest.Nodes[cycle![0]];
        return new XformException($"dependency cycle: {string.Join(" -> ", path)}", first.Location);
    }
}
