using System.Collections;
using Xform.Core.Diagnostics;

namespace Xform.Core.Project;

/// <summary>
/// The value types dbt's config schema gives the configs xform reads, checked where YAML sets them (a folder level of
/// the project file, a <c>config:</c> block), after Jinja in them is rendered, so that <c>+enabled: maybe</c> is an
/// error at its line instead of a silently disabled folder. Checked for every node, enabled or not, as dbt validates.
/// Only the shapes dbt itself rejects are errors; a key not listed here may hold anything.
/// </summary>
public static class ConfigTypes
{
    /// <summary>Booleans, as <see cref="NodeConfig.AsBool"/> reads them.</summary>
    static readonly HashSet<string> Booleans = new(StringComparer.Ordinal)
    {
        "enabled", "full_refresh", "quote_columns", "store_failures", "invalidate_hard_deletes",
    };

    /// <summary>Text; dbt's schema rejects a number, a boolean, a list or a mapping.</summary>
    static readonly HashSet<string> Texts = new(StringComparer.Ordinal)
    {
        "materialized", "schema", "database", "alias", "incremental_strategy", "on_schema_change", "strategy", "updated_at",
        "target_schema", "target_database", "delimiter", "severity", "loaded_at_field", "hard_deletes", "fail_calc", "group", "store_failures_as",
        "dbt_valid_to_current",
    };

    /// <summary>One text value or a list of them.</summary>
    static readonly HashSet<string> TextOrList = new(StringComparer.Ordinal)
    {
        "tags", "unique_key", "check_cols", "merge_update_columns", "merge_exclude_columns", "incremental_predicates",
    };

    static readonly HashSet<string> Mappings = new(StringComparer.Ordinal)
    {
        "meta", "column_types", "persist_docs", "docs", "quoting", "grants", "snapshot_meta_column_names",
    };

    static readonly HashSet<string> WholeNumbers = new(StringComparer.Ordinal) { "limit" };

    /// <summary>Every value of <paramref name="values"/>, at the line that set it.</summary>
    public static void Check(ConfigValues values)
    {
        foreach (var (key, value) in values)
            if (Problem(key, value) is { } problem)
                throw new XformException($"config '{key}' {problem}", values.LocationOf(key) ?? SourceLocation.None);
    }

    /// <summary>What is wrong with <paramref name="value"/> for <paramref name="key"/>, or null. Null values unset a config.</summary>
    static string? Problem(string key, object? value)
    {
        if (value is null) return null;
        if (Booleans.Contains(key))
            return NodeConfig.AsBool(value) is null ? $"must be true or false, not {Describe(value)}" : null;
        if (key == "access")
            return value is "private" or "protected" or "public" ? null : $"must be private, protected or public, not {Describe(value)}";
        if (Texts.Contains(key))
            return value is string ? null : $"must be text, not {Describe(value)}";
        if (TextOrList.Contains(key))
            return value switch
            {
                string => null,
                IDictionary or IReadOnlyDictionary<string, object?> => $"must be text or a list of text values, not {Describe(value)}",
                IEnumerable list when list.Cast<object?>().FirstOrDefault(IsCollection) is { } item =>
                    $"must be text or a list of text values; an entry is {Describe(item)}",
                IEnumerable => null,
                _ => $"must be text or a list of text values, not {Describe(value)}",
            };
        if (Mappings.Contains(key))
            return value is IDictionary or IReadOnlyDictionary<string, object?> ? null : $"must be a mapping, not {Describe(value)}";
        if (WholeNumbers.Contains(key))
            return value is long or int ? null : $"must be a whole number, not {Describe(value)}";
        return null;
    }

    static bool IsCollection(object? value) => value is not string && value is IEnumerable;

    static string Describe(object? value) => YamlReading.Yaml.Describe(value);
}
