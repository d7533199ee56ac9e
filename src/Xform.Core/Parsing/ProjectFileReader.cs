using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>Reads project.yml, or dbt_project.yml when that is the only one.</summary>
public static class ProjectFileReader
{
    static readonly string[] Known =
    [
        "name", "version", "profile", "config-version", "model-paths", "seed-paths", "macro-paths", "test-paths",
        "snapshot-paths", "target-path", "clean-targets", "vars", "models", "seeds", "tests", "data_tests", "sources",
        "snapshots", "packages-install-path", "dispatch", "on-run-start", "on-run-end", "analysis-paths", "query-comment",
    ];

    static readonly string[] AcceptedUnused =
    [
        "require-dbt-version", "docs-paths", "asset-paths", "log-path",
        "quoting", "flags", "restrict-access",
        "exposures", "metrics", "semantic-models", "saved-queries", "unit_tests", "dbt-cloud",
    ];

    public static string Locate(string projectDir)
    {
        foreach (var name in new[] { "project.yml", "dbt_project.yml" })
        {
            var path = Path.Combine(projectDir, name);
            if (File.Exists(path)) return path;
        }
        throw new XformException(
            $"no project.yml (or dbt_project.yml) in '{projectDir}'; run 'xform init' to start a project or pass --project-dir");
    }

    /// <param name="shownAs">the file's folder as errors name it (an installed package: <c>dbt_packages/dbt_utils/</c>)</param>
    /// <param name="isPackage">an installed package: keys xform does not know are ignored, not errors (the package is not the user's code)</param>
    public static ProjectConfig Read(string projectDir, ICollection<Warning> warnings, string shownAs = "", bool isPackage = false)
    {
        var fullPath = Locate(projectDir);
        var file = shownAs + Path.GetFileName(fullPath);
        var root = Yaml.LoadFile(fullPath, file)
            ?? throw new XformException("the project file is empty; it needs at least 'name'", new SourceLocation(file, 1, 1));
        var map = new YamlMap(root, file, file);
        if (!isPackage) map.CheckKeys(file, Known, AcceptedUnused, warnings);

        var name = map.Text("name") is { Length: > 0 } n ? n : throw new XformException("the project file needs 'name'", map.Location);
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z_][A-Za-z0-9_]*$"))
            throw new XformException($"project name '{name}' must be letters, digits and underscores, not starting with a digit",
                map.Get("name")!.At(file));

        var vars = map.Get("vars") is { } v
            ? Yaml.ToValue(v) as IReadOnlyDictionary<string, object?>
              ?? throw new XformException("'vars' must be a mapping of names to values", v.At(file))
            : new Dictionary<string, object?>();

        ConfigScope Scope(string key) =>
            map.Get(key) is { } n ? ConfigScope.Read(n, file, $"'{key}' of {file}", warnings) : ConfigScope.Empty;

        CheckUnread(map);
        // As dbt: 'data_tests' unless it is empty, and an error when both say something.
        var (dataTests, oldTests) = (Scope("data_tests"), Scope("tests"));
        if (!dataTests.IsEmpty && !oldTests.IsEmpty)
            throw new XformException("the project file sets both 'tests' and 'data_tests'; keep 'data_tests' (dbt's newer name)", map.Get("data_tests")!.At(file));
        var tests = dataTests.IsEmpty ? oldTests : dataTests;
        var targetPath = map.Text("target-path") ?? "target";
        return new ProjectConfig(
            Name: name,
            RootDir: Path.GetFullPath(projectDir),
            FilePath: file,
            ProfileName: map.Text("profile") ?? name,
            ModelPaths: map.TextList("model-paths", ["models"]),
            SeedPaths: map.TextList("seed-paths", ["seeds"]),
            MacroPaths: map.TextList("macro-paths", ["macros"]),
            TestPaths: map.TextList("test-paths", ["tests"]),
            SnapshotPaths: map.TextList("snapshot-paths", ["snapshots"]),
            TargetPath: targetPath,
            CleanTargets: map.TextList("clean-targets", [targetPath]),
            Vars: vars,
            Models: Scope("models"),
            Seeds: Scope("seeds"),
            Tests: tests,
            Sources: Scope("sources"),
            Snapshots: Scope("snapshots"))
        {
            PackagesInstallPath = map.Text("packages-install-path") ?? "dbt_packages",
            AnalysisPaths = map.TextList("analysis-paths", ["analyses"]),
            Dispatch = Dispatch(map),
            OnRunStart = RunHooks(map, "on-run-start"),
            OnRunEnd = RunHooks(map, "on-run-end"),
            QueryComment = QueryComment(map),
        };
    }

    /// <summary>
    /// <c>query-comment</c>: a string (the comment's template; null or empty turns comments off) or a mapping with
    /// <c>comment</c>, <c>append</c> and <c>job-label</c>, as dbt reads it.
    /// </summary>
    static QueryCommentSetting QueryComment(YamlMap map)
    {
        const string key = "query-comment";
        // null (as '') turns comments off; only a project file without the key gets dbt's default
        if (map.Entries.FirstOrDefault(e => e.Key == key) is not { Value: { } node }) return QueryCommentSetting.Default;
        var at = node.At(map.File);
        if (Yaml.IsNull(node)) return new QueryCommentSetting("", null, false, at);
        if (node is YamlScalar) return new QueryCommentSetting(Convert.ToString(Yaml.ToValue(node), System.Globalization.CultureInfo.InvariantCulture) ?? "", null, false, at);
        if (node is not YamlMapping) throw new XformException($"'{key}' must be a comment (text) or a mapping with comment, append and job-label, not {Yaml.Describe(node)}", at);
        var settings = new YamlMap(node, map.File, $"'{key}'");
        settings.CheckKeys($"'{key}'", ["comment", "append", "job-label"], [], []);
        bool? Flag(string name) => settings.Get(name) is not { } v || Yaml.IsNull(v) ? null
            : NodeConfig.AsBool(Yaml.ToValue(v)) ?? throw new XformException($"'{name}' of '{key}' must be true or false, not {Yaml.Describe(v)}", v.At(map.File));
        string? comment = settings.Entries.FirstOrDefault(e => e.Key == "comment") is not { Value: { } c } ? null
            : Yaml.IsNull(c) ? "" : c is YamlScalar ? Convert.ToString(Yaml.ToValue(c), System.Globalization.CultureInfo.InvariantCulture) ?? ""
            : throw new XformException($"'comment' of '{key}' must be text, not {Yaml.Describe(c)}", c.At(map.File));
        return new QueryCommentSetting(comment, Flag("append"), Flag("job-label") ?? false, at);
    }

    /// <summary><c>on-run-start</c> / <c>on-run-end</c>: a SQL template or a list of them, rendered when the run reaches them.</summary>
    static IReadOnlyList<HookConfig> RunHooks(YamlMap map, string key)
    {
        if (map.Get(key) is not { } node) return [];
        var value = Yaml.ToValue(node);
        if (value is not (string or System.Collections.IEnumerable) || value is IReadOnlyDictionary<string, object?>)
            throw new XformException($"'{key}' must be a SQL statement or a list of them, not {Yaml.Describe(node)}", node.At(map.File));
        return HookConfig.Read(value).Where(h => !string.IsNullOrWhiteSpace(h.Sql)).ToList();
    }

    /// <summary>The types dbt's schema gives the keys xform reads no value from: <c>version</c> and <c>config-version</c>.</summary>
    static void CheckUnread(YamlMap map)
    {
        if (map.Get("version") is { } version && (version is not YamlScalar || Yaml.ToValue(version) is bool))
            throw new XformException($"'version' must be a version such as '1.0.0', not {Yaml.Describe(version)}", version.At(map.File));
        if (map.Get("config-version") is { } configVersion && Yaml.ToValue(configVersion) is not long)
            throw new XformException($"'config-version' must be a whole number (2), not {Yaml.Describe(configVersion)}", configVersion.At(map.File));
    }

    /// <summary><c>dispatch: [{macro_namespace: dbt_utils, search_order: [my_project, dbt_utils]}]</c>.</summary>
    static Dictionary<string, IReadOnlyList<string>> Dispatch(YamlMap map)
    {
        var order = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in map.Maps("dispatch", "an entry of 'dispatch'"))
        {
            var ns = entry.RequiredString("macro_namespace", "an entry of 'dispatch'");
            var search = entry.TextList("search_order", []);
            if (search.Count == 0) throw new XformException($"the dispatch entry for '{ns}' needs 'search_order', a list of packages", entry.Location);
            order[ns] = search;
        }
        return order;
    }
}
