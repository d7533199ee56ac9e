using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Xform.Retail.Generator;

/// <summary>
/// Splits a generated CSV into one file per invoice day (transaction_logs_YYYY-MM-DD.csv), each with the header,
/// rows in their original order: the way a shop's till exports arrive, one file a day. Day files sort by name in
/// date order, which is what the retail project's incremental staging relies on to show what is new.
/// </summary>
internal static class DailySplitter
{
    public static int Split(string csvPath, string folder, bool gzip)
    {
        Directory.CreateDirectory(folder);
        var writers = new Dictionary<DateOnly, TextWriter>();
        try
        {
            using var reader = new StreamReader(csvPath, new UTF8Encoding(false));
            string header = reader.ReadLine() ?? throw new IOException("the generated file is empty");
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                DateOnly day = InvoiceDay(line);
                if (!writers.TryGetValue(day, out var w))
                {
                    w = Open(folder, day, gzip);
                    w.Write(header);
                    w.Write('\n');
                    writers[day] = w;
                }
                w.Write(line);
                w.Write('\n');
            }
            return writers.Count;
        }
        finally
        {
            foreach (var w in writers.Values)
            {
                w.Dispose();
            }
        }
    }

    /// <summary>The two published date styles (ISO, and M/D/YYYY as the original file).</summary>
    static readonly string[] DateFormats = ["yyyy-MM-dd", "M/d/yyyy"];

    public static string FileName(DateOnly day, bool gzip) =>
        "transaction_logs_" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (gzip ? ".csv.gz" : ".csv");

    private static TextWriter Open(string folder, DateOnly day, bool gzip)
    {
        Stream s = new FileStream(Path.Combine(folder, FileName(day, gzip)), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        if (gzip)
        {
            s = new GZipStream(s, CompressionLevel.Fastest);
        }
        return new StreamWriter(s, new UTF8Encoding(false), 1 << 16);
    }

    /// <summary>The date part of the fifth field (InvoiceDate), in either published style; quoted fields skipped
    /// as RFC 4180 writes them (the generator never writes a line break inside a field).</summary>
    internal static DateOnly InvoiceDay(string line)
    {
        int field = 0, i = 0;
        while (field < 4)
        {
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (i < line.Length && !(line[i] == '"' && (i + 1 >= line.Length || line[i + 1] != '"')))
                {
                    i += line[i] == '"' ? 2 : 1;
                }
                i++;
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                {
                    i++;
                }
            }
            i++;
            field++;
        }
        int end = line.IndexOf(',', i);
        string value = line[i..(end < 0 ? line.Length : end)];
        string date = value.Split(' ')[0];
        if (!DateOnly.TryParseExact(date, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw new IOException($"cannot read the invoice date '{value}' of a generated line");
        }
        return day;
    }
}
