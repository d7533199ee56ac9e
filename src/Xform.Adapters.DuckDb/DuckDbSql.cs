using System.Globalization;
using Xform.Core.Adapters;
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
    /// Bulk-inserts a checked seed file with DuckDB's parallel CSV reader, every option explicit and nothing sniffed: the
    /// column types are those <see cref="SeedAnalyzer"/> found, and the file was already checked against them.
    /// </summary>
    public static string InsertSeed(SeedBulkLoad load, Func<string, string> quote)
    {
        var types = string.Join(", ", load.Schema.Columns.Select(c => $"{Literal(c.Name)}: {Literal(c.SqlType)}"));
        var read = $"read_csv({Literal(load.CsvFullPath)}, columns = {{{types}}}, header = true, auto_detect = false, " +
                   $"delim = {Literal(((char)load.Schema.Delimiter).ToString())}, quote = '\"', escape = '\"', strict_mode = true, " +
                   "null_padding = false, allow_quoted_nulls = true, nullstr = '', encoding = 'utf-8')";
        return $"insert into {load.Table.Render(quote)} select * from {read}";
    }
}
