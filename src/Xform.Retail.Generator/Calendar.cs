using System.Text;

namespace Xform.Retail.Generator;

/// <summary>
/// Maps "virtual time" u in [0, 1) onto trading days and minutes, shaped like the real file:
/// no trading on Saturdays, quieter Sundays and Fridays, a closure over Christmas and New Year,
/// a busy autumn peaking in November, and trading hours 6:00-20:59 peaking around noon.
/// Monotone: a larger u never gives an earlier timestamp.
/// </summary>
internal sealed class Calendar
{
    // invoices per trading day by month in the real file (Jan..Dec)
    private static readonly double[] MonthWeight = [48, 50, 64, 58, 70, 67, 62, 56, 78, 85, 115, 80];

    // Monday..Sunday (DayOfWeek order handled below); Saturday has no trade in the real file
    private static readonly double[] DowWeightMonFirst = [95, 102, 95, 104, 82, 0, 64];

    // lines per hour 6..20 in the real file
    private static readonly double[] HourWeight = [41, 383, 8909, 34332, 49037, 57674, 78709, 72259, 67471, 77519, 54516, 28509, 7974, 3705, 871];
    private const int FirstHour = 6;

    private readonly double[] dayCum; // dayCum[d] = sum of weights of days < d
    private readonly double[] dayWeight;
    private readonly double[] hourCum;
    private readonly byte[][] usDate;
    private readonly byte[][] isoDate;

    public Calendar(DateOnly start, int days)
    {
        Start = start;
        Days = days;
        dayWeight = new double[days];
        dayCum = new double[days + 1];
        usDate = new byte[days][];
        isoDate = new byte[days][];
        double total = 0;
        for (int d = 0; d < days; d++)
        {
            var date = start.AddDays(d);
            int dow = ((int)date.DayOfWeek + 6) % 7;
            bool closed = (date.Month == 12 && date.Day >= 24) || (date.Month == 1 && date.Day <= 3);
            dayWeight[d] = closed ? 0 : MonthWeight[date.Month - 1] * DowWeightMonFirst[dow];
            total += dayWeight[d];
            usDate[d] = Encoding.ASCII.GetBytes($"{date.Month}/{date.Day}/{date.Year:D4} ");
            isoDate[d] = Encoding.ASCII.GetBytes($"{date.Year:D4}-{date.Month:D2}-{date.Day:D2} ");
        }
        if (total == 0)
        {
            // a short range made only of closed days: trade on every day instead
            for (int d = 0; d < days; d++)
            {
                dayWeight[d] = 1;
            }
        }
        for (int d = 0; d < days; d++)
        {
            dayCum[d + 1] = dayCum[d] + dayWeight[d];
        }
        hourCum = new double[HourWeight.Length + 1];
        for (int h = 0; h < HourWeight.Length; h++)
        {
            hourCum[h + 1] = hourCum[h] + HourWeight[h];
        }
    }

    public DateOnly Start { get; }

    public int Days { get; }

    /// <summary>Day index and minute of day for u in [0, 1).</summary>
    public (int Day, int Minute) At(double u)
    {
        double target = u * dayCum[Days];
        int lo = 0, hi = Days - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (dayCum[mid] <= target)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        // skip closed days (zero weight) that share the same cumulative value
        while (lo < Days - 1 && dayWeight[lo] == 0)
        {
            lo++;
        }
        double frac = dayWeight[lo] > 0 ? (target - dayCum[lo]) / dayWeight[lo] : 0;
        frac = Math.Clamp(frac, 0, 0.999999999);
        double ht = frac * hourCum[^1];
        int h = 0;
        while (h < HourWeight.Length - 1 && hourCum[h + 1] <= ht)
        {
            h++;
        }
        double inHour = (ht - hourCum[h]) / HourWeight[h];
        int minute = (int)(inHour * 60);
        if (minute > 59)
        {
            minute = 59;
        }
        return (lo, (FirstHour + h) * 60 + minute);
    }

    /// <summary>Writes the timestamp text (us: 12/1/2010 8:26, iso: 2010-12-01 08:26:00) into dest.</summary>
    public int Format(Span<byte> dest, int day, int minuteOfDay, DateStyle style)
    {
        int hour = minuteOfDay / 60, minute = minuteOfDay % 60;
        int n;
        if (style == DateStyle.Us)
        {
            usDate[day].CopyTo(dest);
            n = usDate[day].Length;
            n += CsvOutput.WriteDigits(dest[n..], (ulong)hour);
            dest[n++] = (byte)':';
            dest[n++] = (byte)('0' + minute / 10);
            dest[n++] = (byte)('0' + minute % 10);
        }
        else
        {
            isoDate[day].CopyTo(dest);
            n = isoDate[day].Length;
            dest[n++] = (byte)('0' + hour / 10);
            dest[n++] = (byte)('0' + hour % 10);
            dest[n++] = (byte)':';
            dest[n++] = (byte)('0' + minute / 10);
            dest[n++] = (byte)('0' + minute % 10);
            dest[n++] = (byte)':';
            dest[n++] = (byte)'0';
            dest[n++] = (byte)'0';
        }
        return n;
    }
}
