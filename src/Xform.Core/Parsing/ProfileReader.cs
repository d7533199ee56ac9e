using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>Reads profiles.yml (dbt's shape) and picks the target; values may use <c>{{ env_var('X', 'default') }}</c>.</summary>
public static class ProfileReader
{
    public const string FileName = "profiles.yml";

    /// <summary>--profiles-dir, else XFORM_PROFILES_DIR, else the project dir when it has one, else ~/.xform.</summary>
    public static string ResolveDir(string? profilesDir, string projectDir)
    {
        if (!string.IsNullOrEmpty(profilesDir)) return Path.GetFullPath(profilesDir);
        var fromEnv = Environment.GetEnvironmentVariable("XFORM_PROFILES_DIR");
        if (!string.IsNullOrEmpty(fromEnv)) return Path.GetFullPath(fromEnv);
        if (File.Exists(Path.Combine(projectDir, FileName))) return Path.GetFullPath(projectDir);
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".xform");
    }

    /// <param name="profileGiven">the profile was named by --profile, not by the project file</param>
    public static TargetConfig Read(string profilesDir, string profileName, string? targetName, string projectDir, bool profileGiven = false)
    {
        var fullPath = Path.Combine(profilesDir, FileName);
        if (!File.Exists(fullPath))
            throw new XformException(
                $"no {FileName} found in '{profilesDir}' (looked at --profiles-dir, XFORM_PROFILES_DIR, the project dir and ~/.xform)");
        var display = Path.GetRelativePath(projectDir, fullPath);
        if (display.StartsWith("..", StringComparison.Ordinal)) display = fullPath;
        var root = Yaml.LoadFile(fullPath, display)
            ?? throw new XformException($"{FileName} is empty", new SourceLocation(display, 1, 1));
        var profiles = new YamlMap(root, display, FileName);
        var profileNode = profiles.Get(profileName);
        if (profileNode is null)
        {
            var names = profiles.Entries.Select(e => e.Key).Where(k => k != "config").ToList();
            throw new XformException(
                $"profile '{profileName}' (named by {(profileGiven ? "--profile" : "the project file")}) is not in {FileName}." +
                (names.Count > 0 ? $" Profiles there: {string.Join(", ", names)}." : "") +
                Suggestions.DidYouMean(profileName, names),
                profiles.Location);
        }
        var profile = new YamlMap(profileNode, display, $"profile '{profileName}'");
        var outputsNode = profile.Get("outputs")
            ?? throw new XformException($"profile '{profileName}' has no 'outputs'", profile.Location);
        var outputs = new YamlMap(outputsNode, display, $"outputs of profile '{profileName}'");
        var name = targetName ?? profile.String("target") ?? "dev";
        var outputNode = outputs.Get(name);
        if (outputNode is null)
        {
            var names = outputs.Entries.Select(e => e.Key).ToList();
            throw new XformException(
                $"target '{name}' is not an output of profile '{profileName}'. Targets there: {string.Join(", ", names)}." +
                Suggestions.DidYouMean(name, names),
                targetName is null ? (profile.Get("target")?.At(display) ?? profile.Location) : outputs.Location);
        }
        var output = new YamlMap(outputNode, display, $"target '{name}'");
        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var (key, value, _) in output.Entries)
        {
            settings[key] = RenderEnvVars(Yaml.ToValue(value), value, display);
            locations[key] = value.At(display);
        }

        string Setting(string key) => settings.TryGetValue(key, out var v) && v is not null
            ? Convert.ToString(v, CultureInfo.InvariantCulture) ?? "" : "";
        var type = Setting("type");
        if (type.Length == 0) throw new XformException($"target '{name}' needs 'type' (duckdb, postgres or snowflake)", output.Location);
        var threads = 1;
        if (settings.TryGetValue("threads", out var t) && t is not null &&
            (!int.TryParse(Convert.ToString(t, CultureInfo.InvariantCulture), out threads) || threads < 1))
            throw new XformException($"'threads' of target '{name}' must be a whole number of at least 1, not '{Convert.ToString(t, CultureInfo.InvariantCulture)}'", output.Get("threads")!.At(display));
        var schema = Setting("schema");
        if (schema.Length == 0) schema = type == "duckdb" ? "main" : "public";
        var database = Setting("database");
        if (database.Length == 0) database = Setting("dbname");
        if (database.Length == 0 && type == "duckdb") database = DuckDbCatalog(Setting("path"));
        return new TargetConfig(profileName, name, type, schema, database, threads, settings)
        {
            Location = outputs.Entries.First(e => e.Key == name).KeyLocation,
            Locations = locations,
        };
    }

    /// <summary>
    /// Every output of the profile that can be read (an output whose env_var has no value is left out): where --defer looks
    /// for the output that writes the --state run's database.
    /// </summary>
    public static IReadOnlyList<TargetConfig> ReadOutputs(string profilesDir, string profileName, string projectDir)
    {
        var fullPath = Path.Combine(profilesDir, FileName);
        List<string> outputs;
        try
        {
            if (!File.Exists(fullPath) || Yaml.LoadFile(fullPath, FileName) is not { } root) return [];
            outputs = (new YamlMap(root, FileName, FileName).Get(profileName) is { } profile ? new YamlMap(profile, FileName, "profile").Get("outputs") : null) is { } o
                ? new YamlMap(o, FileName, "outputs").Entries.Select(e => e.Key).ToList()
                : [];
        }
        catch (XformException)
        {
            return [];
        }
        var result = new List<TargetConfig>();
        foreach (var name in outputs)
        {
            try
            {
                result.Add(Read(profilesDir, profileName, name, projectDir));
            }
            catch (XformException)
            {
                // not this one: its settings need values this machine does not have
            }
        }
        return result;
    }

    /// <summary>
    /// DuckDB names a database's catalog after the file's stem (<c>memory</c> in memory), and dbt-duckdb takes it as the
    /// target's database, so <c>target.database</c> and the manifest's databases are never empty.
    /// </summary>
    public static string DuckDbCatalog(string path) =>
        path is "" or ":memory:" ? "memory" : Path.GetFileNameWithoutExtension(path.Split('?')[0]) is { Length: > 0 } stem ? stem : "memory";

    /// <summary>A YAML value rendered as dbt renders profiles.yml and packages.yml: <c>env_var</c> and dbt's context, no project.</summary>
    internal static object? RenderEnvVars(object? value, YamlValue node, string file)
    {
        if (value is not string s || !s.Contains("{{", StringComparison.Ordinal)) return value;
        var engine = ProfileTemplates.Engine;
        var location = node.At(file);
        var template = engine.Parse(new TemplateSource(file, s));
        var globals = new Dictionary<string, object?> { ["env_var"] = (HostFunction)EnvVar.Call };
        DbtContext.AddTo(globals);
        try
        {
            return engine.Render(template, globals);
        }
        catch (XformException e)
        {
            // The template is one YAML scalar: point at the scalar, not at a position inside it.
            throw new XformException(e.Message, location);
        }
    }

    static class ProfileTemplates
    {
        public static readonly TemplateEngine Engine = new([], [], "profile");
    }
}
