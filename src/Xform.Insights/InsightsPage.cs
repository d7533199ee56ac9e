using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Xform.Insights;

/// <summary>
/// Renders the insights page: one HTML file with its CSS, its script, the plotly.js bundle and the data
/// inlined, so it opens from file:// with no network.
/// </summary>
public static class InsightsPage
{
    // Names in camelCase; the default encoder escapes <, >, &, ' and non-ASCII, so the JSON is safe inside a <script> element.
    // Generated at build time (PageJson), not reflected at run time, which a natively compiled xform cannot do.
    static readonly PageJson PageJson = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.Default,
    });

    /// <summary>The vendored plotly.js bundle's name, version and licence, as the page states them.</summary>
    public const string ChartLibrary = "plotly.js basic 4.1.1 (MIT licence, Plotly, Inc.)";

    /// <summary>
    /// The page's parts beside page.js (the table, the date filter and URL state, the cohort and R x F grids),
    /// inlined before it: each registers itself in window.xformInsightsModules, and page.js starts them.
    /// </summary>
    static readonly string[] Modules = ["page-table.js", "page-filters.js", "page-cohorts.js", "page-rfgrid.js"];

    public static string Render(InsightsData data, DateTimeOffset? generatedAt = null)
    {
        var template = Resource("page.html");
        var inline = new Dictionary<string, Func<string>>
        {
            ["CSS"] = () => Resource("page.css"),
            ["PLOTLY"] = () => ScriptSafe(Resource("plotly.js")),
            ["DATA"] = () => DataJson(data, generatedAt ?? DateTimeOffset.UtcNow),
            ["MODULES"] = () => string.Join("\n", Modules.Select(m => ScriptSafe(Resource(m)))),
            ["APP"] = () => ScriptSafe(Resource("page.js")),
        };
        var html = new StringBuilder(template.Length + 1_300_000 + data.Customers.Count * 160);
        // Copy the template, replacing each /*{{NAME}}*/ once; inlined text is never rescanned.
        var at = 0;
        var seen = 0;
        while (template.IndexOf("/*{{", at, StringComparison.Ordinal) is var start and >= 0)
        {
            var end = template.IndexOf("}}*/", start, StringComparison.Ordinal);
            var name = template[(start + 4)..end];
            html.Append(template, at, start - at).Append(inline[name]());
            at = end + 4;
            seen++;
        }
        if (seen != inline.Count) throw new InvalidOperationException("the page template lost a placeholder");
        html.Append(template, at, template.Length - at);
        return html.ToString();
    }

    /// <summary>The page's data as JSON: per-customer rows in columns, so the browser filters and aggregates.</summary>
    public static string DataJson(InsightsData data, DateTimeOffset generatedAt)
    {
        var c = data.Customers;
        var payload = new PagePayload(
            GeneratedAt: generatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            Adapter: data.Adapter,
            Currency: data.Currency,
            Warnings: data.Warnings,
            SnapshotDate: data.SnapshotDate,
            ChartLibrary: ChartLibrary,
            Overall: data.Overall,
            Segments: data.Segments,
            Tiers: data.Tiers,
            ChurnGroups: data.ChurnGroups,
            Customers: new CustomerColumns(
                Id: c.Select(x => x.Id),
                Country: c.Select(x => x.Country),
                Segment: c.Select(x => x.Segment),
                Tier: c.Select(x => x.Tier),
                Churn: c.Select(x => x.ChurnGroup),
                Churned: c.Select(x => x.Churned ? 1 : 0),
                Recency: c.Select(x => x.Recency),
                Frequency: c.Select(x => x.Frequency),
                Monetary: c.Select(x => x.Monetary),
                Aov: c.Select(x => x.Aov),
                Cltv: c.Select(x => x.CltvProfit),
                LastPurchase: c.Select(x => x.LastPurchase),
                Rfm: c.Select(x => x.RfmCell),
                Returns: c.Select(x => x.ReturnsValue),
                Net: c.Select(x => x.NetMonetary),
                FullyReturned: c.Select(x => x.FullyReturned ? 1 : 0),
                CltvNet: c.Select(x => x.CltvInterpretable),
                R: c.Select(x => x.RScore),
                F: c.Select(x => x.FScore)),
            Cohorts: new CohortColumns(
                Month: data.Cohorts.Select(x => x.Month),
                Customers: data.Cohorts.Select(x => x.Customers),
                Active: data.Cohorts.Select(x => x.Active)),
            Engagement: new EngagementColumns(
                Date: data.Engagement.Select(x => x.Date),
                Dau: data.Engagement.Select(x => x.Dau),
                Mau: data.Engagement.Select(x => x.Mau),
                Stickiness: data.Engagement.Select(x => x.Stickiness),
                MonthMau: data.Engagement.Select(x => x.MonthMau)),
            Months: new MonthColumns(
                Month: data.Months.Select(x => x.Month),
                Revenue: data.Months.Select(x => x.Revenue),
                Orders: data.Months.Select(x => x.Orders),
                Active: data.Months.Select(x => x.ActiveCustomers),
                RevenueChange: data.Months.Select(x => x.RevenueChange),
                OrdersChange: data.Months.Select(x => x.OrdersChange),
                ActiveChange: data.Months.Select(x => x.ActiveCustomersChange),
                Partial: data.Months.Select(x => x.Partial)),
            Sources: InsightsData.Marts,
            MonthlySource: InsightsData.MonthlySource,
            Notes: data.Notes);
        return JsonSerializer.Serialize(payload, PageJson.PagePayload);
    }

    /// <summary>Text safe inside a &lt;script&gt; element: no closing tag and no comment opener can end it early.</summary>
    internal static string ScriptSafe(string script) =>
        script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase).Replace("<!--", "<\\!--", StringComparison.Ordinal);

    internal static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Xform.Insights." + name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Writes the page to <paramref name="path"/> (UTF-8, no BOM), creating its folder.</summary>
    public static void Export(InsightsData data, string path)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        var temp = full + ".tmp";
        File.WriteAllText(temp, Render(data), new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }
}
