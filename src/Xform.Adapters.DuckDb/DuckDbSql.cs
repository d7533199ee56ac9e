using System.Globalization;
using Xform.Core.Adapters;
using Xform.Core.Execution.Incremental;
using Xform.Core.Project;
using Xform.Core.Seeds;

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

    /// <summary>
    /// The statements that load a checked seed: create <c>x__xform_tmp</c> with the column types found by
    /// <see cref="SeedAnalyzer"/>, bulk-insert the file with DuckDB's parallel CSV reader (every option
    /// explicit, nothing sniffed), then drop the old relation and rename. Run in one transaction.
    /// </summary>
    public static SeedPlan SeedStatements(Node seed, string csvFullPath, RelationKind? existing, SeedSchema schema, SeedOptions options,
        Func<string, string> quote)
    {
        var rel = seed.Relation;
        var target = rel.Render(quote);
        var tmp = (rel with { Identifier = rel.Identifier + "__xform_tmp" }).Render(quote);
        string Column(string name) => options.QuoteColumns ? quote(name) : name;
        var columns = string.Join(", ", schema.Columns.Select(c => $"{Column(c.Name)} {c.SqlType}"));
        var types = string.Join(", ", schema.Columns.Select(c => $"{Literal(c.Name)}: {Literal(c.SqlType)}"));
        var read = $"read_csv({Literal(csvFullPath)}, columns = {{{types}}}, header = true, auto_detect = false, " +
                   $"delim = {Literal(((char)schema.Delimiter).ToString())}, quote = '\"', escape = '\"', strict_mode = true, " +
                   "null_padding = false, allow_quoted_nulls = true, nullstr = '', encoding = 'utf-8')";
        var statements = new List<string>
        {
            $"drop table if exists {tmp}",
            $"create table {tmp} ({columns})",
            $"insert into {tmp} select * from {read}",
        };
        var swap = new List<string>();
        if (existing is { } kind) swap.Add($"drop {(kind == RelationKind.View ? "view" : "table")} if exists {target}");
        swap.Add($"alter table {tmp} rename to {quote(rel.Identifier)}");
        return new SeedPlan(statements, $"select count(*) from {tmp}", swap);
    }
}

/// <summary>Load statements, the row count check run after them, then the swap.</summary>
sealed record SeedPlan(IReadOnlyList<string> Load, string CountQuery, IReadOnlyList<string> Swap)
{
    public IEnumerable<string> All => Load.Append(CountQuery).Concat(Swap);
}
