using System.Globalization;

namespace Xform.Insights.Tests;

/// <summary>
/// The parts an analyst checks first, on the exported sample page in headless Chromium, each against SQL on the
/// built marts: value net of returns with the fully returned customers flagged and never leading a ranking, both
/// CLTVs, the cohort retention grid, the recency x frequency grid, the date-range filter, the CSV download and the
/// filter state in the URL.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class AnalystPageTests : PageTests
{
    static readonly string[] NumericColumns = ["recency", "frequency", "monetary", "returns", "net", "cltvNet", "cltv"];

    HashSet<string> FullyReturned() =>
        _project.Query($"select cast(customer_id as varchar) from {Obt} where is_fully_returned").Select(r => (string)r[0]!).ToHashSet();

    async Task<string> FirstId() => await Browser.Eval<string>("window.xformInsights.table.firstId");

    async Task SetDates(string from, string to)
    {
        await Browser.Eval($"(() => {{ for (const [id, v] of [['filter-from', {Js(from)}], ['filter-to', {Js(to)}]]) {{ " +
            "const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('change')); } })()");
    }

    [Test]
    public async Task Table_ranks_by_net_revenue_and_fully_returned_customers_are_flagged_and_never_lead()
    {
        await Open(_project.PagePath);
        var flagged = FullyReturned();
        Assert.That(flagged, Is.Not.Empty, "the sample has a customer whose purchases were all returned");
        var top = (string)_project.Query($"select cast(customer_id as varchar) from {Obt} order by is_fully_returned, net_monetary desc, customer_id limit 1").Single()[0]!;
        Assert.That(await FirstId(), Is.EqualTo(top), "sorted by net revenue, highest first");
        Assert.That(await Browser.Eval<string>("document.querySelector('#customer-table th.sorted').dataset.key"), Is.EqualTo("net"));
        Assert.That(await Browser.Eval<double>("window.xformInsights.table.rows"), Is.EqualTo(_project.Scalar($"select count(*) from {Obt}")));

        // Whatever column and direction, the first row is never a fully returned customer.
        foreach (var key in NumericColumns)
            for (var click = 0; click < 2; click++)
            {
                await Browser.Eval($"document.querySelector('#customer-table th[data-key={key}]').click()");
                var first = await FirstId();
                Assert.That(flagged, Does.Not.Contain(first), $"{key}, click {click + 1}: {first} leads the ranking");
            }

        // A flagged customer's row says so; the page's flags are the mart's.
        Assert.That(await Browser.Eval<double>("window.xformInsights && JSON.parse(document.getElementById('insights-data').textContent).customers.fullyReturned.reduce((a, b) => a + b, 0)"),
            Is.EqualTo(flagged.Count));
        var one = flagged.Order(StringComparer.Ordinal).First();
        await Browser.Eval($"(() => {{ const s = document.getElementById('table-search'); s.value = {Js(one)}; s.dispatchEvent(new Event('input')); }})()");
        var row = (await Browser.Eval($"(() => {{ const r = document.querySelector('#customer-table tbody tr[data-id=\"{one}\"]'); " +
            "return { cls: r.className, flag: (r.querySelector('.flag') || {}).textContent || '' }; })()"))!;
        Assert.That((string)row["flag"]!, Is.EqualTo("fully returned"));
        Assert.That((string)row["cls"]!, Is.EqualTo("returned"));

        // Both CLTVs, the heuristic one labelled as such; the tile names the interpretable average.
        var heads = await Browser.Eval<Dictionary<string, string>>("Object.fromEntries(Array.from(document.querySelectorAll('#customer-table th')).map(t => [t.dataset.key, t.textContent]))");
        Assert.That(heads["cltv"], Does.StartWith("CLTV score (heuristic)"));
        Assert.That(heads["cltvNet"], Does.StartWith("CLTV (GBP)"));
        Assert.That(heads["net"], Does.StartWith("Net revenue (GBP)"));
        Assert.That(await Browser.Eval<string>("document.querySelector('#kpi-cltv .kpi-label').textContent"), Is.EqualTo("CLTV score (heuristic)"));
        Close(await Browser.Eval<double>("window.xformInsights.kpis.cltvInterpretable"), _project.Scalar($"select avg(cltv_interpretable) from {Obt}"), "average interpretable CLTV");
        AssertOfflineAndClean();
        await Screenshot("10-net-revenue-table");
    }

    [Test]
    public async Task Cohort_grid_gives_the_share_of_each_first_purchase_month_active_in_each_later_month()
    {
        await Open(_project.PagePath);
        var grid = (await Browser.Eval("window.xformInsights.charts['chart-cohorts']"))!;
        var months = grid["months"]!.AsArray().Select(n => (string)n!).ToList();
        var sizes = grid["customers"]!.AsArray().Select(n => (double)n!).ToList();
        var shares = grid["shares"]!.AsArray().Select(r => r!.AsArray().Select(n => (double?)n).ToList()).ToList();
        const string Sales = "(select customer_id, date_trunc('month', invoice_day) as m from int_customer_metric_lines where transaction_category = 'sale')";
        var expectedSizes = _project.Query($"select strftime(c, '%Y-%m-01'), count(*) from (select customer_id, min(m) as c from {Sales} group by 1) group by 1 order by 1")
            .ToDictionary(r => (string)r[0]!, r => RetailProject.ToDouble(r[1]));
        Assert.That(months, Is.EqualTo(expectedSizes.Keys.ToList()), "one row per first-purchase month");
        Assert.That(sizes, Is.EqualTo(expectedSizes.Values.ToList()));
        Assert.That(sizes.Sum(), Is.EqualTo(_project.Scalar($"select count(*) from {Obt}")), "every customer of the mart is in one cohort");
        var active = _project.Query($"select strftime(f.c, '%Y-%m-01'), datediff('month', f.c, s.m), count(distinct s.customer_id) from {Sales} s " +
            $"join (select customer_id, min(m) as c from {Sales} group by 1) f using (customer_id) group by 1, 2");
        var last = _project.Query($"select strftime(max(m), '%Y-%m-01') from {Sales}").Single()[0]!.ToString()!;
        foreach (var r in active)
        {
            var i = months.IndexOf((string)r[0]!);
            var k = Convert.ToInt32(r[1], CultureInfo.InvariantCulture);
            Close(shares[i][k], RetailProject.ToDouble(r[2]) / sizes[i], $"cohort {r[0]}, {k} months later");
        }
        for (var i = 0; i < months.Count; i++)
        {
            var span = (DateOnly.Parse(last, CultureInfo.InvariantCulture).Year - DateOnly.Parse(months[i], CultureInfo.InvariantCulture).Year) * 12 +
                DateOnly.Parse(last, CultureInfo.InvariantCulture).Month - DateOnly.Parse(months[i], CultureInfo.InvariantCulture).Month + 1;
            Assert.That(shares[i], Has.Count.EqualTo(span), $"cohort {months[i]} runs to the last month of the data");
            Assert.That(shares[i][0], Is.EqualTo(1.0), "month 0 is the whole cohort");
        }
        Assert.That(await Browser.Eval<int>("document.querySelectorAll('#chart-cohorts tbody tr').length"), Is.EqualTo(months.Count), "a row drawn per cohort");
        AssertOfflineAndClean();
        await Screenshot("11-cohorts");
    }

    async Task AssertRfGrid(string where)
    {
        var grid = (await Browser.Eval("window.xformInsights.charts['chart-rfgrid']"))!;
        var expected = _project.Query($"select r_score, f_score, count(*), min(rfm_segment), max(rfm_segment) from {Obt} where {where} group by 1, 2");
        var total = 0.0;
        for (var r = 1; r <= 5; r++)
            for (var f = 1; f <= 5; f++)
            {
                var row = expected.FirstOrDefault(e => Convert.ToInt32(e[0]) == r && Convert.ToInt32(e[1]) == f);
                var count = (double)grid["counts"]![r.ToString(CultureInfo.InvariantCulture)]![f.ToString(CultureInfo.InvariantCulture)]!;
                Assert.That(count, Is.EqualTo(row is null ? 0 : RetailProject.ToDouble(row[2])), $"customers with R{r} F{f}");
                total += count;
                if (row is null) continue;
                Assert.That(row[3], Is.EqualTo(row[4]), $"R{r} F{f} holds one segment in the seed grid");
                Assert.That((string?)grid["segments"]![$"{r}{f}"], Is.EqualTo((string)row[3]!), $"segment of R{r} F{f}");
                var label = await Browser.Eval<string>($"document.querySelector('#chart-rfgrid td[data-r=\"{r}\"][data-f=\"{f}\"] span').textContent");
                Assert.That(label, Is.EqualTo((string)row[3]!), $"label of R{r} F{f}");
            }
        Assert.That(total, Is.EqualTo(_project.Scalar($"select count(*) from {Obt} where {where}")), "every customer is in one cell");
    }

    [Test]
    public async Task Recency_frequency_grid_counts_the_marts_scores_and_follows_the_filters()
    {
        await Open(_project.PagePath);
        await AssertRfGrid("true");
        var country = (string)_project.Query($"select country from {Obt} group by 1 order by count(*) desc, 1 limit 1").Single()[0]!;
        await Select("filter-country", country);
        await AssertRfGrid($"country = {Sql(country)}");
        AssertOfflineAndClean();
        await Screenshot("12-rf-grid");
    }

    [Test]
    public async Task Date_range_filters_the_time_charts_and_the_table_and_lives_in_the_url()
    {
        await Open(_project.PagePath);
        var range = _project.Query($"select strftime(quantile_disc(cast(last_purchase_at as date), 0.3), '%Y-%m-%d'), " +
            $"strftime(quantile_disc(cast(last_purchase_at as date), 0.8), '%Y-%m-%d') from {Obt}").Single();
        string from = (string)range[0]!, to = (string)range[1]!;
        var country = (string)_project.Query($"select country from {Obt} group by 1 order by count(*) desc, 1 limit 1").Single()[0]!;
        await Select("filter-country", country);
        await SetDates(from, to);
        var where = $"country = {Sql(country)} and cast(last_purchase_at as date) between date '{from}' and date '{to}'";

        async Task AssertFiltered(string what)
        {
            Assert.That(await Browser.Eval<double>("window.xformInsights.table.rows"), Is.EqualTo(_project.Scalar($"select count(*) from {Obt} where {where}")), $"{what}: table rows");
            Assert.That(await Browser.Eval<double>("document.getElementById('chart-engagement').data[0].x.length"),
                Is.EqualTo(_project.Scalar($"select count(*) from obt_customer_dau_mau_stickiness where activity_date between date '{from}' and date '{to}'")), $"{what}: engagement days");
            var months = await Browser.Eval<string[]>("window.xformInsights.charts['chart-months'].months.month");
            Assert.That(months.First()[..7], Is.EqualTo(from[..7]), $"{what}: first month");
            Assert.That(months.Last()[..7], Is.EqualTo(to[..7]), $"{what}: last month");
            var cohorts = await Browser.Eval<string[]>("window.xformInsights.charts['chart-cohorts'].months");
            Assert.That(cohorts, Has.All.Matches<string>(m => string.CompareOrdinal(m[..7], from[..7]) >= 0 && string.CompareOrdinal(m[..7], to[..7]) <= 0), $"{what}: cohorts");
            Assert.That(await Browser.Eval<string>("document.getElementById('filter-from').value"), Is.EqualTo(from), what);
            Assert.That(await Browser.Eval<string>("document.getElementById('filter-country').value"), Is.EqualTo(country), what);
        }
        await AssertFiltered("after choosing the dates");
        Assert.That(await Browser.Eval<string>("document.getElementById('filter-summary').textContent"), Does.Contain($"Dates {from} to {to}"));
        await Browser.Eval("document.querySelector('#customer-table th[data-key=monetary]').click()");
        var sortedFirst = await FirstId();

        // The state is in the URL: opening it again (a reload, or the link shared) restores every filter and the sort.
        var url = await Browser.Eval<string>("location.href");
        Assert.That(url, Does.Contain($"from={from}").And.Contain($"to={to}").And.Contain("sort=monetary"));
        await Open(url);
        await AssertFiltered("after opening the URL again");
        Assert.That(await FirstId(), Is.EqualTo(sortedFirst), "the sort is restored");
        await Screenshot("13-date-range");

        // A hand-written link: ascending by sales, one segment; an unknown country is dropped, not an empty page.
        var segment = (string)_project.Query($"select rfm_segment from {Obt} group by 1 order by count(*) desc, 1 limit 1").Single()[0]!;
        await Open(new Uri(_project.PagePath).AbsoluteUri + "#segment=" + Uri.EscapeDataString(segment) + "&country=Atlantis&sort=monetary&dir=1");
        var lowest = (string)_project.Query($"select cast(customer_id as varchar) from {Obt} where rfm_segment = {Sql(segment)} " +
            "order by is_fully_returned, monetary, customer_id limit 1").Single()[0]!;
        Assert.That(await FirstId(), Is.EqualTo(lowest));
        Assert.That(await Browser.Eval<string>("document.getElementById('filter-segment').value"), Is.EqualTo(segment));
        Assert.That(await Browser.Eval<string>("document.getElementById('filter-country').value"), Is.EqualTo(""));
        Close(await Browser.Eval<double>("window.xformInsights.kpis.customers"), _project.Scalar($"select count(*) from {Obt} where rfm_segment = {Sql(segment)}"), "customers of the linked segment");

        // Clearing the filters empties the URL's state.
        await Browser.Eval("document.getElementById('filter-clear').click()");
        Assert.That(await Browser.Eval<string>("location.hash"), Is.EqualTo("#sort=monetary&dir=1"), "only the table's sort is left");
        AssertOfflineAndClean();
    }

    [Test]
    public async Task Csv_download_is_the_filtered_table_in_its_order()
    {
        await Open(_project.PagePath);
        var country = (string)_project.Query($"select country from {Obt} group by 1 order by count(*) desc, 1 limit 1").Single()[0]!;
        await Select("filter-country", country);
        await Select("table-churn", "Churned");
        // Catch the file the button hands to the browser.
        await Browser.Eval("(() => { window.__csv = []; const make = URL.createObjectURL; URL.createObjectURL = b => { window.__csv.push(b); return make.call(URL, b); }; })()");
        await Browser.Eval("document.getElementById('table-csv').click()");
        var text = await Browser.Eval<string>("window.__csv[0].text()");
        Assert.That(await Browser.Eval<string>("window.__csv[0].type"), Does.StartWith("text/csv"));
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("customer_id,country,rfm_segment,cltv_segment,churn_risk_group,recency_days,frequency,monetary,returns_value," +
            "net_monetary,customer_aov,cltv_interpretable,customer_cltv_profit,last_purchase_at,is_fully_returned"));
        var expected = _project.Query($"select cast(customer_id as varchar), cast(net_monetary as double), cast(cltv_interpretable as double), is_fully_returned from {Obt} " +
            $"where country = {Sql(country)} and churn_risk_group = 'Churned' order by is_fully_returned, net_monetary desc, customer_id");
        Assert.That(lines.Length - 1, Is.EqualTo(expected.Count), "one line per customer of the filtered table, not one page");
        for (var i = 0; i < expected.Count; i++)
        {
            var f = CsvFields(lines[i + 1]);
            Assert.That(f[0], Is.EqualTo((string)expected[i][0]!), $"line {i + 1} is in the table's order");
            Close(double.Parse(f[9], CultureInfo.InvariantCulture), RetailProject.ToDouble(expected[i][1]), $"net_monetary of {f[0]}");
            Close(double.Parse(f[11], CultureInfo.InvariantCulture), RetailProject.ToDouble(expected[i][2]), $"cltv_interpretable of {f[0]}");
            Assert.That(f[14], Is.EqualTo((bool)expected[i][3]! ? "true" : "false"));
            Assert.That(f[1], Is.EqualTo(country));
        }
        AssertOfflineAndClean();
    }

    /// <summary>One CSV line's fields (quoted fields with doubled quotes, as the page writes them).</summary>
    static List<string> CsvFields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
