using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>What every render in one command shares: the engine, the target, the vars, quoting and logging.</summary>
public sealed class CompileSession
{
    readonly Dictionary<string, IReadOnlyDictionary<string, object?>> _varsByPackage = new(StringComparer.Ordinal);
    readonly Dictionary<string, object?> _base;

    /// <param name="targetFields">target.* as the adapter reads the output (its defaults filled in); null: the profile's settings.</param>
    /// <param name="packages">the installed packages, whose own vars their nodes see under the root project's</param>
    public CompileSession(TemplateEngine engine, ProjectConfig project, TargetConfig target,
        IReadOnlyDictionary<string, object?> cliVars, Func<string, string> quote, Action<string> log,
        Invocation? invocation = null, IReadOnlyDictionary<string, object?>? targetFields = null, IReadOnlyList<ProjectConfig>? packages = null)
    {
        Engine = engine;
        Project = project;
        // The manifest's database is the target's: the adapter's answer where the profile leaves it out.
        Target = target.Database.Length == 0 && targetFields?.GetValueOrDefault("database") is string { Length: > 0 } db
            ? target with { Database = db }
            : target;
        CliVars = cliVars;
        Quote = quote;
        Log = log;
        Invocation = invocation ?? Invocation.New();
        _varsByPackage[project.Name] = VarsFor(project.Name, project, null);
        foreach (var package in packages ?? []) _varsByPackage[package.Name] = VarsFor(package.Name, project, package);
        TargetObject = new TargetObject(Target, targetFields);
        _base = Build();
    }

    /// <summary>
    /// dbt's var scoping for a node of <paramref name="package"/>: the root project's vars (global, then those under
    /// the package's name) over the package's own (global, then under its name). Names of other packages are left out.
    /// </summary>
    static Dictionary<string, object?> VarsFor(string package, ProjectConfig root, ProjectConfig? own)
    {
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
        void Layer(IReadOnlyDictionary<string, object?> source, bool scopedOnly)
        {
            if (!scopedOnly)
                foreach (var (k, v) in source)
                    if (!(v is IReadOnlyDictionary<string, object?> && k == package)) vars[k] = v;
            if (source.TryGetValue(package, out var scoped) && scoped is IReadOnlyDictionary<string, object?> inner)
                foreach (var (k, v) in inner) vars[k] = v;
        }
        if (own is not null) Layer(own.Vars, false);
        Layer(root.Vars, false);
        return vars;
    }

    public TemplateEngine Engine { get; }

    /// <summary>Every environment variable a template of this session read, with its value (null: unset).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string?> EnvReads { get; } = new(StringComparer.Ordinal);

    /// <summary>Globals whose reading the session notes in <see cref="ReadVolatile"/> when a YAML value or a var is rendered (null: none).</summary>
    public IReadOnlySet<string>? WatchVolatile { get; init; }

    /// <summary>Whether a YAML value or var rendered by this session read one of <see cref="WatchVolatile"/> (a saved parse then is not kept).</summary>
    public bool ReadVolatile { get; set; }

    /// <summary>Renders with the session's globals, noting a read of a watched one.</summary>
    string RenderWatched(CompiledTemplate template, string? package)
    {
        var globals = BaseGlobals(package);
        if (WatchVolatile is { } watched) globals.Watch(watched);
        var result = Engine.Render(template, globals);
        if (globals.ReadWatched) ReadVolatile = true;
        return result;
    }

    public ProjectConfig Project { get; }
    public TargetConfig Target { get; }
    public IReadOnlyDictionary<string, object?> CliVars { get; }
    public Func<string, string> Quote { get; }
    public Action<string> Log { get; }
    internal TargetObject TargetObject { get; }

    IReadOnlyDictionary<string, object?>? _parseTimeDatabase;

    /// <summary>dbt's database objects as parsing sees them (nothing touches the database): one set for every render.</summary>
    internal IReadOnlyDictionary<string, object?> ParseTimeDatabase => _parseTimeDatabase ??= DatabaseObjects.ParseTime(Quote, Target.Type);

    /// <summary>This command's run: invocation_id, run_started_at and flags.</summary>
    public Invocation Invocation { get; }

    public object? Var(TemplateCall call) => Var(call, Project.Name);

    object? Var(TemplateCall call, string package)
    {
        var name = call.Get(0, "name") as string ?? throw call.Error("var() needs the name of a variable");
        var vars = _varsByPackage.TryGetValue(package, out var scoped) ? scoped : _varsByPackage[Project.Name];
        if (CliVars.TryGetValue(name, out var v) || vars.TryGetValue(name, out v)) return RenderedVar(name, v, package, call);
        if (call.Has(1, "default")) return call.Get(1, "default");
        throw call.Error($"var '{name}' is not defined: set it under 'vars' in {Project.FilePath}, pass --vars, or give var() a default");
    }

    [ThreadStatic] static int _varDepth;

    /// <summary>A var whose value is a template (<c>start: "{{ modules.datetime... }}"</c>) is rendered when read, as dbt does.</summary>
    object? RenderedVar(string name, object? value, string package, TemplateCall call)
    {
        if (value is not string text || !(text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal))) return value;
        if (_varDepth > 20) throw call.Error($"var '{name}' refers to itself through its template");
        _varDepth++;
        try
        {
            return RenderWatched(Engine.Parse(new TemplateSource(call.Location.File, text)), package);
        }
        finally
        {
            _varDepth--;
        }
    }

    /// <summary>
    /// The globals every template of <paramref name="package"/> (default: the root project) sees, whatever node it
    /// belongs to (built once for the session), under which a render sets its node's own.
    /// </summary>
    public RenderGlobals BaseGlobals(string? package = null) => Globals(_base, package, 16);

    Dictionary<string, object?>? _parseBase;

    /// <summary>
    /// The globals of a parse render before its node's own (ref, source, config, this): the base ones with the database
    /// objects as parsing sees them, <c>is_incremental()</c> false and <c>execute</c> false, shared by every parse render
    /// instead of copied into each.
    /// </summary>
    internal RenderGlobals ParseGlobals(string? package) => Globals(LazyInitializer.EnsureInitialized(ref _parseBase, () =>
    {
        var shared = new Dictionary<string, object?>(_base, StringComparer.Ordinal);
        foreach (var (name, value) in ParseTimeDatabase) shared[name] = value;
        shared["is_incremental"] = (HostFunction)(_ => false);
        shared["execute"] = false;
        return shared;
    }), package, 8); // thread_id, ref, source, config, this (and an installed package's var)

    RenderGlobals Globals(Dictionary<string, object?> shared, string? package, int own)
    {
        var g = new RenderGlobals(shared, own) { ["thread_id"] = ThreadId };
        // An installed package's nodes see its vars under the root project's.
        if (package is not null && package != Project.Name) g["var"] = (HostFunction)(c => Var(c, package));
        return g;
    }

    [ThreadStatic] static string? _threadId;

    /// <summary>dbt's <c>thread_id</c>: a name for the thread rendering (dbt's are <c>Thread-1 (worker)</c>, ...).</summary>
    static string ThreadId => _threadId ??= Thread.CurrentThread.Name is { Length: > 0 } name ? name : $"Thread-{Environment.CurrentManagedThreadId}";

    Dictionary<string, object?> Build()
    {
        var exceptions = new MemberObject("exceptions", new Dictionary<string, object?>
        {
            ["raise_compiler_error"] = (HostFunction)(c => throw c.Error(Convert.ToString(c.Get(0, "msg"), CultureInfo.InvariantCulture) ?? "compiler error")),
            ["warn"] = (HostFunction)(c => { Log($"warning: {c.Get(0, "msg")}"); return ""; }),
        });
        var g = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["var"] = (HostFunction)Var,
            ["env_var"] = (HostFunction)(c => EnvVar.Call(c, EnvReads)),
            ["target"] = TargetObject,
            // dbt's provider context: the target's schema and database, as a legacy snapshot's
            // config(target_schema=schema, target_database=database) reads them.
            ["schema"] = Target.Schema,
            ["database"] = Target.Database,
            ["project_name"] = Project.Name,
            ["exceptions"] = exceptions,
            ["log"] = (HostFunction)(c =>
            {
                var info = c.Get(1, "info");
                if (info is true) Log(Convert.ToString(c.Get(0, "msg"), CultureInfo.InvariantCulture) ?? "");
                return "";
            }),
            ["print"] = (HostFunction)(c => { Log(Convert.ToString(c.Get(0, "msg"), CultureInfo.InvariantCulture) ?? ""); return ""; }),
            ["invocation_id"] = Invocation.Id,
            ["run_started_at"] = new PyDateTime(Invocation.StartedAtUtc, FixedTz.PytzUtc),
            ["flags"] = new FlagsObject(Invocation.Flags),
            // hooks that run outside the node's transaction: {{ config(post_hook=after_commit("grant ...")) }}
            ["before_begin"] = (HostFunction)(c => HookConfig.OutsideTransaction(Convert.ToString(c.Get(0, "sql"), CultureInfo.InvariantCulture) ?? "")),
            ["after_commit"] = (HostFunction)(c => HookConfig.OutsideTransaction(Convert.ToString(c.Get(0, "sql"), CultureInfo.InvariantCulture) ?? "")),
        };
        DbtContext.AddTo(g);
        return g;
    }

    /// <summary>Renders a YAML value that may hold <c>{{ var(...) }}</c> or <c>{{ env_var(...) }}</c>.</summary>
    public string RenderYamlString(string text, SourceLocation location)
    {
        if (!text.Contains("{{", StringComparison.Ordinal) && !text.Contains("{%", StringComparison.Ordinal)) return text;
        try
        {
            return RenderWatched(Engine.Parse(new TemplateSource(location.File, text)), null);
        }
        catch (XformException e) when (e.Location.File != location.File || e.Location.Line <= 1)
        {
            throw new XformException(e.Message, location);
        }
    }
}
