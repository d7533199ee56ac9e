using System.CommandLine;
using Xform.Core.Adapters;
using Xform.Core.Artifacts;
using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Planning;
using Xform.Core.Project;
using Xform.Core.YamlReading;

namespace Xform.Cli;

/// <summary>Everything a command needs, built lazily from the parsed command line: project, target, adapter, graph.</summary>
sealed class CommandContext : IDisposable
{
    readonly ParseResult _parse;
    readonly List<Warning> _warnings = [];
    ProjectConfig? _project;
    TargetConfig? _target;
    IAdapter? _adapter;
    LoadedProject? _loaded;
    DependencyGraph? _graph;

    public CommandContext(ParseResult parse, Output output)
    {
        _parse = parse;
        Output = output;
        ProjectDir = Path.GetFullPath(parse.GetValue(CliOptions.ProjectDir) is { Length: > 0 } p ? p : ".");
    }

    public ParseResult ParseResult => _parse;
    public Output Output { get; }
    public string ProjectDir { get; }

    public T? Get<T>(Option<T> option) => _parse.GetValue(option);

    public ProjectConfig Project => _project ??= ReadProject();

    ProjectConfig ReadProject()
    {
        var project = ProjectFileReader.Read(ProjectDir, _warnings);
        FlushWarnings();
        return project;
    }

    public string TargetDir => Path.GetFullPath(Path.Combine(ProjectDir, Get(CliOptions.TargetPath) ?? Project.TargetPath));

    public TargetConfig Target => _target ??= ProfileReader.Read(
        ProfileReader.ResolveDir(Get(CliOptions.ProfilesDir), ProjectDir), Project.ProfileName, Get(CliOptions.Target), ProjectDir);

    public int Threads => Get(CliOptions.Threads) is { } t
        ? t >= 1 ? t : throw new XformException("--threads must be at least 1")
        : Target.Threads;

    public IAdapter Adapter => _adapter ??= CreateAdapter(Target, Project.RootDir);

    public static IAdapter CreateAdapter(TargetConfig target, string root) => AdapterRegistry.Create(target, root);

    public ExternalRelationRenderer? External => Adapter.External;

    public IReadOnlyDictionary<string, object?> CliVars => VarsParser.Parse(Get(CliOptions.Vars));

    /// <summary>Loads and parses the project and builds the graph. Needs the target (for adapter type and target.*).</summary>
    public LoadedProject Loaded
    {
        get
        {
            if (_loaded is not null) return _loaded;
            var vars = CliVars;
            var adapter = Adapter;
            _loaded = ProjectLoader.Load(new LoadOptions(ProjectDir, Target, vars, adapter.Macros, adapter.Quote,
                message => Output.Info(message)), Project, _warnings);
            FlushWarnings();
            return _loaded;
        }
    }

    public DependencyGraph Graph => _graph ??= DependencyGraph.Build(Loaded.Manifest);

    public Manifest Manifest => Graph.Manifest;

    public string InvocationId { get; } = Guid.NewGuid().ToString();

    StateManifest? _state;
    public StateManifest? State => _state ??= Get(CliOptions.State) is { Length: > 0 } dir ? StateManifest.Load(Path.GetFullPath(dir)) : null;

    public StateComparer? StateComparer => State is { } s ? new StateComparer(s, Loaded) : null;

    /// <summary>--defer: where the --state run built each node, and which relations this target has.</summary>
    DeferRequest? Defer()
    {
        if (!Get(CliOptions.Defer)) return null;
        var state = State ?? throw new XformException("--defer needs --state DIR (the target folder of the run to read unselected models from)");
        return new DeferRequest(state.RelationOf, () =>
        {
            using var connection = Adapter.Open();
            return connection.ListRelations().Select(r => (r.Schema.ToLowerInvariant(), r.Name.ToLowerInvariant())).ToHashSet();
        }, Get(CliOptions.FavorState));
    }

    /// <summary>The command's request: its resource types, --select/--exclude (or the given ids, for retry), --defer.</summary>
    public PlanRequest Request(string command, IReadOnlyList<ResourceType> types, IReadOnlyList<string>? only = null) =>
        new(command, types, Get(CliOptions.Select) ?? [], Get(CliOptions.Exclude) ?? [], Defer(), only);

    /// <summary>The plan of a command that builds or tests.</summary>
    public ExecutionPlan Plan(string command, IReadOnlyList<ResourceType> types, IReadOnlyList<string>? only = null) =>
        Planner.Build(Graph, Request(command, types, only), StateComparer);

    /// <summary>Writes target/manifest.json, with the compiled code of the nodes compiled in this command.</summary>
    public void WriteManifest(IReadOnlyDictionary<string, string>? compiled = null) =>
        Core.Artifacts.ManifestWriter.Write(TargetDir, Loaded, Graph, compiled ?? new Dictionary<string, string>(), InvocationId);

    /// <summary>What retry needs to repeat this command; --vars values are left out (they may hold secrets).</summary>
    public System.Text.Json.Nodes.JsonObject Args(string which)
    {
        System.Text.Json.Nodes.JsonArray List(string[]? items) => new((items ?? []).Select(i => (System.Text.Json.Nodes.JsonNode)i).ToArray());
        return new System.Text.Json.Nodes.JsonObject
        {
            ["which"] = which,
            ["select"] = List(Get(CliOptions.Select)),
            ["exclude"] = List(Get(CliOptions.Exclude)),
            ["target"] = Target.Name,
            ["threads"] = Threads,
            ["full_refresh"] = Get(CliOptions.FullRefresh),
            ["vars"] = new System.Text.Json.Nodes.JsonArray(CliVars.Keys.Select(k => (System.Text.Json.Nodes.JsonNode)k).ToArray()),
        };
    }

    /// <summary>The nodes chosen by --select/--exclude, restricted to the given resource types, in graph order.</summary>
    public IReadOnlyList<Node> Selected(params ResourceType[] types) =>
        Planner.Select(Graph, new PlanRequest("select", types, Get(CliOptions.Select) ?? [], Get(CliOptions.Exclude) ?? []), StateComparer);

    void FlushWarnings()
    {
        foreach (var w in _warnings) Output.Warn(w.ToString());
        _warnings.Clear();
    }

    public void Dispose() => _adapter?.Dispose();
}

/// <summary>Parses --vars: a YAML or JSON mapping.</summary>
static class VarsParser
{
    public static IReadOnlyDictionary<string, object?> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new Dictionary<string, object?>();
        object? value;
        try
        {
            value = Yaml.LoadText(text, "--vars") is { } node ? Yaml.ToValue(node) : null;
        }
        catch (XformException e)
        {
            throw new XformException($"--vars is not valid YAML or JSON: {e.Message}");
        }
        return value as IReadOnlyDictionary<string, object?>
            ?? throw new XformException($"--vars must be a mapping of names to values, e.g. '{{snapshot_date: 2011-12-10}}', not '{text}'");
    }
}
