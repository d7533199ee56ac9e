using System.CommandLine;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Tasks;

namespace Xform.Cli;

/// <summary>
/// A command's parsed command line and its output, with the <see cref="Workspace"/> the tasks work on
/// (project, target, adapter, graph), built lazily from the options.
/// </summary>
sealed class CommandContext : IDisposable
{
    readonly ParseResult _parse;

    public CommandContext(ParseResult parse, Output output)
    {
        _parse = parse;
        Output = output;
        Workspace = new Workspace(Options(parse), CreateAdapter, w => output.Warn(w.ToString()), message => output.Info(message), output.Statement);
    }

    static TaskOptions Options(ParseResult parse) => new()
    {
        ProjectDir = parse.GetValue(CliOptions.ProjectDir) ?? ".",
        ProfilesDir = parse.GetValue(CliOptions.ProfilesDir),
        Profile = parse.GetValue(CliOptions.Profile),
        Target = parse.GetValue(CliOptions.Target),
        Vars = parse.GetValue(CliOptions.Vars),
        Threads = parse.GetValue(CliOptions.Threads),
        TargetPath = parse.GetValue(CliOptions.TargetPath),
        Select = parse.GetValue(CliOptions.Select) ?? [],
        Exclude = parse.GetValue(CliOptions.Exclude) ?? [],
        Selector = parse.GetValue(CliOptions.Selector),
        FullRefresh = parse.GetValue(CliOptions.FullRefresh),
        Empty = parse.GetValue(CliOptions.Empty),
        StoreFailures = parse.GetValue(CliOptions.StoreFailures),
        FailFast = parse.GetValue(CliOptions.FailFast),
        LockTimeout = parse.GetValue(CliOptions.LockTimeout) switch
        {
            null => null,
            < 0 => throw new XformException("--lock-timeout must be a number of seconds, 0 or more"),
            var seconds => TimeSpan.FromSeconds(seconds.Value),
        },
        StateDir = parse.GetValue(CliOptions.State),
        Defer = parse.GetValue(CliOptions.Defer),
        FavorState = parse.GetValue(CliOptions.FavorState),
        EventTimeStart = parse.GetValue(CliOptions.EventTimeStart),
        EventTimeEnd = parse.GetValue(CliOptions.EventTimeEnd),
        Command = parse.CommandResult.Command.Name,
        CommandLine = CommandLine(parse),
        LogFormat = parse.GetValue(CliOptions.LogFormat) ?? "text",
        Quiet = parse.GetValue(CliOptions.Quiet),
        Debug = parse.GetValue(CliOptions.Debug),
        UseColors = !parse.GetValue(CliOptions.NoColor),
        PartialParse = !parse.GetValue(CliOptions.NoPartialParse),
    };

    /// <summary>The command line as typed, for flags.INVOCATION_COMMAND; --vars values are left out (they may hold secrets).</summary>
    static string CommandLine(ParseResult parse)
    {
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] == "--vars" && i + 1 < tokens.Count) tokens[++i] = "...";
            else if (tokens[i].StartsWith("--vars=", StringComparison.Ordinal)) tokens[i] = "--vars=...";
        }
        return string.Join(" ", ["xform", .. tokens]);
    }

    public ParseResult ParseResult => _parse;
    public Output Output { get; }
    public Workspace Workspace { get; }

    public T? Get<T>(Option<T> option) => _parse.GetValue(option);

    public static IAdapter CreateAdapter(TargetConfig target, string root) => AdapterRegistry.Create(target, root);

    // The workspace's parts, for the commands that read them directly.
    public string ProjectDir => Workspace.ProjectDir;
    public ProjectConfig Project => Workspace.Project;
    public string TargetDir => Workspace.TargetDir;
    public TargetConfig Target => Workspace.Target;
    public int Threads => Workspace.Threads;
    public IAdapter Adapter => Workspace.Adapter;
    public ExternalRelationRenderer? External => Adapter.External;
    public IReadOnlyDictionary<string, object?> CliVars => Workspace.CliVars;
    public LoadedProject Loaded => Workspace.Loaded;
    public DependencyGraph Graph => Workspace.Graph;
    public Manifest Manifest => Workspace.Manifest;

    public IReadOnlyList<Node> Selected(params ResourceType[] types) => Workspace.Selected(types);

    public void WriteManifest(IReadOnlyDictionary<string, string>? compiled = null) => Workspace.WriteManifest(compiled);

    public void Dispose() => Workspace.Dispose();
}
