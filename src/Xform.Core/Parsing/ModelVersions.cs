using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>One entry of a model's <c>versions:</c>: its <c>v</c>, the file defining it, and what it overrides.</summary>
public sealed record VersionPatch(string V, string File, ConfigValues Config, IReadOnlyList<ColumnInfo> Columns,
    string? Description, string? DeprecationDate, IReadOnlyList<object?>? Tests, SourceLocation Location);

/// <summary>
/// dbt's model versions: reading <c>versions:</c> (each version's file, default <c>&lt;model&gt;_v&lt;v&gt;</c>; its
/// columns, the model's filtered by <c>include</c>/<c>exclude</c> plus its own) and ordering versions (numbers as
/// numbers, else as text), which decides the default <c>latest_version</c>.
/// </summary>
public static class ModelVersions
{
    static readonly string[] VersionKeys = ["v", "defined_in", "columns", "config", "description", "deprecation_date", "tests", "data_tests", "docs", "meta", "tags"];
    static readonly string[] VersionUnused = ["constraints", "access", "group"];

    internal static IReadOnlyList<VersionPatch> Read(YamlMap model, string name, IReadOnlyList<ColumnInfo> modelColumns, ICollection<Warning> warnings,
        Func<YamlValue?, string, string, ConfigValues> config, Func<IEnumerable<YamlMap>, IReadOnlyList<ColumnInfo>> columns, Func<YamlMap, IReadOnlyList<object?>> tests)
    {
        var result = new List<VersionPatch>();
        foreach (var entry in model.Maps("versions", $"a version of model '{name}'"))
        {
            var what = $"a version of model '{name}'";
            entry.CheckKeys(what, VersionKeys, VersionUnused, warnings);
            var v = entry.RequiredString("v", what);
            if (result.FirstOrDefault(r => r.V == v) is { } twice)
                throw new XformException($"model '{name}' declares version {v} twice (first at {twice.Location})", entry.Location);
            var own = Columns(entry, modelColumns, columns);
            var cfg = config(entry.Get("config"), model.File, $"config of model '{name}' version {v}");
            var hasTests = entry.Get("data_tests") is not null || entry.Get("tests") is not null;
            result.Add(new VersionPatch(v, entry.String("defined_in") ?? $"{name}_v{v}", cfg, own, entry.String("description"),
                entry.String("deprecation_date"), hasTests ? tests(entry) : null, entry.Location));
        }
        return result;
    }

    /// <summary>The model's columns kept by the version's <c>include</c>/<c>exclude</c> entry (all by default), then the version's own.</summary>
    static IReadOnlyList<ColumnInfo> Columns(YamlMap version, IReadOnlyList<ColumnInfo> modelColumns, Func<IEnumerable<YamlMap>, IReadOnlyList<ColumnInfo>> read)
    {
        var v = version.Get("columns");
        if (v is null) return modelColumns;
        if (v is not YamlSequence seq) throw new XformException("'columns' must be a list", v.At(version.File));
        IReadOnlyList<string>? include = null;
        IReadOnlyList<string> exclude = [];
        var named = new List<YamlValue>();
        foreach (var item in seq.Items)
        {
            var map = new YamlMap(item, version.File, "a column");
            if (map.Get("name") is not null)
            {
                named.Add(item);
                continue;
            }
            map.CheckKeys("the include/exclude entry of a version's columns", ["include", "exclude"], [], []);
            var inc = map.Strings("include", ["all"]);
            include = inc is ["all"] or ["*"] ? null : inc;
            exclude = map.Strings("exclude", []);
            if (include is not null && exclude.Count > 0)
                throw new XformException("'exclude' goes with 'include: all' (or '*'), not with a list of columns to include", map.Location);
        }
        var own = read(named.Select(n => new YamlMap(n, version.File, "a column")));
        var kept = modelColumns.Where(c => (include is null || include.Contains(c.Name)) && !exclude.Contains(c.Name) && own.All(o => o.Name != c.Name));
        return kept.Concat(own).ToList();
    }

    /// <summary>dbt's ordering of versions: numerically when both are numbers, else as text.</summary>
    public static int Compare(string a, string b) =>
        double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y)
            : string.CompareOrdinal(a, b);

    /// <summary>The latest version: <c>latest_version</c> when given (it must be one of the versions), else the highest.</summary>
    public static string Latest(NodePatch patch)
    {
        if (patch.LatestVersion is { } latest)
            return patch.Versions.Any(v => v.V == latest) ? latest
                : throw new XformException($"latest_version {latest} of model '{patch.Name}' is not one of its versions ({string.Join(", ", patch.Versions.Select(v => v.V))})",
                    patch.Location);
        return patch.Versions.Select(v => v.V).Aggregate((a, b) => Compare(a, b) >= 0 ? a : b);
    }
}
