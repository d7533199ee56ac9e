using System.Collections.Concurrent;
using System.Text;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;

namespace Xform.Core.Compilation;

/// <summary>A node's SQL after rendering, with the ephemeral models inlined as CTEs, and its rendered hooks.</summary>
public sealed record CompiledNode(Node Node, string Sql, IReadOnlyList<RenderedHook> PreHooks, IReadOnlyList<RenderedHook> PostHooks);

/// <summary>A hook's SQL, whether it runs inside the node's transaction, and how messages name it (<c>post-hook 2</c>).</summary>
public sealed record RenderedHook(string Sql, bool InTransaction, string Label);

/// <summary>What a <c>{% materialization %}</c> block returned, and whether it ran its <c>main</c> statement.</summary>
public sealed record MaterializationCall(object? Returned, bool RanMain);

/// <summary>Renders nodes in compile mode: ref() and source() resolve to real relations.</summary>
/// <param name="open">opens a connection for templates that read the database (run_query, adapter.get_columns_in_relation)
/// while compiling outside a run; null: such templates fail with a clear error</param>
public sealed partial class Compiler(LoadedProject project, DependencyGraph graph, ExternalRelationRenderer? renderExternal = null,
    IReadOnlyDictionary<string, RelationName>? deferred = null, Func<IAdapterConnection>? open = null)
{
    // The database objects of the compile in progress on this thread (ephemeral models render inside it).
    [ThreadStatic] static DatabaseObjects? _database;

    readonly ConcurrentDictionary<string, (string Sql, IReadOnlyList<string> Ephemerals)> _ephemeralCache = new(StringComparer.Ordinal);

    CompileSession Session => project.Session;

    /// <summary>
    /// --empty: how a ref() or source() is read as a relation with its columns and no rows (the adapter's
    /// <see cref="SqlDialect.EmptySubquery"/>, dbt's <c>render_limited</c> with limit 0); null: read whole.
    /// </summary>
    public Func<string, string, string>? EmptyInputs { get; init; }

    /// <summary>The run's relations, which <c>adapter.get_relation</c> answers from (null outside a run: the catalog is read).</summary>
    public RelationCache? Relations { get; init; }

    /// <param name="connection">the node's connection while it runs; otherwise one is opened if a template reads the database</param>
    public CompiledNode Compile(Node node, bool isIncremental = false, BatchWindow? batch = null, IAdapterConnection? connection = null) =>
        WithDatabase(connection, () =>
        {
            if (node.UnitTest is { } spec) return CompileUnitTest(node, spec, connection);
            ConfigValues? macroConfig = null;
            var (sql, ephemerals) = node.TestMetadata is null ? Render(node, isIncremental, batch) : RenderGenericTest(node, out macroConfig);
            if (ephemerals.Count > 0) sql = InjectCtes(sql, OrderEphemerals(ephemerals));
            if (node.Config.Hooks("pre-hook").Count == 0 && node.Config.Hooks("post-hook").Count == 0)
                return new CompiledNode(WithMacroConfig(node, macroConfig), sql, [], []);
            var globals = Watched(Globals(node, isIncremental, [], batch));
            var pre = Hooks(node, "pre-hook", globals);
            var post = Hooks(node, "post-hook", globals);
            NoteOutside(globals);
            return new CompiledNode(WithMacroConfig(node, macroConfig), sql, pre, post);
        });

    /// <summary>
    /// A generic test with what its macro set through config() (dbt reads those while parsing): under the test's own
    /// YAML config, which wins.
    /// </summary>
    static Node WithMacroConfig(Node node, ConfigValues? captured)
    {
        if (captured is null || captured.Count == 0) return node;
        var added = captured.Where(kv => !node.Config.ContainsKey(kv.Key)).ToList();
        return added.Count == 0 ? node : node with { Config = node.Config.With(added) };
    }

    T WithDatabase<T>(IAdapterConnection? connection, Func<T> compile)
    {
        IAdapterConnection? own = null;
        var outer = _database;
        _database = new DatabaseObjects(() => connection ?? (own ??= open?.Invoke()
            ?? throw new XformException("this template reads the database (run_query, statement or adapter), which this command does not connect to")),
            Session.Quote, Session.Target.Type, Relations);
        try
        {
            return compile();
        }
        finally
        {
            _database = outer;
            own?.Dispose();
        }
    }

    /// <summary>How a source table is written in SQL: its relation, or the adapter's reader for a file read in place.</summary>
    public string SourceRelation(Node source)
    {
        if (source.Source?.ExternalLocation is null) return source.Relation.Render(Session.Quote);
        return renderExternal?.Invoke(source.Source, source.Config)
            ?? throw new XformException($"source {source.Source.SourceName}.{source.Name} is an external file, which the {Session.Target.Type} adapter cannot read in place", source.Location);
    }

    /// <summary>Renders an on-run-start / on-run-end hook: the project's macros, the database, and <paramref name="context"/>
    /// (on-run-end's <c>results</c>, <c>schemas</c>, <c>database_schemas</c>).</summary>
    public string CompileOperation(Node operation, string template, IReadOnlyDictionary<string, object?> context, IAdapterConnection connection) =>
        WithDatabase(connection, () =>
        {
            var g = Session.BaseGlobals();
            _database?.AddTo(g);
            g["execute"] = true;
            foreach (var (name, value) in context) g[name] = value;
            return Session.Engine.Render(Session.Engine.Parse(new TemplateSource(operation.OriginalFilePath, template)), g);
        });

    /// <summary>
    /// Calls a model's <c>{% materialization %}</c> block with the model's context (<c>this</c>, <c>config</c>, <c>ref</c>,
    /// the database objects on <paramref name="connection"/>), its compiled SQL as <c>sql</c> and <c>compiled_code</c>, and
    /// <paramref name="extra"/> (the hooks and what runs them).
    /// </summary>
    public MaterializationCall CallMaterialization(Node node, MacroInfo block, string sql, IAdapterConnection connection,
        IReadOnlyDictionary<string, object?> extra) =>
        WithDatabase(connection, () =>
        {
            var g = Globals(node, false, []);
            g["sql"] = sql;
            g["compiled_code"] = sql;
            foreach (var (name, value) in extra) g[name] = value;
            var returned = Session.Engine.CallMacro($"{block.Package}.{block.Name}", [], new Dictionary<string, object?>(), g);
            return new MaterializationCall(returned, _database!.HasResult("main"));
        });

    /// <summary>Compiles SQL that is not a project file (show --inline).</summary>
    public string CompileInline(Node node) => WithDatabase(null, () =>
    {
        var template = Session.Engine.Parse(new TemplateSource(node.OriginalFilePath, node.RawCode));
        var ephemerals = new List<string>();
        var sql = Session.Engine.Render(template, Globals(node, false, ephemerals));
        return ephemerals.Count > 0 ? InjectCtes(sql, OrderEphemerals(ephemerals)) : sql;
    });

    /// <summary>
    /// The node's hooks rendered. A hook that only runs template code (<c>{% do adapter.drop_relation(this) %}</c>) renders
    /// no SQL and is left out: there is nothing to send, and an empty statement is an error on some engines.
    /// </summary>
    IReadOnlyList<RenderedHook> Hooks(Node node, string key, RenderGlobals globals) =>
        node.Config.Hooks(key).Select((h, i) => new RenderedHook(
            Session.Engine.Render(Session.Engine.Parse(new TemplateSource(node.OriginalFilePath, h.Sql), TemplatePackage(node)), globals),
            h.InTransaction, $"{key} {i + 1}")).Where(h => !string.IsNullOrWhiteSpace(h.Sql)).ToList();

    /// <summary>The package whose macros a node's templates find first (null: the root project).</summary>
    string? TemplatePackage(Node node) => node.PackageName == Session.Project.Name ? null : node.PackageName;

    /// <summary>Compiled SQL saved by the last compile, to reuse where nothing the render reads changed (null: render everything).</summary>
    public CompiledSqlCache? Reuse { get; init; }

    int _readOutside;

    /// <summary>Whether <see cref="ReadOutside"/> is told without a <see cref="Reuse"/> (a compile that patches the last one's outputs).</summary>
    public bool WatchOutside { get; init; }

    /// <summary>
    /// Whether a render of this compiler (with <see cref="Reuse"/>) read something the project does not hold (the database,
    /// the clock, the invocation, the log): compiling the same project again may then give other SQL.
    /// </summary>
    public bool ReadOutside => _readOutside > 0;

    RenderGlobals Watched(RenderGlobals globals)
    {
        if (Reuse is not null || WatchOutside) globals.Watch(CompiledSqlCache.Volatile);
        return globals;
    }

    void NoteOutside(RenderGlobals globals)
    {
        if (globals.ReadWatched) Interlocked.Increment(ref _readOutside);
    }

    (string Sql, IReadOnlyList<string> Ephemerals) Render(Node node, bool isIncremental, BatchWindow? batch = null)
    {
        if (!project.Templates.TryGetValue(node.UniqueId, out var template))
            return (node.RawCode, []);
        var key = Reuse is not null && !isIncremental && batch is null ? ReuseKey(node) : null;
        if (key is not null && Reuse!.TryGet(node.UniqueId, key, out var saved, out var savedEphemerals)) return (saved, savedEphemerals);
        if (batch is null && RenderedByParse(node) is { } parsed)
        {
            Interlocked.Increment(ref _fromParse);
            if (key is not null) Reuse!.Put(node.UniqueId, key, parsed, []);
            return (parsed, []);
        }
        var ephemerals = new List<string>();
        var globals = Watched(Globals(node, isIncremental, ephemerals, batch, inferredOnly: true));
        var sql = Session.Engine.Render(template, globals);
        NoteOutside(globals);
        if (key is not null && !globals.ReadWatched) Reuse!.Put(node.UniqueId, key, sql, ephemerals);
        return (sql, ephemerals);
    }

    int _fromParse;

    /// <summary>How many models' SQL was their parse render's output (<see cref="RenderedByParse"/>), not rendered again.</summary>
    public int FromParse => _fromParse;

    /// <summary>
    /// The model's parse-render output when this compile would render the same (<see cref="LoadedProject.ParseOutputs"/>):
    /// each ref() it called names a model or seed whose relation is the parse's placeholder (the default schema and
    /// name; not ephemeral, which is inlined; not read from another state by --defer), each source() one read by its name,
    /// and no --empty or var template that read the clock changes what a render sees. Null: render it.
    /// </summary>
    string? RenderedByParse(Node node)
    {
        if (EmptyInputs is not null || Session.ReadVolatile || !project.ParseOutputs.TryGetValue(node.UniqueId, out var sql)) return null;
        foreach (var r in node.Refs)
            if (graph.Lookup.Ref(r.Name, r.Package, node.PackageName, r.Version) is not { } target || target.Materialized == "ephemeral"
                || target.Relation != ParseCapture.RefPlaceholder(Session, r.Name) || !node.DependsOn.Contains(target.UniqueId)
                || deferred?.ContainsKey(target.UniqueId) == true)
                return null;
        foreach (var s in node.SourceRefs)
            if (graph.Lookup.Source(s.SourceName!, s.Name, node.PackageName) is not { } source || source.Source?.ExternalLocation is not null
                || source.Relation != ParseCapture.SourcePlaceholder(s.SourceName!, s.Name))
                return null;
        return sql;
    }

    /// <summary>Whether the project or a package defines get_where_subquery or one of its dispatch candidates.</summary>
    bool WhereSubqueryOverridden => _whereSubqueryOverridden ??=
        Session.Engine.FindMacro("get_where_subquery", null) is { IsInternal: false }
        || Session.Engine.Resolver.Dispatch("get_where_subquery", MacroResolver.InternalNamespace, null) is { IsInternal: false };
    bool? _whereSubqueryOverridden;
    /// <summary>
    /// Everything a model's render reads besides the project-wide key: its text, config, relation and file, and each ref's
    /// and source's relation (and a ref's materialization: an ephemeral one is inlined). Null when it cannot be known.
    /// </summary>
    string? ReuseKey(Node node)
    {
        if (deferred is not null || EmptyInputs is not null || node.ResourceType != ResourceType.Model) return null;
        var sb = new StringBuilder(FileIndex.Checksum(node.RawCode)).Append('\n')
            .Append(node.UniqueId).Append(' ').Append(node.OriginalFilePath).Append(' ').Append(node.Path).Append(' ').Append(node.Relation).Append('\n');
        if (!CacheCodec.Fingerprint(sb, node.Config)) return null;
        foreach (var r in node.Refs)
        {
            if (graph.Lookup.Ref(r.Name, r.Package, node.PackageName, r.Version) is not { } target) return null;
            sb.Append(target.UniqueId).Append(' ').Append(target.Relation).Append(' ').Append(target.Materialized).Append('\n');
        }
        foreach (var s in node.SourceRefs)
        {
            if (graph.Lookup.Source(s.SourceName!, s.Name, node.PackageName) is not { } source) return null;
            try
            {
                sb.Append(SourceRelation(source)).Append('\n');
            }
            catch (XformException)
            {
                return null;
            }
        }
        return sb.ToString();
    }

    /// <summary>A generic test is its macro called with <c>model</c> (narrowed by <c>where</c>) and its arguments.</summary>
    /// <param name="macroConfig">what the test's macro set with config() (dbt_utils' fail_calc, ...)</param>
    (string Sql, IReadOnlyList<string> Ephemerals) RenderGenericTest(Node test, out ConfigValues macroConfig)
    {
        var meta = test.TestMetadata!;
        var ephemerals = new List<string>();
        var globals = Globals(test, false, ephemerals);
        var parent = graph.Manifest.Nodes[test.AttachedNode!];
        var at = test.Location;
        var call = parent.ResourceType == ResourceType.Source
            ? ((HostFunction)globals["source"]!)(new TemplateCall([parent.Source!.SourceName, parent.Name], new Dictionary<string, object?>(), at))
            : ((HostFunction)globals["ref"]!)(new TemplateCall(TemplatePackage(parent) is { } package ? [package, parent.Name] : [parent.Name],
                parent.Version is { } v ? new Dictionary<string, object?> { ["v"] = v } : new Dictionary<string, object?>(), at));
        object? model = call;
        var captured = macroConfig = new ConfigValues();
        globals["config"] = new ConfigObject(() => test.Config.With(captured), captured);
        if (test.Config.GetString("where") is { Length: > 0 } where)
        {
            var relation = (RelationObject)call!;
            // dbt narrows the model through the macro get_where_subquery, which projects override (placeholders in
            // `where`, say); without an override the same subquery is built here.
            model = WhereSubqueryOverridden
                ? Session.Engine.CallMacro("get_where_subquery", [relation], new Dictionary<string, object?>(), globals) switch
                {
                    RelationObject narrowed => narrowed,
                    var text => new RelationObject(relation.Name, Session.Quote, Convert.ToString(text, System.Globalization.CultureInfo.InvariantCulture)),
                }
                : new RelationObject(relation.Name, Session.Quote, $"(select * from {relation} where {where}) dbt_subquery");
        }
        var kwargs = new Dictionary<string, object?>(StringComparer.Ordinal) { ["model"] = model };
        if (meta.ColumnName is { } column) kwargs["column_name"] = column;
        foreach (var (key, value) in meta.Kwargs)
            kwargs[key] = value is string s && RelationCall.Read(s) is { } relationCall
                // ref('x') / source('s', 't') as an argument is the relation itself, as dbt passes it (macros read .is_cte, .name, ...).
                ? relationCall.Literals is { } literals && globals[relationCall.Function] is HostFunction function
                    ? function(new TemplateCall(literals.Cast<object?>().ToList(), new Dictionary<string, object?>(), at))
                    : Session.Engine.Render(Session.Engine.Parse(new TemplateSource(at.File, "{{ " + s + " }}"), TemplatePackage(test)), globals)
                : value;
        var result = Session.Engine.CallMacro(meta.Macro, [], kwargs, globals);
        return (Convert.ToString(result, System.Globalization.CultureInfo.InvariantCulture) ?? "", ephemerals);
    }

    /// <param name="inferredOnly">the node's own SQL: a ref() the parse did not see (inside a block that runs only when
    /// executing) is dbt's "unable to infer all dependencies" error, since the node may run before what it reads</param>
    RenderGlobals Globals(Node node, bool isIncremental, List<string> ephemerals, BatchWindow? batch = null, bool inferredOnly = false)
    {
        var g = Session.BaseGlobals(node.PackageName);
        // Unit tests read the rows they are given, never emptied (as dbt).
        var empty = node.ResourceType == ResourceType.UnitTest ? null : EmptyInputs;
        g["ref"] = (HostFunction)(c =>
        {
            var (package, name) = ParseCapture.RefArgs(c);
            if (graph.Lookup.Ref(name, package, node.PackageName, ParseCapture.RefVersion(c)) is not { } target)
                throw c.Error($"{node.Name} refers to ref('{name}'), which is not a model, seed or snapshot of this project.{Suggestions.DidYouMean(name, graph.Lookup.RefNames)}");
            if (inferredOnly && !node.DependsOn.Contains(target.UniqueId))
                throw c.Error($"xform could not infer all dependencies of {node.Name}: ref('{name}') runs only while executing (inside a block such as " +
                              $"'if execute' or a statement call), so the parse did not see it. Add this line at the top of {node.OriginalFilePath}: " +
                              $"-- depends_on: {{{{ ref('{name}') }}}}");
            if (target.Materialized == "ephemeral")
            {
                if (!ephemerals.Contains(target.UniqueId)) ephemerals.Add(target.UniqueId);
                var cte = CteName(target);
                return new RelationObject(target.Relation, Session.Quote, empty is null ? cte : empty(cte, cte));
            }
            // --defer: an unselected model this target lacks is read where the state run built it.
            var relation = deferred is not null && deferred.TryGetValue(target.UniqueId, out var elsewhere) ? elsewhere : target.Relation;
            var rendered = relation.Render(Session.Quote);
            if (empty is not null) rendered = empty(rendered, relation.Identifier);
            // In a microbatch, inputs that declare an event_time are narrowed to the batch's window (around the
            // --empty subquery, as dbt nests them).
            if (batch is not null && target.Config.GetString("event_time") is { Length: > 0 } column)
                rendered = BatchFilter(rendered, relation.Identifier, column, batch);
            return new RelationObject(relation, Session.Quote, rendered);
        });
        g["source"] = (HostFunction)(c =>
        {
            var s = c.Get(0, "source_name") as string;
            var t = c.Get(1, "table_name") as string;
            if (s is null || t is null || graph.Lookup.Source(s, t, node.PackageName) is not { } source)
                throw c.Error($"source('{s}', '{t}') is not declared in any sources: block");
            var rendered = SourceRelation(source);
            return new RelationObject(source.Relation, Session.Quote, empty is null ? rendered : empty(rendered, source.Relation.Identifier));
        });
        g["config"] = new ConfigObject(() => node.Config, null);
        g["this"] = new RelationObject(node.Relation, Session.Quote);
        g["is_incremental"] = (HostFunction)(_ => isIncremental);
        g["execute"] = true;
        _database?.AddTo(g);
        g["model"] = new MemberObject(node.UniqueId, new Dictionary<string, object?>
        {
            ["name"] = node.Name, ["unique_id"] = node.UniqueId, ["resource_type"] = node.TypeName,
            ["original_file_path"] = node.OriginalFilePath, ["path"] = node.Path, ["tags"] = node.Config.Tags.Cast<object?>().ToList(),
            ["batch"] = batch is null ? null : new MemberObject(batch.ToString(), new Dictionary<string, object?>
            {
                ["event_time_start"] = batch.Start.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                ["event_time_end"] = batch.End.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            }),
        });
        return g;
    }

    string BatchFilter(string relation, string identifier, string column, BatchWindow batch)
    {
        static string Literal(DateTime t) => $"cast('{t.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)}' as timestamp)";
        var c = Session.Quote(column);
        // Aliased as dbt does (PostgreSQL before 16 needs an alias on a subquery in FROM).
        return $"(select * from {relation} where {c} >= {Literal(batch.Start)} and {c} < {Literal(batch.End)}) _dbt_et_filter_subq_{identifier}";
    }

    static string CteName(Node n) => $"__dbt__cte__{n.Name}";

    /// <summary>Ephemeral models in the order their CTEs must appear: each after the ephemerals it reads.</summary>
    List<(Node Node, string Sql)> OrderEphemerals(IReadOnlyList<string> direct)
    {
        var ordered = new List<(Node, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string id)
        {
            if (!seen.Add(id)) return;
            var node = graph.Manifest.Nodes[id];
            var (sql, inner) = _ephemeralCache.GetOrAdd(id, _ => Render(node, false));
            foreach (var i in inner) Visit(i);
            ordered.Add((node, sql));
        }
        foreach (var id in direct) Visit(id);
        return ordered;
    }

    /// <summary>Adds the CTEs to the statement's own WITH clause, or opens one before it.</summary>
    internal static string InjectCtes(string sql, IReadOnlyList<(Node Node, string Sql)> ctes) =>
        InjectNamedCtes(sql, ctes.Select(c => (CteName(c.Node), c.Sql)).ToList());

    /// <summary>Adds CTEs of the given names to the statement's own WITH clause, or opens one before it.</summary>
    static string InjectNamedCtes(string sql, IReadOnlyList<(string Name, string Sql)> ctes)
    {
        var sb = new StringBuilder();
        foreach (var (name, body) in ctes)
            sb.Append(name).Append(" as (\n").Append(body.Trim()).Append("\n), ");
        var defs = sb.ToString();
        var start = SkipTrivia(sql, 0);
        if (start + 4 <= sql.Length && string.Compare(sql, start, "with", 0, 4, StringComparison.OrdinalIgnoreCase) == 0 &&
            (start + 4 == sql.Length || !char.IsLetterOrDigit(sql[start + 4]) && sql[start + 4] != '_'))
        {
            var after = start + 4;
            var bodyStart = SkipTrivia(sql, after);
            if (string.Compare(sql, bodyStart, "recursive", 0, 9, StringComparison.OrdinalIgnoreCase) == 0 &&
                (bodyStart + 9 == sql.Length || !char.IsLetterOrDigit(sql[bodyStart + 9]) && sql[bodyStart + 9] != '_'))
                after = bodyStart + 9;
            return sql[..after] + " " + defs + sql[after..].TrimStart();
        }
        return sql[..start] + "with " + defs[..^2] + "\n" + sql[start..];
    }

    static int SkipTrivia(string sql, int i)
    {
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i])) i++;
            else if (sql[i] == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var nl = sql.IndexOf('\n', i);
                i = nl < 0 ? sql.Length : nl + 1;
            }
            else if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else break;
        }
        return i;
    }
}
