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
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // The default encoder escapes <, >, &, ' and non-ASCII, so the JSON is safe inside a <script> element.
        Encoder = JavaScriptEncoder.Default,
    };

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
        var payload = new
        {
            generatedAt = generatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            adapter = data.Adapter,
            currency = data.Currency,
            warnings = data.Warnings,
            snapshotDate = data.SnapshotDate,
            chartLibrary = ChartLibrary,
            overall = data.Overall,
            segments = data.Segments,
            tiers = data.Tiers,
            churnGroups = data.ChurnGroups,
            customers = new
            {
                id = c.Select(x => x.Id),
                country = c.Select(x => x.Country),
                segment = c.Select(x => x.Segment),
                tier = c.Select(x => x.Tier),
                churn = c.Select(x => x.ChurnGroup),
                churned = c.Select(x => x.Churned ? 1 : 0),
                recency = c.Select(x => x.Recency),
                frequency = c.Select(x => x.Frequency),
                monetary = c.Select(x => x.Monetary),
                aov = c.Select(x => x.Aov),
                cltv = c.Select(x => x.CltvProfit),
                lastPurchase = c.Select(x => x.LastPurchase),
                rfm = c.Select(x => x.RfmCell),
                returns = c.Select(x => x.ReturnsValue),
                net = c.Select(x => x.NetMonetary),
                fullyReturned = c.Select(x => x.FullyReturned ? 1 : 0),
                cltvNet = c.Select(x => x.CltvInterpretable),
                r = c.Select(x => x.RScore),
                f = c.Select(x => x.FScore),
            },
            cohorts = new
            {
                month = data.Cohorts.Select(x => x.Month),
                customers = data.Cohorts.Select(x => x.Customers),
                active = data.Cohorts.Select(x => x.Active),
            },
            engagement = new
            {
                date = data.Engagement.Select(x => x.Date),
                dau = data.Engagement.Select(x => x.Dau),
                mau = data.Engagement.Select(x => x.Mau),
                stickiness = data.Engagement.Select(x => x.Stickiness),
                monthMau = data.Engagement.Select(x => x.MonthMau),
            },
            months = new
            {
                month = data.Months.Select(x => x.Month),
                revenue = data.Months.Select(x => x.Revenue),
                orders = data.Months.Select(x => x.Orders),
                active = data.Months.Select(x => x.ActiveCustomers),
                revenueChange = data.Months.Select(x => x.RevenueChange),
                ordersChange = data.Months.Select(x => x.OrdersChange),
                activeChange = data.Months.Select(x => x.ActiveCustomersChange),
                partial = data.Months.Select(x => x.Partial),
            },
            sources = InsightsData.Marts,
            monthlySource = InsightsData.MonthlySource,
            notes = data.Notes,
        };
        return JsonSerializer.Serialize(payload, Json);
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
