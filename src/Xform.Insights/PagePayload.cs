using System.Text.Json.Serialization;

namespace Xform.Insights;

// The insights page's data (InsightsPage.DataJson): the per-customer and per-day rows as columns, so the browser filters
// and aggregates. Names are written in camelCase ("churnGroups", "monthMau").

internal sealed record PagePayload(
    string GeneratedAt, string Adapter, string Currency, IReadOnlyList<string> Warnings, string? SnapshotDate, string ChartLibrary,
    OverallKpis? Overall, IReadOnlyList<SegmentInfo> Segments, IReadOnlyList<TierInfo> Tiers, IReadOnlyList<ChurnGroupInfo> ChurnGroups,
    CustomerColumns Customers, CohortColumns Cohorts, EngagementColumns Engagement, MonthColumns Months,
    IReadOnlyList<string> Sources, string MonthlySource, IReadOnlyList<string> Notes);

internal sealed record CustomerColumns(
    IEnumerable<string> Id, IEnumerable<string> Country, IEnumerable<string> Segment, IEnumerable<string> Tier, IEnumerable<string> Churn,
    IEnumerable<int> Churned, IEnumerable<double> Recency, IEnumerable<double> Frequency, IEnumerable<double> Monetary,
    IEnumerable<double?> Aov, IEnumerable<double?> Cltv, IEnumerable<string?> LastPurchase, IEnumerable<string?> Rfm,
    IEnumerable<double> Returns, IEnumerable<double> Net, IEnumerable<int> FullyReturned, IEnumerable<double?> CltvNet,
    IEnumerable<int?> R, IEnumerable<int?> F);

internal sealed record CohortColumns(IEnumerable<string> Month, IEnumerable<double> Customers, IEnumerable<IReadOnlyList<double>> Active);

internal sealed record EngagementColumns(
    IEnumerable<string> Date, IEnumerable<double> Dau, IEnumerable<double> Mau, IEnumerable<double?> Stickiness, IEnumerable<double?> MonthMau);

internal sealed record MonthColumns(
    IEnumerable<string> Month, IEnumerable<double> Revenue, IEnumerable<double> Orders, IEnumerable<double> Active,
    IEnumerable<double?> RevenueChange, IEnumerable<double?> OrdersChange, IEnumerable<double?> ActiveChange, IEnumerable<bool> Partial);

[JsonSerializable(typeof(PagePayload))]
internal sealed partial class PageJson : JsonSerializerContext;
