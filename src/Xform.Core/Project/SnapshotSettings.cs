using System.Collections;
using System.Globalization;
using Xform.Core.Diagnostics;

namespace Xform.Core.Project;

/// <summary>
/// A snapshot's configs: how rows are identified, how a change is detected, what a deleted row does, what its
/// metadata columns are called (<c>snapshot_meta_column_names</c>) and what <c>dbt_valid_to</c> holds for a current
/// row (<c>dbt_valid_to_current</c>, an SQL expression; null by default).
/// </summary>
public sealed record SnapshotSettings(IReadOnlyList<string> UniqueKey, string Strategy, string? UpdatedAt, IReadOnlyList<string> CheckCols,
    string HardDeletes, SnapshotMetaColumns Columns, string? ValidToCurrent)
{
    static readonly string[] HardDeleteModes = ["ignore", "invalidate", "new_record"];
    static readonly string[] SnapshotKeys = ["unique_key", "strategy", "updated_at", "check_cols", "hard_deletes", "target_schema", "schema"];

    public static SnapshotSettings Of(Node node)
    {
        var config = node.Config;
        var keys = config.GetStrings("unique_key");
        // A missing key is reported at the snapshot's other configs (where it belongs), a wrong or incomplete one where it was set.
        if (keys.Count == 0) throw BuildSettings.Missing(node, $"snapshot '{node.Name}' needs unique_key", SnapshotKeys);
        var strategy = config.GetString("strategy") ?? throw BuildSettings.Missing(node, $"snapshot '{node.Name}' needs strategy: timestamp or check", SnapshotKeys);
        var hardDeletes = config.GetString("hard_deletes") ?? (config.GetBool("invalidate_hard_deletes", false) ? "invalidate" : "ignore");
        if (!HardDeleteModes.Contains(hardDeletes))
            throw BuildSettings.Error(node, "hard_deletes", $"hard_deletes of snapshot '{node.Name}' must be ignore, invalidate or new_record, not '{hardDeletes}'");
        var columns = SnapshotMetaColumns.Of(node);
        var validToCurrent = config.TryGetValue("dbt_valid_to_current", out var current) && current is not null
            ? current is string text && text.Trim() is { Length: > 0 } expression ? expression
                : throw BuildSettings.Error(node, "dbt_valid_to_current",
                    $"dbt_valid_to_current of snapshot '{node.Name}' must be an SQL expression such as \"to_date('9999-12-31')\" (text, not empty)")
            : null;
        switch (strategy)
        {
            case "timestamp":
                var updatedAt = config.GetString("updated_at")
                    ?? throw BuildSettings.Error(node, "strategy", $"snapshot '{node.Name}' with strategy timestamp needs updated_at");
                return new SnapshotSettings(keys, strategy, updatedAt, [], hardDeletes, columns, validToCurrent);
            case "check":
                var checkCols = config.GetStrings("check_cols");
                if (checkCols.Count == 0)
                    throw BuildSettings.Error(node, "strategy", $"snapshot '{node.Name}' with strategy check needs check_cols (a list, or 'all')");
                return new SnapshotSettings(keys, strategy, null, checkCols, hardDeletes, columns, validToCurrent);
            default:
                throw BuildSettings.Error(node, "strategy", $"strategy of snapshot '{node.Name}' must be timestamp or check, not '{strategy}'");
        }
    }
}

/// <summary>The names of a snapshot's metadata columns: dbt's defaults, or those <c>snapshot_meta_column_names</c> sets.</summary>
public sealed record SnapshotMetaColumns(string ScdId, string UpdatedAt, string ValidFrom, string ValidTo, string IsDeleted)
{
    public static readonly SnapshotMetaColumns Default = new("dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to", "dbt_is_deleted");

    static readonly string[] Keys = ["dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to", "dbt_is_deleted"];

    public IReadOnlyList<string> All => [ScdId, UpdatedAt, ValidFrom, ValidTo, IsDeleted];

    /// <summary>The names <paramref name="node"/>'s config gives; a key dbt does not have, or a name that is not text, is an error at its line.</summary>
    public static SnapshotMetaColumns Of(Node node)
    {
        const string key = "snapshot_meta_column_names";
        if (!node.Config.TryGetValue(key, out var value) || value is null) return Default;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, v) in Entries(value) ?? throw BuildSettings.Error(node, key, $"{key} of snapshot '{node.Name}' must be a mapping such as {{dbt_valid_to: valid_to}}"))
        {
            if (!Keys.Contains(name))
                throw BuildSettings.Error(node, key,
                    $"{key} of snapshot '{node.Name}' has '{name}', which is not a metadata column; known: {string.Join(", ", Keys)}.{Suggestions.DidYouMean(name, Keys)}");
            if (v is null) continue;
            if (v is not string text || text.Trim().Length == 0)
                throw BuildSettings.Error(node, key, $"{key}.{name} of snapshot '{node.Name}' must be a column name");
            names[name] = text.Trim();
        }
        string Name(string k) => names.GetValueOrDefault(k) ?? k;
        var columns = new SnapshotMetaColumns(Name("dbt_scd_id"), Name("dbt_updated_at"), Name("dbt_valid_from"), Name("dbt_valid_to"), Name("dbt_is_deleted"));
        if (columns.All.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw BuildSettings.Error(node, key, $"{key} of snapshot '{node.Name}' names two metadata columns '{twice.Key}'");
        return columns;
    }

    static IEnumerable<(string, object?)>? Entries(object value) => value switch
    {
        IReadOnlyDictionary<string, object?> d => d.Select(kv => (kv.Key, kv.Value)),
        IDictionary d => d.Keys.Cast<object>().Select(k => (Convert.ToString(k, CultureInfo.InvariantCulture) ?? "", d[k])),
        _ => null,
    };
}
