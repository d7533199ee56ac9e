using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Seeds;

/// <summary>A seed's reading options, from its config (<c>delimiter</c>, <c>column_types</c>, <c>quote_columns</c>).</summary>
public sealed record SeedOptions(byte Delimiter, IReadOnlyList<KeyValuePair<string, string>> ColumnTypes, bool QuoteColumns)
{
    /// <summary>Where <c>column_types</c> was set, for an error about a column it names; null: the file's header.</summary>
    public SourceLocation? ColumnTypesOrigin { get; init; }

    public static SeedOptions Default { get; } = new((byte)',', [], true);

    /// <summary>The options of a seed's config; a wrong one is an error at the line that set it.</summary>
    public static SeedOptions From(NodeConfig config, string displayFile)
    {
        SourceLocation At(string key) => config.OriginOf(key) ?? new SourceLocation(displayFile, 0, 0);
        var delimiter = (byte)',';
        if (config.GetString("delimiter") is { } d)
        {
            var text = d switch { "\\t" or "tab" => "\t", _ => d };
            if (text.Length != 1 || text[0] > 0x7F || text[0] is '"' or '\n' or '\r')
                throw new XformException($"the seed delimiter must be one ASCII character other than a quote or a line break, not '{d}'",
                    At("delimiter"));
            delimiter = (byte)text[0];
        }
        var types = new List<KeyValuePair<string, string>>();
        if (config.TryGetValue("column_types", out var ct) && ct is not null)
        {
            if (ct is not IEnumerable<KeyValuePair<string, object?>> map)
                throw new XformException("column_types must be a mapping of column name to SQL type", At("column_types"));
            foreach (var (k, v) in map)
            {
                var type = Convert.ToString(v, CultureInfo.InvariantCulture);
                if (string.IsNullOrWhiteSpace(type))
                    throw new XformException($"column_types gives no type for column '{k}'", At("column_types"));
                types.Add(new(k, type.Trim()));
            }
        }
        return new SeedOptions(delimiter, types, config.GetBool("quote_columns", true)) { ColumnTypesOrigin = config.OriginOf("column_types") };
    }
}

/// <summary>
/// One streaming pass over a seed CSV: checks the header, every row's width and every value against its
/// declared type, and infers the type of the other columns over all rows. Throws an
/// <see cref="XformException"/> at the first problem, located at the physical line and character column.
/// Engine-neutral: adapters load the file (or re-read it) once this pass has succeeded.
/// </summary>
public static class SeedAnalyzer
{
    const int IntBit = 1, DecBit = 2, BoolBit = 4, DateBit = 8, TsBit = 16, All = 31;
    const int MaxDecimalPrecision = 38;

    struct State
    {
        public int Mask;
        public int IntegerDigits;
        public int Scale;
        public bool SawValue;
        public DeclaredType? Declared;
    }

    public static SeedSchema Analyze(string fullPath, string displayFile, SeedOptions options, SeedTypeNames names)
    {
        using var reader = CsvReader.Open(fullPath, displayFile, options.Delimiter);
        return Analyze(reader, options, names);
    }

    public static SeedSchema Analyze(CsvReader reader, SeedOptions options, SeedTypeNames names)
    {
        var file = reader.File;
        if (!reader.Read())
            throw new XformException("the seed file is empty; its first line must be a header naming the columns", new SourceLocation(file, 1, 1));
        if (reader.Line > 1)
            throw new XformException("the first line must be the header naming the columns; remove the blank lines before it",
                new SourceLocation(file, 1, 1));
        var header = ReadHeader(reader);
        reader.SkipBlankLines = header.Length > 1;
        var width = header.Length;
        var states = new State[width];
        for (var i = 0; i < width; i++) states[i].Mask = All;
        foreach (var (column, type) in options.ColumnTypes)
        {
            var index = Array.FindIndex(header, h => h == column);
            if (index < 0) index = Array.FindIndex(header, h => string.Equals(h, column, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
                throw new XformException($"column_types names a column '{column}' that is not in the header of {file}.{Suggestions.DidYouMean(column, header)}",
                    options.ColumnTypesOrigin ?? new SourceLocation(file, 1, 1));
            states[index].Declared = DeclaredType.Parse(type);
        }

        long rows = 0;
        while (reader.Read())
        {
            rows++;
            var count = reader.FieldCount;
            if (count != width)
                throw new XformException($"row has {count} field{(count == 1 ? "" : "s")} but the header has {width}",
                    count > width ? reader.LocationOf(width) : reader.EndLocation);
            for (var i = 0; i < width; i++)
            {
                if (reader.IsEmpty(i)) continue;
                ref var s = ref states[i];
                if (s.Declared is { } declared)
                {
                    if (declared.Type is SeedType.Text or SeedType.Other) { CheckText(reader, i, header); continue; }
                    if (reader.HasEscapedQuotes(i) || !declared.Accepts(reader.Raw(i)))
                        throw new XformException($"{Show(reader.GetString(i))} in column '{header[i]}' is not a valid {declared.Text}", reader.LocationOf(i));
                    continue;
                }
                s.SawValue = true;
                if (s.Mask != 0)
                {
                    if (reader.HasEscapedQuotes(i)) s.Mask = 0;
                    else Observe(ref s, reader.Raw(i));
                }
                // values a recognizer accepted are ASCII; the others are text and must be UTF-8
                if (s.Mask == 0) CheckText(reader, i, header);
            }
        }

        var columns = new SeedColumn[width];
        for (var i = 0; i < width; i++)
        {
            var s = states[i];
            if (s.Declared is { } d)
            {
                columns[i] = new SeedColumn(header[i], d.Type, d.Text, d.Precision, d.Scale, Overridden: true);
                continue;
            }
            var type = !s.SawValue ? SeedType.Text
                : (s.Mask & IntBit) != 0 ? SeedType.Integer
                : (s.Mask & DecBit) != 0 && s.IntegerDigits + s.Scale <= MaxDecimalPrecision ? SeedType.Decimal
                : (s.Mask & BoolBit) != 0 ? SeedType.Boolean
                : (s.Mask & DateBit) != 0 ? SeedType.Date
                : (s.Mask & TsBit) != 0 ? SeedType.Timestamp
                : SeedType.Text;
            var precision = type == SeedType.Decimal ? Math.Max(1, s.IntegerDigits + s.Scale) : 0;
            var scale = type == SeedType.Decimal ? s.Scale : 0;
            columns[i] = new SeedColumn(header[i], type, names.For(type, precision, scale), precision, scale);
        }
        return new SeedSchema(columns, rows, reader.HadByteOrderMark, options.Delimiter);
    }

    /// <summary>A text value must be UTF-8 without NUL bytes (which engines refuse or cut the text at).</summary>
    static void CheckText(CsvReader reader, int i, string[] header)
    {
        var raw = reader.Raw(i);
        if (!System.Text.Unicode.Utf8.IsValid(raw))
            throw new XformException($"the value in column '{header[i]}' is not valid UTF-8; save the file as UTF-8", reader.LocationOf(i));
        if (raw.IndexOf((byte)0) is var nul and >= 0)
            throw new XformException($"the value in column '{header[i]}' holds a NUL byte (\\0), which PostgreSQL cannot store and other engines may cut the text at; remove it from the file",
                reader.LocationWithin(i, nul));
    }

    static void Observe(ref State s, ReadOnlySpan<byte> v)
    {
        var m = s.Mask;
        var seen = 0;
        var c = v[0];
        if ((m & (IntBit | DecBit)) != 0 && SeedValues.IsNumber(v, out var digits, out var scale))
        {
            seen |= DecBit;
            if ((m & IntBit) != 0 && SeedValues.IsBigint(v, digits, scale)) seen |= IntBit;
            if (digits > s.IntegerDigits) s.IntegerDigits = digits;
            if (scale > s.Scale) s.Scale = scale;
        }
        else if ((m & (DateBit | TsBit)) != 0 && c - (uint)'0' <= 9)
        {
            if (SeedValues.IsDate(v)) seen |= DateBit | TsBit;
            else if ((m & TsBit) != 0 && SeedValues.IsTimestamp(v)) seen |= TsBit;
        }
        else if ((m & BoolBit) != 0 && SeedValues.IsBoolean(v))
        {
            seen |= BoolBit;
        }
        s.Mask = m & seen;
    }

    static string[] ReadHeader(CsvReader reader)
    {
        var names = new string[reader.FieldCount];
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Length; i++)
        {
            if (!System.Text.Unicode.Utf8.IsValid(reader.Raw(i)))
                throw new XformException($"column {i + 1} of the header is not valid UTF-8; save the file as UTF-8", reader.LocationOf(i));
            if (reader.Raw(i).IndexOf((byte)0) is var nul and >= 0)
                throw new XformException($"column {i + 1} of the header holds a NUL byte (\\0); remove it from the file", reader.LocationWithin(i, nul));
            var name = reader.GetString(i);
            if (string.IsNullOrWhiteSpace(name))
                throw new XformException($"column {i + 1} of the header has no name; every column needs one", reader.LocationOf(i));
            if (seen.TryGetValue(name, out var first))
                throw new XformException($"the header names column '{name}' twice (columns {first + 1} and {i + 1}); column names must be unique",
                    reader.LocationOf(i));
            seen[name] = i;
            names[i] = name;
        }
        return names;
    }

    /// <summary>A value quoted for a message, shortened when long.</summary>
    static string Show(string value) => "'" + (value.Length > 60 ? value[..57] + "..." : value) + "'";
}
