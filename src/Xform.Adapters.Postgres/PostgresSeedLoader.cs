using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Seeds;

namespace Xform.Adapters.Postgres;

/// <summary>
/// PostgreSQL's bulk load of a checked seed: the file is streamed into the empty table with binary COPY (typed values, no
/// text parsing on the server). Columns of types xform does not check itself (uuid, json, timestamptz, ...) are copied
/// as text and converted by the engine with <c>alter column ... type</c>, which rejects what does not fit.
/// </summary>
static partial class PostgresSeedLoader
{
    enum Writer { Text, Int16, Int32, Int64, Numeric, Real, Double, Boolean, Date, Timestamp, ViaText }

    /// <summary>Fills <see cref="SeedBulkLoad.Table"/>; returns the statements run.</summary>
    public static IReadOnlyList<string> BulkLoad(PostgresConnection connection, SeedBulkLoad load, PostgresDialect dialect)
    {
        var table = dialect.Render(load.Table);
        var executed = new List<string>();
        // the types as the engine created them (column_types may name any type)
        var actual = connection.GetColumns(load.Table);
        var writers = actual.Select(c => WriterFor(c.DataType)).ToArray();
        var viaText = new List<string>();
        for (var i = 0; i < writers.Length; i++)
        {
            if (writers[i] != Writer.ViaText) continue;
            var column = dialect.Quote(actual[i].Name);
            var asText = $"alter table {table} alter column {column} type text";
            connection.Execute(asText);
            executed.Add(asText);
            viaText.Add($"alter table {table} alter column {column} type {actual[i].DataType} using {column}::{actual[i].DataType}");
        }
        var copy = $"copy {table} from stdin (format binary)";
        executed.Add(copy);
        Copy(connection, load, writers, copy);
        foreach (var s in viaText) connection.Execute(s);
        executed.AddRange(viaText);
        return executed;
    }

    static Writer WriterFor(string type) => type switch
    {
        "smallint" => Writer.Int16,
        "integer" => Writer.Int32,
        "bigint" => Writer.Int64,
        "real" => Writer.Real,
        "double precision" => Writer.Double,
        "boolean" => Writer.Boolean,
        "date" => Writer.Date,
        "timestamp without time zone" or "timestamp" => Writer.Timestamp,
        "text" => Writer.Text,
        _ when type.StartsWith("numeric", StringComparison.Ordinal) => Writer.Numeric,
        _ when type.StartsWith("character varying", StringComparison.Ordinal) || type.StartsWith("character(", StringComparison.Ordinal)
            || type == "character" => Writer.Text,
        _ => Writer.ViaText,
    };

    static void Copy(PostgresConnection connection, SeedBulkLoad load, Writer[] writers, string copy)
    {
        // the physical line of each data row, to point at the file when the engine rejects a value
        var lines = new List<int>();
        var width = writers.Length;
        using var reader = CsvReader.Open(load.CsvFullPath, load.DisplayFile, load.Options.Delimiter);
        reader.Read(); // the header, checked by the analyzer
        reader.SkipBlankLines = width > 1;
        try
        {
            using var importer = connection.Npgsql.BeginBinaryImport(copy);
            while (reader.Read())
            {
                lines.Add(reader.Line);
                importer.StartRow();
                for (var i = 0; i < width; i++)
                {
                    if (reader.IsEmpty(i))
                    {
                        importer.WriteNull();
                        continue;
                    }
                    WriteValue(importer, writers[i], reader, i);
                }
            }
            importer.Complete();
        }
        catch (PostgresException e) when (CopyLine().Match(e.Where ?? "") is { Success: true } m
                                          && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var row) && row >= 1 && row <= lines.Count)
        {
            var column = m.Groups[2].Success ? $" in column '{m.Groups[2].Value}'" : "";
            throw new XformException($"PostgreSQL rejected the value{column}: {e.MessageText}", new SourceLocation(load.DisplayFile, lines[row - 1], 1));
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw PostgresConnection.Error(e, copy);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            var line = lines.Count > 0 ? lines[^1] : 0;
            throw new XformException($"a value does not fit its column's PostgreSQL type: {e.Message}", new SourceLocation(load.DisplayFile, line, 1));
        }
    }

    static void WriteValue(NpgsqlBinaryImporter importer, Writer writer, CsvReader reader, int i)
    {
        var raw = reader.Raw(i);
        switch (writer)
        {
            case Writer.Int16:
                importer.Write(short.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), NpgsqlDbType.Smallint);
                break;
            case Writer.Int32:
                importer.Write(int.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), NpgsqlDbType.Integer);
                break;
            case Writer.Int64:
                importer.Write(long.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint);
                break;
            case Writer.Numeric:
                importer.Write(decimal.Parse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
                    NpgsqlDbType.Numeric);
                break;
            case Writer.Real:
                importer.Write(float.Parse(Float(raw), NumberStyles.Float, CultureInfo.InvariantCulture), NpgsqlDbType.Real);
                break;
            case Writer.Double:
                importer.Write(double.Parse(Float(raw), NumberStyles.Float, CultureInfo.InvariantCulture), NpgsqlDbType.Double);
                break;
            case Writer.Boolean:
                importer.Write((raw[0] | 0x20) == 't', NpgsqlDbType.Boolean);
                break;
            case Writer.Date:
                importer.Write(DateOnly.ParseExact(Encoding.ASCII.GetString(raw), "yyyy-MM-dd", CultureInfo.InvariantCulture), NpgsqlDbType.Date);
                break;
            case Writer.Timestamp:
                importer.Write(Timestamp(raw), NpgsqlDbType.Timestamp);
                break;
            default:
                importer.Write(reader.GetString(i), NpgsqlDbType.Text);
                break;
        }
    }

    /// <summary>A float with the spellings engines accept for the special values.</summary>
    static string Float(ReadOnlySpan<byte> raw)
    {
        var s = Encoding.ASCII.GetString(raw);
        return s.ToLowerInvariant().TrimStart('+') switch
        {
            "inf" or "infinity" => "Infinity",
            "-inf" or "-infinity" => "-Infinity",
            "nan" or "-nan" => "NaN",
            _ => s,
        };
    }

    /// <summary><c>YYYY-MM-DD</c>, <c>YYYY-MM-DD[ T]HH:MM</c>, or <c>YYYY-MM-DD[ T]HH:MM:SS[.ffffff]</c> (checked by the analyzer).</summary>
    static DateTime Timestamp(ReadOnlySpan<byte> raw)
    {
        var s = Encoding.ASCII.GetString(raw);
        if (s.Length == 10) return DateTime.SpecifyKind(DateTime.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture), DateTimeKind.Unspecified);
        if (s.Length == 16) return DateTime.SpecifyKind(DateTime.ParseExact(s.Replace('T', ' '), "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), DateTimeKind.Unspecified);
        var value = DateTime.ParseExact(s[..19].Replace('T', ' '), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        if (s.Length > 20)
        {
            var fraction = s[20..].PadRight(7, '0')[..7];
            value = value.AddTicks(long.Parse(fraction, CultureInfo.InvariantCulture));
        }
        return DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
    }

    [GeneratedRegex(@"COPY [^,]+, line (\d+)(?:, column ([^:]+))?")]
    private static partial Regex CopyLine();
}
