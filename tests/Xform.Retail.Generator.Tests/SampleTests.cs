namespace Xform.Retail.Generator.Tests;

public class SampleTests
{
    // exactly the command written in data/sample/README.md
    internal static readonly string[] SampleArgs =
        ["--rows", "5000", "--customers", "150", "--days", "374", "--seed", "20101201", "--start-date", "2010-12-01", "--date-style", "us", "--customer-id-style", "float", "--out", "data/sample/transaction_logs.csv"];

    private static string SamplePath => Path.Combine(TestSupport.RepoRoot(), "data", "sample", "transaction_logs.csv");

    private static List<RawRow> SampleRows() => TestSupport.Rows(File.ReadAllBytes(SamplePath));

    [Test]
    public void ReadmeHasTheExactCommand()
    {
        string readme = File.ReadAllText(Path.Combine(TestSupport.RepoRoot(), "data", "sample", "README.md"));
        Assert.That(readme, Does.Contain("-- " + string.Join(" ", SampleArgs)));
    }

    [Test]
    public void CommittedSampleIsTheGeneratorsOutput()
    {
        var options = GeneratorOptions.Parse(SampleArgs)!;
        var expected = TestSupport.Generate(options);
        var actual = File.ReadAllBytes(SamplePath);
        Assert.That(actual.Length, Is.EqualTo(expected.Length), "sample differs from the generator: regenerate it with the command in data/sample/README.md");
        Assert.That(actual.SequenceEqual(expected), "sample differs from the generator: regenerate it with the command in data/sample/README.md");
    }

    [Test]
    public void SampleIsPublicationStyleOverAboutAYear()
    {
        var rows = SampleRows();
        Assert.That(rows, Has.Count.InRange(3000, 6000));
        Assert.That(rows.Select(r => r.InvoiceDate), Has.All.Match(@"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}$"));
        Assert.That(rows.Where(r => r.CustomerId.Length > 0).Select(r => r.CustomerId), Has.All.Match(@"^\d+\.0$"));
        double days = (rows.Max(r => r.Date) - rows.Min(r => r.Date)).TotalDays;
        Assert.That(days, Is.InRange(330, 380));
    }

    [Test]
    public void SampleCoversEveryCleaningRule()
    {
        var rows = SampleRows();
        var cleaning = new Cleaning();
        var categories = rows.GroupBy(cleaning.Category).ToDictionary(g => g.Key, g => g.Count());
        var noteGroups = rows.Where(r => cleaning.Category(r) is "zero_value" or "return" && r.Price <= 0)
            .Select(r => cleaning.NoteGroup(r.Description)).Where(g => g is not null).GroupBy(g => g!).ToDictionary(g => g.Key, g => g.Count());
        var codes = rows.GroupBy(r => r.StockCode).ToDictionary(g => g.Key, g => g.Count());
        var countries = rows.GroupBy(r => r.Country).ToDictionary(g => g.Key, g => g.Count());
        var flags = cleaning.PriceFlags(rows).GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.Count());
        int Count<T>(Dictionary<T, int> d, T key) where T : notnull => d.GetValueOrDefault(key);

        Assert.Multiple(() =>
        {
            foreach (string c in new[] { "bad_debt", "return", "manual_adjustment", "non_product", "zero_value", "incomplete", "sale" })
            {
                Assert.That(Count(categories, c), Is.GreaterThanOrEqualTo(3), $"category {c}");
            }
            foreach (string g in TestSupport.Seed("adjustment_keywords").Select(r => r["note_group"]).Distinct())
            {
                Assert.That(Count(noteGroups, g), Is.GreaterThanOrEqualTo(3), $"note group {g}");
            }
            Assert.That(noteGroups.Keys, Has.Count.EqualTo(7));
            foreach (string code in new[] { "M", "m", " M ", "POST", "DOT", "C2", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "B" })
            {
                Assert.That(Count(codes, code), Is.GreaterThanOrEqualTo(2), $"stock code '{code}'");
            }
            foreach (string country in new[] { "EIRE", "RSA", "USA", "Channel Islands", "European Community", "Unspecified" })
            {
                Assert.That(Count(countries, country), Is.GreaterThanOrEqualTo(1), $"country {country}");
            }
            foreach (string flag in new[] { "zero_or_manual", "normal", "one_off_price_change", "oscillating_or_promotional", "complex" })
            {
                Assert.That(Count(flags, flag), Is.GreaterThanOrEqualTo(2), $"price_flag {flag}");
            }
            Assert.That(rows.Count(r => r.InvoiceNo.StartsWith('A') && r.StockCode == "B" && r.Price < 0), Is.GreaterThanOrEqualTo(2), "negative bad-debt price");
            Assert.That(rows.Count(r => r.Qty < 0 && !r.InvoiceNo.StartsWith('C')), Is.GreaterThanOrEqualTo(3), "negative quantity without C");
            Assert.That(rows.Count(r => r.Description.Length == 0), Is.GreaterThanOrEqualTo(3), "empty descriptions");
            Assert.That(rows.Count(r => r.Description.Trim() is "?" or "??" or "???" or "missing" or "wrongly sold" && r.Price > 0), Is.GreaterThanOrEqualTo(3), "priced lines with unknown descriptions");
            Assert.That(rows.Count(r => r.Description != r.Description.Trim() && r.Description.Length > 0), Is.GreaterThanOrEqualTo(50), "untrimmed descriptions");
            Assert.That(rows.Count(r => r.Description.Contains("POLKADOT", StringComparison.Ordinal) && cleaning.Category(r) == "sale"), Is.GreaterThanOrEqualTo(3), "POLKADOT products sold");
            Assert.That(rows.Count(r => r.Description.Contains("CHECK", StringComparison.Ordinal) && cleaning.Category(r) == "sale"), Is.GreaterThanOrEqualTo(3), "CHECK products sold");
            Assert.That(rows.Count(r => r.Description.Contains(',') || r.Description.Contains('"')), Is.GreaterThanOrEqualTo(3), "fields that need quoting");
            Assert.That(rows.Count(r => r.CustomerId.Length == 0), Is.InRange(rows.Count / 6, rows.Count / 3), "rows without CustomerID");
        });
    }

    [Test]
    public void SampleCustomersRepeatAndChurn()
    {
        var rows = SampleRows();
        var cleaning = new Cleaning();
        var perCustomer = rows.Where(r => cleaning.Category(r) == "sale").GroupBy(r => r.CustomerId)
            .Select(g => (Invoices: g.Select(r => r.InvoiceNo).Distinct().Count(), Last: g.Max(r => r.Date))).ToList();
        var end = rows.Max(r => r.Date);
        Assert.That(perCustomer, Has.Count.GreaterThan(100));
        Assert.That(perCustomer.Count(c => c.Invoices == 1), Is.GreaterThan(15), "one-off buyers");
        Assert.That(perCustomer.Count(c => c.Invoices >= 5), Is.GreaterThan(10), "repeat buyers");
        Assert.That(perCustomer.Count(c => (end - c.Last).TotalDays > 90), Is.GreaterThan(15), "churned (recency > 90 days)");
        Assert.That(perCustomer.Count(c => (end - c.Last).TotalDays <= 30), Is.GreaterThan(15), "recent buyers");
    }
}
