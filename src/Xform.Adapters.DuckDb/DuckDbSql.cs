using System.Globalization;
using Xform.Core.Execution;
using Xform.Core.Project;

namespace Xform.Adapters.DuckDb;

/// <summary>DuckDB SQL that xform writes itself: reading files in place, and loading seeds.</summary>
static class DuckDbSql
{
    public static string Literal(string s) => "'" + s.Replace("'", "''") + "'";

    /// <summary><c>read_csv('path', ...)</c> or <c>read_parquet('path')</c> for a source read in place.</summary>
    public static string External(SourceTableInfo source, NodeConfig config)
    {
        var location = source.ExternalLocation!;
        if (location.Contains('(')) return location; // already a table function call
        var lower = location.ToLowerInvariant();
        var function = lower.EndsWith(".parquet", StringComparison.Ordinal) || lower.Contains(".parquet*", StringComparison.Ordinal)
            ? "read_parquet"
            : lower.EndsWith(".json", StringComparison.Ordinal) || lower.EndsWith(".ndjson", StringComparison.Ordinal) ? "read_json_auto" : "read_csv";
        // external_options go to whichever reader is used; csv_options only to read_csv.
        var options = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in function == "read_csv" ? new[] { "external_options", "csv_options" } : ["external_options"])
            if (config.TryGetValue(key, out var o) && o is IReadOnlyDictionary<string, object?> d)
                foreach (var (k, v) in d) options[k] = v;
        var args = Literal(location);
        foreach (var (k, v) in options) args += $", {k} = {Value(v)}";
        return $"{function}({args})";
    }

    static string Value(object? v) => v switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => Literal(s),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Literal(v.ToString() ?? ""),
    };

    public static IReadOnlyList<string> SeedStatements(Node seed, string csvFullPath, RelationKind? existing, Func<string, string> quote)
    {
        var rel = seed.Relation;
        var target = rel.Render(quote);
        var tmp = (rel with { Identifier = rel.Identifier + "__xform_tmp" }).Render(quote);
        var delimiter = seed.Config.GetString("delimiter") ?? ",";
        var options = $"header = true, delim = {Literal(delimiter)}, quote = '\"', escape = '\"', sample_size = -1, strict_mode = true";
        if (seed.Config.TryGetValue("column_types", out var ct) && ct is IReadOnlyDictionary<string, object?> types && types.Count > 0)
            options += ", types = {" + string.Join(", ", types.Select(kv => $"{Literal(kv.Key)}: {Literal(Convert.ToString(kv.Value, CultureInfo.InvariantCulture) ?? "varchar")}")) + "}";
        var statements = new List<string>
        {
            $"drop table if exists {tmp}",
            $"create table {tmp} as select * from read_csv({Literal(csvFullPath)}, {options})",
        };
        if (existing is { } kind) statements.Add($"drop {(kind == RelationKind.View ? "view" : "table")} if exists {target}");
        statements.Add($"alter table {tmp} rename to {quote(rel.Identifier)}");
        return statements;
    }
}
