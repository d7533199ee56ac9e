using System.Text;

namespace Xform.Retail.Generator;

/// <summary>What one run wrote.</summary>
public sealed record GenerationStats(long Rows, long Invoices, long Bytes);

/// <summary>
/// Streams synthetic raw POS logs in the layout of the public "Online Retail" file.
///
/// Shape of the simulation (memory is proportional to customers and products, never to rows):
/// - Time is "virtual" u in [0, 1), mapped to trading days and minutes by <see cref="Calendar"/>.
/// - Each customer has a number of sale invoices k (skewed like the real file: a third buy once,
///   a loyal few buy dozens of times), an active window (existing or newly acquired customers;
///   a quarter churn early) and a basket-size multiplier. Their invoices fall at stratified random
///   points of the window. A priority queue merges all customers' next events in time order.
/// - Guests (no CustomerID) buy large baskets in their own stream; back-office rows (stock
///   adjustments with notes, fees, samples, bad debt, ...) come in a third stream with exact counts.
/// - Credit notes follow some sale invoices a few days later and return items the customer bought.
/// - Basket sizes adapt to the remaining row budget of each stream, so the file has exactly --rows
///   rows and spans the whole date range.
/// Everything random comes from one seeded <see cref="Rng"/>; no transcendental functions are used,
/// so the output is identical on every platform.
/// </summary>
public static partial class RetailGenerator
{
    public static readonly string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

    public static GenerationStats WriteCsv(GeneratorOptions options, Stream output)
    {
        var run = new Run(options, output);
        return run.Execute();
    }

    internal enum BackOffice
    {
        ZeroAdjustmentNegative,
        ZeroAdjustmentPositive,
        EmptyDescription,
        FreeLine,
        AmazonFee,
        Samples,
        BankCharges,
        BadDebt,
        Cruk,
        Discount,
        ManualCredit,
        ManualLowercase,
        ManualSpaced,
        UnknownDescription,
        Pads,
    }

    /// <summary>Share of all rows and a floor count (used from 2,000 rows) for each back-office row type.</summary>
    internal static readonly (BackOffice Type, double Share, int Floor)[] BackOfficeMix =
    [
        (BackOffice.ZeroAdjustmentNegative, 0.00085, 30),
        (BackOffice.ZeroAdjustmentPositive, 0.0008, 20),
        (BackOffice.EmptyDescription, 0.0027, 8),
        (BackOffice.FreeLine, 0.0001, 6),
        (BackOffice.AmazonFee, 0.000063, 4),
        (BackOffice.Samples, 0.000116, 4),
        (BackOffice.BankCharges, 0.000068, 4),
        (BackOffice.BadDebt, 0.0000055, 3),
        (BackOffice.Cruk, 0.00003, 4),
        (BackOffice.Discount, 0.00014, 5),
        (BackOffice.ManualCredit, 0.00045, 6),
        (BackOffice.ManualLowercase, 0.000002, 4),
        (BackOffice.ManualSpaced, 0.000002, 4),
        (BackOffice.UnknownDescription, 0.000003, 5),
        (BackOffice.Pads, 0.000007, 3),
    ];

    /// <summary>Notes written on zero-price stock adjustment rows, by note group (verbatim from the real file).</summary>
    internal static readonly (string Group, string[] Notes)[] AdjustmentNotes =
    [
        ("Damaged or Written-Off", ["damaged", "Damaged", "damages", "DAMAGED", "wet damaged", "thrown away", "Unsaleable, destroyed.", "smashed", "crushed", "broken", "faulty", "mouldy, thrown away.", "damages?", "wet pallet", "cracked"]),
        ("Inventory Adjustment", ["check", "check", "CHECK", "found", "Found", "adjustment", "Adjustment", "counted", "stock check", "had been put aside", "incorrect stock entry.", "taig adjust"]),
        ("Logistics (Dotcom / Amazon / eBay)", ["amazon", "Amazon", "AMAZON", "dotcom", "ebay", "Dotcom sales", "amazon sales"]),
        ("Coding / Mapping Issues", ["wrongly coded 20713", "wrong code", "wrong code?", "wrong barcode", "barcode problem", "label mix up", "mixed up", "incorrectly credited C550456 see 47", "wrongly marked. 23343 in box"]),
        ("Unknown / Incomplete", ["?", "?", "??", "???missing", "?missing", "missing", "lost", "MIA"]),
        ("Bundling / Set Handling", ["sold as set on dotcom", "sold as 1", "wrongly sold as sets", "sold in set?", "dotcom sold sets", "Amazon sold sets"]),
        ("Promotional / Internal Use", ["Given away", "showroom", "samples", "Show Samples", "Display", "mailout", "test"]),
    ];

    private static readonly double[] NoteGroupWeights = [32, 34, 10, 4, 12, 6, 2];

    /// <summary>Country, share of customers, share of guest invoices (real file).</summary>
    internal static readonly (string Name, double Customers, double Guests)[] Countries =
    [
        ("United Kingdom", 3950, 9630), ("Germany", 95, 0), ("France", 87, 5), ("Spain", 29, 0), ("Belgium", 24, 0),
        ("Switzerland", 20, 9), ("Portugal", 19, 3), ("Italy", 15, 0), ("Finland", 12, 0), ("Austria", 11, 0),
        ("Norway", 10, 0), ("Netherlands", 9, 0), ("Australia", 9, 0), ("Denmark", 9, 0), ("Channel Islands", 9, 0),
        ("Cyprus", 8, 0), ("Sweden", 8, 0), ("Japan", 8, 0), ("Poland", 6, 0), ("USA", 4, 0),
        ("Canada", 4, 0), ("Unspecified", 4, 15), ("Greece", 4, 0), ("Israel", 4, 3), ("EIRE", 3, 50),
        ("Bahrain", 2, 0), ("Malta", 2, 0), ("United Arab Emirates", 2, 0), ("Lithuania", 1, 0), ("Singapore", 1, 0),
        ("Iceland", 1, 0), ("RSA", 1, 0), ("Brazil", 1, 0), ("Lebanon", 1, 0), ("Czech Republic", 1, 0),
        ("European Community", 1, 2), ("Saudi Arabia", 1, 0), ("Hong Kong", 0, 20),
    ];

    // every country quirk (and a few big markets) gets at least one customer when there are enough customers
    private static readonly string[] GuaranteedCountries =
        ["EIRE", "RSA", "USA", "Channel Islands", "European Community", "Unspecified", "Germany", "France", "Netherlands", "Australia"];

    // sale invoices per customer: 1..19 as in the real file, then a long tail
    private static readonly double[] InvoiceCountWeights =
        [1494, 835, 508, 387, 243, 172, 143, 98, 68, 54, 52, 45, 30, 20, 28, 11, 18, 14, 12, 107];

    // basket size relative to the mean: quantiles of a log-normal (sigma 0.9) normalised to mean 1
    private static readonly double[] BasketShape =
        [0.098, 0.151, 0.191, 0.226, 0.259, 0.292, 0.324, 0.356, 0.389, 0.423, 0.458, 0.494, 0.533, 0.573, 0.615, 0.660,
         0.708, 0.760, 0.816, 0.878, 0.946, 1.021, 1.105, 1.201, 1.312, 1.444, 1.603, 1.803, 2.068, 2.450, 3.090, 4.751];

    private static readonly double[] CustomerSize = [0.5, 0.7, 0.85, 1, 1, 1.2, 1.5, 2.2];

    private static readonly int[] QuantityValues = [1, 2, 12, 6, 4, 3, 24, 10, 8, 5, 48, 25, 20, 16, 36, 7, 9, 72, 100, 96, 18, 144, 30, 40, 32, 50, 60, 120, 200, 480];

    private static readonly double[] QuantityWeights = [148, 82, 61, 41, 38, 37, 24, 22, 13, 12, 6, 5, 5, 4, 4, 3, 2, 2, 2, 2, 2, 1, 1.2, 1.1, 1, 0.9, 0.7, 0.6, 0.3, 0.2];

    private static readonly int[] CreditLineCounts = [1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 6];

    private const double GuestRowShare = 0.245;
    private const double CreditNoteChance = 0.24;
    private const double CreditLinesEstimate = 2.2;
    private const int FirstInvoice = 536365;
    private const int Slots = 4;
}

internal static class Catalog2
{
    private static readonly int[] Prices = [420, 850, 1000, 1250, 1650, 2950, 3750, 4950];

    public static int ProductLikePrice(Rng rng) => Prices[rng.Next(Prices.Length)];
}
