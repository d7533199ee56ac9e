namespace Xform.Core.Project;

/// <summary>
/// A pre-hook, post-hook, on-run-start or on-run-end entry as written: a SQL template, or dbt's
/// <c>{sql: ..., transaction: false}</c> (what <c>before_begin(...)</c> / <c>after_commit(...)</c> return), which runs
/// outside the node's transaction: before it begins (pre) or after it commits (post).
/// </summary>
public sealed record HookConfig(string Sql, bool InTransaction)
{
    /// <summary>The hooks of a config value: a string, a mapping, or a list of them (null: none).</summary>
    public static IReadOnlyList<HookConfig> Read(object? value) => value switch
    {
        null => [],
        string s => [new HookConfig(s, true)],
        IReadOnlyDictionary<string, object?> map => [FromMap(map)],
        System.Collections.IEnumerable list => list.Cast<object?>().SelectMany(Read).ToList(),
        _ => [new HookConfig(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "", true)],
    };

    static HookConfig FromMap(IReadOnlyDictionary<string, object?> map)
    {
        var sql = map.TryGetValue("sql", out var s) ? Convert.ToString(s, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";
        var transaction = !map.TryGetValue("transaction", out var t) || t is not (false or "false" or "False");
        return new HookConfig(sql, transaction);
    }

    /// <summary>dbt's <c>before_begin(sql)</c> and <c>after_commit(sql)</c>: the hook, marked to run outside the transaction.</summary>
    public static Dictionary<string, object?> OutsideTransaction(string sql) =>
        new(StringComparer.Ordinal) { ["sql"] = sql, ["transaction"] = false };
}
