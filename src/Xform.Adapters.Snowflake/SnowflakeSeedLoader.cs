using System.Globalization;
using System.Text;
using Xform.Core.Adapters;
using Xform.Core.Project;
using Xform.Core.Seeds;

namespace Xform.Adapters.Snowflake;

/// <summary>
/// Loads a seed with batched multi-row <c>INSERT ... VALUES (?, ?), (?, ?)</c> and bind variables, so no value is
/// ever spliced into SQL text. The engine-neutral pass (<see cref="SeedAnalyzer"/>) checks the whole file and infers
/// types first; the rows go into <c>x__xform_tmp</c>, their count is checked, and only then is the table swapped in
/// (<c>alter table ... swap with</c>): a failed load leaves the previous seed as it was.
/// </summary>
static class SnowflakeSeedLoader
{
    /// <summary>Rows per INSERT (Snowflake's VALUES clause takes at most 16,384) and bound values per request.</summary>
    public const int MaxRowsPerBatch = 1000, MaxBindingsPerBatch = 16000;

    public static string Load(SnowflakeConnection connection, SnowflakeDialect dialect, Node seed, string csvFullPath, RelationKind? existing,
        SeedTypeNames typeNames)
    {
        var options = SeedOptions.From(seed.Config, seed.OriginalFilePath);
        var schema = SeedAnalyzer.Analyze(csvFullPath, seed.OriginalFilePath, options, typeNames);
        var rel = seed.Relation;
        var tmp = rel with { Identifier = rel.Identifier + SqlDialect.TempSuffix };
        string Column(string name) => options.QuoteColumns ? SnowflakeNames.Quote(name) : name;
        var columnList = string.Join(", ", schema.Columns.Select(c => Column(c.Name)));
        var create = $"create or replace transient table {dialect.Render(tmp)} ({string.Join(", ", schema.Columns.Select(c => $"{Column(c.Name)} {c.SqlType}"))})";
        var width = schema.Columns.Count;
        var batchRows = Math.Clamp(MaxBindingsPerBatch / Math.Max(1, width), 1, MaxRowsPerBatch);
        var types = schema.Columns.Select(c => c.Overridden ? "TEXT" : c.Type switch
        {
            SeedType.Integer => "FIXED",
            SeedType.Boolean => "BOOLEAN",
            _ => "TEXT",
        }).ToArray();

        var executed = new List<string> { create };
        connection.Execute(create);
        try
        {
            var batches = 0;
            string? firstInsert = null;
            using (var reader = CsvReader.Open(csvFullPath, seed.OriginalFilePath, options.Delimiter))
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
                    var sql = InsertSql(dialect.Render(tmp), columnList, width, rows);
                    firstInsert ??= sql;
                    connection.ExecuteBound(sql, bindings);
                    batches++;
                    bindings = new Dictionary<string, Binding>(StringComparer.Ordinal);
                    rows = 0;
                }
            }
            if (firstInsert is not null)
                executed.Add($"-- {schema.RowCount} rows in {batches} insert{(batches == 1 ? "" : "s")} of up to {batchRows} rows, values bound; the first:\n{Shorten(firstInsert)}");

            var countSql = $"select count(*) from {dialect.Render(tmp)}";
            var loaded = Convert.ToInt64(connection.Query(countSql).Rows[0][0], CultureInfo.InvariantCulture);
            executed.Add(countSql);
            if (loaded != schema.RowCount)
                throw new DatabaseException($"Snowflake holds {loaded} rows from {seed.OriginalFilePath} but xform counted {schema.RowCount}; the seed was not replaced");
            var swap = dialect.SwapIn(tmp, rel, existing);
            foreach (var s in swap) connection.Execute(s);
            executed.AddRange(swap);
        }
        catch
        {
            try { connection.Execute(dialect.Drop(tmp, RelationKind.Table)); } catch (DatabaseException) { /* best effort */ }
            throw;
        }
        return string.Join(";\n\n", executed) + ";\n";
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
