using Xform.Core.Diagnostics;

namespace Xform.Core.Project;

/// <summary>The node config keys xform knows: those it uses and those dbt accepts that xform does not use yet.</summary>
public static class ConfigKeys
{
    public static readonly IReadOnlySet<string> Used = new HashSet<string>(StringComparer.Ordinal)
    {
        "enabled", "materialized", "schema", "database", "alias", "tags", "meta", "pre-hook", "post-hook",
        "pre_hook", "post_hook", "full_refresh", "unique_key", "incremental_strategy", "on_schema_change",
        "partition_by", "incremental_predicates", "merge_update_columns", "merge_exclude_columns", "event_time",
        "batch_size", "begin", "lookback", "column_types", "delimiter", "quote_columns", "severity", "warn_if",
        "error_if", "where", "limit", "store_failures", "fail_calc", "strategy", "updated_at", "check_cols",
        "hard_deletes", "invalidate_hard_deletes", "target_schema", "target_database", "snapshot_meta_column_names", "dbt_valid_to_current", "external_location", "external_options", "csv_options", "loaded_at_field", "freshness",
        "access", "group", "contract", "persist_docs", "store_failures_as", "grants", "copy_grants", "query_tag", "sql_header",
    };

    /// <summary>Accepted for dbt compatibility with one warning each; no effect in xform yet.</summary>
    public static readonly IReadOnlySet<string> AcceptedUnused = new HashSet<string>(StringComparer.Ordinal)
    {
        "docs", "cluster_by", "transient",
        "quoting", "snowflake_warehouse", "indexes", "unlogged",
        "packages", "docs_blocks",
        "labels", "file_format", "location_root", "on_configuration_change", "auto_refresh",
    };

    public static bool IsKnown(string key) => Used.Contains(key) || AcceptedUnused.Contains(key);

    /// <summary>
    /// dbt accepts any config key (a project may read its own through <c>config.get</c>), and so does xform: a
    /// name one typo away from a key xform knows is a warning naming that key; a name dbt accepts that xform does
    /// not use yet is a warning too (when <paramref name="warnings"/> collects them).
    /// </summary>
    public static void Check(string name, string? where, Diagnostics.SourceLocation at, ICollection<Diagnostics.Warning>? warnings)
    {
        if (warnings is null) return;
        if (AcceptedUnused.Contains(name))
            warnings.Add(new Diagnostics.Warning($"config '{name}' is accepted but not used by xform yet", at));
        else if (!Used.Contains(name) && Typo(name) is { } known)
            warnings.Add(new Diagnostics.Warning(
                $"config '{name}'{(where is null ? "" : $" in {where}")} is not one xform knows, kept as a custom config. Did you mean '{known}'?", at));
    }

    /// <summary>The known key <paramref name="name"/> is one edit (or one swap of neighbours) away from, if any.</summary>
    static string? Typo(string name) =>
        name.Length < 4 ? null : Used.Concat(AcceptedUnused).Where(k => Diagnostics.Suggestions.Distance(name, k) == 1 || IsSwap(name, k)).Order(StringComparer.Ordinal).FirstOrDefault();

    static bool IsSwap(string a, string b)
    {
        if (a.Length != b.Length) return false;
        var diff = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToList();
        return diff.Count == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]];
    }

    /// <summary>Keys whose values accumulate down the folder tree instead of being replaced.</summary>
    public static bool IsAdditive(string key) => key is "tags" or "meta" or "pre-hook" or "post-hook";
}
