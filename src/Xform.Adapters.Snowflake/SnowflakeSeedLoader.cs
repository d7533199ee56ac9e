using System.Globalization;
using System.Text;
using Xform.Core.Adapters;
using Xform.Core.Project;
using Xform.Core.Seeds;

namespace Xform.Adapters.Snowflake;

/// <summary>
/// Snowflake's bulk load of a checked seed: batched multi-row <c>INSERT ... VALUES (?, ?), (?, ?)</c> with bind variables,
/// so no value is ever spliced into SQL text (the SQL API cannot PUT a file to a stage for COPY).
/// </summary>
static class SnowflakeSeedLoader
{
    /// <summary>Rows per INSERT (Snowflake's VALUES clause takes at most 16,384) and bound values per request.</summary>
    public const int MaxRowsPerBatch = 1000, MaxBindingsPerBatch = 16000;

    /// <summary>Fills <see cref="SeedBulkLoad.Table"/>; returns a comment on the batches and the first INSERT.</summary>
    public static IReadOnlyList<string> BulkLoad(SnowflakeConnection connection, SeedBulkLoad load)
    {
        var schema = load.Schema;
        var table = load.Table.Render(SnowflakeNames.Quote);
        var columnList = string.Join(", ", load.ColumnNames);
        var width = schema.Columns.Count;
        var batchRows = Math.Clamp(MaxBindingsPerBatch / Math.Max(1, width), 1, MaxRowsPerBatch);
        var types = schema.Columns.Select(c => c.Overridden ? "TEXT" : c.Type switch
        {
            SeedType.Integer => "FIXED",
            SeedType.Boolean => "BOOLEAN",
            _ => "TEXT",
        }).ToArray();

        var batches = 0;
        string? firstInsert = null;
        using (var reader = CsvReader.Open(load.CsvFullPath, load.DisplayFile, load.Options.Delimiter))
        {
            reader.Read(); // the header, checked by the analyzer
            reader.SkipBlankLines = width > 1;
            var bindings = new Dictionary<string, Binding>(StringComparer.Ordinal);
            var rows = 0;
            while (reader.Read())
            {
                for (var i = 0; i < width; i++)
                {
                    var value = i >= reader.FieldCount || reader.IsEmpty(i) ? null : reader.GetString(i);
                    if (value is not null && types[i] == "BOOLEAN") value = value.ToLowerInvariant();
                    bindings[(bindings.Count + 1).ToString(CultureInfo.InvariantCulture)] = new Binding(types[i], value);
                }
                if (++rows == batchRows) Flush();
            }
            if (rows > 0) Flush();

            void Flush()
            {
                var sql = InsertSql(table, columnList, width, rows);
                firstInsert ??= sql;
                connection.ExecuteBound(sql, bindings);
                batches++;
                bindings = new Dictionary<string, Binding>(StringComparer.Ordinal);
                rows = 0;
            }
        }
        return firstInsert is null
            ? []
            : [$"-- {schema.RowCount} rows in {batches} insert{(batches == 1 ? "" : "s")} of up to {batchRows} rows, values bound; the first:\n{Shorten(firstInsert)}"];
    }

    static string InsertSql(string table, string columns, int width, int rows)
    {
        var row = "(" + string.Join(", ", Enumerable.Repeat("?", width)) + ")";
        var sb = new StringBuilder($"insert into {table} ({columns}) values\n");
        for (var r = 0; r < rows; r++)
        {
            if (r > 0) sb.Append(",\n");
            sb.Append(row);
        }
        return sb.ToString();
    }

    static string Shorten(string insert)
    {
        var lines = insert.Split('\n');
        return lines.Length <= 4 ? insert : string.Join("\n", lines.Take(3)) + $"\n-- ... {lines.Length - 3} more rows of placeholders";
    }
}
