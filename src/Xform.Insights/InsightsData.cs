using System.Globalization;
using System.Numerics;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;

namespace Xform.Insights;

/// <summary>The headline row of <c>obt_overall_customer_kpis</c> (the latest snapshot date).</summary>
public sealed record OverallKpis(
    string SnapshotDate, double Customers, double Orders, double GrossSales, double ReturnsValue, double NetRevenue,
    double? OverallAov, double? AvgCltvProfit, double? TotalCltvProfit, double ChurnedCustomers, double? ChurnRate,
    double? AvgDau, double? AvgMau, double? AvgStickiness);

/// <summary>An RFM segment of <c>dim_rfm_group</c>, with the score ranges it covers.</summary>
public sealed record SegmentInfo(string Name, int? MinR, int? MaxR, int? MinF, int? MaxF);

/// <summary>A CLTV tier of <c>dim_cltv_group</c>: [Min, MaxExclusive) of customer_cltv_profit.</summary>
public sealed record TierInfo(string Name, double? Min, double? MaxExclusive);

/// <summary>A churn-risk group of <c>dim_churn_group</c>, with its recency range in days.</summary>
public sealed record ChurnGroupInfo(string Name, double? MinRecency, double? MaxRecency);

/// <summary>
/// One row of <c>obt_customer_kpis_and_segmentation</c>, the columns the page uses. <paramref name="CltvProfit"/>
/// is the seed's heuristic score, <paramref name="CltvInterpretable"/> the money estimate of int_customer_net_value.
/// </summary>
public sealed record CustomerRow(
    string Id, string Country, string Segment, string Tier, string ChurnGroup, bool Churned, double Recency,
    double Frequency, double Monetary, double? Aov, double? CltvProfit, string? LastPurchase, string? RfmCell,
    double ReturnsValue, double NetMonetary, bool FullyReturned, double? CltvInterpretable, int? RScore, int? FScore);

/// <summary>One day of <c>obt_customer_dau_mau_stickiness</c>.</summary>
public sealed record EngagementDay(string Date, double Dau, double Mau, double? Stickiness, double? MonthMau);

/// <summary>
/// One calendar month of the lines the customer marts aggregate (<c>int_customer_metric_lines</c>), with
/// the change from the calendar month before (null for the first month or after a month of zero).
/// <paramref name="Partial"/>: the snapshot date falls inside the month, so it holds only part of it.
/// </summary>
public sealed record MonthTrend(
    string Month, double Revenue, double Orders, double ActiveCustomers,
    double? RevenueChange, double? OrdersChange, double? ActiveCustomersChange, bool Partial);

/// <summary>Everything the page shows, read from the mart tables (and the monthly lines of one intermediate model).</summary>
public sealed record InsightsData(
    string Adapter,
    string? SnapshotDate,
    OverallKpis? Overall,
    IReadOnlyList<SegmentInfo> Segments,
    IReadOnlyList<TierInfo> Tiers,
    IReadOnlyList<ChurnGroupInfo> ChurnGroups,
    IReadOnlyList<CustomerRow> Customers,
    IReadOnlyList<EngagementDay> Engagement,
    IReadOnlyList<MonthTrend> Months,
    IReadOnlyList<string> Notes)
{
    /// <summary>Customers by first-purchase month and the months after it in which they bought again.</summary>
    public IReadOnlyList<Cohort> Cohorts { get; init; } = [];

    /// <summary>The ISO 4217 code the amounts are in (the project var <c>currency</c>).</summary>
    public string Currency { get; init; } = DefaultCurrency;

    public const string DefaultCurrency = "GBP";

    /// <summary>Why the marts may not be trusted (the last build failed, the raw data is newer); shown as a banner.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The marts the page reads, in the order it reads them.</summary>
    public static readonly string[] Marts =
    [
        "obt_overall_customer_kpis", "obt_customer_kpis_and_segmentation", "obt_customer_dau_mau_stickiness",
        "dim_rfm_group", "dim_cltv_group", "dim_churn_group",
    ];

    /// <summary>The spec's segment order (best first), used when dim_rfm_group is absent and to order it.</summary>
    /// <summary>
    /// The monthly trend's source. No mart keeps order lines by month, so the page groups the lines the
    /// customer marts are built from; its months add up to the customers' monetary and frequency.
    /// </summary>
    public const string MonthlySource = "int_customer_metric_lines";

    /// <summary>Every model the page reads.</summary>
    public static IEnumerable<string> Sources => Marts.Append(MonthlySource);

    public static readonly string[] CanonicalSegments =
    [
        "Champions", "Loyal Customers", "Potential Loyalists", "New Customers", "Promising", "Need Attention",
        "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating",
    ];

    public static readonly string[] CanonicalTiers = ["High", "Medium", "Low"];
    public static readonly string[] CanonicalChurnGroups = ["Low", "Medium", "High", "Churned"];

    public static InsightsData Empty(string adapter = "none") =>
        new(adapter, null, null, CanonicalSegments.Select(s => new SegmentInfo(s, null, null, null, null)).ToList(),
            CanonicalTiers.Select(t => new TierInfo(t, null, null)).ToList(),
            CanonicalChurnGroups.Select(g => new ChurnGroupInfo(g, null, null)).ToList(), [], [], [], []);
}

/// <summary>
/// Reads the page's data through an adapter connection with plain SELECTs (so it runs on any target).
/// <paramref name="relation"/> maps a model name to the SQL text of its relation.
/// </summary>
public static class InsightsLoader
{
    public static InsightsData Load(IAdapter adapter, Func<string, string> relation)
    {
        using var connection = adapter.Open();
        if (adapter.Type == "postgres")
        {
            // Nothing the page runs writes; make the session say so too.
            connection.Execute("set session characteristics as transaction read only");
        }
        return Load(connection, adapter.Type, relation);
    }

    public static InsightsData Load(IAdapterConnection connection, string adapterType, Func<string, string> relation)
    {
        var notes = new List<string>();

        QueryResult Read(string model, string columns, string? orderBy = null, bool required = true, bool fromClause = true)
        {
            var sql = $"select {columns}" + (fromClause ? $" from {relation(model)}" : "") + (orderBy is null ? "" : $" order by {orderBy}");
            try
            {
                return connection.Query(sql);
            }
            catch (Exception e) when (e is DatabaseException or XformException)
            {
                if (required)
                    throw new XformException(
                        $"the insights page reads the mart '{model}', which could not be read ({FirstLine(e.Message)}); run 'xform build' first");
                notes.Add(model == InsightsData.MonthlySource
                    ? $"{model} could not be read; the monthly trend and the cohorts are left out"
                    : $"{model} could not be read; its labels fall back to the spec's defaults");
                return new QueryResult([], []);
            }
        }

        var overallRows = Read("obt_overall_customer_kpis",
            "snapshot_date, customers, orders, gross_sales, returns_value, net_revenue, overall_aov, avg_cltv_profit, " +
            "total_cltv_profit, churned_customers, churn_rate, avg_dau, avg_mau, avg_stickiness",
            "snapshot_date desc").Rows;
        OverallKpis? overall = null;
        if (overallRows.Count > 0)
        {
            var r = overallRows[0];
            overall = new OverallKpis(Date(r[0]) ?? "", Num(r[1]) ?? 0, Num(r[2]) ?? 0, Num(r[3]) ?? 0, Num(r[4]) ?? 0,
                Num(r[5]) ?? 0, Num(r[6]), Num(r[7]), Num(r[8]), Num(r[9]) ?? 0, Num(r[10]), Num(r[11]), Num(r[12]), Num(r[13]));
        }

        var customerResult = Read("obt_customer_kpis_and_segmentation",
            "customer_id, country, rfm_segment, cltv_segment, churn_risk_group, is_churned, recency_days, frequency, " +
            "monetary, customer_aov, customer_cltv_profit, last_purchase_at, rfm_cell, snapshot_date, " +
            "returns_value, net_monetary, is_fully_returned, cltv_interpretable, r_score, f_score",
            "customer_id");
        // The OBT is merged on customer_id: keep the rows of its latest snapshot, the one the KPIs describe.
        var customerSnapshots = customerResult.Rows.Select(r => Date(r[13])).Where(d => d is not null).ToList();
        var latest = customerSnapshots.Count > 0 ? customerSnapshots.Max(StringComparer.Ordinal) : null;
        var customers = new List<CustomerRow>(customerResult.Rows.Count);
        var stale = 0;
        foreach (var r in customerResult.Rows)
        {
            if (latest is not null && Date(r[13]) is { } d && d != latest) { stale++; continue; }
            customers.Add(new CustomerRow(Text(r[0]) ?? "", Text(r[1]) ?? "(unknown)", Text(r[2]) ?? "(none)",
                Text(r[3]) ?? "(none)", Text(r[4]) ?? "(none)", Bool(r[5]), Num(r[6]) ?? 0, Num(r[7]) ?? 0, Num(r[8]) ?? 0,
                Num(r[9]), Num(r[10]), Date(r[11]), Text(r[12]), Num(r[14]) ?? 0, Num(r[15]) ?? 0, Bool(r[16]), Num(r[17]),
                Int(r[18]), Int(r[19])));
        }
        if (stale > 0) notes.Add($"{stale} customer rows of an older snapshot than {latest} were left out");
        if (overall is not null && latest is not null && overall.SnapshotDate != latest)
            notes.Add($"obt_overall_customer_kpis is as of {overall.SnapshotDate}, the customer rows as of {latest}");

        var engagement = Read("obt_customer_dau_mau_stickiness",
                "activity_date, dau, mau, stickiness, calendar_month_mau", "activity_date").Rows
            .Select(r => new EngagementDay(Date(r[0]) ?? "", Num(r[1]) ?? 0, Num(r[2]) ?? 0, Num(r[3]), Num(r[4])))
            .ToList();

        var segmentRows = Read("dim_rfm_group", "rfm_segment, min_r_score, max_r_score, min_f_score, max_f_score",
            required: false).Rows;
        var segments = segmentRows
            .Select(r => new SegmentInfo(Text(r[0]) ?? "", Int(r[1]), Int(r[2]), Int(r[3]), Int(r[4])))
            .ToList();
        if (segments.Count == 0) segments = InsightsData.CanonicalSegments.Select(s => new SegmentInfo(s, null, null, null, null)).ToList();
        segments = segments.OrderBy(s => Rank(InsightsData.CanonicalSegments, s.Name)).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        foreach (var extra in customers.Select(c => c.Segment).Distinct().Where(s => segments.All(x => x.Name != s)).Order(StringComparer.Ordinal))
            segments.Add(new SegmentInfo(extra, null, null, null, null));

        var tiers = Read("dim_cltv_group", "cltv_segment, min_cltv_profit, max_cltv_profit_exclusive, tier_order",
                "tier_order desc", required: false).Rows
            .Select(r => new TierInfo(Text(r[0]) ?? "", Num(r[1]), Num(r[2])))
            .ToList();
        if (tiers.Count == 0) tiers = InsightsData.CanonicalTiers.Select(t => new TierInfo(t, null, null)).ToList();
        foreach (var extra in customers.Select(c => c.Tier).Distinct().Where(s => tiers.All(x => x.Name != s)).Order(StringComparer.Ordinal))
            tiers.Add(new TierInfo(extra, null, null));

        var groups = Read("dim_churn_group", "churn_risk_group, min_recency_days, max_recency_days, risk_order",
                "risk_order", required: false).Rows
            .Select(r => new ChurnGroupInfo(Text(r[0]) ?? "", Num(r[1]), Num(r[2])))
            .ToList();
        if (groups.Count == 0) groups = InsightsData.CanonicalChurnGroups.Select(g => new ChurnGroupInfo(g, null, null)).ToList();
        foreach (var extra in customers.Select(c => c.ChurnGroup).Distinct().Where(s => groups.All(x => x.Name != s)).Order(StringComparer.Ordinal))
            groups.Add(new ChurnGroupInfo(extra, null, null));

        // Grouped in the database (date_trunc and count(distinct) read the same on DuckDB, PostgreSQL and
        // Snowflake), so only one row per month crosses the connection.
        var monthRows = Read(InsightsData.MonthlySource,
            "date_trunc('month', invoice_day) as month, sum(line_amount) as revenue, " +
            "count(distinct case when transaction_category = 'sale' then invoice_no end) as orders, " +
            "count(distinct customer_id) as active_customers from " + relation(InsightsData.MonthlySource) + " group by 1",
            required: false, fromClause: false).Rows;
        var snapshot = overall?.SnapshotDate ?? latest;
        var months = MonthlyTrend(monthRows.Select(r => (Date(r[0]) ?? "", Num(r[1]) ?? 0, Num(r[2]) ?? 0, Num(r[3]) ?? 0)), snapshot);

        var cohortRows = Read(InsightsData.MonthlySource, Cohort.Query(relation(InsightsData.MonthlySource)),
            required: false, fromClause: false).Rows;
        var cohorts = Cohort.Build(cohortRows.Select(r => (Date(r[0]) ?? "", Date(r[1]) ?? "", Num(r[2]) ?? 0)));

        return new InsightsData(adapterType, snapshot, overall, segments, tiers, groups, customers,
            engagement, months, notes.Distinct().ToList()) { Cohorts = cohorts };
    }

    /// <summary>
    /// Months in calendar order with the months without a line filled in as zero, so each change is
    /// against the calendar month before (not the previous month that had sales).
    /// </summary>
    public static List<MonthTrend> MonthlyTrend(IEnumerable<(string Month, double Revenue, double Orders, double Active)> rows, string? snapshotDate)
    {
        var byMonth = rows.Where(r => r.Month.Length >= 7)
            .ToDictionary(r => r.Month[..7] + "-01", r => r, StringComparer.Ordinal);
        var result = new List<MonthTrend>();
        if (byMonth.Count == 0) return result;
        var first = DateOnly.ParseExact(byMonth.Keys.Min(StringComparer.Ordinal)!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var last = DateOnly.ParseExact(byMonth.Keys.Max(StringComparer.Ordinal)!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        // Lines are dated before the snapshot date: the month holding the snapshot's previous day is partial
        // unless that day is the month's last.
        DateOnly? lastDay = snapshotDate is { Length: >= 10 } s &&
            DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d.AddDays(-1) : null;
        static double? Change(double now, double? before) => before is { } b && b != 0 ? (now - b) / b : null;
        MonthTrend? previous = null;
        for (var m = first; m <= last; m = m.AddMonths(1))
        {
            var key = m.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var (_, revenue, orders, active) = byMonth.TryGetValue(key, out var r) ? r : (key, 0, 0, 0);
            var partial = lastDay is { } ld && ld.Year == m.Year && ld.Month == m.Month && ld.AddDays(1).Month == m.Month;
            var row = new MonthTrend(key, revenue, orders, active, Change(revenue, previous?.Revenue),
                Change(orders, previous?.Orders), Change(active, previous?.ActiveCustomers), partial);
            result.Add(row);
            previous = row;
        }
        return result;
    }

    static int Rank(string[] order, string name)
    {
        var i = Array.IndexOf(order, name);
        return i < 0 ? int.MaxValue : i;
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();

    internal static double? Num(object? v) => v switch
    {
        null or DBNull => null,
        double d => double.IsFinite(d) ? d : null,
        float f => float.IsFinite(f) ? f : null,
        decimal m => (double)m,
        BigInteger b => (double)b,
        bool b => b ? 1 : 0,
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : null,
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        _ => double.TryParse(Convert.ToString(v, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : null,
    };

    internal static int? Int(object? v) => Num(v) is { } d ? (int)Math.Round(d) : null;

    internal static bool Bool(object? v) => v switch
    {
        null or DBNull => false,
        bool b => b,
        string s => s.Equals("true", StringComparison.OrdinalIgnoreCase) || s == "1" || s.Equals("t", StringComparison.OrdinalIgnoreCase),
        _ => Num(v) is { } d && d != 0,
    };

    internal static string? Text(object? v) => v switch
    {
        null or DBNull => null,
        string s => s,
        double or float or decimal => Num(v) is { } d ? d.ToString("0.############", CultureInfo.InvariantCulture) : null,
        _ => Convert.ToString(v, CultureInfo.InvariantCulture),
    };

    /// <summary>A date or timestamp as ISO text (yyyy-MM-dd, or yyyy-MM-dd HH:mm:ss with a time of day).</summary>
    internal static string? Date(object? v) => v switch
    {
        null or DBNull => null,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.TimeOfDay == TimeSpan.Zero
            ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset o => o.TimeOfDay == TimeSpan.Zero
            ? o.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : o.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => Text(v),
    };
}
