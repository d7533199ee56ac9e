using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>What every render in one command shares: the engine, the target, the vars, quoting and logging.</summary>
public sealed class CompileSession
{
    readonly IReadOnlyDictionary<string, object?> _projectVars;
    readonly Dictionary<string, object?> _base;

    /// <param name="targetFields">target.* as the adapter reads the output (its defaults filled in); null: the profile's settings.</param>
    public CompileSession(TemplateEngine engine, ProjectConfig project, TargetConfig target,
        IReadOnlyDictionary<string, object?> cliVars, Func<string, string> quote, Action<string> log,
        Invocation? invocation = null, IReadOnlyDictionary<string, object?>? targetFields = null)
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
        // Project vars may be scoped to the project name, dbt's way: vars: {my_project: {x: 1}}.
        var vars = new Dictionary<string, object?>(project.Vars, StringComparer.Ordinal);
        if (project.Vars.TryGetValue(project.Name, out var scoped) && scoped is IReadOnlyDictionary<string, object?> inner)
        {
            vars.Remove(project.Name);
            foreach (var (k, v) in inner) vars[k] = v;
        }
        _projectVars = vars;
        TargetObject = new TargetObject(Target, targetFields);
        _base = Build();
    }

    public TemplateEngine Engine { get; }
    public ProjectConfig Project { get; }
    public TargetConfig Target { get; }
    public IReadOnlyDictionary<string, object?> CliVars { get; }
    public Func<string, string> Quote { get; }
    public Action<string> Log { get; }
    internal TargetObject TargetObject { get; }

    /// <summary>This command's run: invocation_id, run_started_at and flags.</summary>
    public Invocation Invocation { get; }

    public object? Var(TemplateCall call)
    {
        var name = call.Get(0, "name") as string ?? throw call.Error("var() needs the name of a variable");
        if (CliVars.TryGetValue(name, out var v) || _projectVars.TryGetValue(name, out v)) return v;
        if (call.Has(1, "default")) return call.Get(1, "default");
        throw call.Error($"var '{name}' is not defined: set it under 'vars' in {Project.FilePath}, pass --vars, or give var() a default");
    }

    /// <summary>
    /// The globals every template sees, whatever node it belongs to (built once for the session), under which a render
    /// sets its node's own.
    /// </summary>
    public RenderGlobals BaseGlobals() => new(_base) { ["thread_id"] = ThreadId };

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
            ["env_var"] = (HostFunction)EnvVar.Call,
            ["target"] = TargetObject,
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
            var template = Engine.Parse(new TemplateSource(location.File, text));
            return Engine.Render(template, BaseGlobals());
        }
        catch (XformException e) when (e.Location.File != location.File || e.Location.Line <= 1)
        {
            throw new XformException(e.Message, location);
        }
    }
}
