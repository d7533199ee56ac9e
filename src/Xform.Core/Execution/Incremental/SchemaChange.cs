using Xform.Core.Adapters;

namespace Xform.Core.Execution.Incremental;

/// <summary>A column whose type differs between the model's query (<paramref name="To"/>) and its table (<paramref name="From"/>).</summary>
public sealed record RetypedColumn(string Name, string From, string To);

/// <summary>
/// How an incremental model's query differs from its table, as dbt's <c>check_for_schema_changes</c> sees it: columns
/// added, columns removed, and columns whose data type changed. A string column that only gets narrower in the query
/// is not a change (dbt's <c>can_expand_to</c>: the table's wider column holds it). Both sides are described by the same
/// engine call, so their type names are spelled alike.
/// </summary>
public sealed record SchemaChange(IReadOnlyList<ColumnSpec> Added, IReadOnlyList<ColumnSpec> Removed, IReadOnlyList<RetypedColumn> Retyped, IReadOnlyList<string> Shared)
{
    public bool Any => Added.Count > 0 || Removed.Count > 0 || Retyped.Count > 0;

    public static SchemaChange Between(IReadOnlyList<ColumnSpec> query, IReadOnlyList<ColumnSpec> table)
    {
        ColumnSpec? In(IEnumerable<ColumnSpec> set, string name) => set.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        var retyped = new List<RetypedColumn>();
        foreach (var column in table)
            if (In(query, column.Name) is { } now && !SameType(now.DataType, column.DataType) && !Fits(now.DataType, column.DataType))
                retyped.Add(new RetypedColumn(column.Name, column.DataType, now.DataType));
        return new SchemaChange(
            query.Where(c => In(table, c.Name) is null).ToList(),
            table.Where(c => In(query, c.Name) is null).ToList(),
            retyped,
            table.Where(c => In(query, c.Name) is not null).Select(c => c.Name).ToList());
    }

    /// <summary>What changed, as the error of <c>on_schema_change: fail</c> says it.</summary>
    public string Describe()
    {
        static string List(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";
        var text = $"new columns: {List(Added.Select(c => c.Name))}; missing columns: {List(Removed.Select(c => c.Name))}";
        return Retyped.Count == 0 ? text : text + $"; data types changed: {List(Retyped.Select(r => $"{r.Name} ({r.From} -> {r.To})"))}";
    }

    static bool SameType(string a, string b) => string.Equals(Spaceless(a), Spaceless(b), StringComparison.OrdinalIgnoreCase);

    static string Spaceless(string type) => string.Concat(type.Where(c => !char.IsWhiteSpace(c)));

    /// <summary>The query's string values fit the table's string column: it is unbounded, or at least as wide.</summary>
    static bool Fits(string query, string table)
    {
        if (StringSize(query) is not { } q || StringSize(table) is not { } t) return false;
        return t == int.MaxValue || (q != int.MaxValue && q <= t);
    }

    /// <summary>The size of a string type (unbounded: int.MaxValue), null when the type is not a string.</summary>
    static int? StringSize(string type)
    {
        var open = type.IndexOf('(');
        var name = (open < 0 ? type : type[..open]).Trim().ToLowerInvariant();
        if (name is not ("varchar" or "character varying" or "text" or "string" or "char" or "character" or "nvarchar" or "bpchar")) return null;
        if (open < 0 || !type.EndsWith(')')) return int.MaxValue;
        return int.TryParse(type[(open + 1)..^1], out var size) ? size : int.MaxValue;
    }
}
