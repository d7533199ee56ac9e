using System.Collections;
using System.Globalization;

namespace Xform.Core.Project;

/// <summary>
/// The <c>grants</c> config: privilege to grantees (<c>{select: ['reporter', 'bi']}</c>), merged down the config layers
/// as dbt merges it: a more specific layer replaces the grantees of the privileges it names and keeps the others, and a
/// privilege key written with '+' (<c>{'+select': ['bi']}</c>) adds to the inherited grantees instead.
/// </summary>
public static class Grants
{
    /// <summary><paramref name="layer"/> on top of the <paramref name="inherited"/> grants; the result's keys carry no '+'.</summary>
    public static object? Merge(object? inherited, object? layer)
    {
        // Not a mapping: kept as written, for the config type check to report at its line.
        if (layer is not IEnumerable<KeyValuePair<string, object?>> entries) return layer;
        var merged = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (inherited is IEnumerable<KeyValuePair<string, object?>> below)
            foreach (var (k, v) in below) merged[k] = Grantees(v).Cast<object?>().ToList();
        foreach (var (rawKey, value) in entries)
        {
            var key = rawKey.TrimStart('+');
            if (rawKey.StartsWith('+') && merged.TryGetValue(key, out var held) && held is List<object?> list)
                merged[key] = list.Concat(Grantees(value)).ToList();
            else
                merged[key] = Grantees(value).Cast<object?>().ToList();
        }
        return merged;
    }

    /// <summary>The node's grants: privilege to grantees, privileges with no grantee left out (dbt grants nothing for them).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Of(NodeConfig config)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!config.TryGetValue("grants", out var value) || value is not IEnumerable<KeyValuePair<string, object?>> map) return result;
        foreach (var (privilege, grantees) in map)
            if (Grantees(grantees) is { Count: > 0 } list) result[privilege.TrimStart('+')] = list;
        return result;
    }

    /// <summary>dbt's <c>_listify</c>: one grantee or a list of them.</summary>
    static List<string> Grantees(object? value) => value switch
    {
        null => [],
        string s => [s],
        IEnumerable e => e.Cast<object?>().Where(x => x is not null).Select(x => Convert.ToString(x, CultureInfo.InvariantCulture)!).ToList(),
        _ => [Convert.ToString(value, CultureInfo.InvariantCulture)!],
    };

    /// <summary>
    /// dbt's <c>diff_of_two_dicts</c>: the grantees of <paramref name="a"/> that <paramref name="b"/> lacks, per privilege,
    /// privileges and grantees compared without regard to case (the engines fold them).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Missing(IReadOnlyDictionary<string, IReadOnlyList<string>> a,
        IReadOnlyDictionary<string, IReadOnlyList<string>> b)
    {
        var lowered = b.GroupBy(kv => kv.Key.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.SelectMany(kv => kv.Value).Select(v => v.ToLowerInvariant()).ToHashSet());
        var diff = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (privilege, grantees) in a)
        {
            if (!lowered.TryGetValue(privilege.ToLowerInvariant(), out var held)) { diff[privilege] = grantees; continue; }
            var missing = grantees.Where(g => !held.Contains(g.ToLowerInvariant())).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (missing.Count > 0) diff[privilege] = missing;
        }
        return diff;
    }
}
