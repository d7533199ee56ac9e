namespace Xform.Retail.Generator.Tests;

/// <summary>
/// Spec section 2 written out in C# over the seeds, so the tests can count what the data exercises.
/// (The project's SQL models are the real implementation; this is the test's independent reading.)
/// </summary>
internal sealed class Cleaning
{
    private readonly Dictionary<string, string> nonProduct;
    private readonly List<(string Keyword, string Group)> keywords;
    private static readonly HashSet<string> IncompleteDescriptions = ["?", "??", "???", "missing", "wrongly sold"];

    public Cleaning()
    {
        nonProduct = TestSupport.Seed("non_product_stock_codes").ToDictionary(r => r["stock_code"].Trim().ToUpperInvariant(), r => r["category"]);
        keywords = TestSupport.Seed("adjustment_keywords").Select(r => (r["keyword"].ToLowerInvariant(), r["note_group"])).ToList();
    }

    public bool IsNonProduct(string stockCode) => nonProduct.ContainsKey(stockCode.Trim().ToUpperInvariant());

    public string Category(RawRow r)
    {
        string code = r.StockCode.Trim().ToUpperInvariant();
        if (r.Description.Trim().Equals("Adjust bad debt", StringComparison.OrdinalIgnoreCase))
        {
            return "bad_debt";
        }
        if (r.InvoiceNo.StartsWith('C') || r.Qty < 0)
        {
            return "return";
        }
        if (nonProduct.TryGetValue(code, out var cat))
        {
            return cat == "manual" ? "manual_adjustment" : "non_product";
        }
        if (r.Price <= 0)
        {
            return "zero_value";
        }
        if (r.CustomerId.Length == 0 || r.Description.Trim().Length == 0
            || IncompleteDescriptions.Contains(r.Description.Trim().ToLowerInvariant())
            || r.Country.Trim() is "European Community" or "Unspecified")
        {
            return "incomplete";
        }
        return "sale";
    }

    /// <summary>Longest keyword contained in the description wins; null when none.</summary>
    public string? NoteGroup(string description)
    {
        string d = description.Trim().ToLowerInvariant();
        string? best = null;
        int len = 0;
        foreach (var (k, g) in keywords)
        {
            if (k.Length > len && d.Contains(k, StringComparison.Ordinal))
            {
                best = g;
                len = k.Length;
            }
        }
        return best;
    }

    /// <summary>price_flag of int_product_price_consistency over the non-return lines of each product code.</summary>
    public Dictionary<string, string> PriceFlags(IEnumerable<RawRow> rows)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var g in rows.Where(r => !r.InvoiceNo.StartsWith('C') && r.Qty > 0 && !IsNonProduct(r.StockCode)).GroupBy(r => r.StockCode))
        {
            var lines = g.ToList();
            string flag;
            if (lines.Any(l => l.Price <= 0))
            {
                flag = "zero_or_manual";
            }
            else
            {
                var byPrice = lines.GroupBy(l => l.Price).Select(p => (Price: p.Key, Count: p.Count(), First: p.Min(x => x.Date), Last: p.Max(x => x.Date))).ToList();
                if (byPrice.Count == 1)
                {
                    flag = "normal";
                }
                else if (byPrice.Count == 2)
                {
                    var (a, b) = (byPrice[0], byPrice[1]);
                    bool overlap = a.First <= b.Last && b.First <= a.Last;
                    flag = overlap ? "oscillating_or_promotional" : "one_off_price_change";
                }
                else
                {
                    flag = byPrice.Max(p => p.Count) * 2 >= lines.Count ? "oscillating_or_promotional" : "complex";
                }
            }
            result[g.Key] = flag;
        }
        return result;
    }
}
