using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>What every render in one command shares: the engine, the target, the vars, quoting and logging.</summary>
public sealed class CompileSession
{
    readonly IReadOnlyDictionary<string, object?> _projectVars;

    public CompileSession(TemplateEngine engine, ProjectConfig project, TargetConfig target,
        IReadOnlyDictionary<string, object?> cliVars, Func<string, string> quote, Action<string> log)
    {
        Engine = engine;
        Project = project;
        Target = target;
        CliVars = cliVars;
        Quote = quote;
        Log = log;
        // Project vars may be scoped to the project name, dbt's way: vars: {my_project: {x: 1}}.
        var vars = new Dictionary<string, object?>(project.Vars, StringComparer.Ordinal);
        if (project.Vars.TryGetValue(project.Name, out var scoped) && scoped is IReadOnlyDictionary<string, object?> inner)
        {
            vars.Remove(project.Name);
            foreach (var (k, v) in inner) vars[k] = v;
        }
        _projectVars = vars;
        TargetObject = new TargetObject(target);
    }

    public TemplateEngine Engine { get; }
    public ProjectConfig Project { get; }
    public TargetConfig Target { get; }
    public IReadOnlyDictionary<string, object?> CliVars { get; }
    public Func<string, string> Quote { get; }
    public Action<string> Log { get; }
    public TargetObject TargetObject { get; }

    public object? Var(TemplateCall call)
    {
        var name = call.Get(0, "name") as string ?? throw call.Error("var() needs the name of a variable");
        if (CliVars.TryGetValue(name, out var v) || _projectVars.TryGetValue(name, out v)) return v;
        if (call.Has(1, "default")) return call.Get(1, "default");
        throw call.Error($"var '{name}' is not defined: set it under 'vars' in {Project.FilePath}, pass --vars, or give var() a default");
    }

    /// <summary>The globals every template sees, whatever node it belongs to.</summary>
    public Dictionary<string, object?> BaseGlobals()
    {
        var exceptions = new MemberObject("exceptions", new Dictionary<string, object?>
        {
            ["raise_compiler_error"] = (HostFunction)(c => throw c.Error(Convert.ToString(c.Get(0, "msg"), CultureInfo.InvariantCulture) ?? "compiler error")),
            ["warn"] = (HostFunction)(c => { Log($"warning: {c.Get(0, "msg")}"); return ""; }),
        });
        return new Dictionary<string, object?>(StringComparer.Ordinal)
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
        };
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
