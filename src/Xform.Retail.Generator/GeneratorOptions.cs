using System.Globalization;

namespace Xform.Retail.Generator;

public enum OutputFormat { Csv, Parquet }

public enum DateStyle { Us, Iso }

public enum CustomerIdStyle { Int, Float }

/// <summary>A bad command line: reported as one line, exit code 2, no stack trace.</summary>
public sealed class OptionsException(string message) : Exception(message);

/// <summary>Everything that determines the output. Same options => byte-identical file.</summary>
public sealed record GeneratorOptions
{
    public const long MaxRows = 2_000_000_000;

    public long Rows { get; init; } = 100_000;

    /// <summary>0 = automatic (rows / 124, the ratio of the real file).</summary>
    public int Customers { get; init; }

    public int Days { get; init; } = 374;

    public ulong Seed { get; init; } = 42;

    public OutputFormat Format { get; init; } = OutputFormat.Csv;

    public string Out { get; init; } = "transaction_logs.csv";

    public DateOnly StartDate { get; init; } = new(2010, 12, 1);

    public DateStyle DateStyle { get; init; } = DateStyle.Us;

    public CustomerIdStyle CustomerIdStyle { get; init; } = CustomerIdStyle.Float;

    public bool Gzip { get; init; }

    /// <summary>--daily: --out is a folder that receives one CSV per invoice day (transaction_logs_YYYY-MM-DD.csv),
    /// as a shop's daily export arrives.</summary>
    public bool Daily { get; init; }

    public int EffectiveCustomers => Customers > 0 ? Customers : (int)Math.Clamp(Rows / 124, 1, int.MaxValue);

    public const string Usage =
        "usage: xform-retail-gen [--rows N] [--customers N] [--days N] [--seed N] [--format csv|parquet] --out PATH\n" +
        "                        [--start-date YYYY-MM-DD] [--date-style us|iso] [--customer-id-style int|float] [--gzip] [--daily]\n" +
        "Writes synthetic raw POS transaction logs (InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country).\n" +
        "Defaults: --rows 100000, --customers rows/124, --days 374, --seed 42, --start-date 2010-12-01, --date-style us,\n" +
        "          --customer-id-style float, format from the extension of --out (.parquet => parquet, .csv.gz => gzip csv).\n" +
        "--daily:  --out is a folder; one file per invoice day, transaction_logs_YYYY-MM-DD.csv (.csv.gz with --gzip).";

    /// <summary>Parses the command line. Returns null when help was asked for.</summary>
    public static GeneratorOptions? Parse(IReadOnlyList<string> args)
    {
        var o = new GeneratorOptions();
        string? format = null;
        bool outGiven = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string name = a;
            string? inline = null;
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = a[..eq];
                inline = a[(eq + 1)..];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i + 1 >= args.Count)
                {
                    throw new OptionsException($"option {name} needs a value");
                }
                return args[++i];
            }

            switch (name)
            {
                case "-h":
                case "--help":
                    return null;
                case "--rows":
                    o = o with { Rows = ParseLong(name, Value(), 1, MaxRows) };
                    break;
                case "--customers":
                    o = o with { Customers = (int)ParseLong(name, Value(), 1, 50_000_000) };
                    break;
                case "--days":
                    o = o with { Days = (int)ParseLong(name, Value(), 1, 36_600) };
                    break;
                case "--seed":
                    {
                        string v = Value();
                        if (!ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
                        {
                            throw new OptionsException($"option --seed expects a non-negative integer, got '{v}'");
                        }
                        o = o with { Seed = seed };
                        break;
                    }
                case "--format":
                    format = Value().ToLowerInvariant();
                    if (format is not ("csv" or "parquet"))
                    {
                        throw new OptionsException($"option --format expects csv or parquet, got '{format}'");
                    }
                    break;
                case "--out":
                    {
                        string v = Value();
                        if (v.Length == 0)
                        {
                            throw new OptionsException("option --out expects a file path");
                        }
                        o = o with { Out = v };
                        outGiven = true;
                        break;
                    }
                case "--start-date":
                    {
                        string v = Value();
                        if (!DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                        {
                            throw new OptionsException($"option --start-date expects YYYY-MM-DD, got '{v}'");
                        }
                        o = o with { StartDate = d };
                        break;
                    }
                case "--date-style":
                    {
                        string v = Value().ToLowerInvariant();
                        o = o with
                        {
                            DateStyle = v switch
                            {
                                "us" => DateStyle.Us,
                                "iso" => DateStyle.Iso,
                                _ => throw new OptionsException($"option --date-style expects us or iso, got '{v}'"),
                            },
                        };
                        break;
                    }
                case "--customer-id-style":
                    {
                        string v = Value().ToLowerInvariant();
                        o = o with
                        {
                            CustomerIdStyle = v switch
                            {
                                "int" => CustomerIdStyle.Int,
                                "float" => CustomerIdStyle.Float,
                                _ => throw new OptionsException($"option --customer-id-style expects int or float, got '{v}'"),
                            },
                        };
                        break;
                    }
                case "--gzip":
                    if (inline is not null)
                    {
                        throw new OptionsException("option --gzip takes no value");
                    }
                    o = o with { Gzip = true };
                    break;
                case "--daily":
                    if (inline is not null)
                    {
                        throw new OptionsException("option --daily takes no value");
                    }
                    o = o with { Daily = true };
                    break;
                default:
                    throw new OptionsException(a.StartsWith('-')
                        ? $"unknown option '{a}' (see --help)"
                        : $"unexpected argument '{a}' (options are --name value; see --help)");
            }
        }

        if (!outGiven)
        {
            throw new OptionsException("option --out is required (the file to write)");
        }

        string lower = o.Out.ToLowerInvariant();
        bool gzExt = lower.EndsWith(".gz", StringComparison.Ordinal);
        OutputFormat fmt = format switch
        {
            "csv" => OutputFormat.Csv,
            "parquet" => OutputFormat.Parquet,
            _ => lower.EndsWith(".parquet", StringComparison.Ordinal) ? OutputFormat.Parquet : OutputFormat.Csv,
        };
        o = o with { Format = fmt, Gzip = o.Gzip || (fmt == OutputFormat.Csv && gzExt) };
        if (o.Daily && format == "parquet")
        {
            throw new OptionsException("--daily writes csv files (parquet is not supported for daily files)");
        }
        if (o.Daily)
        {
            o = o with { Format = OutputFormat.Csv, Gzip = o.Gzip };
        }
        if (o.Format == OutputFormat.Parquet && o.Gzip)
        {
            throw new OptionsException("--gzip applies to csv only (parquet is compressed already)");
        }
        if (o.Customers > 1 && (long)o.Customers * 20 > o.Rows)
        {
            throw new OptionsException(
                $"--customers {o.Customers} is too many for --rows {o.Rows}: need rows >= 20 x customers (the real file has ~124 rows per customer)");
        }
        if (o.StartDate.DayNumber + (long)o.Days > DateOnly.MaxValue.DayNumber)
        {
            throw new OptionsException("--start-date plus --days runs past year 9999");
        }
        return o;
    }

    private static long ParseLong(string name, string v, long min, long max)
    {
        if (!long.TryParse(v.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
        {
            throw new OptionsException($"option {name} expects an integer, got '{v}'");
        }
        if (n < min || n > max)
        {
            throw new OptionsException($"option {name} must be between {min} and {max}, got {n}");
        }
        return n;
    }
}
