using System.Globalization;
using System.Text;

namespace Xform.Retail.Generator.Tests;

/// <summary>One raw row of the POS log, as text.</summary>
internal sealed record RawRow(string InvoiceNo, string StockCode, string Description, string Quantity, string InvoiceDate, string UnitPrice, string CustomerId, string Country)
{
    public long Qty => long.Parse(Quantity, CultureInfo.InvariantCulture);

    public decimal Price => decimal.Parse(UnitPrice, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    public DateTime Date => DateTime.ParseExact(InvoiceDate, ["M/d/yyyy H:mm", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None);
}

internal static class TestSupport
{
    public const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

    public static byte[] Generate(GeneratorOptions options)
    {
        using var ms = new MemoryStream();
        RetailGenerator.WriteCsv(options, ms);
        return ms.ToArray();
    }

    public static GeneratorOptions Options(long rows, ulong seed = 1, int customers = 0) =>
        new() { Rows = rows, Seed = seed, Customers = customers, Out = "unused.csv" };

    /// <summary>A strict RFC 4180 parser (LF records): returns the records, each a list of fields.</summary>
    public static List<string[]> ParseCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var sb = new StringBuilder();
        int i = 0;
        bool fieldStarted = false;
        while (i < text.Length)
        {
            char ch = text[i];
            if (ch == '"' && sb.Length == 0 && !fieldStarted)
            {
                fieldStarted = true;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("unterminated quoted field");
                    }
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    sb.Append(text[i++]);
                }
                if (i < text.Length && text[i] != ',' && text[i] != '\n')
                {
                    throw new FormatException($"text after closing quote at {i}");
                }
                continue;
            }
            if (ch == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
                fieldStarted = false;
                i++;
                continue;
            }
            if (ch == '\n')
            {
                fields.Add(sb.ToString());
                sb.Clear();
                fieldStarted = false;
                records.Add([.. fields]);
                fields.Clear();
                i++;
                continue;
            }
            if (ch == '"' || ch == '\r')
            {
                throw new FormatException($"bare {(ch == '"' ? "quote" : "CR")} at {i}");
            }
            fieldStarted = true;
            sb.Append(ch);
            i++;
        }
        if (fieldStarted || fields.Count > 0)
        {
            throw new FormatException("last record has no LF");
        }
        return records;
    }

    public static List<RawRow> Rows(byte[] csv)
    {
        var recs = ParseCsv(new UTF8Encoding(false, true).GetString(csv));
        Assert.That(string.Join(",", recs[0]), Is.EqualTo(Header));
        return recs.Skip(1).Select(r =>
        {
            Assert.That(r, Has.Length.EqualTo(8), string.Join("|", r));
            return new RawRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
        }).ToList();
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Transform.sln")))
        {
            dir = dir.Parent;
        }
        Assert.That(dir, Is.Not.Null, "repository root (Transform.sln) not found above the test directory");
        return dir!.FullName;
    }

    public static List<Dictionary<string, string>> Seed(string name)
    {
        string path = Path.Combine(RepoRoot(), "seeds", name + ".csv");
        var recs = ParseCsv(File.ReadAllText(path));
        var header = recs[0];
        return recs.Skip(1).Select(r =>
        {
            Assert.That(r, Has.Length.EqualTo(header.Length), $"{name}.csv: {string.Join(",", r)}");
            return header.Zip(r).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }
}
