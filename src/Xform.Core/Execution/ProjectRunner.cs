using System.Diagnostics;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Execution;

public sealed record RunOptions(int Threads, bool FailFast, bool FullRefresh, string TargetDir, DateTime? EventTimeStart = null, DateTime? EventTimeEnd = null);

/// <summary>Compiles and builds the selected nodes: the work behind run, seed and build.</summary>
public sealed class ProjectRunner
{
    readonly LoadedProject _project;
    readonly DependencyGraph _graph;
    readonly IAdapter _adapter;
    readonly RunOptions _options;
    readonly Compiler _compiler;
    readonly Materializer _materializer;
    readonly TestExecutor _tests;
    readonly BuildOptions _build;
    readonly SqlFileWriter _files;
    readonly Dictionary<(string, string), RelationKind> _existing = new();
    readonly HashSet<string> _schemas = new(StringComparer.OrdinalIgnoreCase);
    readonly object _gate = new();

    public ProjectRunner(LoadedProject project, DependencyGraph graph, IAdapter adapter, RunOptions options, ExternalRelationRenderer? external,
        IReadOnlyDictionary<string, RelationName>? deferred = null)
    {
        _project = project;
        _graph = graph;
        _adapter = adapter;
        _options = options;
        _compiler = new Compiler(project, graph, external, deferred);
        _materializer = new Materializer(adapter.Dialect);
        _tests = new TestExecutor(adapter.Quote);
        _build = new BuildOptions(options.FullRefresh, Clock.UtcNow(), options.EventTimeStart, options.EventTimeEnd);
        _files = new SqlFileWriter(options.TargetDir, graph.Manifest.Project.Name);
    }

    /// <summary>Builds the given nodes. With <paramref name="testsGateChildren"/> (build), a node's children wait
    /// for the tests on it, and an error-severity failure skips them.</summary>
    public IReadOnlyList<NodeResult> Run(IReadOnlyCollection<string> ids, IRunListener listener, bool testsGateChildren = false)
    {
        var executable = ids.Where(id => _graph.Manifest.Nodes[id].IsExecutable).ToList();
        using (var connection = _adapter.Open())
        {
            foreach (var r in connection.ListRelations())
            {
                _existing[(r.Schema.ToLowerInvariant(), r.Name.ToLowerInvariant())] = r.Kind;
                _schemas.Add(r.Schema);
            }
        }
        var scheduler = new Scheduler(_graph, _adapter.Open, _options.Threads, _options.FailFast,
            testsGateChildren ? TestsOnParents(executable) : null);
        return scheduler.Run(executable, Execute, listener);
    }

    /// <summary>
    /// For each selected node, the selected tests of the nodes it reads, except a test that itself reads
    /// the node or something built from it (a test of a model and its ancestor): waiting for that one
    /// would be a cycle.
    /// </summary>
    Func<string, IEnumerable<string>> TestsOnParents(IReadOnlyCollection<string> selected)
    {
        var set = selected.ToHashSet(StringComparer.Ordinal);
        var testsOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var upstreamOfTest = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var id in selected)
        {
            var node = _graph.Manifest.Nodes[id];
            if (node.ResourceType != ResourceType.Test) continue;
            foreach (var parent in node.DependsOn)
            {
                if (!testsOf.TryGetValue(parent, out var list)) testsOf[parent] = list = [];
                list.Add(id);
            }
            if (node.DependsOn.Count > 1) upstreamOfTest[id] = _graph.Ancestors(id);
        }
        return id => _graph.Manifest.Nodes[id].ResourceType == ResourceType.Test
            ? []
            : _graph.Parents(id)
                .SelectMany(p => testsOf.TryGetValue(p, out var t) ? t : [])
                .Where(t => set.Contains(t) && !(upstreamOfTest.TryGetValue(t, out var up) && up.Contains(id)))
                .Distinct();
    }

    NodeResult Execute(Node node, IAdapterConnection connection, string threadId)
    {
        var watch = Stopwatch.StartNew();
        var compileStart = DateTimeOffset.UtcNow;
        string? compiled = null;
        try
        {
            var key = (node.Relation.Schema.ToLowerInvariant(), node.Relation.Identifier.ToLowerInvariant());
            RelationKind? existing;
            lock (_gate)
            {
                existing = _existing.TryGetValue(key, out var k) ? k : null;
            }
            // Tests write nothing unless they store failures, which creates its own audit schema.
            if (node.ResourceType != ResourceType.Test) EnsureSchema(connection, node.Relation.Schema);
            string executed;
            var executeStart = DateTimeOffset.UtcNow;
            CompiledNode Compile(bool incremental = false, BatchWindow? batch = null)
            {
                var result = _compiler.Compile(node, incremental, batch);
                compiled = result.Sql;
                _files.WriteCompiled(node, result.Sql);
                executeStart = DateTimeOffset.UtcNow;
                return result;
            }
            switch (node.ResourceType)
            {
                case ResourceType.Model:
                    executed = _materializer.Build(connection, node, existing, (incremental, batch) => Compile(incremental, batch), _build);
                    break;
                case ResourceType.Snapshot:
                    executed = new SnapshotBuilder(_adapter.Dialect).Build(connection, Compile(), existing, _build.NowUtc);
                    break;
                case ResourceType.Seed:
                    executed = SeedLoader.Load(_adapter, connection, node, Path.Combine(_graph.Manifest.Project.RootDir, node.OriginalFilePath), existing);
                    break;
                case ResourceType.Test:
                    var outcome = _tests.Run(connection, Compile());
                    _files.WriteRun(node, outcome.ExecutedSql);
                    var message = outcome.Status == NodeStatus.Pass ? outcome.Message
                        : $"{outcome.Message}\ncompiled code at {Path.GetRelativePath(_graph.Manifest.Project.RootDir, _files.CompiledPath(node))}";
                    return new NodeResult(node, outcome.Status, message, watch.Elapsed, threadId,
                        [new TimingInfo("compile", compileStart, executeStart), new TimingInfo("execute", executeStart, DateTimeOffset.UtcNow)],
                        compiled, Failures: outcome.Failures);
                default:
                    throw new XformException($"cannot run {node.ResourceType} nodes yet");
            }
            _files.WriteRun(node, executed);
            var kind = node.Materialized == "view" ? RelationKind.View : RelationKind.Table;
            lock (_gate) _existing[key] = kind;
            var done = DateTimeOffset.UtcNow;
            return new NodeResult(node, NodeStatus.Success, "OK", watch.Elapsed, threadId,
                [new TimingInfo("compile", compileStart, executeStart), new TimingInfo("execute", executeStart, done)], compiled);
        }
        catch (XformException e)
        {
            return new NodeResult(node, NodeStatus.Error, e.Format(), watch.Elapsed, threadId, [], compiled);
        }
        catch (DatabaseException e)
        {
            return new NodeResult(node, NodeStatus.Error, $"{node.OriginalFilePath}: database error: {e.Message}", watch.Elapsed, threadId, [], compiled);
        }
    }

    readonly object _schemaGate = new();

    /// <summary>Creates a missing schema once: workers that need the same new schema wait for the first.</summary>
    void EnsureSchema(IAdapterConnection connection, string schema)
    {
        lock (_schemaGate)
        {
            lock (_gate) if (_schemas.Contains(schema)) return;
            connection.EnsureSchema(schema);
            lock (_gate) _schemas.Add(schema);
        }
    }
}
