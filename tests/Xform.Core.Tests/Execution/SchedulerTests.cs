using Xform.Core.Adapters;
using Xform.Core.Execution;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Tests.Execution;

public class SchedulerTests
{
    sealed class NoConnection : IAdapterConnection
    {
        public void Execute(string sql) { }
        public void ExecuteTransaction(IReadOnlyList<string> statements) { }
        public QueryResult Query(string sql, int? maxRows = null) => new([], []);
        public IReadOnlyList<RelationInfo> ListRelations() => [];
        public void EnsureSchema(string schema) { }
        public IReadOnlyList<ColumnSpec> GetColumns(RelationName relation) => [];
        public IReadOnlyList<ColumnSpec> DescribeQuery(string sql) => [];
        public void Dispose() { }
    }

    sealed class Recorder : IRunListener
    {
        public readonly List<string> Finished = [];
        public void NodeStarted(int index, int total, Node node) { }
        public void NodeFinished(int index, int total, NodeResult result) { lock (Finished) Finished.Add($"{result.Node.Name}:{result.Status}"); }
    }

    static DependencyGraph Graph(params (string, string, string[])[] models) => DependencyGraph.Build(TestManifests.Of(models));

    [Test]
    public void Independent_nodes_run_in_parallel_up_to_the_thread_count()
    {
        var graph = Graph(Enumerable.Range(1, 8).Select(i => ($"m{i}", $"models/m{i}.sql", Array.Empty<string>())).ToArray());
        var running = 0;
        var peak = 0;
        var connections = 0;
        var scheduler = new Scheduler(graph, () => { Interlocked.Increment(ref connections); return new NoConnection(); }, threads: 4, failFast: false);
        var results = scheduler.Run(graph.Order, (node, _, thread) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            Thread.Sleep(150);
            Interlocked.Decrement(ref running);
            return new NodeResult(node, NodeStatus.Success, "OK", TimeSpan.Zero, thread, []);
        }, new Recorder());
        Assert.That(results, Has.Count.EqualTo(8));
        Assert.That(peak, Is.EqualTo(4), "four independent nodes should build at once with 4 threads");
        Assert.That(connections, Is.EqualTo(4), "one connection per worker");
    }

    [Test]
    public void One_thread_never_overlaps()
    {
        var graph = Graph(("a", "models/a.sql", []), ("b", "models/b.sql", []), ("c", "models/c.sql", []));
        var running = 0;
        var peak = 0;
        new Scheduler(graph, () => new NoConnection(), 1, false).Run(graph.Order, (node, _, t) =>
        {
            InterlockedMax(ref peak, Interlocked.Increment(ref running));
            Thread.Sleep(30);
            Interlocked.Decrement(ref running);
            return new NodeResult(node, NodeStatus.Success, "OK", TimeSpan.Zero, t, []);
        }, new Recorder());
        Assert.That(peak, Is.EqualTo(1));
    }

    [Test]
    public void A_child_starts_only_after_its_parents_finish()
    {
        var graph = Graph(("a", "models/a.sql", []), ("b", "models/b.sql", []), ("c", "models/c.sql", ["a", "b"]));
        var done = new HashSet<string>();
        var violations = 0;
        new Scheduler(graph, () => new NoConnection(), 4, false).Run(graph.Order, (node, _, t) =>
        {
            lock (done) if (node.Name == "c" && !(done.Contains("a") && done.Contains("b"))) violations++;
            Thread.Sleep(node.Name == "a" ? 100 : 10);
            lock (done) done.Add(node.Name);
            return new NodeResult(node, NodeStatus.Success, "OK", TimeSpan.Zero, t, []);
        }, new Recorder());
        Assert.That(violations, Is.Zero);
    }

    [Test]
    public void A_failure_skips_exactly_its_descendants()
    {
        // bad -> child -> grandchild ; good -> good_child ; bad, good -> both
        var graph = Graph(("bad", "models/bad.sql", []), ("child", "models/child.sql", ["bad"]),
            ("grandchild", "models/grandchild.sql", ["child"]), ("good", "models/good.sql", []),
            ("good_child", "models/good_child.sql", ["good"]), ("both", "models/both.sql", ["bad", "good"]));
        var executed = new List<string>();
        var results = new Scheduler(graph, () => new NoConnection(), 2, false).Run(graph.Order, (node, _, t) =>
        {
            lock (executed) executed.Add(node.Name);
            return new NodeResult(node, node.Name == "bad" ? NodeStatus.Error : NodeStatus.Success, "", TimeSpan.Zero, t, []);
        }, new Recorder());
        var status = results.ToDictionary(r => r.Node.Name, r => r.Status);
        Assert.That(status["bad"], Is.EqualTo(NodeStatus.Error));
        Assert.That(status["child"], Is.EqualTo(NodeStatus.Skipped));
        Assert.That(status["grandchild"], Is.EqualTo(NodeStatus.Skipped));
        Assert.That(status["both"], Is.EqualTo(NodeStatus.Skipped));
        Assert.That(status["good"], Is.EqualTo(NodeStatus.Success));
        Assert.That(status["good_child"], Is.EqualTo(NodeStatus.Success));
        Assert.That(executed, Is.EquivalentTo(new[] { "bad", "good", "good_child" }));
    }

    [Test]
    public void Fail_fast_skips_everything_not_yet_started()
    {
        var graph = Graph(Enumerable.Range(1, 6).Select(i => ($"m{i}", $"models/m{i}.sql", Array.Empty<string>())).ToArray());
        var results = new Scheduler(graph, () => new NoConnection(), 1, failFast: true).Run(graph.Order, (node, _, t) =>
            new NodeResult(node, node.Name == "m2" ? NodeStatus.Error : NodeStatus.Success, "", TimeSpan.Zero, t, []), new Recorder());
        Assert.That(results.Select(r => $"{r.Node.Name}:{r.Status}"), Is.EqualTo(new[]
            { "m1:Success", "m2:Error", "m3:Skipped", "m4:Skipped", "m5:Skipped", "m6:Skipped" }));
    }

    [Test]
    public void An_executor_that_throws_becomes_an_error_result()
    {
        var graph = Graph(("a", "models/a.sql", []), ("b", "models/b.sql", ["a"]));
        var results = new Scheduler(graph, () => new NoConnection(), 2, false).Run(graph.Order,
            (node, _, t) => throw new InvalidOperationException("boom"), new Recorder());
        Assert.That(results.Select(r => $"{r.Node.Name}:{r.Status}:{r.Message}"), Is.EqualTo(new[] { "a:Error:boom", "b:Skipped:skipped: an upstream node failed" }));
    }

    [Test]
    public void With_threads_to_spare_the_longest_chain_starts_before_leaves_earlier_in_graph_order()
    {
        // root -> leaf1..leaf4 (nothing waits on them) and root -> z1 -> z2 -> z3: z1 is last in graph order
        // among root's children but heads the longest chain, so it is taken first when root is done.
        var graph = Graph([("root", "models/root.sql", []),
            .. Enumerable.Range(1, 4).Select(i => ($"leaf{i}", $"models/leaf{i}.sql", new[] { "root" })),
            ("z1", "models/z1.sql", ["root"]), ("z2", "models/z2.sql", ["z1"]), ("z3", "models/z3.sql", ["z2"])]);
        var order = graph.Order.Select(id => graph.Manifest.Nodes[id].Name).ToList();
        Assert.That(order.IndexOf("z1"), Is.GreaterThan(order.IndexOf("leaf4")), "the fixture puts the chain last");
        var started = new List<string>();
        new Scheduler(graph, () => new NoConnection(), 2, false).Run(graph.Order, (node, _, t) =>
        {
            lock (started) started.Add(node.Name);
            Thread.Sleep(20);
            return new NodeResult(node, NodeStatus.Success, "OK", TimeSpan.Zero, t, []);
        }, new Recorder());
        Assert.That(started[0], Is.EqualTo("root"));
        Assert.That(started.Skip(1).Take(2), Does.Contain("z1"), "z1 is one of the two nodes the two workers take after root");

        var chains = Scheduler.ChainLengths(["root", "leaf1", "z1", "z2"],
            new Dictionary<string, List<string>> { ["root"] = [], ["leaf1"] = ["root"], ["z1"] = ["root"], ["z2"] = ["z1"] },
            new Dictionary<string, List<string>> { ["root"] = ["leaf1", "z1"], ["leaf1"] = [], ["z1"] = ["z2"], ["z2"] = [] });
        Assert.That(chains, Is.EquivalentTo(new Dictionary<string, int> { ["root"] = 3, ["leaf1"] = 1, ["z1"] = 2, ["z2"] = 1 }));
    }

    [Test]
    public void Joinable_nodes_ready_together_run_as_batches_split_between_the_workers()
    {
        // root -> t1..t8 (joinable, as a model's tests) and root -> m (not joinable) -> t9 (joinable, alone when ready)
        var graph = Graph([("root", "models/root.sql", []),
            .. Enumerable.Range(1, 8).Select(i => ($"t{i}", $"models/t{i}.sql", new[] { "root" })),
            ("m", "models/m.sql", ["root"]), ("t9", "models/t9.sql", ["m"])]);
        var batches = new List<string>();
        var singles = new List<string>();
        var batching = new NodeBatching(n => n.Name.StartsWith('t'), (nodes, _, t) =>
        {
            lock (batches) batches.Add(string.Join(",", nodes.Select(n => n.Name)));
            return nodes.Select(n => new NodeResult(n, n.Name == "t3" ? NodeStatus.Fail : NodeStatus.Pass, "", TimeSpan.Zero, t, [])).ToList();
        });
        var recorder = new Recorder();
        var results = new Scheduler(graph, () => new NoConnection(), 2, false, batching: batching).Run(graph.Order, (node, _, t) =>
        {
            lock (singles) singles.Add(node.Name);
            Thread.Sleep(node.Name == "root" ? 20 : 0);
            return new NodeResult(node, NodeStatus.Success, "OK", TimeSpan.Zero, t, []);
        }, recorder);

        Assert.That(results.Select(r => r.Node.Name), Is.EquivalentTo(graph.Order.Select(id => graph.Manifest.Nodes[id].Name)));
        Assert.That(results.Single(r => r.Node.Name == "t3").Status, Is.EqualTo(NodeStatus.Fail), "each node keeps its own result");
        Assert.That(recorder.Finished, Has.Count.EqualTo(11), "every node is reported finished, batched or not");
        var batched = batches.SelectMany(b => b.Split(',')).ToList();
        Assert.That(batched.Concat(singles), Is.EquivalentTo(results.Select(r => r.Node.Name)), "each node runs once");
        Assert.That(singles, Does.Contain("root").And.Contain("m"), "nodes that cannot join run alone");
        // eight tests and a model ready after root, two workers: the first takes half of what is ready
        Assert.That(batches.Max(b => b.Split(',').Length), Is.InRange(2, 5), string.Join(" | ", batches));
    }

    [Test]
    public void A_batch_whose_executor_throws_gives_each_node_the_error_and_skips_their_children()
    {
        var graph = Graph(("t1", "models/t1.sql", []), ("t2", "models/t2.sql", []), ("after", "models/after.sql", ["t2"]));
        var batching = new NodeBatching(n => n.Name.StartsWith('t'), (_, _, _) => throw new InvalidOperationException("boom"));
        var results = new Scheduler(graph, () => new NoConnection(), 1, false, batching: batching).Run(graph.Order,
            (node, _, t) => new NodeResult(node, NodeStatus.Success, "OK", TimeSpan.Zero, t, []), new Recorder());
        Assert.That(results.Select(r => $"{r.Node.Name}:{r.Status}"), Is.EqualTo(new[] { "t1:Error", "t2:Error", "after:Skipped" }));
    }

    static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
