using System.Diagnostics;
using Xform.Core.Adapters;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>Runs one node on a worker's own connection and reports its result; must not throw.</summary>
public delegate NodeResult NodeExecutor(Node node, IAdapterConnection connection, string threadId);

/// <summary>Runs nodes that may run together (data tests counted in one query); one result per node, in their order; must not throw.</summary>
public delegate IReadOnlyList<NodeResult> NodeBatchExecutor(IReadOnlyList<Node> nodes, IAdapterConnection connection, string threadId);

/// <summary>Which ready nodes a worker may take together, and how it runs them.</summary>
/// <param name="MaxSize">the most nodes in one batch</param>
public sealed record NodeBatching(Func<Node, bool> CanJoin, NodeBatchExecutor Execute, int MaxSize = 32);

/// <summary>
/// Runs the selected nodes in dependency order, independent ones in parallel up to the thread count,
/// each worker on its own connection. A failed node marks its descendants skipped; the rest go on,
/// unless fail-fast is asked, which skips everything not yet started.
/// </summary>
/// <remarks>
/// With <paramref name="batching"/>, a worker that takes a node that can join a batch also takes the joinable nodes next in
/// line, its share of them: the ready ones split between the workers, so that a model's tests run as a few queries side by
/// side rather than one query each.
/// </remarks>
public sealed class Scheduler(DependencyGraph graph, Func<IAdapterConnection> openConnection, int threads, bool failFast,
    Func<string, IEnumerable<string>>? extraParents = null, NodeBatching? batching = null)
{
    public IReadOnlyList<NodeResult> Run(IReadOnlyCollection<string> selected, NodeExecutor execute, IRunListener listener)
    {
        var ids = selected.OrderBy(id => graph.OrderIndex[id]).ToList();
        var selectedSet = ids.ToHashSet(StringComparer.Ordinal);
        var parents = ids.ToDictionary(id => id, id => NearestSelectedAncestors(id, selectedSet)
            .Concat(extraParents?.Invoke(id) ?? []).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var children = ids.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (id, ps) in parents) foreach (var p in ps) children[p].Add(id);

        var waiting = parents.ToDictionary(kv => kv.Key, kv => kv.Value.Count, StringComparer.Ordinal);
        // One thread runs in graph order. With more, the ready node heading the longest chain of nodes still to run starts
        // first, so the models a whole build waits on are not queued behind a crowd of tests that can fill the gaps.
        var chains = threads > 1 ? ChainLengths(ids, parents, children) : null;
        (int, int) Priority(string id) => (-(chains?.GetValueOrDefault(id) ?? 0), graph.OrderIndex[id]);
        var ready = new PriorityQueue<string, (int, int)>();
        foreach (var id in ids) if (waiting[id] == 0) ready.Enqueue(id, Priority(id));

        var results = new Dictionary<string, NodeResult>(StringComparer.Ordinal);
        var blocked = new HashSet<string>(StringComparer.Ordinal); // a parent failed or was skipped
        var gate = new object();
        var running = 0;
        var started = 0;
        var stop = false;
        var total = ids.Count;

        void Finish(string id, NodeResult result)
        {
            // Called under the lock.
            results[id] = result;
            var failed = result.IsFailure || result.Status == NodeStatus.Skipped;
            if (failed && failFast && result.Status != NodeStatus.Skipped) stop = true;
            foreach (var child in children[id])
            {
                if (failed) blocked.Add(child);
                if (--waiting[child] == 0) ready.Enqueue(child, Priority(child));
            }
        }

        var joinable = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool CanJoin(string id)
        {
            // Called under the lock.
            if (!joinable.TryGetValue(id, out var can)) joinable[id] = can = batching!.CanJoin(graph.Manifest.Nodes[id]);
            return can;
        }

        void Worker(int workerIndex)
        {
            var threadId = $"Thread-{workerIndex + 1}";
            IAdapterConnection? connection = null;
            var batch = new List<(Node Node, int Index)>();
            try
            {
                while (true)
                {
                    batch.Clear();
                    lock (gate)
                    {
                        while (ready.Count == 0 && results.Count + running < total) Monitor.Wait(gate);
                        if (ready.Count == 0) { Monitor.PulseAll(gate); return; }
                        var id = ready.Dequeue();
                        var index = ++started;
                        var node = graph.Manifest.Nodes[id];
                        if (blocked.Contains(id) || stop)
                        {
                            var reason = stop ? "skipped: --fail-fast stopped the run" : "skipped: an upstream node failed";
                            var skip = new NodeResult(node, NodeStatus.Skipped, reason, TimeSpan.Zero, threadId, []);
                            Finish(id, skip);
                            listener.NodeFinished(index, total, skip);
                            Monitor.PulseAll(gate);
                            continue;
                        }
                        batch.Add((node, index));
                        if (batching is not null && CanJoin(id))
                        {
                            // this worker's share of the joinable nodes next in line (the others are woken for theirs)
                            var share = Math.Min(batching.MaxSize, (ready.Count + threads) / threads);
                            while (batch.Count < share && ready.TryPeek(out var next, out _) && !blocked.Contains(next) && CanJoin(next))
                                batch.Add((graph.Manifest.Nodes[ready.Dequeue()], ++started));
                        }
                        running += batch.Count;
                    }
                    foreach (var (node, index) in batch) listener.NodeStarted(index, total, node);
                    var watch = Stopwatch.StartNew();
                    IReadOnlyList<NodeResult> done;
                    try
                    {
                        connection ??= openConnection();
                        done = batch.Count == 1 ? [execute(batch[0].Node, connection, threadId)]
                            : batching!.Execute(batch.Select(b => b.Node).ToList(), connection, threadId);
                    }
                    catch (Exception e)
                    {
                        done = batch.Select(b => new NodeResult(b.Node, NodeStatus.Error, e.Message, watch.Elapsed, threadId, [])).ToList();
                    }
                    for (var i = 0; i < batch.Count; i++) listener.NodeFinished(batch[i].Index, total, done[i]);
                    lock (gate)
                    {
                        running -= batch.Count;
                        for (var i = 0; i < batch.Count; i++) Finish(batch[i].Node.UniqueId, done[i]);
                        Monitor.PulseAll(gate);
                    }
                }
            }
            finally
            {
                connection?.Dispose();
            }
        }

        var workers = Enumerable.Range(0, Math.Max(1, Math.Min(threads, Math.Max(1, total))))
            .Select(i => new Thread(() => Worker(i)) { IsBackground = true, Name = $"xform-worker-{i + 1}" })
            .ToList();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        return ids.Where(results.ContainsKey).Select(id => results[id]).ToList();
    }

    /// <summary>Each node's longest chain of nodes to run, itself included (1 for a node nothing waits on), leaves first.</summary>
    internal static Dictionary<string, int> ChainLengths(IReadOnlyList<string> ids, IReadOnlyDictionary<string, List<string>> parents,
        IReadOnlyDictionary<string, List<string>> children)
    {
        var length = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        var pending = ids.ToDictionary(id => id, id => children[id].Count, StringComparer.Ordinal);
        var done = new Queue<string>(ids.Where(id => pending[id] == 0));
        while (done.TryDequeue(out var id))
        {
            var longest = 0;
            foreach (var child in children[id]) longest = Math.Max(longest, length[child]);
            length[id] = longest + 1;
            foreach (var parent in parents[id])
                if (--pending[parent] == 0) done.Enqueue(parent);
        }
        return length;
    }

    /// <summary>The selected nodes this one must wait for, looking through unselected or ephemeral nodes in between.</summary>
    List<string> NearestSelectedAncestors(string id, HashSet<string> selected)
    {
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(graph.Parents(id));
        while (stack.Count > 0)
        {
            var p = stack.Pop();
            if (!seen.Add(p)) continue;
            if (selected.Contains(p)) found.Add(p);
            else if (graph.Manifest.Nodes[p].Materialized == "ephemeral")
                foreach (var pp in graph.Parents(p)) stack.Push(pp);
        }
        return found;
    }
}
