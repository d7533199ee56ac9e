using System.Globalization;

namespace Xform.Insights;

/// <summary>
/// The customers whose first sale line falls in <paramref name="Month"/> (yyyy-MM-01), and
/// <paramref name="Active"/>[k]: how many of them bought in the k-th calendar month after it (k = 0 is the
/// cohort itself, so it equals <paramref name="Customers"/>); the list stops at the last month of the data.
/// </summary>
public sealed record Cohort(string Month, double Customers, IReadOnlyList<double> Active)
{
    /// <summary>
    /// The select list and FROM clause of the distinct buyers per (first-purchase month, month of a sale line),
    /// grouped in the database; date_trunc, min and count(distinct) read the same on DuckDB, PostgreSQL and Snowflake.
    /// </summary>
    public static string Query(string lines) =>
        "f.cohort_month, s.sale_month, count(distinct s.customer_id) " +
        "from (select customer_id, date_trunc('month', invoice_day) as sale_month from " + lines + " where transaction_category = 'sale') as s " +
        "inner join (select customer_id, min(date_trunc('month', invoice_day)) as cohort_month from " + lines +
        " where transaction_category = 'sale' group by customer_id) as f on f.customer_id = s.customer_id " +
        "group by f.cohort_month, s.sale_month";

    /// <summary>Cohorts in calendar order, each with a count for every month from its own to the data's last.</summary>
    public static List<Cohort> Build(IEnumerable<(string Cohort, string Month, double Customers)> rows)
    {
        static DateOnly? Month(string text) => text.Length >= 7 &&
            DateOnly.TryParseExact(text[..7] + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        var cells = new Dictionary<(DateOnly Cohort, int Offset), double>();
        DateOnly? last = null;
        foreach (var (cohortText, monthText, customers) in rows)
        {
            if (Month(cohortText) is not { } cohort || Month(monthText) is not { } month || month < cohort) continue;
            var offset = (month.Year - cohort.Year) * 12 + month.Month - cohort.Month;
            cells[(cohort, offset)] = cells.GetValueOrDefault((cohort, offset)) + customers;
            if (last is null || month > last) last = month;
        }
        var result = new List<Cohort>();
        foreach (var cohort in cells.Keys.Select(k => k.Cohort).Distinct().Order())
        {
            var months = (last!.Value.Year - cohort.Year) * 12 + last.Value.Month - cohort.Month + 1;
            var active = Enumerable.Range(0, months).Select(k => cells.GetValueOrDefault((cohort, k))).ToList();
            result.Add(new Cohort(cohort.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), active[0], active));
        }
        return result;
    }
}
