using System.Text;

namespace Xform.Retail.Generator;

public static partial class RetailGenerator
{
    /// <summary>One generation: the customers, products and event queue of a run, streamed to CSV in time order.</summary>
    private sealed class Run
    {
        private readonly GeneratorOptions o;
        private readonly CsvOutput w;
        private readonly Rng rng;
        private readonly Calendar cal;
        private readonly Product[] products;
        private readonly Discrete popularity;
        private readonly int[] zeroProducts;
        private readonly Discrete quantity = new(QuantityWeights);
        private readonly Discrete guestCountry;
        private readonly Discrete noteGroup = new(NoteGroupWeights);
        private readonly byte[][] countryBytes;
        private readonly byte[][][] noteBytes;

        // customers
        private readonly int nCust;
        private readonly double[] winStart, winEnd;
        private readonly int[] kTotal, kDone;
        private readonly float[] size;
        private readonly short[] country;
        private readonly int[] slotProduct, slotQty, slotPrice;
        private readonly byte[] slotCount;
        private readonly double sizeNorm;
        private readonly double[] warp;
        private const int WarpBins = 4096;

        // streams
        private readonly PriorityQueue<long, double> queue = new();
        private long saleEventsLeft;
        private long custBudget, guestBudget;
        private long guestEvents, guestDone;
        private long boEvents, boDone;
        private readonly long[] boLeft;
        private long boLeftTotal;
        private long pendingCredits;
        private long saleInvoices, creditNotes, creditRows;
        private readonly double pPost, pPostUk, pCarriage, pCarriageUk, pManual, pDot;

        // output state
        private long invoiceNo = FirstInvoice;
        private long rows, invoices;
        private readonly byte[] dateBuf = new byte[32];
        private int dateLen;
        private int day;
        private long noteRows, badDebtRows;

        private static readonly byte[] Post = Bytes("POST"), Postage = Bytes("POSTAGE");
        private static readonly byte[] Dot = Bytes("DOT"), DotcomPostage = Bytes("DOTCOM POSTAGE");
        private static readonly byte[] C2 = Bytes("C2"), Carriage = Bytes("CARRIAGE");
        private static readonly byte[] M = Bytes("M"), MLower = Bytes("m"), MSpaced = Bytes(" M "), Manual = Bytes("Manual");
        private static readonly byte[] D = Bytes("D"), Discount = Bytes("Discount");
        private static readonly byte[] S = Bytes("S"), Samples = Bytes("SAMPLES");
        private static readonly byte[] Bank = Bytes("BANK CHARGES"), BankDesc = Bytes("Bank Charges");
        private static readonly byte[] Amazon = Bytes("AMAZONFEE"), AmazonDesc = Bytes("AMAZON FEE");
        private static readonly byte[] Cruk = Bytes("CRUK"), CrukDesc = Bytes("CRUK Commission");
        private static readonly byte[] Pads = Bytes("PADS"), PadsDesc = Bytes("PADS TO MATCH ALL CUSHIONS");
        private static readonly byte[] B = Bytes("B"), BadDebt = Bytes("Adjust bad debt");
        private static readonly byte[][] UnknownDescriptions = [Bytes("?"), Bytes("??"), Bytes("???"), Bytes("missing"), Bytes("wrongly sold")];

        private const long KindSale = 0, KindGuest = 1L << 40, KindBack = 2L << 40, KindCredit = 3L << 40;
        private const long IndexMask = (1L << 40) - 1;

        public Run(GeneratorOptions options, Stream output)
        {
            o = options;
            w = new CsvOutput(output);
            rng = new Rng(options.Seed);
            cal = new Calendar(options.StartDate, options.Days);
            long n = options.Rows;

            products = Catalog.Build(Catalog.ProductCount(n), options.Days, rng);
            var pop = new double[products.Length];
            for (int i = 0; i < pop.Length; i++)
            {
                pop[i] = 1.0 / (i + 8);
            }
            popularity = new Discrete(pop);
            zeroProducts = Enumerable.Range(0, products.Length).Where(i => products[i].Pattern == PricePattern.ZeroPriced).ToArray();

            countryBytes = Countries.Select(c => CsvOutput.Field(c.Name)).ToArray();
            guestCountry = new Discrete(Countries.Select(c => c.Guests).ToArray());
            noteBytes = AdjustmentNotes.Select(g => g.Notes.Select(CsvOutput.Field).ToArray()).ToArray();

            // customers
            nCust = options.EffectiveCustomers;
            winStart = new double[nCust];
            winEnd = new double[nCust];
            kTotal = new int[nCust];
            kDone = new int[nCust];
            size = new float[nCust];
            country = new short[nCust];
            slotProduct = new int[nCust * Slots];
            slotQty = new int[nCust * Slots];
            slotPrice = new int[nCust * Slots];
            slotCount = new byte[nCust];
            var custCountry = new Discrete(Countries.Select(c => c.Customers).ToArray());
            var kPick = new Discrete(InvoiceCountWeights);
            double sizeSum = 0;
            for (int c = 0; c < nCust; c++)
            {
                int k = kPick.Sample(rng) + 1;
                if (k == 20)
                {
                    double u = rng.NextDouble();
                    k = 20 + (int)(u * u * u * 180);
                }
                double start = rng.Chance(0.3) ? rng.NextDouble() * 0.04 : rng.NextDouble() * 0.97;
                // customers acquired late have less time left to come back
                k = 1 + (int)((k - 1) * (0.35 + 0.65 * (1 - start)) + rng.NextDouble());
                kTotal[c] = k;
                double end = k == 1 ? start
                    : rng.Chance(0.25) ? start + (1 - start) * (0.15 + 0.5 * rng.NextDouble())
                    : 1 - 0.03 * rng.NextDouble();
                winStart[c] = start;
                winEnd[c] = Math.Max(start, end);
                int slot = c % 7 == 3 ? c / 7 : -1;
                string? forced = slot >= 0 && slot < GuaranteedCountries.Length && nCust >= 4 * GuaranteedCountries.Length ? GuaranteedCountries[slot] : null;
                country[c] = (short)(forced is not null ? Array.FindIndex(Countries, x => x.Name == forced) : custCountry.Sample(rng));
                double sz = CustomerSize[rng.Next(CustomerSize.Length)];
                if (Countries[country[c]].Name is "EIRE")
                {
                    sz *= 3; // the real file's few EIRE accounts are large wholesalers
                }
                size[c] = (float)sz;
                sizeSum += sz * k;
                saleEventsLeft += k;
            }
            sizeNorm = sizeSum / saleEventsLeft;

            // Customers acquired during the year crowd their visits into the months left, so the raw
            // density of visits rises towards the end. Warp time so that the density of all visits
            // together is flat in u (the calendar then gives the real seasonality); order is kept.
            var density = new double[WarpBins + 1];
            for (int c = 0; c < nCust; c++)
            {
                int b0 = (int)(winStart[c] * WarpBins), b1 = (int)(winEnd[c] * WarpBins);
                if (b1 <= b0)
                {
                    density[b0] += kTotal[c];
                    density[b0 + 1] -= kTotal[c];
                }
                else
                {
                    double per = (double)kTotal[c] / (b1 - b0 + 1);
                    density[b0] += per;
                    density[b1 + 1] -= per;
                }
            }
            warp = new double[WarpBins + 1];
            double run = 0, acc = 0;
            for (int i = 0; i < WarpBins; i++)
            {
                run += density[i];
                acc += Math.Max(run, 0) + 1e-9;
                warp[i + 1] = acc;
            }
            for (int i = 0; i <= WarpBins; i++)
            {
                warp[i] /= acc;
            }

            // budgets: back-office rows (exact counts), guest rows, customer rows
            boLeft = new long[BackOfficeMix.Length];
            for (int t = 0; t < BackOfficeMix.Length; t++)
            {
                long cnt = (long)Math.Round(BackOfficeMix[t].Share * n);
                if (n >= 2000)
                {
                    cnt = Math.Max(cnt, BackOfficeMix[t].Floor);
                }
                boLeft[t] = cnt;
                boLeftTotal += cnt;
            }
            boEvents = boLeftTotal;
            guestBudget = Math.Min((long)Math.Round(n * GuestRowShare), n - boEvents);
            custBudget = n - boEvents - guestBudget;
            guestEvents = guestBudget == 0 ? 0 : Math.Clamp((long)Math.Round(nCust * 0.85), 1, guestBudget);

            double invoices = Math.Max(1, saleEventsLeft);
            pPostUk = 0.004;
            pPost = Math.Max(0.45, 6 / invoices);
            pCarriage = Math.Max(0.03, 6 / invoices);
            pCarriageUk = Math.Max(0.002, 4 / invoices);
            pManual = Math.Max(0.017, 8 / invoices);
            pDot = Math.Max(0.19, 6.0 / Math.Max(1, guestEvents));

            for (int c = 0; c < nCust; c++)
            {
                queue.Enqueue(KindSale | (uint)c, SaleTime(c));
            }
            if (guestEvents > 0)
            {
                queue.Enqueue(KindGuest, (0 + rng.NextDouble()) / guestEvents);
            }
            if (boEvents > 0)
            {
                queue.Enqueue(KindBack, (0 + rng.NextDouble()) / boEvents);
            }
        }

        private static byte[] Bytes(string s) => CsvOutput.Field(s);

        private double Warp(double u)
        {
            double x = Math.Clamp(u, 0, 1) * WarpBins;
            int i = Math.Min((int)x, WarpBins - 1);
            return warp[i] + (warp[i + 1] - warp[i]) * (x - i);
        }

        private double SaleTime(int c)
        {
            int i = kDone[c];
            double span = winEnd[c] - winStart[c];
            double t = winStart[c] + (i + rng.NextDouble()) * span / kTotal[c];
            return Math.Min(Warp(t), 0.9999999);
        }

        public GenerationStats Execute()
        {
            w.Write(Encoding.ASCII.GetBytes(Header));
            w.Byte((byte)'\n');
            while (queue.TryDequeue(out long ev, out double t))
            {
                long kind = ev & ~IndexMask;
                int idx = (int)(ev & IndexMask);
                if (kind == KindSale)
                {
                    kDone[idx]++;
                    saleEventsLeft--;
                    if (kDone[idx] < kTotal[idx])
                    {
                        queue.Enqueue(KindSale | (uint)idx, Math.Max(t, SaleTime(idx)));
                    }
                    SaleInvoice(idx, t);
                }
                else if (kind == KindGuest)
                {
                    guestDone++;
                    if (guestDone < guestEvents)
                    {
                        queue.Enqueue(KindGuest, Math.Max(t, (guestDone + rng.NextDouble()) / guestEvents));
                    }
                    GuestInvoice(t);
                }
                else if (kind == KindBack)
                {
                    boDone++;
                    if (boDone < boEvents)
                    {
                        queue.Enqueue(KindBack, Math.Max(t, (boDone + rng.NextDouble()) / boEvents));
                    }
                    BackOfficeRow(t);
                }
                else
                {
                    pendingCredits--;
                    CreditNote(idx, t);
                }
            }
            w.Flush();
            return new GenerationStats(rows, invoices, w.BytesWritten);
        }

        private void StartInvoice(double t)
        {
            (day, int minute) = cal.At(t);
            dateLen = cal.Format(dateBuf, day, minute, o.DateStyle);
            invoiceNo++;
            invoices++;
        }

        private long CustomerId(int c) => 12346 + c + (long)c * 36 / 100;

        private void Row(byte prefix, ReadOnlySpan<byte> stock, ReadOnlySpan<byte> desc, long qty, long priceMilli, int customer, int countryIdx)
        {
            if (prefix != 0)
            {
                w.Byte(prefix);
            }
            w.Long(invoiceNo - 1);
            w.Byte((byte)',');
            w.Write(stock);
            w.Byte((byte)',');
            w.Write(desc);
            w.Byte((byte)',');
            w.Long(qty);
            w.Byte((byte)',');
            w.Write(dateBuf.AsSpan(0, dateLen));
            w.Byte((byte)',');
            w.Milli(priceMilli);
            w.Byte((byte)',');
            if (customer >= 0)
            {
                w.Long(CustomerId(customer));
                if (o.CustomerIdStyle == CustomerIdStyle.Float)
                {
                    w.Byte((byte)'.');
                    w.Byte((byte)'0');
                }
            }
            w.Byte((byte)',');
            w.Write(countryBytes[countryIdx]);
            w.Byte((byte)'\n');
            rows++;
        }

        private int Basket(double mean, double personal, long budget, long eventsLeftAfter)
        {
            if (budget <= 0)
            {
                return 0;
            }
            if (eventsLeftAfter <= 0)
            {
                return (int)Math.Min(budget, int.MaxValue);
            }
            double x = mean * personal * BasketShape[rng.Next(BasketShape.Length)];
            long lines = (long)(x + rng.NextDouble());
            long max = budget - eventsLeftAfter;
            if (lines > max)
            {
                lines = max;
            }
            if (lines < 1)
            {
                lines = 1;
            }
            return (int)lines;
        }

        private void SaleInvoice(int c, double t)
        {
            // rows still needed by credit notes, from what credit notes actually took so far
            double perSale = (creditRows + CreditNoteChance * CreditLinesEstimate * 20) / (saleInvoices + 20);
            double perCredit = (creditRows + CreditLinesEstimate * 5) / (creditNotes + 5);
            double reserveCredits = saleEventsLeft * perSale + pendingCredits * perCredit;
            double mean = Math.Max(1, (custBudget - reserveCredits) / (saleEventsLeft + 1));
            int n = Basket(mean, size[c] / sizeNorm, custBudget, saleEventsLeft);
            if (n == 0)
            {
                return;
            }
            custBudget -= n;
            saleInvoices++;
            StartInvoice(t);
            int ctry = country[c];
            bool uk = ctry == 0;
            int extrasFirst = 0;
            if (rng.Chance(uk ? pPostUk : pPost))
            {
                int q = rng.Next(10) switch { < 4 => 1, < 7 => 2, < 9 => 3, _ => 4 };
                Row(0, Post, Postage, q, rng.Next(4) switch { 0 => 15000, 1 => 40000, 2 => 28000, _ => 18000 }, c, ctry);
                extrasFirst++;
            }
            bool carriage = extrasFirst < n && rng.Chance(uk ? pCarriageUk : pCarriage);
            bool manual = extrasFirst + (carriage ? 1 : 0) < n && rng.Chance(pManual);
            int productLines = n - extrasFirst - (carriage ? 1 : 0) - (manual ? 1 : 0);
            int slotBase = c * Slots;
            int slotsUsed = 0;
            for (int i = 0; i < productLines; i++)
            {
                int p = popularity.Sample(rng);
                var prod = products[p];
                int qty = QuantityValues[quantity.Sample(rng)];
                int price = prod.PriceOn(day, rng);
                Row(0, prod.StockCode, prod.Description, qty, price, c, ctry);
                if (slotsUsed < Slots)
                {
                    slotProduct[slotBase + slotsUsed] = p;
                    slotQty[slotBase + slotsUsed] = qty;
                    slotPrice[slotBase + slotsUsed] = price;
                    slotsUsed++;
                }
            }
            if (carriage)
            {
                Row(0, C2, Carriage, 1, 50000, c, ctry);
            }
            if (manual)
            {
                Row(0, M, Manual, rng.Chance(0.8) ? 1 : rng.Between(2, 12), ManualPrice(), c, ctry);
            }
            if (slotsUsed > 0)
            {
                slotCount[c] = (byte)slotsUsed;
                if (rng.Chance(CreditNoteChance))
                {
                    double delay = (0.05 + 20 * rng.NextDouble() * rng.NextDouble()) / Math.Max(1, o.Days);
                    if (t + delay < 1)
                    {
                        pendingCredits++;
                        queue.Enqueue(KindCredit | (uint)c, t + delay);
                    }
                }
            }
        }

        private int ManualPrice() => rng.Next(10) switch
        {
            < 6 => Catalog2.ProductLikePrice(rng),
            < 9 => rng.Between(1, 200) * 1000,
            _ => rng.Between(200, 4000) * 1000 + rng.Next(100) * 10,
        };

        private void GuestInvoice(double t)
        {
            long left = guestEvents - guestDone;
            double mean = Math.Max(1, (double)guestBudget / (left + 1));
            int n = Basket(mean, 1, guestBudget, left);
            if (n == 0)
            {
                return;
            }
            guestBudget -= n;
            StartInvoice(t);
            int ctry = guestCountry.Sample(rng);
            bool dot = rng.Chance(pDot);
            int productLines = n - (dot ? 1 : 0);
            for (int i = 0; i < productLines; i++)
            {
                var prod = products[popularity.Sample(rng)];
                int qty = QuantityValues[quantity.Sample(rng)];
                Row(0, prod.StockCode, prod.Description, qty, prod.PriceOn(day, rng), -1, ctry);
            }
            if (dot)
            {
                // dotcom postage: the sum charged for delivery of a web order
                Row(0, Dot, DotcomPostage, 1, rng.Between(100, 30000) * 10, -1, ctry);
            }
        }

        private void CreditNote(int c, double t)
        {
            int have = slotCount[c];
            if (have == 0)
            {
                return;
            }
            int want = Math.Min(CreditLineCounts[rng.Next(CreditLineCounts.Length)], have);
            if (custBudget - want < saleEventsLeft)
            {
                return; // keep at least one row for each sale invoice still to come
            }
            (int creditDay, _) = cal.At(t);
            int slotBase = c * Slots;
            int first = rng.Next(have);
            int lines = 0;
            Span<int> chosen = stackalloc int[Slots];
            for (int i = 0; i < want; i++)
            {
                int s = slotBase + (first + i) % have;
                var prod = products[slotProduct[s]];
                // a one-off price change is a clean cut: never refund the old price after it
                if (prod.Pattern == PricePattern.OneOffChange && prod.PriceOn(creditDay, rng) != slotPrice[s])
                {
                    continue;
                }
                chosen[lines++] = s;
            }
            if (lines == 0)
            {
                return;
            }
            custBudget -= lines;
            creditRows += lines;
            creditNotes++;
            StartInvoice(t);
            int ctry = country[c];
            for (int i = 0; i < lines; i++)
            {
                int s = chosen[i];
                var prod = products[slotProduct[s]];
                int q = slotQty[s];
                int back = rng.Chance(0.7) ? q : rng.Between(1, q);
                Row((byte)'C', prod.StockCode, prod.Description, -back, slotPrice[s], c, ctry);
            }
        }

        private int AnyCustomer() => rng.Next(nCust);

        private void NoteDescription(out byte[] note)
        {
            int g = noteRows < 3 * AdjustmentNotes.Length ? (int)(noteRows % AdjustmentNotes.Length) : noteGroup.Sample(rng);
            var notes = noteBytes[g];
            note = notes[rng.Next(notes.Length)];
            noteRows++;
        }

        private void BackOfficeRow(double t)
        {
            // draw a type without replacement so the counts are exact
            long pick = (long)(rng.NextDouble() * boLeftTotal);
            int type = 0;
            while (pick >= boLeft[type])
            {
                pick -= boLeft[type];
                type++;
            }
            boLeft[type]--;
            boLeftTotal--;
            StartInvoice(t);
            const int uk = 0;
            switch ((BackOffice)type)
            {
                case BackOffice.ZeroAdjustmentNegative:
                    {
                        NoteDescription(out var note);
                        var prod = products[zeroProducts[rng.Next(zeroProducts.Length)]];
                        Row(0, prod.StockCode, note, -QuantityValues[quantity.Sample(rng)] * rng.Between(1, 4), 0, -1, uk);
                        break;
                    }
                case BackOffice.ZeroAdjustmentPositive:
                    {
                        NoteDescription(out var note);
                        var prod = products[zeroProducts[rng.Next(zeroProducts.Length)]];
                        Row(0, prod.StockCode, note, QuantityValues[quantity.Sample(rng)] * rng.Between(1, 4), 0, -1, uk);
                        break;
                    }
                case BackOffice.EmptyDescription:
                    {
                        var prod = products[zeroProducts[rng.Next(zeroProducts.Length)]];
                        int q = QuantityValues[quantity.Sample(rng)] * rng.Between(1, 6);
                        Row(0, prod.StockCode, [], rng.Chance(0.6) ? -q : q, 0, -1, uk);
                        break;
                    }
                case BackOffice.FreeLine:
                    {
                        // a giveaway to a customer: a real product at price 0
                        int c = AnyCustomer();
                        var prod = products[zeroProducts[rng.Next(zeroProducts.Length)]];
                        Row(0, prod.StockCode, prod.Description, rng.Between(1, 12), 0, c, country[c]);
                        break;
                    }
                case BackOffice.AmazonFee:
                    Row((byte)'C', Amazon, AmazonDesc, -1, rng.Between(10_000, 1_500_000) * 10, -1, uk);
                    break;
                case BackOffice.Samples:
                    Row((byte)'C', S, Samples, -1, rng.Between(100, 12_000) * 10, -1, uk);
                    break;
                case BackOffice.BankCharges:
                    {
                        bool credit = rng.Chance(0.65);
                        int c = credit ? -1 : AnyCustomer();
                        Row(credit ? (byte)'C' : (byte)0, Bank, BankDesc, credit ? -1 : 1, rng.Chance(0.4) ? 15000 : rng.Between(100, 100_000) * 10, c, c < 0 ? uk : country[c]);
                        break;
                    }
                case BackOffice.BadDebt:
                    {
                        // the real file: one positive and then negative adjustments of the same amount
                        long amount = 11_062_060;
                        Row((byte)'A', B, BadDebt, 1, badDebtRows % 3 == 0 ? amount : -amount, -1, uk);
                        badDebtRows++;
                        break;
                    }
                case BackOffice.Cruk:
                    {
                        int c = AnyCustomer();
                        Row((byte)'C', Cruk, CrukDesc, -1, rng.Between(100, 6000) * 10, c, country[c]);
                        break;
                    }
                case BackOffice.Discount:
                    {
                        int c = AnyCustomer();
                        Row((byte)'C', D, Discount, -1, rng.Between(100, 5000) * 10, c, country[c]);
                        break;
                    }
                case BackOffice.ManualCredit:
                    {
                        int c = rng.Chance(0.8) ? AnyCustomer() : -1;
                        Row((byte)'C', M, Manual, rng.Chance(0.85) ? -1 : -rng.Between(2, 12), ManualPrice(), c, c < 0 ? uk : country[c]);
                        break;
                    }
                case BackOffice.ManualLowercase:
                    {
                        int c = AnyCustomer();
                        Row(0, MLower, Manual, 1, ManualPrice(), c, country[c]);
                        break;
                    }
                case BackOffice.ManualSpaced:
                    {
                        int c = AnyCustomer();
                        Row(0, MSpaced, Manual, 1, ManualPrice(), c, country[c]);
                        break;
                    }
                case BackOffice.UnknownDescription:
                    {
                        // a priced line whose description was lost: incomplete, not a sale
                        int c = AnyCustomer();
                        var prod = products[popularity.Sample(rng)];
                        Row(0, prod.StockCode, UnknownDescriptions[rng.Next(UnknownDescriptions.Length)], rng.Between(1, 12), prod.PriceOn(day, rng), c, country[c]);
                        break;
                    }
                case BackOffice.Pads:
                    {
                        int c = AnyCustomer();
                        Row(0, Pads, PadsDesc, 1, 1, c, country[c]);
                        break;
                    }
            }
        }
    }
}
