using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;

namespace Xform.Retail.Generator.Tests;

public class GeneratorTests
{
    [Test]
    public void SameSeedGivesIdenticalBytes()
    {
        var a = TestSupport.Generate(TestSupport.Options(20_000, seed: 7));
        var b = TestSupport.Generate(TestSupport.Options(20_000, seed: 7));
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void DifferentSeedGivesDifferentData()
    {
        var a = TestSupport.Generate(TestSupport.Options(20_000, seed: 7));
        var b = TestSupport.Generate(TestSupport.Options(20_000, seed: 8));
        Assert.That(b, Is.Not.EqualTo(a));
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(100)]
    [TestCase(1_999)]
    [TestCase(2_000)]
    [TestCase(12_345)]
    [TestCase(100_003)]
    public void WritesExactlyTheRequestedRows(long rows)
    {
        var bytes = TestSupport.Generate(TestSupport.Options(rows, seed: 3));
        long lf = bytes.Count(b => b == (byte)'\n');
        Assert.That(lf, Is.EqualTo(rows + 1), "header + rows, one LF each");
        Assert.That(TestSupport.Rows(bytes), Has.Count.EqualTo(rows));
    }

    [Test]
    public void LayoutIsExactlyTheOnlineRetailOne()
    {
        var bytes = TestSupport.Generate(TestSupport.Options(30_000, seed: 11));
        Assert.That(bytes.Take(3), Is.Not.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "no BOM");
        Assert.That(bytes, Does.Not.Contain((byte)'\r'), "LF line endings only");
        string text = new UTF8Encoding(false, true).GetString(bytes);
        Assert.That(text, Does.StartWith(TestSupport.Header + "\n"));
        var recs = TestSupport.ParseCsv(text); // throws on anything that is not RFC 4180
        Assert.That(recs.All(r => r.Length == 8), "8 fields on every line");
        Assert.That(text, Does.Contain("\"KEY FOB , GARAGE DESIGN\""), "a comma is quoted");
        Assert.That(text, Does.Contain("\"RETRO \"\"TEA FOR ONE\"\" \""), "a quote is doubled");
        foreach (var r in TestSupport.Rows(bytes))
        {
            Assert.That(r.InvoiceNo, Does.Match("^[CA]?[0-9]{6,}$"));
            Assert.That(r.Quantity, Does.Match("^-?[0-9]+$"));
            Assert.That(r.UnitPrice, Does.Match(@"^-?[0-9]+(\.[0-9]{1,3})?$"));
        }
    }

    [TestCase(DateStyle.Us, @"^(1[0-2]|[1-9])/([1-9]|[12][0-9]|3[01])/20[0-9]{2} ([0-9]|1[0-9]|2[0-3]):[0-5][0-9]$")]
    [TestCase(DateStyle.Iso, @"^20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:00$")]
    public void DateStyles(DateStyle style, string pattern)
    {
        var rows = TestSupport.Rows(TestSupport.Generate(TestSupport.Options(5_000) with { DateStyle = style }));
        Assert.That(rows.Select(r => r.InvoiceDate), Has.All.Match(pattern));
        Assert.That(rows[0].Date, Is.GreaterThanOrEqualTo(new DateTime(2010, 12, 1)));
        Assert.That(rows[^1].Date, Is.LessThan(new DateTime(2010, 12, 1).AddDays(374)));
    }

    [Test]
    public void BothDateStylesDescribeTheSameMoments()
    {
        var us = TestSupport.Rows(TestSupport.Generate(TestSupport.Options(3_000) with { DateStyle = DateStyle.Us }));
        var iso = TestSupport.Rows(TestSupport.Generate(TestSupport.Options(3_000) with { DateStyle = DateStyle.Iso }));
        Assert.That(us.Select(r => r.Date), Is.EqualTo(iso.Select(r => r.Date)));
    }

    [Test]
    public void StartDateMovesTheRange()
    {
        var rows = TestSupport.Rows(TestSupport.Generate(TestSupport.Options(3_000) with { StartDate = new DateOnly(2023, 3, 15), Days = 30 }));
        Assert.That(rows.Min(r => r.Date), Is.GreaterThanOrEqualTo(new DateTime(2023, 3, 15)));
        Assert.That(rows.Max(r => r.Date), Is.LessThan(new DateTime(2023, 4, 14)));
    }

    [TestCase(CustomerIdStyle.Float, @"^[0-9]+\.0$")]
    [TestCase(CustomerIdStyle.Int, @"^[0-9]+$")]
    public void CustomerIdStyles(CustomerIdStyle style, string pattern)
    {
        var rows = TestSupport.Rows(TestSupport.Generate(TestSupport.Options(5_000) with { CustomerIdStyle = style }));
        var ids = rows.Select(r => r.CustomerId).Where(id => id.Length > 0).ToList();
        Assert.That(ids, Is.Not.Empty);
        Assert.That(ids, Has.All.Match(pattern));
    }

    [Test]
    public void RowsAreInTimeOrderWithAscendingInvoiceNumbers()
    {
        var rows = TestSupport.Rows(TestSupport.Generate(TestSupport.Options(20_000)));
        for (int i = 1; i < rows.Count; i++)
        {
            Assert.That(rows[i].Date, Is.GreaterThanOrEqualTo(rows[i - 1].Date), $"row {i}");
            long a = long.Parse(rows[i - 1].InvoiceNo.TrimStart('C', 'A')), b = long.Parse(rows[i].InvoiceNo.TrimStart('C', 'A'));
            Assert.That(b == a || b == a + 1, $"row {i}: invoice {rows[i].InvoiceNo} after {rows[i - 1].InvoiceNo}");
        }
    }

    [Test]
    public void GzipOutputIsTheSameCsvCompressed()
    {
        string dir = TempDir();
        string gz = Path.Combine(dir, "logs.csv.gz");
        Assert.That(Program.Run(["--rows", "4000", "--seed", "5", "--out", gz], TextWriter.Null, TextWriter.Null), Is.EqualTo(0));
        using var input = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        input.CopyTo(ms);
        var expected = TestSupport.Generate(TestSupport.Options(4_000, seed: 5));
        Assert.That(ms.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void GzipFlagWithPlainName()
    {
        string dir = TempDir();
        string path = Path.Combine(dir, "logs.csv");
        Assert.That(Program.Run(["--rows", "100", "--gzip", "--out", path], TextWriter.Null, TextWriter.Null), Is.EqualTo(0));
        var head = File.ReadAllBytes(path).Take(2).ToArray();
        Assert.That(head, Is.EqualTo(new byte[] { 0x1f, 0x8b }), "gzip magic");
    }

    [Test]
    public void ParquetKeepsEveryValueAsTheCsvText()
    {
        string dir = TempDir();
        string pq = Path.Combine(dir, "logs.parquet");
        var stdout = new StringWriter();
        Assert.That(Program.Run(["--rows", "6000", "--seed", "9", "--out", pq], stdout, TextWriter.Null), Is.EqualTo(0));
        Assert.That(Directory.GetFiles(dir), Is.EqualTo(new[] { pq }), "the temporary CSV is deleted");
        var csv = TestSupport.Rows(TestSupport.Generate(TestSupport.Options(6_000, seed: 9)));

        using var con = new DuckDBConnection("DataSource=:memory:");
        con.Open();
        using var cmd = con.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM read_parquet('{pq}')";
        Assert.That(Convert.ToInt64(cmd.ExecuteScalar()), Is.EqualTo(6000));
        cmd.CommandText = $"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{pq}'))";
        using (var rd = cmd.ExecuteReader())
        {
            var cols = new List<string>();
            while (rd.Read())
            {
                cols.Add(rd.GetString(0));
                Assert.That(rd.GetString(1), Is.EqualTo("VARCHAR"), rd.GetString(0));
            }
            Assert.That(string.Join(",", cols), Is.EqualTo(TestSupport.Header));
        }
        // row order and exact text, including trailing spaces and empty CustomerID
        cmd.CommandText = $"SELECT InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country FROM read_parquet('{pq}')";
        using var r2 = cmd.ExecuteReader();
        int i = 0;
        while (r2.Read())
        {
            var row = new RawRow(r2.GetString(0), r2.GetString(1), r2.GetString(2), r2.GetString(3), r2.GetString(4), r2.GetString(5), r2.GetString(6), r2.GetString(7));
            Assert.That(row, Is.EqualTo(csv[i]), $"row {i}");
            i++;
        }
        Assert.That(csv.Any(r => r.CustomerId.Length == 0) && csv.Any(r => r.Description.EndsWith(' ')), "the comparison saw the hard cases");
    }

    [Test]
    public void QuirkSharesAreRealistic()
    {
        var rows = TestSupport.Rows(TestSupport.Generate(TestSupport.Options(100_000, seed: 2024)));
        double n = rows.Count;
        double Share(Func<RawRow, bool> f) => rows.Count(f) / n;
        Assert.Multiple(() =>
        {
            // real file: 24.9% no customer, 1.71% credit-note lines, 0.46% zero price, 0.27% empty descriptions,
            // 91.4% United Kingdom, 21% descriptions with leading/trailing spaces, ~21 lines per invoice
            Assert.That(Share(r => r.CustomerId.Length == 0), Is.InRange(0.22, 0.28), "no CustomerID");
            Assert.That(Share(r => r.InvoiceNo.StartsWith('C')), Is.InRange(0.012, 0.025), "credit-note lines");
            Assert.That(Share(r => r.Price <= 0), Is.InRange(0.003, 0.008), "zero price");
            Assert.That(Share(r => r.Description.Length == 0), Is.InRange(0.0015, 0.004), "empty description");
            Assert.That(Share(r => r.Country == "United Kingdom"), Is.InRange(0.85, 0.96), "United Kingdom");
            Assert.That(Share(r => r.Description != r.Description.Trim()), Is.InRange(0.1, 0.3), "untrimmed descriptions");
            Assert.That(Share(r => r.Qty < 0 && !r.InvoiceNo.StartsWith('C')), Is.InRange(0.001, 0.005), "negative quantity outside credit notes");
            Assert.That(Share(r => r.StockCode == "POST"), Is.InRange(0.001, 0.005), "POST");
            Assert.That(rows.Count(r => r.InvoiceNo.StartsWith('A')), Is.InRange(3, 10), "bad-debt adjustments");
            double linesPerInvoice = n / rows.Select(r => r.InvoiceNo).Distinct().Count();
            Assert.That(linesPerInvoice, Is.InRange(10, 35), "lines per invoice");
        });
    }

    [Test]
    public void CustomersRepeatLikeRealCustomers()
    {
        var rows = TestSupport.Rows(TestSupport.Generate(TestSupport.Options(100_000, seed: 2024)));
        var invoicesPerCustomer = rows.Where(r => r.CustomerId.Length > 0 && !r.InvoiceNo.StartsWith('C') && r.Price > 0 && char.IsDigit(r.StockCode[0]))
            .GroupBy(r => r.CustomerId)
            .Select(g => (Invoices: g.Select(r => r.InvoiceNo).Distinct().Count(), First: g.Min(r => r.Date), Last: g.Max(r => r.Date)))
            .ToList();
        double c = invoicesPerCustomer.Count;
        var end = rows.Max(r => r.Date);
        Assert.Multiple(() =>
        {
            Assert.That(c, Is.InRange(600, 806), "customers who bought (100k rows => ~806 customers)");
            // real file: 34% bought once, 2.5% bought 20+ times
            Assert.That(invoicesPerCustomer.Count(x => x.Invoices == 1) / c, Is.InRange(0.25, 0.5), "one-off buyers");
            Assert.That(invoicesPerCustomer.Count(x => x.Invoices >= 10) / c, Is.InRange(0.03, 0.2), "loyal minority");
            Assert.That(invoicesPerCustomer.Count(x => (end - x.Last).TotalDays > 120) / c, Is.InRange(0.15, 0.5), "customers gone for 4+ months (churn)");
            Assert.That(invoicesPerCustomer.Count(x => x.First > end.AddDays(-180)) / c, Is.InRange(0.15, 0.6), "customers acquired in the last half year");
        });
    }

    [Test]
    public void CreditNotesReturnWhatTheCustomerBought()
    {
        var rows = TestSupport.Rows(TestSupport.Generate(TestSupport.Options(50_000, seed: 77)));
        var bought = rows.Where(r => !r.InvoiceNo.StartsWith('C') && r.Qty > 0 && r.CustomerId.Length > 0)
            .Select(r => (r.CustomerId, r.StockCode, r.Price)).ToHashSet();
        var productReturns = rows.Where(r => r.InvoiceNo.StartsWith('C') && r.CustomerId.Length > 0 && char.IsDigit(r.StockCode[0])).ToList();
        Assert.That(productReturns, Has.Count.GreaterThan(100));
        foreach (var r in productReturns)
        {
            Assert.That(r.Qty, Is.LessThan(0));
            Assert.That(bought, Does.Contain((r.CustomerId, r.StockCode, r.Price)), $"{r.InvoiceNo} returns {r.StockCode} at {r.UnitPrice}, never bought by {r.CustomerId}");
        }
    }

    [Test]
    public void MemoryDoesNotGrowWithRows()
    {
        // a stream that counts and discards: the generator must not hold rows
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var sink = new CountingStream();
        RetailGenerator.WriteCsv(TestSupport.Options(400_000, seed: 1), sink);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(sink.Length, Is.GreaterThan(400_000L * 40));
        Assert.That(allocated, Is.LessThan(20_000_000), "allocations must not scale with rows (" + allocated + " bytes)");
    }

    private static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "xform-retail-gen-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private sealed class CountingStream : Stream
    {
        private long length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => length;

        public override long Position { get => length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => length += count;
    }
}
