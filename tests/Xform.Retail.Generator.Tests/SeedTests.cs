namespace Xform.Retail.Generator.Tests;

public class SeedTests
{
    [Test]
    public void RfmMappingCoversAll125CombinationsExactlyOnce()
    {
        var rows = TestSupport.Seed("rfm_segment_mapping");
        Assert.That(rows[0].Keys, Is.EqualTo(new[] { "min_r", "max_r", "min_f", "max_f", "min_m", "max_m", "rfm_segment" }));
        var ranges = rows.Select(r => (R: (int.Parse(r["min_r"]), int.Parse(r["max_r"])), F: (int.Parse(r["min_f"]), int.Parse(r["max_f"])), M: (int.Parse(r["min_m"]), int.Parse(r["max_m"])), Segment: r["rfm_segment"])).ToList();
        static bool In((int Lo, int Hi) range, int v) => range.Lo <= v && v <= range.Hi;
        int cells = 0;
        for (int r = 1; r <= 5; r++)
        {
            for (int f = 1; f <= 5; f++)
            {
                for (int m = 1; m <= 5; m++)
                {
                    var hits = ranges.Where(x => In(x.R, r) && In(x.F, f) && In(x.M, m)).Select(x => x.Segment).ToList();
                    Assert.That(hits, Has.Count.EqualTo(1), $"r={r} f={f} m={m}: {string.Join(", ", hits)}");
                    cells++;
                }
            }
        }
        Assert.That(cells, Is.EqualTo(125));
    }

    [TestCase(5, 5, "Champions")]
    [TestCase(5, 4, "Champions")]
    [TestCase(3, 5, "Loyal Customers")]
    [TestCase(4, 4, "Loyal Customers")]
    [TestCase(4, 2, "Potential Loyalists")]
    [TestCase(5, 3, "Potential Loyalists")]
    [TestCase(5, 1, "New Customers")]
    [TestCase(4, 1, "Promising")]
    [TestCase(3, 3, "Need Attention")]
    [TestCase(3, 2, "About to Sleep")]
    [TestCase(2, 4, "At Risk")]
    [TestCase(1, 3, "At Risk")]
    [TestCase(1, 5, "Can't Lose Them")]
    [TestCase(2, 1, "Hibernating")]
    public void RfmGridIsTheSpecs(int r, int f, string segment)
    {
        var rows = TestSupport.Seed("rfm_segment_mapping");
        var hit = rows.Single(x => int.Parse(x["min_r"]) <= r && r <= int.Parse(x["max_r"]) && int.Parse(x["min_f"]) <= f && f <= int.Parse(x["max_f"]));
        Assert.That(hit["rfm_segment"], Is.EqualTo(segment));
        Assert.That((hit["min_m"], hit["max_m"]), Is.EqualTo(("1", "5")));
    }

    [Test]
    public void CountryMappingIsCompleteForEveryCountryTheGeneratorWrites()
    {
        var map = TestSupport.Seed("country_mapping").ToDictionary(r => r["raw_country"], r => r["mapped_country"]);
        Assert.Multiple(() =>
        {
            Assert.That(map["EIRE"], Is.EqualTo("Ireland"));
            Assert.That(map["RSA"], Is.EqualTo("South Africa"));
            Assert.That(map["USA"], Is.EqualTo("United States"));
            Assert.That(map["Channel Islands"], Is.EqualTo("United Kingdom"));
            foreach (var (name, _, _) in RetailGenerator.Countries)
            {
                Assert.That(map, Does.ContainKey(name), name);
            }
            foreach (var (raw, mapped) in map.Where(kv => kv.Key is not ("EIRE" or "RSA" or "USA" or "Channel Islands")))
            {
                Assert.That(mapped, Is.EqualTo(raw), "other countries map to themselves");
            }
        });
    }

    [Test]
    public void NonProductCodesHaveTheirCategories()
    {
        var map = TestSupport.Seed("non_product_stock_codes").ToDictionary(r => r["stock_code"], r => r["category"]);
        Assert.That(map.Keys, Is.EquivalentTo(new[] { "M", "POST", "DOT", "C2", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "B" }));
        Assert.That(map.Where(kv => kv.Value == "manual").Select(kv => kv.Key), Is.EqualTo(new[] { "M" }));
        Assert.That(map["POST"], Is.EqualTo("postage"));
        Assert.That(map["B"], Is.EqualTo("bad_debt"));
        Assert.That(map["BANK CHARGES"], Is.EqualTo("bank_charges"));
    }

    [Test]
    public void EveryGeneratorNoteFallsInItsNoteGroup()
    {
        var cleaning = new Cleaning();
        var groups = TestSupport.Seed("adjustment_keywords").Select(r => r["note_group"]).Distinct().ToList();
        Assert.That(groups, Is.EquivalentTo(RetailGenerator.AdjustmentNotes.Select(g => g.Group)));
        Assert.That(groups, Has.Count.EqualTo(7));
        foreach (var (group, notes) in RetailGenerator.AdjustmentNotes)
        {
            foreach (string note in notes)
            {
                Assert.That(cleaning.NoteGroup(note), Is.EqualTo(group), note);
            }
        }
    }

    [Test]
    public void KeywordsAreUniqueLowerCase()
    {
        var kw = TestSupport.Seed("adjustment_keywords").Select(r => r["keyword"]).ToList();
        Assert.That(kw, Is.Unique);
        Assert.That(kw, Has.All.Matches<string>(k => k == k.ToLowerInvariant() && k == k.Trim() && k.Length > 0));
    }

    [Test]
    public void OneRowConstants()
    {
        var churn = TestSupport.Seed("churn_risk_mapping");
        Assert.That(churn, Has.Count.EqualTo(1));
        Assert.That((churn[0]["low_risk"], churn[0]["medium_risk"], churn[0]["high_risk"]), Is.EqualTo(("30", "60", "90")));
        var constants = TestSupport.Seed("business_constants");
        Assert.That(constants, Has.Count.EqualTo(1));
        Assert.That(constants[0]["gross_margin"], Is.EqualTo("0.6"));
    }
}
