using System.Diagnostics;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Execution.Runners;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Planning;
using Xform.Core.Project;

namespace Xform.Core.Execution;

public sealed record RunOptions(int Threads, bool FailFast, bool FullRefresh, string TargetDir, DateTime? EventTimeStart = null, DateTime? EventTimeEnd = null)
{
    /// <summary>How long a run waits for another one on its schemas (<c>--lock-timeout</c>); zero: not at all.</summary>
    public TimeSpan LockTimeout { get; init; } = DefaultLockTimeout;

    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Whether on-run-start and on-run-end run (not for clone, as in dbt).</summary>
    public bool RunHooks { get; init; } = true;

    /// <summary>--empty: every ref() and source() reads no rows and seeds load none, so the run builds each relation with
    /// its columns, empty (dbt's <c>--empty</c>).</summary>
    public bool Empty { get; init; }

    /// <summary>--store-failures: data tests that set neither <c>store_failures</c> nor <c>store_failures_as</c> keep their failing rows.</summary>
    public bool StoreFailures { get; init; }

    /// <summary>How the run connects (the command's: with --debug, a <see cref="LoggedConnection"/>); null: the adapter's own.</summary>
    public Func<IAdapterConnection>? Connect { get; init; }
}

/// <summary>
/// Executes a plan: the scheduler runs its nodes in dependency order (a node waits for the tests the plan
/// gates it on), each through the runner of its resource type, and every failure becomes the node's result.
/// </summary>
public sealed class ProjectRunner
{
    readonly DependencyGraph _graph;
    readonly IAdapter _adapter;
    readonly RunOptions _options;
    readonly ExecutionPlan _plan;
    readonly SqlFileWriter _files;
    readonly Compiler _compiler;
    readonly IReadOnlyDictionary<ResourceType, INodeRunner> _runners;
    readonly RelationCache _relations = new();
    readonly object _schemaGate = new();
    readonly RunHooks _hooks;
    readonly string _database;
    readonly string _targetName;
    readonly DocsPersister _docs;
    readonly GrantsApplier _grants;
    readonly QueryComments _comments;
    readonly TestExecutor _tests;
    IRunListener? _listener;

    /// <param name="runners">runners that replace the usual one of their resource types (clone's)</param>
    public ProjectRunner(LoadedProject project, DependencyGraph graph, IAdapter adapter, RunOptions options, ExternalRelationRenderer? external,
        ExecutionPlan plan, IReadOnlyDictionary<ResourceType, INodeRunner>? runners = null)
    {
        _graph = graph;
        _adapter = adapter;
        _options = options;
        _plan = plan;
        _files = new SqlFileWriter(options.TargetDir, graph.Manifest.Project.Name);
        _compiler = new Compiler(project, graph, external, plan.Deferred)
        {
            EmptyInputs = options.Empty ? adapter.Dialect.EmptySubquery : null,
            Relations = _relations,
        };
        _hooks = new RunHooks(graph.Manifest.Project, _compiler);
        _database = project.Session.Target.Database;
        _targetName = project.Session.Target.Name;
        _docs = new DocsPersister(adapter.Dialect, graph.Manifest.Docs);
        _grants = new GrantsApplier(adapter.Dialect, options.FullRefresh);
        _comments = new QueryComments(project.Session, adapter.Dialect.QueryCommentAtEnd);
        var build = new BuildOptions(options.FullRefresh, Clock.UtcNow(), options.EventTimeStart, options.EventTimeEnd);
        var root = graph.Manifest.Project.RootDir;
        var byType = new Dictionary<ResourceType, INodeRunner>
        {
            [ResourceType.Model] = new ModelRunner(new Materializer(adapter.Dialect, FindModel), build, new CustomMaterializer(_compiler, project.Session.Engine)),
            [ResourceType.Seed] = new SeedRunner(adapter, root, plan.SeedSchemas, options.Empty),
            [ResourceType.Snapshot] = new SnapshotRunner(new SnapshotBuilder(adapter.Dialect), build.NowUtc),
            [ResourceType.Test] = new TestRunner(_tests = new TestExecutor(adapter.Quote, options.StoreFailures), _files, root),
            [ResourceType.UnitTest] = new UnitTestRunner(new UnitTestExecutor(adapter.Quote), _files, root),
        };
        foreach (var (type, runner) in runners ?? new Dictionary<ResourceType, INodeRunner>()) byType[type] = runner;
        _runners = byType;
    }

    /// <summary>The model of that name (in that package, when given): what a foreign key constraint's ref() names.</summary>
    Node? FindModel(string? package, string name) =>
        _graph.Manifest.Of(ResourceType.Model).FirstOrDefault(n => n.Name == name && (package is null || n.PackageName == package));

    /// <summary>
    /// Runs on-run-start, the plan's nodes and on-run-end; returns one result per hook and node. A failing on-run-start
    /// skips every node (and on-run-end).
    /// </summary>
    public IReadOnlyList<NodeResult> Run(IRunListener listener)
    {
        _listener = listener;
        var runAnnotation = _comments.For(null);
        // before the relations are listed: what another run on these schemas builds must be seen
        using var runLock = _adapter.LockRun(RunSchemaSet.Of(_plan, _graph, _options.StoreFailures), _options.LockTimeout, listener.Waiting);
        using (var connection = Open())
        {
            connection.Annotation = runAnnotation;
            IReadOnlyList<RelationInfo> relations;
            try
            {
                relations = connection.ListRelations();
            }
            catch (DatabaseException e)
            {
                // no node has run: the target itself cannot be read (a database, role or warehouse missing or not granted)
                throw new XformException($"cannot list the relations of the {_adapter.Describe()}: {e.Message}");
            }
            foreach (var r in relations) _relations.Set(r);
            // views rebuilt for a reloaded seed: only those the database has (the others were never built)
            var ids = _plan.Ids.Where(id => !_plan.Dependents.Contains(id) || Exists(_graph.Manifest.Nodes[id])).ToList();
            var start = _options.RunHooks ? _hooks.Run("on-run-start", connection, new Dictionary<string, object?>(), listener) : [];
            if (start.Any(r => r.IsFailure))
                return [.. start, .. ids.OrderBy(id => _graph.OrderIndex[id]).Select(id => new NodeResult(_graph.Manifest.Nodes[id],
                    NodeStatus.Skipped, "skipped: an on-run-start hook failed", TimeSpan.Zero, "main", []))];
            // data tests run by the usual runner are counted several in one query (clone replaces no test runner, but may)
            var batching = _runners[ResourceType.Test] is TestRunner ? new NodeBatching(_tests.CanBatch, ExecuteTests) : null;
            var scheduler = new Scheduler(_graph, Open, _options.Threads, _options.FailFast, _plan.TestGates.Count > 0 ? _plan.GatesOf : null, batching);
            var results = scheduler.Run(ids, Execute, listener);
            var end = _options.RunHooks ? _hooks.Run("on-run-end", connection, RunHooks.EndContext(results, _database), listener) : [];
            return [.. start, .. results, .. end];
        }
    }

    NodeResult Execute(Node node, IAdapterConnection connection, string threadId)
    {
        var watch = Stopwatch.StartNew();
        var compileStart = DateTimeOffset.UtcNow;
        var executeStart = compileStart;
        string? compiled = null;
        try
        {
            connection.Annotation = _comments.For(node);
            if (connection is LoggedConnection logged) logged.Node = node.UniqueId;
            var runner = _runners.TryGetValue(node.ResourceType, out var r) ? r
                : throw new XformException($"cannot run {node.ResourceType} nodes", node.Location);
            var existing = _relations.Find(node.Relation.Schema, node.Relation.Identifier)?.Kind;
            if (runner.WritesRelation) EnsureSchema(connection, node.Relation.Schema);
            CompiledNode Compile(bool incremental, BatchWindow? batch)
            {
                var result = _compiler.Compile(node, incremental, batch, connection);
                compiled = result.Sql;
                _files.WriteCompiled(node, result.Sql);
                executeStart = DateTimeOffset.UtcNow;
                return result;
            }
            var outcome = runner.Run(new NodeRun(node, connection, existing, Compile) { RenderHooks = () => _compiler.Compile(node, connection: connection) });
            if (outcome.Status == NodeStatus.Success && DocsPersister.Of(node) is (true, _) or (_, true))
            {
                var comments = _docs.Persist(connection, node, node.Materialized == "view" ? RelationKind.View : RelationKind.Table,
                    w => _listener?.Warn(w));
                if (comments.Count > 0) outcome = outcome with { ExecutedSql = outcome.ExecutedSql + "\n" + string.Join(";\n\n", comments) + ";\n" };
            }
            if (outcome.Status == NodeStatus.Success && _grants.Apply(connection, node, existing, w => _listener?.Warn(w)) is { Count: > 0 } dcl)
                outcome = outcome with { ExecutedSql = outcome.ExecutedSql + "\n" + string.Join(";\n\n", dcl) + ";\n" };
            _files.WriteRun(node, outcome.ExecutedSql);
            if (outcome.Relations is { } built) Record(connection, built);
            else if (runner.WritesRelation)
                _relations.Set(new RelationInfo(node.Relation.Schema, node.Relation.Identifier,
                    node.Materialized is "view" or "external" ? RelationKind.View : RelationKind.Table));
            return new NodeResult(node, outcome.Status, outcome.Message, watch.Elapsed, threadId,
                [new TimingInfo("compile", compileStart, executeStart), new TimingInfo("execute", executeStart, DateTimeOffset.UtcNow)],
                compiled, Failures: outcome.Failures);
        }
        catch (XformException e)
        {
            return new NodeResult(node, NodeStatus.Error, e.Format(), watch.Elapsed, threadId, [], compiled);
        }
        catch (DatabaseException e)
        {
            var message = e.MissingRelation is { } missing
                ? UnbuiltRelation.Explain(missing, node, _graph, Exists, _plan.Deferred, _targetName) : null;
            return new NodeResult(node, NodeStatus.Error, message ?? $"{node.OriginalFilePath}: database error: {e.Message}", watch.Elapsed, threadId, [], compiled);
        }
    }

    /// <summary>
    /// Data tests counted in one query (<see cref="TestExecutor.RunBatch"/>), each with the result, compiled and run files it
    /// gets alone. A test that does not compile gets its error; when the query fails or a test's count is not one row, each
    /// test runs alone, so every error is the test's own.
    /// </summary>
    IReadOnlyList<NodeResult> ExecuteTests(IReadOnlyList<Node> nodes, IAdapterConnection connection, string threadId)
    {
        var watch = Stopwatch.StartNew();
        var results = new NodeResult?[nodes.Count];
        var compiled = new List<(int Index, CompiledNode Test, DateTimeOffset CompileStart, DateTimeOffset CompileEnd)>();
        var logged = connection as LoggedConnection;
        for (var i = 0; i < nodes.Count; i++)
        {
            var start = DateTimeOffset.UtcNow;
            connection.Annotation = _comments.For(nodes[i]);
            if (logged is not null) logged.Node = nodes[i].UniqueId;
            try
            {
                var test = _compiler.Compile(nodes[i], connection: connection);
                _files.WriteCompiled(nodes[i], test.Sql);
                compiled.Add((i, test, start, DateTimeOffset.UtcNow));
            }
            catch (Exception e) when (e is XformException or DatabaseException)
            {
                results[i] = Execute(nodes[i], connection, threadId); // the error as the test gets it alone
            }
        }
        if (compiled.Count > 0)
        {
            // one query for several nodes: the run's query comment, the first test's name in the log
            connection.Annotation = _comments.For(null);
            if (logged is not null) logged.Node = nodes[compiled[0].Index].UniqueId;
            var executeStart = DateTimeOffset.UtcNow;
            IReadOnlyList<TestExecutor.Outcome>? outcomes;
            try
            {
                outcomes = compiled.Count == 1 ? null : _tests.RunBatch(connection, compiled.Select(c => c.Test).ToList());
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                outcomes = null; // whatever went wrong (a database error, a count of an odd type), each test alone gets its own result
            }
            var executeEnd = DateTimeOffset.UtcNow;
            for (var k = 0; k < compiled.Count; k++)
            {
                var (i, test, compileStart, compileEnd) = compiled[k];
                if (outcomes is null)
                {
                    results[i] = Execute(nodes[i], connection, threadId);
                    continue;
                }
                var run = new NodeRun(nodes[i], connection, null, (_, _) => test);
                var outcome = TestRunner.Report(outcomes[k], run, _files, _graph.Manifest.Project.RootDir);
                _files.WriteRun(nodes[i], outcome.ExecutedSql);
                results[i] = new NodeResult(nodes[i], outcome.Status, outcome.Message, watch.Elapsed, threadId,
                    [new TimingInfo("compile", compileStart, compileEnd), new TimingInfo("execute", executeStart, executeEnd)],
                    test.Sql, Failures: outcome.Failures);
            }
        }
        return results.Select(r => r!).ToList();
    }

    IAdapterConnection Open() => _options.Connect?.Invoke() ?? _adapter.Open();

    /// <summary>The relations a custom materialization returned, as the database now has them (one that is not there is left out).</summary>
    void Record(IAdapterConnection connection, IReadOnlyList<RelationName> built)
    {
        var all = connection.ListRelations();
        foreach (var name in built)
            if (all.FirstOrDefault(r => string.Equals(r.Schema, name.Schema, StringComparison.OrdinalIgnoreCase) &&
                                        string.Equals(r.Name, name.Identifier, StringComparison.OrdinalIgnoreCase)) is { } found)
                _relations.Set(found);
    }

    bool Exists(Node node) => _relations.Find(node.Relation.Schema, node.Relation.Identifier) is not null;

    /// <summary>Creates a missing schema once: workers that need the same new schema wait for the first.</summary>
    void EnsureSchema(IAdapterConnection connection, string schema)
    {
        lock (_schemaGate)
        {
            if (_relations.HasSchema(schema)) return;
            connection.EnsureSchema(schema);
            _relations.AddSchema(schema);
        }
    }
}
