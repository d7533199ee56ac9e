using System.Diagnostics;
using System.IO.Compression;
using System.Globalization;

namespace Xform.Retail.Generator;

public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>The whole CLI, with injectable writers for tests. Exit 0 ok, 2 bad arguments, 1 failure while writing.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        GeneratorOptions? options;
        try
        {
            options = GeneratorOptions.Parse(args);
        }
        catch (OptionsException e)
        {
            stderr.WriteLine($"xform-retail-gen: error: {e.Message}");
            return 2;
        }
        if (options is null)
        {
            stdout.WriteLine(GeneratorOptions.Usage);
            return 0;
        }
        try
        {
            var sw = Stopwatch.StartNew();
            var stats = Generate(options);
            double secs = sw.Elapsed.TotalSeconds;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {stats.Rows:N0} rows ({stats.Invoices:N0} invoices) to {options.Out} as {(options.Format == OutputFormat.Parquet ? "parquet" : options.Gzip ? "csv.gz" : "csv")} in {secs:F2}s ({stats.Rows / Math.Max(secs, 1e-9):N0} rows/s)"));
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DuckDB.NET.Data.DuckDBException)
        {
            stderr.WriteLine($"xform-retail-gen: error: cannot write {options.Out}: {e.Message}");
            return 1;
        }
    }

    /// <summary>Writes the file described by the options.</summary>
    public static GenerationStats Generate(GeneratorOptions options)
    {
        string outPath = Path.GetFullPath(options.Out);
        if (options.Daily)
        {
            return GenerateDaily(options, outPath);
        }
        string? dir = Path.GetDirectoryName(outPath);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        if (options.Format == OutputFormat.Parquet)
        {
            string tmp = outPath + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".csv";
            try
            {
                GenerationStats stats;
                using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    stats = RetailGenerator.WriteCsv(options, fs);
                }
                ParquetConverter.Convert(tmp, outPath);
                return stats with { Bytes = new FileInfo(outPath).Length };
            }
            finally
            {
                File.Delete(tmp);
            }
        }
        using (var fs = new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            return WriteCsv(options, fs);
        }
    }

    private static GenerationStats WriteCsv(GeneratorOptions options, Stream fs)
    {
        if (options.Gzip)
        {
            using var gz = new GZipStream(fs, CompressionLevel.Fastest);
            return RetailGenerator.WriteCsv(options, gz);
        }
        return RetailGenerator.WriteCsv(options, fs);
    }

    /// <summary>--daily: the same rows as the single file, split by invoice day into the folder --out.</summary>
    private static GenerationStats GenerateDaily(GeneratorOptions options, string folder)
    {
        Directory.CreateDirectory(folder);
        string tmp = Path.Combine(folder, ".generating-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".csv");
        try
        {
            GenerationStats stats;
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                stats = RetailGenerator.WriteCsv(options, fs);
            }
            DailySplitter.Split(tmp, folder, options.Gzip);
            return stats;
        }
        finally
        {
            File.Delete(tmp);
        }
    }
}
