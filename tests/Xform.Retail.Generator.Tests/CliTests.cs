namespace Xform.Retail.Generator.Tests;

public class CliTests
{
    [TestCase("--rows", "abc", "--out", "x.csv")]
    [TestCase("--rows", "0", "--out", "x.csv")]
    [TestCase("--rows", "10")]
    [TestCase("--format", "xml", "--out", "x.csv")]
    [TestCase("--date-style", "eu", "--out", "x.csv")]
    [TestCase("--customer-id-style", "double", "--out", "x.csv")]
    [TestCase("--start-date", "12/1/2010", "--out", "x.csv")]
    [TestCase("--seed", "-1", "--out", "x.csv")]
    [TestCase("--bogus", "--out", "x.csv")]
    [TestCase("--out")]
    [TestCase("--rows", "1000", "--customers", "500", "--out", "x.csv")]
    [TestCase("--gzip", "--out", "x.parquet")]
    [TestCase("--daily", "--format", "parquet", "--out", "days")]
    [TestCase("--daily=yes", "--out", "days")]
    public void BadArgumentsExit2WithOneLine(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        Assert.That(code, Is.EqualTo(2));
        string err = stderr.ToString();
        Assert.That(err.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), err);
        Assert.That(err, Does.StartWith("xform-retail-gen: error: "));
        Assert.That(err, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(stdout.ToString(), Is.Empty);
    }

    [Test]
    public void HelpExits0()
    {
        var stdout = new StringWriter();
        Assert.That(Program.Run(["--help"], stdout, TextWriter.Null), Is.EqualTo(0));
        Assert.That(stdout.ToString(), Does.Contain("--rows").And.Contain("--date-style").And.Contain("--customer-id-style"));
    }

    [Test]
    public void FormatIsInferredFromTheFileName()
    {
        Assert.That(GeneratorOptions.Parse(["--out", "a.parquet"])!.Format, Is.EqualTo(OutputFormat.Parquet));
        Assert.That(GeneratorOptions.Parse(["--out", "a.csv.gz"])!.Gzip, Is.True);
        Assert.That(GeneratorOptions.Parse(["--out", "a.csv"])!.Gzip, Is.False);
        Assert.That(GeneratorOptions.Parse(["--out=a.csv", "--format=parquet"])!.Format, Is.EqualTo(OutputFormat.Parquet));
    }

    [Test]
    public void ReportsWhatItWrote()
    {
        string path = Path.Combine(Path.GetTempPath(), "xform-retail-gen-tests", Guid.NewGuid().ToString("N"), "out.csv");
        var stdout = new StringWriter();
        Assert.That(Program.Run(["--rows", "50", "--out", path], stdout, TextWriter.Null), Is.EqualTo(0));
        Assert.That(stdout.ToString(), Does.StartWith("wrote 50 rows"));
        Assert.That(File.ReadAllLines(path), Has.Length.EqualTo(51));
    }

    /// <summary>--daily: the single file's rows, in its order, split by invoice day into one file a day with the
    /// header; every row in the file named after its day.</summary>
    [TestCase("us")]
    [TestCase("iso")]
    public void DailyFilesHoldTheSingleFilesRowsOneFileADay(string dateStyle)
    {
        string dir = Path.Combine(Path.GetTempPath(), "xform-retail-gen-tests", Guid.NewGuid().ToString("N"));
        string[] common = ["--rows", "3000", "--days", "20", "--seed", "5", "--date-style", dateStyle];
        Assert.That(Program.Run([.. common, "--out", Path.Combine(dir, "one.csv")], TextWriter.Null, TextWriter.Null), Is.EqualTo(0));
        Assert.That(Program.Run([.. common, "--daily", "--out", Path.Combine(dir, "days")], TextWriter.Null, TextWriter.Null), Is.EqualTo(0));
        var single = File.ReadAllLines(Path.Combine(dir, "one.csv"));
        var files = Directory.GetFiles(Path.Combine(dir, "days")).Order(StringComparer.Ordinal).ToList();
        Assert.That(files, Has.Count.GreaterThan(10), "one file per trading day");
        var rows = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            Assert.That(lines[0], Is.EqualTo(single[0]), "each file has the header");
            var day = Path.GetFileNameWithoutExtension(file)["transaction_logs_".Length..];
            foreach (var row in lines.Skip(1))
            {
                var date = TestSupport.ParseCsv(row + "\n")[0][4];
                var parsed = DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
                Assert.That(parsed.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(day), row);
            }
            rows.AddRange(lines.Skip(1));
        }
        Assert.That(rows.Order(StringComparer.Ordinal), Is.EqualTo(single.Skip(1).Order(StringComparer.Ordinal)), "the same rows");
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public void UnwritablePathExits1WithOneLine()
    {
        var stderr = new StringWriter();
        string file = Path.GetTempFileName();
        int code = Program.Run(["--rows", "10", "--out", Path.Combine(file, "sub", "x.csv")], TextWriter.Null, stderr);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr.ToString(), Does.StartWith("xform-retail-gen: error: cannot write"));
        Assert.That(stderr.ToString().TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
    }
}
