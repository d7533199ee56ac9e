using System.Text.Json.Nodes;
using Xform.Core.Adapters;
using Xform.Core.Artifacts;
using Xform.Core.Diagnostics;
using Xform.Core.Execution;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Planning;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Selection;
using Xform.Core.YamlReading;

namespace Xform.Core.Tasks;

/// <summary>What the user asked for on the command line, as the tasks need it (no parsing library here).</summary>
public sealed record TaskOptions
{
    public string ProjectDir { get; init; } = ".";
    public string? ProfilesDir { get; init; }
    /// <summary>--profile: the profile to use instead of the project file's.</summary>
    public string? Profile { get; init; }
    public string? Target { get; init; }
    public string? Vars { get; init; }
    public int? Threads { get; init; }
    public string? TargetPath { get; init; }
    public IReadOnlyList<string> Select { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];
    /// <summary>--selector: a selector of selectors.yml, used instead of --select and --exclude.</summary>
    public string? Selector { get; init; }
    public bool FullRefresh { get; init; }
    public bool FailFast { get; init; }
    /// <summary>--empty: refs and sources read no rows, seeds load none (run, build, seed, snapshot, compile).</summary>
    public bool Empty { get; init; }
    /// <summary>--store-failures: every data test keeps its failing rows (as <c>store_failures: true</c> on each).</summary>
    public bool StoreFailures { get; init; }
    /// <summary>--lock-timeout: how long to wait for another run on the same schemas (null: the default).</summary>
    public TimeSpan? LockTimeout { get; init; }
    public string? StateDir { get; init; }
    public bool Defer { get; init; }
    public bool FavorState { get; init; }
    public DateTime? EventTimeStart { get; init; }
    public DateTime? EventTimeEnd { get; init; }
    /// <summary>The command being run (<c>run</c>, <c>build</c>, <c>generate</c>, ...): dbt's <c>flags.WHICH</c>.</summary>
    public string? Command { get; init; }
    /// <summary>The command line as typed (<c>flags.INVOCATION_COMMAND</c>).</summary>
    public string? CommandLine { get; init; }
    public string LogFormat { get; init; } = "text";
    public bool Quiet { get; init; }
    public bool Debug { get; init; }
    public bool UseColors { get; init; } = true;
    /// <summary>--no-partial-parse: false. On by default, as in dbt; DBT_PARTIAL_PARSE=false (or XFORM_PARTIAL_PARSE) turns it off too.</summary>
    public bool PartialParse { get; init; } = true;
}

/// <summary>
/// One command's view of a project, each part built when first asked for and kept: the project file, the
/// target, the adapter, the parsed project, the graph, the --state run. Warnings and template logs go to the
/// callbacks the front end gives (the CLI prints them).
/// </summary>
public sealed class Workspace : IDisposable
{
    readonly AdapterFactory _adapters;
    readonly Action<Warning> _warn;
    readonly Action<string> _log;
    readonly Action<string> _debug;
    readonly Action<StatementRun> _statements;
    readonly List<Warning> _warnings = [];
    int _told;
    ProjectLoad? _prepared;
    ProjectConfig? _project;
    TargetConfig? _target;
    IAdapter? _adapter;
    LoadedProject? _loaded;
    DependencyGraph? _graph;
    StateManifest? _state;
    Invocation? _invocation;
    IReadOnlyDictionary<string, object?>? _cliVars;

    /// <param name="statements">where --debug writes each statement run (null: as a line of <paramref name="log"/>)</param>
    public Workspace(TaskOptions options, AdapterFactory adapters, Action<Warning> warn, Action<string> log, Action<StatementRun>? statements = null)
    {
        Options = options;
        _adapters = adapters;
        _warn = w =>
        {
            Interlocked.Increment(ref _told);
            warn(w);
        };
        _log = line =>
        {
            Interlocked.Increment(ref _told);
            log(line);
        };
        _debug = log;
        _statements = statements ?? (run => log(run.Text()));
        ProjectDir = Path.GetFullPath(options.ProjectDir is { Length: > 0 } p ? p : ".");
        CheckOptions();
    }

    /// <summary>The command line's own mistakes, reported before any file is read or the database touched.</summary>
    void CheckOptions()
    {
        if (Options.Threads is < 1) throw new XformException($"--threads must be at least 1, not {Options.Threads}");
        SelectorSyntax.Check(Options.Select, Options.Exclude, haveState: Options.StateDir is { Length: > 0 });
        _ = CliVars;
        if (Options.StateDir is { Length: > 0 } dir)
        {
            StateManifest.CheckDir(Path.GetFullPath(dir));
            if (Options.Defer) StateManifest.CheckManifest(Path.GetFullPath(dir), "--defer");
            else if (SelectorSyntax.ReadsStateManifest(Options.Select, Options.Exclude)) StateManifest.CheckManifest(Path.GetFullPath(dir), "a 'state:' selector");
        }
    }

    public TaskOptions Options { get; }
    public string ProjectDir { get; }
    public string InvocationId => Invocation.Id;

    /// <summary>This command's run as templates see it (invocation_id, run_started_at, flags); its id is the artifacts'.</summary>
    public Invocation Invocation => _invocation ??= new Invocation(Guid.NewGuid().ToString(), Clock.UtcNow(), Flags());

    /// <summary>dbt's flags, as far as xform has them, for this command.</summary>
    Dictionary<string, object?> Flags() => new(StringComparer.Ordinal)
    {
        ["WHICH"] = Options.Command is { } c ? FlagsObject.Which(c) : null,
        ["INVOCATION_COMMAND"] = Options.CommandLine,
        ["FULL_REFRESH"] = Options.FullRefresh,
        ["FAIL_FAST"] = Options.FailFast,
        ["EMPTY"] = Options.Empty,
        ["STORE_FAILURES"] = Options.StoreFailures,
        ["TARGET_PATH"] = Options.TargetPath,
        ["PROFILES_DIR"] = ProfileReader.ResolveDir(Options.ProfilesDir, ProjectDir),
        ["LOG_FORMAT"] = Options.LogFormat,
        ["QUIET"] = Options.Quiet,
        ["DEBUG"] = Options.Debug,
        ["USE_COLORS"] = Options.UseColors,
        ["PARTIAL_PARSE"] = PartialParse,
    };

    /// <summary>Whether this command reuses the last parse: not with --no-partial-parse, nor with DBT_PARTIAL_PARSE (or XFORM_PARTIAL_PARSE) false.</summary>
    public bool PartialParse => Options.PartialParse && !Off("XFORM_PARTIAL_PARSE") && !Off("DBT_PARTIAL_PARSE");

    static bool Off(string variable) => Environment.GetEnvironmentVariable(variable)?.Trim().ToLowerInvariant() is "false" or "0" or "no" or "off";

    /// <summary>Where the parse is saved for the next command (dbt's target/partial_parse.msgpack).</summary>
    public string PartialParsePath => Path.Combine(TargetDir, "partial_parse.bin");

    public ProjectConfig Project => _project ??= Flushed(ProjectFileReader.Read(ProjectDir, _warnings));

    public string TargetDir => Path.GetFullPath(Path.Combine(ProjectDir, Options.TargetPath ?? Project.TargetPath));

    public TargetConfig Target => _target ??= ProfileReader.Read(
        ProfileReader.ResolveDir(Options.ProfilesDir, ProjectDir), Options.Profile ?? Project.ProfileName, Options.Target, ProjectDir,
        profileGiven: Options.Profile is not null);

    /// <summary>The database this target connects to: the profile's, else the one the adapter uses (PostgreSQL's PGDATABASE, ...).</summary>
    public string Database => Target.Database is { Length: > 0 } db ? db : Adapter.TargetFields?.GetValueOrDefault("database") as string ?? "";

    public int Threads => Options.Threads ?? Target.Threads;

    /// <summary>Reports a warning found while running (the CLI prints it).</summary>
    public void Warn(Warning warning) => _warn(warning);

    // The project folder, not Project.RootDir (the same path): debug tests the connection even when the project file is broken.
    public IAdapter Adapter => _adapter ??= _adapters(Target, ProjectDir);

    public IReadOnlyDictionary<string, object?> CliVars => _cliVars ??= VarsParser.Parse(Options.Vars);

    /// <summary>The parsed project. Needs the target (for the adapter's macros and target.*).</summary>
    public LoadedProject Loaded => _loaded ??= Flushed(Reported(Timed("parse", () => ProjectLoader.Load(Prepared))));

    /// <summary>The load's first half: the project's macros read, and whether the saved parse holds (<see cref="ProjectLoad.Current"/>).</summary>
    public ProjectLoad Prepared => _prepared ??= Flushed(Rechecked(Timed("macros and saved parse check", () => ProjectLoader.Prepare(
        new LoadOptions(ProjectDir, Options.Threads is int t and >= 1 ? Target with { Threads = t } : Target, CliVars, Adapter.Macros, Adapter.Quote, _log)
        {
            Invocation = Invocation,
            TargetFields = Adapter.TargetFields,
            PartialParsePath = PartialParse ? PartialParsePath : null,
        }, Project, _warnings))));

    /// <summary>With --debug, the files the saved parse's check had to read because their time was too recent to trust.</summary>
    ProjectLoad Rechecked(ProjectLoad load)
    {
        if (load.Saved is { Rechecked: > 0 } saved)
            Debug($"partial parse check: {saved.Rechecked} unchanged file{(saved.Rechecked == 1 ? " was" : "s were")} read to compare their text (written just before the saved parse); " +
                  $"{saved.Restamped} known by their time from now on");
        return load;
    }

    /// <summary>How many warnings and log lines (not --debug's) the command has printed so far.</summary>
    public int Told => Volatile.Read(ref _told);

    /// <summary>With --debug, what partial parsing reused (as dbt's debug log says it).</summary>
    LoadedProject Reported(LoadedProject loaded)
    {
        if (loaded.PartialParse is { } p)
        {
            Debug($"partial parse: reused {p.Reused} of {p.Reused + p.Parsed} model files" + (p.FullParseReason is { } why ? $" (full parse: {why})" : ""));
            Debug(p.SavedParse is { } changed ? $"partial parse: the saved project was parsed again: {changed}"
                : p.Parsed > 0 && p.FullParseReason is null ? $"partial parse: the saved project was used, with {p.Parsed} edited model file{(p.Parsed == 1 ? "" : "s")} rendered again"
                : "partial parse: nothing changed, the saved project was used whole");
            if (p.NotSaved is { } notSaved) Debug($"partial parse: this parse is not saved whole: {notSaved}");
        }
        return loaded;
    }

    /// <summary>Runs a stage; with --debug, says how long it took (where a command's time goes).</summary>
    public T Timed<T>(string stage, Func<T> run)
    {
        if (!Options.Debug) return run();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var cpu = Environment.CpuUsage.TotalTime;
        var result = run();
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        // the process's CPU time beside the stage's wall time: how much of the stage ran on more than one core
        _debug($"timing: {stage} {watch.Elapsed.TotalMilliseconds.ToString("0", culture)} ms (CPU {(Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds.ToString("0", culture)} ms)");
        return result;
    }

    /// <summary>A connection to the target; with --debug, one that writes each statement it runs (for <paramref name="node"/>).</summary>
    public IAdapterConnection Connect(string? node = null) =>
        Options.Debug ? new LoggedConnection(Adapter.Open(), _statements) { Node = node } : Adapter.Open();

    /// <summary>A line for --debug only.</summary>
    public void Debug(string message)
    {
        if (Options.Debug) _debug(message);
    }

    public DependencyGraph Graph => _graph ??= BuildGraph();

    DependencyGraph BuildGraph()
    {
        var manifest = Loaded.Manifest; // parsed first, so the graph's timing is its own
        return Timed("graph", () => DependencyGraph.Build(manifest));
    }

    public Manifest Manifest => Graph.Manifest;

    /// <summary>The --state run's manifest, when --state is given.</summary>
    public StateManifest? State => _state ??= Options.StateDir is { Length: > 0 } dir ? StateManifest.Load(Path.GetFullPath(dir)) : null;

    /// <summary>The --state run's artifacts as selectors compare with them, each file read when first needed.</summary>
    public StateComparer? StateComparer => _stateComparer ??= Options.StateDir is { Length: > 0 } dir
        ? new StateComparer(Path.GetFullPath(dir), TargetDir, () => State!, Loaded) : null;

    StateComparer? _stateComparer;

    /// <summary>The command's request: its resource types, --select/--exclude or --selector (or the given ids, for retry), --defer.</summary>
    public PlanRequest Request(string command, IReadOnlyList<ResourceType> types, IReadOnlyList<string>? only = null) =>
        new(command, types, Options.Select, Options.Exclude, Defer(), only) { Warn = _warn, Spec = only is null ? SelectorSpec : null };

    /// <summary>The nodes chosen by --select/--exclude (or --selector), restricted to the given resource types, in graph order.</summary>
    public IReadOnlyList<Node> Selected(params ResourceType[] types) =>
        Planner.Select(Graph, new PlanRequest("select", types, Options.Select, Options.Exclude) { Warn = _warn, Spec = SelectorSpec }, StateComparer);

    /// <summary>The selectors of the project's selectors.yml, by name.</summary>
    public IReadOnlyDictionary<string, YamlSelector> Selectors => _selectors ??= SelectorsFile.Read(ProjectDir);

    IReadOnlyDictionary<string, YamlSelector>? _selectors;
    bool _selectorResolved;
    SelectionSpec? _selectorSpec;

    /// <summary>
    /// The selectors.yml selection this command uses, as dbt picks it: --selector NAME (--select and --exclude are then
    /// ignored), else the selector with <c>default: true</c> when the command line selects nothing, else none.
    /// </summary>
    public SelectionSpec? SelectorSpec
    {
        get
        {
            if (_selectorResolved) return _selectorSpec;
            _selectorResolved = true;
            if (Options.Selector is { } name)
            {
                if (!Selectors.TryGetValue(name, out var chosen))
                    throw new XformException(Selectors.Count == 0
                        ? $"--selector '{name}': the project has no {SelectorsFile.FileName} (or it defines no selectors)"
                        : $"--selector '{name}' is not defined in {SelectorsFile.FileName}; its selectors: {string.Join(", ", Selectors.Keys)}.{Suggestions.DidYouMean(name, Selectors.Keys)}");
                if (Options.Select.Count > 0 || Options.Exclude.Count > 0)
                    _warn(new Warning($"--selector '{name}' is used; --select and --exclude are ignored, as dbt ignores them", SourceLocation.None));
                _selectorSpec = chosen.Definition;
            }
            else if (Options.Select.Count == 0 && Options.Exclude.Count == 0 && Selectors.Values.FirstOrDefault(s => s.IsDefault) is { } byDefault)
            {
                _log($"Using the default selector '{byDefault.Name}' of {SelectorsFile.FileName}");
                _selectorSpec = byDefault.Definition;
            }
            return _selectorSpec;
        }
    }

    /// <summary>The exposures, metrics, semantic models and saved queries chosen by --select/--exclude, of the given kinds (none: all).</summary>
    public IReadOnlyList<ProjectObject> SelectedObjects(IReadOnlyCollection<string> kinds)
    {
        var objects = Manifest.Objects.Where(o => o.Kind != "group" && (kinds.Count == 0 || kinds.Contains(o.Kind))).ToList();
        // Warnings about terms that match nothing come from the node selection that runs alongside.
        var selector = new NodeSelector(Graph, StateComparer);
        if (objects.Count > 0 && SelectorSpec is { } spec)
        {
            var chosen = new SpecSelector(Graph, selector, null).Select(spec);
            return objects.Where(o => chosen.Contains(o.UniqueId)).ToList();
        }
        if (objects.Count == 0 || (Options.Select.Count == 0 && Options.Exclude.Count == 0)) return objects;
        var ids = Options.Select.Count > 0 ? selector.Matching(Options.Select, "--select", null) : NodeSet.Of(Graph, objects.Select(o => o.UniqueId));
        if (Options.Exclude.Count > 0) ids.ExceptWith(selector.Matching(Options.Exclude, "--exclude", null));
        return objects.Where(o => ids.Contains(o.UniqueId)).ToList();
    }

    /// <summary>--defer: where the --state run built each node, and which relations this target has.</summary>
    DeferRequest? Defer()
    {
        if (!Options.Defer) return null;
        var state = State ?? throw new XformException("--defer needs --state DIR (the target folder of the run to read unselected models from)");
        return new DeferRequest(state.RelationOf, () =>
        {
            using var connection = Connect();
            return connection.ListRelations().Select(r => (r.Schema.ToLowerInvariant(), r.Name.ToLowerInvariant())).ToHashSet();
        }, Options.FavorState) { CheckRead = read => CheckStateRelations(read, "--defer reads") };
    }

    /// <summary>
    /// Relations of the --state run that this command reads (by node id; <paramref name="purpose"/> says how, for the
    /// message): another database's are made readable (DuckDB attaches production's file read-only; PostgreSQL refuses),
    /// then each must exist, else one error naming every missing one.
    /// </summary>
    internal void CheckStateRelations(IReadOnlyDictionary<string, RelationName> read, string purpose)
    {
        var where = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<TargetConfig>? outputs = null;
        IReadOnlyList<TargetConfig> Outputs() => outputs ??= ProfileReader.ReadOutputs(
            ProfileReader.ResolveDir(Options.ProfilesDir, ProjectDir), Options.Profile ?? Project.ProfileName, ProjectDir);
        foreach (var db in read.Values.Select(r => r.Database).OfType<string>().Where(d => d.Length > 0 && !string.Equals(d, Database, StringComparison.OrdinalIgnoreCase)))
            if (!where.ContainsKey(db)) where[db] = Adapter.ReadDatabase(db, Outputs);
        using var connection = Connect();
        var missing = read.Where(kv => connection.GetColumns(kv.Value).Count == 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        if (missing.Count == 0) return;
        string Where(RelationName r) => r.Database is { Length: > 0 } db && where.TryGetValue(db, out var w) ? w : Adapter.Describe();
        throw new XformException(
            $"{purpose} {(missing.Count == 1 ? "a relation" : $"{missing.Count} relations")} of the --state run ({State!.Path}) that do{(missing.Count == 1 ? "es" : "")} not exist: " +
            string.Join("; ", missing.Select(kv => $"{kv.Value} ({kv.Key}) in {Where(kv.Value)}")) +
            ". Build production first, or point --state at the artifacts of the run that built them");
    }

    /// <summary>--defer for commands that only compile: where refs to unselected models go (not checked against the database).</summary>
    public IReadOnlyDictionary<string, RelationName>? DeferredFor(IEnumerable<Node> selected) =>
        Defer() is { } defer ? Planner.Deferred(Manifest, selected.Select(n => n.UniqueId).ToHashSet(StringComparer.Ordinal), defer with { CheckRead = null }) : null;

    /// <summary>Writes target/manifest.json, with the compiled code of the nodes compiled in this command; returns the key it is noted with (<see cref="ManifestReuse"/>).</summary>
    public string? WriteManifest(IReadOnlyDictionary<string, string>? compiled = null)
    {
        var (loaded, graph) = (Loaded, Graph);
        return Timed("manifest.json", () =>
        {
            var (reused, key) = ManifestWriter.Write(TargetDir, loaded, graph, compiled ?? new Dictionary<string, string>(), InvocationId, debug: Debug);
            if (reused) Debug("manifest.json: the file of the command before holds the same project: only its metadata were written");
            return key;
        });
    }

    /// <summary>What retry needs to repeat this command; --vars values are left out (they may hold secrets).</summary>
    public JsonObject Args(string which)
    {
        static JsonArray List(IEnumerable<string> items) => new(items.Select(i => (JsonNode)i).ToArray());
        return new JsonObject
        {
            ["which"] = which,
            ["select"] = List(Options.Select),
            ["exclude"] = List(Options.Exclude),
            ["selector"] = Options.Selector,
            ["target"] = Target.Name,
            ["threads"] = Threads,
            ["full_refresh"] = Options.FullRefresh,
            ["empty"] = Options.Empty,
            ["vars"] = List(CliVars.Keys),
        };
    }

    T Flushed<T>(T value)
    {
        foreach (var w in _warnings) _warn(w);
        _warnings.Clear();
        return value;
    }

    public void Dispose()
    {
        // The saved parse is written while the command runs; the next command must find all of it.
        if (_loaded?.Saving is { } saving && saving.GetAwaiter().GetResult() is { } notSaved) Debug($"partial parse: this parse is not saved whole: {notSaved}");
        _prepared?.Dispose();
        _adapter?.Dispose();
    }
}

/// <summary>Parses --vars: a YAML or JSON mapping.</summary>
public static class VarsParser
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
