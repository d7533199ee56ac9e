using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Insights;

/// <summary>
/// Where the page's data comes from: the project's target, through its adapter, read-only where the
/// engine allows it (DuckDB opens the file with access_mode READ_ONLY; PostgreSQL sessions are set
/// read only). Every <see cref="Load"/> opens the target and closes it again, so a server does not hold
/// the DuckDB file between requests and <c>xform build</c> can run while the page is served.
/// </summary>
public sealed class InsightsSource(
    TargetConfig target, ProjectConfig project, string projectDir, IReadOnlyDictionary<string, object?> vars,
    AdapterFactory createAdapter, Action<string> log, string? targetDir = null)
{
    Dictionary<string, string>? _relations;

    public string Describe() => $"{target.Type} target '{target.Name}'";

    public InsightsData Load()
    {
        if (_relations is null)
        {
            // The project is parsed before the database is opened: a project without the marts hears that, not "build first".
            using var parsing = createAdapter(target, project.RootDir);
            _relations = ResolveRelations(parsing);
        }
        var relations = _relations;
        using var adapter = createAdapter(ReadOnlyTarget(target, project.RootDir), project.RootDir);
        return InsightsLoader.Load(adapter, model => relations[model]) with
        {
            Currency = Currency(vars, project),
            Warnings = BuildHealth.Check(targetDir ?? Path.Combine(project.RootDir, project.TargetPath), project.RootDir, RawDataPath()),
        };
    }

    /// <summary>The raw POS file or folder (the var raw_transactions_path), or null when the project names none.</summary>
    string? RawDataPath()
    {
        var value = vars.TryGetValue("raw_transactions_path", out var cli) ? cli
            : project.Vars.TryGetValue("raw_transactions_path", out var own) ? own : null;
        return value is string { Length: > 0 } path ? Path.GetFullPath(Path.Combine(project.RootDir, path)) : null;
    }

    /// <summary>
    /// The var <c>currency</c>: --vars first, then project.yml's vars (global, then scoped to the project),
    /// else GBP. An ISO 4217 code, since the browser formats amounts with it.
    /// </summary>
    public static string Currency(IReadOnlyDictionary<string, object?> cliVars, ProjectConfig project)
    {
        object? value = null;
        if (cliVars.TryGetValue("currency", out var cli)) value = cli;
        else if (project.Vars.TryGetValue("currency", out var global)) value = global;
        else if (project.Vars.TryGetValue(project.Name, out var scoped) && scoped is IReadOnlyDictionary<string, object?> own &&
                 own.TryGetValue("currency", out var inProject)) value = inProject;
        if (value is null) return InsightsData.DefaultCurrency;
        var code = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)?.Trim() ?? "";
        if (code.Length != 3 || !code.All(char.IsAsciiLetter))
            throw new XformException($"the var 'currency' must be a three-letter ISO 4217 code such as GBP or EUR, not '{code}'");
        return code.ToUpperInvariant();
    }

    /// <summary>The marts' relations as the project configures them (schema, alias), from the parsed project.</summary>
    Dictionary<string, string> ResolveRelations(IAdapter adapter)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Manifest? manifest = null;
        try
        {
            manifest = ProjectLoader.Load(new LoadOptions(projectDir, target, vars, adapter.Macros, adapter.Quote, _ => { }), project, []).Manifest;
        }
        catch (XformException e)
        {
            log($"could not parse the project ({e.Message}); reading the marts from schema '{target.Schema}'");
        }
        if (manifest is not null)
        {
            var models = manifest.Nodes.Values.Where(n => n.ResourceType == ResourceType.Model).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            var missing = InsightsData.Marts.Where(m => !models.Contains(m)).ToList();
            if (missing.Count == InsightsData.Marts.Length)
                throw new XformException(
                    $"this project has none of the retail marts the insights page draws ({string.Join(", ", InsightsData.Marts)}); 'xform insights' is for the retail customer-analytics project");
            if (missing.Count > 0)
                throw new XformException($"this project lacks the retail marts {string.Join(", ", missing)}, which the insights page draws");
        }
        foreach (var model in InsightsData.Sources)
        {
            var node = manifest?.Nodes.Values.FirstOrDefault(n => n.ResourceType == ResourceType.Model && n.Name == model);
            result[model] = (node?.Relation ?? new RelationName(null, target.Schema, model)).Render(adapter.Quote);
        }
        return result;
    }

    /// <summary>
    /// The target as the page opens it: a DuckDB file read-only (many readers may share it), and an error
    /// that says what to do when the file is not there yet. Other engines as configured.
    /// </summary>
    public static TargetConfig ReadOnlyTarget(TargetConfig target, string projectRoot)
    {
        if (target.Type != "duckdb") return target;
        var path = target.Get("path");
        if (path is null or "" or ":memory:") return target;
        var full = Path.GetFullPath(Path.Combine(projectRoot, path));
        if (!File.Exists(full))
            throw new XformException($"there is no DuckDB database at '{path}' yet: run 'xform build' first, then open the insights page");
        if (path.Contains("access_mode", StringComparison.OrdinalIgnoreCase)) return target;
        var settings = new Dictionary<string, object?>(target.Settings, StringComparer.Ordinal)
        {
            // The adapter passes the path into the connection string; DuckDB reads further options from it.
            ["path"] = path + ";access_mode=READ_ONLY",
        };
        return target with { Settings = settings };
    }
}
