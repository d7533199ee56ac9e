using System.Globalization;
using NUnit.Framework;

namespace Xform.Cli.Tests.Retail;

/// <summary>
/// End-to-end tests of the retail analytics project in the repository root: a copy of the project
/// (project.yml, profiles.yml, models, macros, seeds, the committed sample, tests/sql) is built with the
/// real CLI, and its numbers are checked against values computed here, in C#, from the sample CSV and the
/// seed CSVs with the spec's rules (never by re-running the project's SQL).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RetailProjectTests
{
    TestProject _project = null!;
    CliResult _build = null!;
    Expected _expected = null!;

    static readonly string[] ProjectPaths = ["project.yml", "profiles.yml", "models", "macros", "seeds", "data/sample", "tests/sql"];

    /// <summary>A copy of the retail project in a temp folder (the repository's own target/ is never touched).</summary>
    internal static TestProject CopyRetailProject(string name)
    {
        var project = new TestProject(name, withDefaults: false);
        foreach (var path in ProjectPaths)
        {
            var source = Path.Combine(TestProject.RepositoryRoot, path);
            var destination = Path.Combine(project.Dir, path);
            if (File.Exists(source))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(source, destination);
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(destination, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        return project;
    }

    [OneTimeSetUp]
    public void BuildSample()
    {
        _project = CopyRetailProject("retail");
        // One thread: on a brand-new database file, parallel data tests race to create the audit schema
        // (a core issue, reported); the project itself is the same at any thread count.
        _build = _project.Run("build", "--threads", "1");
        _expected = Expected.Compute(
            Path.Combine(_project.Dir, "data/sample/transaction_logs.csv"),
            Path.Combine(_project.Dir, "seeds"));
    }

    [OneTimeTearDown]
    public void CleanUp() => _project.Dispose();

    string Db => Path.Combine(_project.Dir, "target", "retail.duckdb");

    List<object?[]> Query(string sql) => _project.Query(sql, Db);

    [Test]
    public void BuildOfTheSamplePassesEveryDataTest()
    {
        Assert.That(_build.ExitCode, Is.EqualTo(0), _build.ToString());
        Assert.That(_build.Out, Does.Contain("ERROR=0"));
        Assert.That(_build.Out, Does.Match(@"PASS=\d{3}"), "the project carries well over a hundred data tests");
        Assert.That(_build.Out, Does.Contain("assert_rfm_mapping_covers_125_combinations_once"));
    }

    [Test]
    public void RowsPerCategoryMatchTheSpecRulesAppliedInCSharp()
    {
        var actual = Query("select transaction_category, count(*) from stg_transaction_logs group by 1")
            .ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
        Assert.That(actual, Is.EquivalentTo(_expected.RowsPerCategory));
        Assert.That(_expected.RowsPerCategory.Keys, Is.EquivalentTo(new[] { "bad_debt", "return", "manual_adjustment", "non_product", "zero_value", "incomplete", "sale" }),
            "the sample exercises every category");
        var report = Query("select transaction_category, row_count from rpt_data_loss")
            .ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
        Assert.That(report, Is.EquivalentTo(_expected.RowsPerCategory));
    }

    [Test]
    public void CustomersAndTotalSaleRevenueMatch()
    {
        Assert.That(Convert.ToInt64(Query("select count(*) from obt_customer_kpis_and_segmentation")[0][0]), Is.EqualTo(_expected.Customers.Count));
        var overall = Query("select customers, gross_sales, orders from obt_overall_customer_kpis")[0];
        Assert.That(Convert.ToInt64(overall[0]), Is.EqualTo(_expected.Customers.Count));
        Assert.That(Convert.ToDecimal(overall[1], CultureInfo.InvariantCulture), Is.EqualTo(_expected.SaleRevenue));
        Assert.That(Convert.ToInt64(overall[2]), Is.EqualTo(_expected.Orders));
        Assert.That(Convert.ToDecimal(Query("select sum(monetary) from obt_customer_kpis_and_segmentation")[0][0], CultureInfo.InvariantCulture),
            Is.EqualTo(_expected.SaleRevenue));
    }

    [Test]
    public void OneCustomersRecencyFrequencyMonetaryMatch()
    {
        // The customer with the most sale lines, and the one with the fewest (ties: lowest id).
        foreach (var c in new[]
                 {
                     _expected.Customers.Values.OrderByDescending(c => c.Lines).ThenBy(c => c.Id).First(),
                     _expected.Customers.Values.OrderBy(c => c.Lines).ThenBy(c => c.Id).First(),
                 })
        {
            var row = Query($"select recency_days, frequency, monetary, tenure_days, customer_aov from obt_customer_kpis_and_segmentation where customer_id = {c.Id}").Single();
            Assert.That(Convert.ToInt64(row[0]), Is.EqualTo((_expected.SnapshotDate - c.Last.Date).Days), $"recency of {c.Id}");
            Assert.That(Convert.ToInt64(row[1]), Is.EqualTo(c.Invoices.Count), $"frequency of {c.Id}");
            Assert.That(Convert.ToDecimal(row[2], CultureInfo.InvariantCulture), Is.EqualTo(c.Monetary), $"monetary of {c.Id}");
            Assert.That(Convert.ToInt64(row[3]), Is.EqualTo((_expected.SnapshotDate - c.First.Date).Days), $"tenure of {c.Id}");
            Assert.That(Convert.ToDecimal(row[4], CultureInfo.InvariantCulture),
                Is.EqualTo(Math.Round(c.Monetary / c.Invoices.Count, 4, MidpointRounding.AwayFromZero)), $"AOV of {c.Id}");
        }
    }

    [Test]
    public void RfmScoresFollowTheSpecTieBreakingAndSegmentsFollowTheSeedGrid()
    {
        var customers = _expected.Customers.Values.ToList();
        var r = Ntile(customers.OrderByDescending(c => (_expected.SnapshotDate - c.Last.Date).Days).ThenBy(c => c.Id));
        var f = Ntile(customers.OrderBy(c => c.Invoices.Count).ThenBy(c => c.Id));
        var m = Ntile(customers.OrderBy(c => c.Monetary).ThenBy(c => c.Id));
        var rows = Query("select customer_id, r_score, f_score, m_score, rfm_cell, rfm_segment from obt_customer_kpis_and_segmentation");
        Assert.That(rows, Has.Count.EqualTo(customers.Count));
        foreach (var row in rows)
        {
            var id = Convert.ToInt64(row[0]);
            int rs = Convert.ToInt32(row[1]), fs = Convert.ToInt32(row[2]), ms = Convert.ToInt32(row[3]);
            Assert.That((rs, fs, ms), Is.EqualTo((r[id], f[id], m[id])), $"scores of customer {id}");
            Assert.That(row[4], Is.EqualTo($"{rs}{fs}{ms}"));
            Assert.That(row[5], Is.EqualTo(_expected.Segment(rs, fs, ms)), $"segment of customer {id} ({rs}{fs}{ms})");
        }
    }

    [Test]
    public void ChurnAndEngagementFollowTheirDefinitions()
    {
        foreach (var row in Query("select customer_id, recency_days, is_churned, churn_risk_group from obt_customer_kpis_and_segmentation"))
        {
            var recency = Convert.ToInt32(row[1]);
            var expected = recency > 90 ? "Churned" : recency <= 30 ? "Low" : recency <= 60 ? "Medium" : "High";
            Assert.That(row[2], Is.EqualTo(recency > 90));
            Assert.That(row[3], Is.EqualTo(expected));
        }
        // DAU and the rolling 30-day distinct MAU of a few days, recomputed from the sale lines.
        var days = Query("select activity_date, dau, mau from obt_customer_dau_mau_stickiness order by activity_date");
        Assert.That(days, Has.Count.EqualTo(_expected.LastSaleDay.DayNumber - _expected.FirstSaleDay.DayNumber + 1), "one row per calendar day");
        foreach (var row in days.Where((_, i) => i % 37 == 0 || i == days.Count - 1))
        {
            var day = row[0] is DateOnly d ? d : DateOnly.FromDateTime(Convert.ToDateTime(row[0], CultureInfo.InvariantCulture));
            var dau = _expected.Activity.Where(a => a.Day == day).Select(a => a.Customer).Distinct().Count();
            var mau = _expected.Activity.Where(a => a.Day <= day && a.Day > day.AddDays(-30)).Select(a => a.Customer).Distinct().Count();
            Assert.That(Convert.ToInt32(row[1]), Is.EqualTo(dau), $"dau of {day}");
            Assert.That(Convert.ToInt32(row[2]), Is.EqualTo(mau), $"mau of {day}");
        }
    }

    [Test]
    public void NetValueFullyReturnedFlagAndInterpretableCltvFollowTheirDefinitions()
    {
        var rows = Query("select customer_id, returns_value, net_monetary, is_fully_returned, cltv_interpretable, tenure_days " +
            "from obt_customer_kpis_and_segmentation");
        Assert.That(rows, Has.Count.EqualTo(_expected.Customers.Count));
        var flagged = 0;
        foreach (var row in rows)
        {
            var c = _expected.Customers[Convert.ToInt64(row[0])];
            var net = c.Monetary + c.ReturnsValue;
            var fully = net <= c.Monetary * (1 - 0.99m);
            // Defaults: tenure floor 90 days, 3 years of lifetime, gross margin 0.6 (seed business_constants).
            var annualised = Math.Round(net * 365 / Math.Max((_expected.SnapshotDate - c.First.Date).Days, 90), 4, MidpointRounding.AwayFromZero);
            var cltv = fully ? 0 : Math.Round(annualised * 3 * 0.6m, 4, MidpointRounding.AwayFromZero);
            Assert.That(Convert.ToDecimal(row[1], CultureInfo.InvariantCulture), Is.EqualTo(c.ReturnsValue), $"returns of {c.Id}");
            Assert.That(Convert.ToDecimal(row[2], CultureInfo.InvariantCulture), Is.EqualTo(net), $"net monetary of {c.Id}");
            Assert.That(row[3], Is.EqualTo(fully), $"fully returned flag of {c.Id}");
            Assert.That(Convert.ToDecimal(row[4], CultureInfo.InvariantCulture), Is.EqualTo(cltv), $"interpretable CLTV of {c.Id}");
            if (fully) flagged++;
        }
        Assert.That(flagged, Is.GreaterThan(0), "the sample has a customer whose purchases were all returned");
        Assert.That(_expected.Customers.Values.Count(c => c.ReturnsValue < 0 && c.Monetary + c.ReturnsValue > 0), Is.GreaterThan(0),
            "and customers who returned part of theirs");
    }

    static Dictionary<long, int> Ntile(IEnumerable<Customer> ordered)
    {
        // SQL's ntile(5): the first n % 5 buckets have one row more.
        var list = ordered.ToList();
        int n = list.Count, small = n / 5, extra = n % 5;
        var result = new Dictionary<long, int>();
        var index = 0;
        for (var bucket = 1; bucket <= 5; bucket++)
            for (var k = 0; k < small + (bucket <= extra ? 1 : 0); k++)
                result[list[index++].Id] = bucket;
        return result;
    }

    [Test]
    public void AnUnparseableDateFailsTheBuildNamingTheValue()
    {
        using var broken = CopyRetailProject("retail_broken");
        var path = Path.Combine(broken.Dir, "data/sample/transaction_logs.csv");
        var lines = File.ReadAllLines(path);
        lines[10] = lines[10].Replace(Csv.Split(lines[10])[4], "31/13/2011 8:26", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);
        var result = broken.Run("build", "--threads", "1");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.All, Does.Contain("InvoiceDate is neither M/D/YYYY H:MM nor ISO: 31/13/2011 8:26"));
        Assert.That(result.All, Does.Contain("stg_transaction_logs"));
    }

    [Test]
    public void ReturnsCanCountInTheCustomerMetrics()
    {
        using var project = CopyRetailProject("retail_returns");
        var result = project.Run("build", "--threads", "1", "--vars", "{returns_in_customer_metrics: true}");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var expected = _expected.Customers.Values.Sum(c => c.Monetary + c.ReturnsValue);
        var actual = Convert.ToDecimal(project.Query("select sum(monetary) from obt_customer_kpis_and_segmentation",
            Path.Combine(project.Dir, "target", "retail.duckdb"))[0][0], CultureInfo.InvariantCulture);
        Assert.That(actual, Is.EqualTo(expected));
    }

    internal sealed record Customer(long Id)
    {
        public HashSet<string> Invoices { get; } = [];
        public decimal Monetary { get; set; }
        public decimal ReturnsValue { get; set; }
        public int Lines { get; set; }
        public DateTime First { get; set; } = DateTime.MaxValue;
        public DateTime Last { get; set; } = DateTime.MinValue;
    }

    /// <summary>The spec's section 2 and 4 rules, applied to the raw CSV in C#.</summary>
    internal sealed class Expected
    {
        public Dictionary<string, long> RowsPerCategory { get; } = [];
        public Dictionary<long, Customer> Customers { get; } = [];
        public List<(DateOnly Day, long Customer)> Activity { get; } = [];
        public decimal SaleRevenue { get; private set; }
        public int Orders { get; private set; }
        public DateTime SnapshotDate { get; private set; }
        public DateOnly FirstSaleDay { get; private set; }
        public DateOnly LastSaleDay { get; private set; }
        List<(int MinR, int MaxR, int MinF, int MaxF, int MinM, int MaxM, string Segment)> _grid = [];

        public string Segment(int r, int f, int m) =>
            _grid.Single(g => r >= g.MinR && r <= g.MaxR && f >= g.MinF && f <= g.MaxF && m >= g.MinM && m <= g.MaxM).Segment;

        public static Expected Compute(string rawCsv, string seeds)
        {
            var e = new Expected();
            var codes = File.ReadAllLines(Path.Combine(seeds, "non_product_stock_codes.csv")).Skip(1)
                .Select(Csv.Split).ToDictionary(f => f[0].Trim().ToUpperInvariant(), f => f[1].Trim());
            e._grid = File.ReadAllLines(Path.Combine(seeds, "rfm_segment_mapping.csv")).Skip(1).Select(Csv.Split)
                .Select(f => (int.Parse(f[0]), int.Parse(f[1]), int.Parse(f[2]), int.Parse(f[3]), int.Parse(f[4]), int.Parse(f[5]), f[6])).ToList();
            string[] incomplete = ["?", "??", "???", "missing", "wrongly sold"];
            string[] unknownCountries = ["european community", "unspecified"];
            var sales = new List<(long Customer, string Invoice, DateTime At, decimal Amount)>();
            var returns = new List<(long? Customer, decimal Amount)>();
            var text = File.ReadAllText(rawCsv);
            foreach (var f in Csv.Records(text).Skip(1))
            {
                string invoice = f[0].Trim(), code = f[1].Trim(), description = f[2].Trim(), country = f[7].Trim();
                var quantity = int.Parse(f[3].Trim(), CultureInfo.InvariantCulture);
                var price = decimal.Parse(f[5].Trim(), CultureInfo.InvariantCulture);
                var at = DateTime.ParseExact(f[4].Trim(), ["M/d/yyyy H:mm", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None);
                long? customer = f[6].Trim().Length == 0 ? null : (long)decimal.Parse(f[6].Trim(), CultureInfo.InvariantCulture);
                codes.TryGetValue(code.ToUpperInvariant(), out var codeCategory);
                var category =
                    description.Equals("Adjust bad debt", StringComparison.OrdinalIgnoreCase) ? "bad_debt"
                    : invoice.StartsWith('C') || quantity < 0 ? "return"
                    : codeCategory == "manual" ? "manual_adjustment"
                    : codeCategory is not null ? "non_product"
                    : price <= 0 ? "zero_value"
                    : customer is null || description.Length == 0 || incomplete.Contains(description.ToLowerInvariant())
                      || unknownCountries.Contains(country.ToLowerInvariant()) ? "incomplete"
                    : "sale";
                e.RowsPerCategory[category] = e.RowsPerCategory.GetValueOrDefault(category) + 1;
                if (category == "sale") sales.Add((customer!.Value, invoice, at, quantity * price));
                if (category == "return") returns.Add((customer, quantity * price));
            }
            e.SnapshotDate = sales.Max(s => s.At).Date.AddDays(1);
            e.FirstSaleDay = DateOnly.FromDateTime(sales.Min(s => s.At));
            e.LastSaleDay = DateOnly.FromDateTime(sales.Max(s => s.At));
            e.SaleRevenue = sales.Sum(s => s.Amount);
            e.Orders = sales.Select(s => s.Invoice).Distinct().Count();
            foreach (var s in sales)
            {
                if (!e.Customers.TryGetValue(s.Customer, out var c)) e.Customers[s.Customer] = c = new Customer(s.Customer);
                c.Invoices.Add(s.Invoice);
                c.Monetary += s.Amount;
                c.Lines++;
                if (s.At < c.First) c.First = s.At;
                if (s.At > c.Last) c.Last = s.At;
                e.Activity.Add((DateOnly.FromDateTime(s.At), s.Customer));
            }
            foreach (var r in returns)
                if (r.Customer is { } id && e.Customers.TryGetValue(id, out var c)) c.ReturnsValue += r.Amount;
            return e;
        }
    }

    /// <summary>RFC 4180 records (quoted fields, doubled quotes, commas and newlines inside quotes).</summary>
    internal static class Csv
    {
        public static string[] Split(string line) => Records(line).First();

        public static IEnumerable<string[]> Records(string text)
        {
            var fields = new List<string>();
            var field = new System.Text.StringBuilder();
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                var ch = text[i];
                if (quoted)
                {
                    if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (ch == '"') quoted = false;
                    else field.Append(ch);
                }
                else if (ch == '"') quoted = true;
                else if (ch == ',') { fields.Add(field.ToString()); field.Clear(); }
                else if (ch == '\r') { }
                else if (ch == '\n')
                {
                    fields.Add(field.ToString()); field.Clear();
                    yield return fields.ToArray(); fields.Clear();
                }
                else field.Append(ch);
            }
            if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); yield return fields.ToArray(); }
        }
    }
}
