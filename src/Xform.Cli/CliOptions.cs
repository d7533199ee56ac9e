using System.CommandLine;

namespace Xform.Cli;

/// <summary>The options dbt users expect, shared by the commands that take them.</summary>
static class CliOptions
{
    public static readonly Option<string> ProjectDir = new("--project-dir") { Description = "Folder with project.yml (default: the current folder)", Recursive = true };
    public static readonly Option<string?> ProfilesDir = new("--profiles-dir") { Description = "Folder with profiles.yml (default: XFORM_PROFILES_DIR, the project folder, ~/.xform)", Recursive = true };
    public static readonly Option<string?> Target = new("--target", "-t") { Description = "Target (profile output) to use", Recursive = true };
    public static readonly Option<string?> Vars = new("--vars") { Description = "Variables as YAML or JSON, e.g. '{snapshot_date: 2011-12-10}'", Recursive = true };
    public static readonly Option<int?> Threads = new("--threads") { Description = "How many nodes to build at once", Recursive = true };
    public static readonly Option<string[]> Select = new("--select", "-s", "--models", "-m") { Description = "Nodes to include (dbt selector syntax)", AllowMultipleArgumentsPerToken = true, Recursive = true };
    public static readonly Option<string[]> Exclude = new("--exclude") { Description = "Nodes to leave out", AllowMultipleArgumentsPerToken = true, Recursive = true };
    public static readonly Option<bool> FullRefresh = new("--full-refresh") { Description = "Rebuild incremental models and seeds from scratch", Recursive = true };
    public static readonly Option<DateTime?> EventTimeStart = new("--event-time-start") { Description = "Microbatch models: first event time to (re)build, e.g. 2024-01-01" };
    public static readonly Option<DateTime?> EventTimeEnd = new("--event-time-end") { Description = "Microbatch models: end of the window (exclusive; default now)" };
    public static readonly Option<int?> LockTimeout = new("--lock-timeout") { Description = "Seconds to wait for another xform run on the same schemas (PostgreSQL; default 600; 0: fail at once)" };
    public static readonly Option<bool> FailFast = new("--fail-fast", "-x") { Description = "Stop at the first failure", Recursive = true };
    public static readonly Option<string?> State = new("--state") { Description = "Folder with a previous run's manifest.json, for state: selectors and --defer", Recursive = true };
    public static readonly Option<bool> Defer = new("--defer") { Description = "Read unselected models that this target lacks from the --state run's relations", Recursive = true };
    public static readonly Option<bool> FavorState = new("--favor-state") { Description = "With --defer: use the --state relations even where this target has its own", Recursive = true };
    public static readonly Option<string?> TargetPath = new("--target-path") { Description = "Where artifacts go (default: target-path of the project)", Recursive = true };
    public static readonly Option<string> LogFormat = new("--log-format") { Description = "text or json", DefaultValueFactory = _ => "text", Recursive = true };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print errors only", Recursive = true };
    public static readonly Option<bool> NoColor = new("--no-color") { Description = "No ANSI colours", Recursive = true };
    public static readonly Option<bool> Debug = new("--debug", "-d") { Description = "Show stack traces of internal errors", Recursive = true };

    static CliOptions()
    {
        LogFormat.AcceptOnlyFromAmong("text", "json");
    }

    public static IEnumerable<Option> Global => [ProjectDir, ProfilesDir, Target, Vars, Threads, TargetPath, State, Defer, FavorState, LogFormat, Quiet, NoColor, Debug];
}
