using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Xform.Core.Diagnostics;

namespace Xform.Cli;

/// <summary>The options dbt users expect, shared by the commands that take them.</summary>
static class CliOptions
{
    public static readonly Option<string> ProjectDir = new("--project-dir") { Description = "Folder with project.yml (default: the current folder)", Recursive = true };
    public static readonly Option<string?> ProfilesDir = new("--profiles-dir") { Description = "Folder with profiles.yml (default: XFORM_PROFILES_DIR, the project folder, ~/.xform)", Recursive = true };
    public static readonly Option<string?> Profile = new("--profile") { Description = "Profile of profiles.yml to use (default: the project file's 'profile')", Recursive = true };
    public static readonly Option<string?> Target = new("--target", "-t") { Description = "Target (profile output) to use", Recursive = true };
    public static readonly Option<string?> Vars = new("--vars") { Description = "Variables as YAML or JSON, e.g. '{snapshot_date: 2011-12-10}'", Recursive = true };
    public static readonly Option<int?> Threads = new("--threads") { Description = "How many nodes to build at once", Recursive = true, CustomParser = WholeNumber };
    public static readonly Option<string[]> Select = new("--select", "-s", "--models", "-m") { Description = "Nodes to include (dbt selector syntax)", AllowMultipleArgumentsPerToken = true, Recursive = true };
    public static readonly Option<string[]> Exclude = new("--exclude") { Description = "Nodes to leave out", AllowMultipleArgumentsPerToken = true, Recursive = true };
    public static readonly Option<string?> Selector = new("--selector") { Description = "A selector of selectors.yml (instead of --select/--exclude)", Recursive = true };
    public static readonly Option<bool> FullRefresh = new("--full-refresh") { Description = "Rebuild incremental models and seeds from scratch", Recursive = true };
    public static readonly Option<DateTime?> EventTimeStart = new("--event-time-start") { Description = "Microbatch models: first event time to (re)build, e.g. 2024-01-01", CustomParser = Timestamp };
    public static readonly Option<DateTime?> EventTimeEnd = new("--event-time-end") { Description = "Microbatch models: end of the window (exclusive; default now)", CustomParser = Timestamp };
    public static readonly Option<int?> LockTimeout = new("--lock-timeout") { Description = "Seconds to wait for another xform run on the same schemas (PostgreSQL; default 600; 0: fail at once)", CustomParser = WholeNumber };
    public static readonly Option<bool> Empty = new("--empty") { Description = "Read every ref() and source() as zero rows (and load seeds empty): build each relation with its columns and no rows" };
    public static readonly Option<bool> StoreFailures = new("--store-failures") { Description = "Keep the failing rows of every data test in a table of the audit schema" };
    public static readonly Option<bool> FailFast = new("--fail-fast", "-x") { Description = "Stop at the first failure", Recursive = true };
    public static readonly Option<string?> State = new("--state") { Description = "Folder with a previous run's manifest.json, for state: selectors and --defer", Recursive = true };
    public static readonly Option<bool> Defer = new("--defer") { Description = "Read unselected models that this target lacks from the --state run's relations", Recursive = true };
    public static readonly Option<bool> FavorState = new("--favor-state") { Description = "With --defer: use the --state relations even where this target has its own", Recursive = true };
    public static readonly Option<string?> TargetPath = new("--target-path") { Description = "Where artifacts go (default: target-path of the project)", Recursive = true };
    public static readonly Option<string> LogFormat = new("--log-format") { Description = "text or json", DefaultValueFactory = _ => "text", Recursive = true };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print errors only", Recursive = true };
    public static readonly Option<bool> NoColor = new("--no-color") { Description = "No ANSI colours", Recursive = true };
    public static readonly Option<bool> NoPartialParse = new("--no-partial-parse") { Description = "Parse every file again instead of reusing the last parse of unchanged ones (target/partial_parse.bin)", Recursive = true };
    public static readonly Option<bool> Debug = new("--debug", "-d") { Description = "Show stack traces of internal errors", Recursive = true };

    static CliOptions()
    {
        OneOf(LogFormat, ["text", "json"]);
    }

    public static IEnumerable<Option> Global => [ProjectDir, ProfilesDir, Profile, Target, Vars, Threads, TargetPath, State, Defer, FavorState, LogFormat, Quiet, NoColor, NoPartialParse, Debug];

    // Typed values are read here, so that a wrong one is named in the user's terms (not as a .NET type) and is
    // reported before the command starts.

    /// <summary>A whole number, for an option of type int or int?.</summary>
    public static int? WholeNumber(ArgumentResult result)
    {
        var text = result.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        result.AddError($"{Name(result)}: '{text}' is not a whole number");
        return null;
    }

    /// <summary>A date or a date and time, read the same way on every machine (no locale).</summary>
    static DateTime? Timestamp(ArgumentResult result)
    {
        var text = result.Tokens[^1].Value;
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var t)) return t;
        result.AddError($"{Name(result)}: '{text}' is not a date or timestamp; write e.g. 2024-01-01 or 2024-01-01T06:00:00");
        return null;
    }

    /// <summary>Only the given values; a wrong one is one line naming them, with the closest.</summary>
    public static void OneOf(Option<string> option, IReadOnlyList<string> allowed)
    {
        option.HelpName = string.Join("|", allowed);
        option.CompletionSources.Add(allowed.ToArray());
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            var value = result.Tokens[^1].Value;
            if (!allowed.Contains(value))
                result.AddError($"{option.Name}: '{value}' is not one of {string.Join(", ", allowed)}{UsageErrors.Sentence(Suggestions.DidYouMean(value, allowed))}");
        });
    }

    static string Name(ArgumentResult result) => result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;
}
