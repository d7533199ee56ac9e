namespace Xform.Retail.Generator;

/// <summary>How a product's unit price moves over time (the cases of int_product_price_consistency).</summary>
public enum PricePattern
{
    /// <summary>One price all year.</summary>
    Single,

    /// <summary>Price p1 until a change day, p2 after it (non-overlapping date ranges).</summary>
    OneOffChange,

    /// <summary>Regular price and a promotional price in alternating weeks (overlapping ranges).</summary>
    Oscillating,

    /// <summary>Three prices, the modal one on ~70% of lines.</summary>
    Modal,

    /// <summary>Four prices, none on more than ~30% of lines.</summary>
    Complex,

    /// <summary>A normal price, plus free (price 0) lines: giveaways and stock adjustments land on these codes.</summary>
    ZeroPriced,
}

internal sealed class Product
{
    public required byte[] StockCode { get; init; }

    public required byte[] Description { get; init; }

    public required PricePattern Pattern { get; init; }

    public required int[] Prices { get; init; } // thousandths

    public int ChangeDay { get; init; }

    public bool Tricky { get; init; }

    public string Code { get; init; } = "";

    /// <summary>Unit price (thousandths) of a line on the given day.</summary>
    public int PriceOn(int day, Rng rng) => Pattern switch
    {
        PricePattern.OneOffChange => day < ChangeDay ? Prices[0] : Prices[1],
        PricePattern.Oscillating => (day / 7) % 3 == 2 ? Prices[1] : Prices[0],
        PricePattern.Modal => rng.Next(100) switch
        {
            < 70 => Prices[0],
            < 85 => Prices[1],
            _ => Prices[2],
        },
        PricePattern.Complex => Prices[rng.Next(4)],
        _ => Prices[0],
    };
}

/// <summary>The product catalogue: real product names (with their quirks) mixed with generated gift-shop names.</summary>
internal static class Catalog
{
    // Real products of the public file, kept verbatim: tricky substrings (POLKADOT contains DOT,
    // CHECK is also an adjustment note), commas and quotes that need RFC 4180 quoting, and
    // leading/trailing spaces.
    internal static readonly (string Code, string Name)[] RealProducts =
    [
        ("85123A", "WHITE HANGING HEART T-LIGHT HOLDER"),
        ("21394", "RED POLKADOT BEAKER "),
        ("22423", "REGENCY CAKESTAND 3 TIER"),
        ("21407", "BROWN CHECK CAT DOORSTOP "),
        ("85099B", "JUMBO BAG RED RETROSPOT"),
        ("21899", "KEY FOB , GARAGE DESIGN"),
        ("47566", "PARTY BUNTING"),
        ("84795B", "SUNSET CHECK HAMMOCK"),
        ("20725", "LUNCH BAG RED RETROSPOT"),
        ("37333", "RETRO \"TEA FOR ONE\" "),
        ("84879", "ASSORTED COLOUR BIRD ORNAMENT"),
        ("21121", "SET/10 RED POLKADOT PARTY CANDLES"),
        ("22197", "POPCORN HOLDER"),
        ("47367B", "PAIR PADDED HANGERS PINK CHECK"),
        ("21986", "PACK OF 12 PINK POLKADOT TISSUES"),
        ("44091A", "BLUE CRUSOE CHECK LAMPSHADE"),
        ("62043B", "BLUE CHECK BAG W HANDLE 34X20CM"),
        ("21902", "KEY FOB , FRONT  DOOR "),
        ("22470", " SET 2 TEA TOWELS I LOVE LONDON "),
        ("22090", "PAPER BUNTING RETROSPOT"),
    ];

    private static readonly string[] Colours =
        ["RED", "BLUE", "PINK", "GREEN", "IVORY", "WHITE", "BLACK", "CREAM", "YELLOW", "PURPLE", "ORANGE", "SILVER", "GOLD", "MINT", "LILAC", "TURQUOISE"];

    private static readonly string[] Motifs =
        ["RETROSPOT", "SPACEBOY", "VINTAGE", "REGENCY", "WOODLAND", "DOLLY GIRL", "SKULLS", "HEART", "ROSE", "PAISLEY", "STRAWBERRY", "CHRISTMAS", "BIRD", "STAR", "FLOWER", "UNION JACK"];

    private static readonly string[] Items =
        ["CHARLOTTE BAG", "LUNCH BOX", "T-LIGHT HOLDER", "CAKE CASES", "MUG", "TEA TOWEL", "PAPER NAPKINS", "DOORMAT", "HOT WATER BOTTLE", "GIFT WRAP",
         "NOTEBOOK", "CANDLE", "JAM JAR", "BEAKER", "PLATE", "BOWL", "SHOPPER BAG", "PHOTO FRAME", "WALL CLOCK", "CUSHION COVER",
         "PURSE", "UMBRELLA", "BUNTING", "ORNAMENT"];

    private static readonly int[] PricePoints =
        [420, 550, 650, 850, 1250, 1450, 1650, 1950, 2100, 2460, 2550, 2950, 3290, 3750, 4150, 4250, 4950, 5950, 7950, 8500, 9950, 12750, 16950];

    private static readonly double[] PricePointWeights =
        [25, 8, 8, 28, 50, 13, 38, 13, 18, 17, 13, 28, 12, 19, 6, 7, 19, 8, 7, 6, 6, 3, 2];

    public static int ProductCount(long rows) => (int)Math.Clamp(rows / 130, 50, 4000);

    public static Product[] Build(int count, int days, Rng rng)
    {
        var products = new Product[count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (code, _) in RealProducts)
        {
            used.Add(code);
        }
        var pricePick = new Discrete(PricePointWeights);
        PricePattern[] cycle = [PricePattern.Single, PricePattern.OneOffChange, PricePattern.Oscillating, PricePattern.Modal, PricePattern.Complex, PricePattern.ZeroPriced];
        var patternPick = new Discrete([25, 15, 15, 25, 10, 10]);
        int real = 0;
        int generated = 0;
        for (int r = 0; r < count; r++)
        {
            string code, name;
            bool tricky;
            if (r % 2 == 1 && real < RealProducts.Length)
            {
                (code, name) = RealProducts[real++];
                tricky = true;
            }
            else
            {
                (code, name) = GeneratedProduct(generated++, rng, used);
                tricky = false;
            }
            // the most popular ranks cycle through every pattern so small samples show them all
            PricePattern pattern = r < 2 * cycle.Length ? cycle[r % cycle.Length] : cycle[patternPick.Sample(rng)];
            if (tricky && pattern == PricePattern.ZeroPriced)
            {
                pattern = PricePattern.Modal; // free-line notes never land on names with tricky substrings
            }
            int p = PricePoints[pricePick.Sample(rng)];
            int[] prices = pattern switch
            {
                PricePattern.OneOffChange => [p, Distinct(Cents(p * 112L / 100), p)],
                PricePattern.Oscillating => [p, Distinct(Cents(p * 80L / 100), p)],
                PricePattern.Modal => Distinct3(p, Cents(p * 110L / 100), Cents(p * 85L / 100)),
                PricePattern.Complex => Distinct4(p, Cents(p * 108L / 100), Cents(p * 120L / 100), Cents(p * 88L / 100)),
                _ => [p],
            };
            int change = days <= 2 ? 1 : days / 4 + rng.Next(Math.Max(1, days / 2));
            products[r] = new Product
            {
                Code = code,
                StockCode = CsvOutput.Field(code),
                Description = CsvOutput.Field(name),
                Pattern = pattern,
                Prices = prices,
                ChangeDay = change,
                Tricky = tricky,
            };
        }
        return products;
    }

    private static (string Code, string Name) GeneratedProduct(int i, Rng rng, HashSet<string> used)
    {
        int c = i % Colours.Length;
        int m = (i / Colours.Length + i) % Motifs.Length;
        int it = (i / (Colours.Length * Motifs.Length) * 7 + i * 5) % Items.Length;
        string name = $"{Colours[c]} {Motifs[m]} {Items[it]}";
        if (i >= Colours.Length * Motifs.Length * Items.Length)
        {
            name += $" SIZE {i / (Colours.Length * Motifs.Length * Items.Length)}";
        }
        // about one name in five keeps a trailing space, as in the real file
        if (rng.Next(5) == 0)
        {
            name += " ";
        }
        string code;
        do
        {
            code = (10000 + rng.Next(80000)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            int suffix = rng.Next(10);
            if (suffix < 3)
            {
                code += (char)('A' + rng.Next(6));
            }
        }
        while (!used.Add(code));
        return (code, name);
    }

    private static int Cents(long milli) => (int)((milli + 5) / 10 * 10);

    private static int Distinct(int q, int p) => q == p ? p + 10 : q;

    private static int[] Distinct3(int a, int b, int c)
    {
        b = Distinct(b, a);
        c = Distinct(c, a);
        if (c == b)
        {
            c = b + 10;
        }
        return [a, b, c];
    }

    private static int[] Distinct4(int a, int b, int c, int d)
    {
        var set = new List<int> { a };
        foreach (int x in new[] { b, c, d })
        {
            int y = x;
            while (set.Contains(y))
            {
                y += 10;
            }
            set.Add(y);
        }
        return [.. set];
    }
}
