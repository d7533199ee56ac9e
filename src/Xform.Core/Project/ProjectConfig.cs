using Xform.Core.Diagnostics;

namespace Xform.Core.Project;

/// <summary>What project.yml (or dbt_project.yml) says.</summary>
public sealed record ProjectConfig(
    string Name,
    string RootDir,
    string FilePath,
    string ProfileName,
    IReadOnlyList<string> ModelPaths,
    IReadOnlyList<string> SeedPaths,
    IReadOnlyList<string> MacroPaths,
    IReadOnlyList<string> TestPaths,
    IReadOnlyList<string> SnapshotPaths,
    string TargetPath,
    IReadOnlyList<string> CleanTargets,
    IReadOnlyDictionary<string, object?> Vars,
    ConfigScope Models,
    ConfigScope Seeds,
    ConfigScope Tests,
    ConfigScope Sources,
    ConfigScope Snapshots)
{
    /// <summary>Where installed packages live, relative to the project (<c>packages-install-path</c>).</summary>
    public string PackagesInstallPath { get; init; } = "dbt_packages";

    /// <summary>Where analyses live (<c>analysis-paths</c>; dbt's default <c>analyses</c>): compiled, never run.</summary>
    public IReadOnlyList<string> AnalysisPaths { get; init; } = ["analyses"];

    /// <summary>The <c>dispatch:</c> config: macro namespace -> the packages adapter.dispatch searches, in order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Dispatch { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The statements run before the first node of a run, seed, snapshot, build or test (templates).</summary>
    public IReadOnlyList<HookConfig> OnRunStart { get; init; } = [];

    /// <summary>The statements run after the last node; their templates see <c>results</c>, <c>schemas</c> and <c>database_schemas</c>.</summary>
    public IReadOnlyList<HookConfig> OnRunEnd { get; init; } = [];

    /// <summary><c>query-comment</c>: the comment added to every statement sent (dbt's JSON comment when not set).</summary>
    public QueryCommentSetting QueryComment { get; init; } = QueryCommentSetting.Default;
}

/// <summary>
/// <c>query-comment</c> in project.yml: a template rendered with <c>node</c> and <c>target</c> (null: dbt's default JSON
/// comment; empty: no comment), put after the statement when <paramref name="Append"/> (null: the engine's default, after
/// it on Snowflake only). <paramref name="JobLabel"/> is BigQuery's and read by no engine here.
/// </summary>
public sealed record QueryCommentSetting(string? Template, bool? Append, bool JobLabel, SourceLocation? At)
{
    public static readonly QueryCommentSetting Default = new(null, null, false, null);
}

/// <summary>One output of a profile: the connection a command runs against.</summary>
public sealed record TargetConfig(string ProfileName, string Name, string Type, string Schema, string Database, int Threads,
    IReadOnlyDictionary<string, object?> Settings)
{
    static readonly string[] SecretKeys = ["password", "private_key", "passphrase", "token", "secret"];

    /// <summary>Where the output is named in profiles.yml (unknown for a target made in code): connection errors point there.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>Where each setting's value is written, by key.</summary>
    public IReadOnlyDictionary<string, SourceLocation> Locations { get; init; } = new Dictionary<string, SourceLocation>();

    /// <summary>Where <paramref name="key"/> is set, else where the output is: for an error about a setting.</summary>
    public SourceLocation At(string key) => Locations.TryGetValue(key, out var at) ? at : Location;

    /// <summary>
    /// A failure to connect to or authenticate with this output, as a user error located at the output. The message
    /// says what was refused and what to check; it must never hold a secret.
    /// </summary>
    public XformException ConnectionError(string message) => new(message, Location);

    public string? Get(string key) =>
        Settings.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>A key that holds a secret: one that names a password, key, passphrase, token or secret, or is <c>pat</c> or <c>pass</c>
    /// (not <c>path</c>, which merely starts like them).</summary>
    public static bool IsSecret(string key) =>
        key.Equals("pat", StringComparison.OrdinalIgnoreCase) || key.Equals("pass", StringComparison.OrdinalIgnoreCase) ||
        SecretKeys.Any(s => key.Contains(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>Settings safe to print: secrets masked, also inside a mapping (DuckDB's <c>settings</c>) or a list.</summary>
    public IEnumerable<KeyValuePair<string, string>> Describe() =>
        Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new KeyValuePair<string, string>(kv.Key, IsSecret(kv.Key) ? "****" : Shown(kv.Value)));

    static string Shown(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => "{" + string.Join(", ", map.Select(kv => $"{kv.Key}: {(IsSecret(kv.Key) ? "****" : Shown(kv.Value))}")) + "}",
        string text => text,
        IEnumerable<object?> list => "[" + string.Join(", ", list.Select(Shown)) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
