using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// Python's <c>strftime</c> (the C library's directives on Linux, with glibc's <c>%-d</c> style flags, and Python's own
/// <c>%f %z %Z</c>), <c>strptime</c> (Python's <c>_strptime</c> patterns) and <c>fromisoformat</c>, in the C locale.
/// </summary>
internal static class PyTimeFormat
{
    static readonly string[] DayAbbr = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    static readonly string[] DayFull = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    static readonly string[] MonthAbbr = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    static readonly string[] MonthFull = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>Formats a wall-clock time; <paramref name="tz"/> is null for naive values (then %z and %Z are empty).</summary>
    public static string StrFTime(string format, DateTime t, PyTzInfo? tz)
    {
        var sb = new StringBuilder(format.Length + 16);
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%' || i + 1 >= format.Length) { sb.Append(c); continue; }
            var start = i;
            var flag = '\0';
            i++;
            while (i < format.Length && format[i] is '-' or '_' or '0' or '^' or '#') flag = format[i++];
            var width = 0;
            while (i < format.Length && char.IsAsciiDigit(format[i])) width = width * 10 + (format[i++] - '0');
            if (i >= format.Length) { sb.Append(format, start, format.Length - start); break; }
            var text = Directive(format[i], t, tz, flag, width);
            if (text is null) sb.Append(format, start, i - start + 1);
            else sb.Append(flag == '^' ? text.ToUpperInvariant() : text);
        }
        return sb.ToString();
    }

    static string Num(long value, int digits, char flag, int width, char pad = '0')
    {
        var w = width > 0 ? width : digits;
        var s = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        if (flag != '-')
        {
            var p = flag == '_' ? ' ' : flag == '0' ? '0' : pad;
            if (s.Length < w) s = new string(p, w - s.Length) + s;
        }
        return value < 0 ? "-" + s : s;
    }

    static string Text(string s, int width) => width > s.Length ? new string(' ', width - s.Length) + s : s;

    static string? Directive(char d, DateTime t, PyTzInfo? tz, char flag, int width)
    {
        var wday = (int)t.DayOfWeek;
        var yday = t.DayOfYear - 1;
        var hour12 = t.Hour % 12 == 0 ? 12 : t.Hour % 12;
        return d switch
        {
            'a' => Text(DayAbbr[wday], width),
            'A' => Text(DayFull[wday], width),
            'b' or 'h' => Text(MonthAbbr[t.Month - 1], width),
            'B' => Text(MonthFull[t.Month - 1], width),
            'c' => StrFTime("%a %b %e %H:%M:%S %Y", t, tz),
            'C' => Num(t.Year / 100, 1, flag, width),
            'd' => Num(t.Day, 2, flag, width),
            'D' or 'x' => StrFTime("%m/%d/%y", t, tz),
            'e' => Num(t.Day, 2, flag, width, ' '),
            'f' => Num(t.Ticks % TimeSpan.TicksPerSecond / 10, 6, '\0', 0),
            'F' => StrFTime("%Y-%m-%d", t, tz),
            'g' => Num(ISOWeek.GetYear(t) % 100, 2, flag, width),
            'G' => Num(ISOWeek.GetYear(t), 1, flag, width),
            'H' => Num(t.Hour, 2, flag, width),
            'I' => Num(hour12, 2, flag, width),
            'j' => Num(yday + 1, 3, flag, width),
            'k' => Num(t.Hour, 2, flag, width, ' '),
            'l' => Num(hour12, 2, flag, width, ' '),
            'm' => Num(t.Month, 2, flag, width),
            'M' => Num(t.Minute, 2, flag, width),
            'n' => "\n",
            'p' => t.Hour < 12 ? "AM" : "PM",
            'P' => t.Hour < 12 ? "am" : "pm",
            'r' => StrFTime("%I:%M:%S %p", t, tz),
            'R' => StrFTime("%H:%M", t, tz),
            's' => Num((long)Math.Floor((tz is null ? LocalToUtc(t) : t - tz.OffsetAt(t)).Subtract(DateTime.UnixEpoch).TotalSeconds), 1, flag, width),
            'S' => Num(t.Second, 2, flag, width),
            't' => "\t",
            'T' or 'X' => StrFTime("%H:%M:%S", t, tz),
            'u' => Num(wday == 0 ? 7 : wday, 1, flag, width),
            'U' => Num((yday + 7 - wday) / 7, 2, flag, width),
            'V' => Num(ISOWeek.GetWeekOfYear(t), 2, flag, width),
            'w' => Num(wday, 1, flag, width),
            'W' => Num((yday + 7 - (wday + 6) % 7) / 7, 2, flag, width),
            'y' => Num(t.Year % 100, 2, flag, width),
            'Y' => Num(t.Year, 1, flag, width),
            'z' => tz is null ? "" : FixedTz.FormatOffset(tz.OffsetAt(t), ""),
            'Z' => tz is null ? "" : tz.NameAt(t),
            '%' => "%",
            _ => null,
        };
    }

    public static DateTime LocalToUtc(DateTime wall) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified), TimeZoneInfo.Local);

    // strptime ------------------------------------------------------------------------------------------

    static readonly Dictionary<char, string> Patterns = new()
    {
        ['d'] = @"(?<d>3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9])",
        ['f'] = @"(?<f>[0-9]{1,6})",
        ['H'] = @"(?<H>2[0-3]|[0-1]\d|\d)",
        ['I'] = @"(?<I>1[0-2]|0[1-9]|[1-9])",
        ['G'] = @"(?<G>\d\d\d\d)",
        ['j'] = @"(?<j>36[0-6]|3[0-5]\d|[1-2]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9])",
        ['m'] = @"(?<m>1[0-2]|0[1-9]|[1-9])",
        ['M'] = @"(?<M>[0-5]\d|\d)",
        ['S'] = @"(?<S>6[0-1]|[0-5]\d|\d)",
        ['U'] = @"(?<U>5[0-3]|[0-4]\d|\d)",
        ['W'] = @"(?<W>5[0-3]|[0-4]\d|\d)",
        ['w'] = @"(?<w>[0-6])",
        ['u'] = @"(?<u>[1-7])",
        ['V'] = @"(?<V>5[0-3]|0[1-9]|[1-4]\d|\d)",
        ['y'] = @"(?<y>\d\d)",
        ['Y'] = @"(?<Y>\d\d\d\d)",
        ['z'] = @"(?<z>[+-]\d\d:?[0-5]\d(:?[0-5]\d(\.\d{1,6})?)?|(?-i:Z))",
        ['A'] = "(?<A>" + string.Join("|", DayFull.OrderByDescending(s => s.Length)) + ")",
        ['a'] = "(?<a>" + string.Join("|", DayAbbr) + ")",
        ['B'] = "(?<B>" + string.Join("|", MonthFull.OrderByDescending(s => s.Length)) + ")",
        ['b'] = "(?<b>" + string.Join("|", MonthAbbr) + ")",
        ['p'] = "(?<p>am|pm)",
        ['Z'] = "(?<Z>utc|gmt)",
        ['%'] = "%",
    };

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Compiled = new(StringComparer.Ordinal);

    static Regex PatternOf(string format) => Compiled.GetOrAdd(format, f =>
    {
        var escaped = Regex.Replace(f, @"([\\.^$*+?\(\){}\[\]|])", @"\$1");
        escaped = Regex.Replace(escaped, @"\s+", @"\s+");
        var sb = new StringBuilder();
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '%') { sb.Append(escaped[i]); continue; }
            if (i + 1 >= escaped.Length) throw new JinjaError($"stray % in format '{f}'");
            var d = escaped[++i];
            var p = d switch
            {
                'c' => Expand("%a %b %d %H:%M:%S %Y"),
                'x' => Expand("%m/%d/%y"),
                'X' => Expand("%H:%M:%S"),
                _ => Patterns.TryGetValue(d, out var known) ? known : throw new JinjaError($"'{d}' is a bad directive in format '{f}'"),
            };
            sb.Append(p);
        }
        return new Regex(sb.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        static string Expand(string composite) => Regex.Replace(composite, "%(.)", m => Patterns[m.Groups[1].Value[0]]).Replace(" ", @"\s+");
    });

    /// <summary><c>datetime.strptime(text, format)</c>: naive unless the format has <c>%z</c>.</summary>
    public static PyDateTime StrPTime(string text, string format)
    {
        var m = PatternOf(format).Match(text);
        if (!m.Success || m.Index != 0) throw new JinjaError($"time data {Py.Repr(text)} does not match format {Py.Repr(format)}");
        if (m.Length != text.Length) throw new JinjaError($"unconverted data remains: {text[m.Length..]}");
        int G(string name, int fallback) =>
            m.Groups[name].Success ? int.Parse(m.Groups[name].Value.Trim(), CultureInfo.InvariantCulture) : fallback;
        int Index(string name, string[] names) =>
            Array.FindIndex(names, n => string.Equals(n, m.Groups[name].Value, StringComparison.OrdinalIgnoreCase));

        var year = m.Groups["Y"].Success ? G("Y", 1900) : m.Groups["y"].Success ? (G("y", 0) is var y && y <= 68 ? 2000 + y : 1900 + y) : 1900;
        var month = m.Groups["m"].Success ? G("m", 1) : m.Groups["B"].Success ? Index("B", MonthFull) + 1 : m.Groups["b"].Success ? Index("b", MonthAbbr) + 1 : 1;
        var day = G("d", 1);
        var hour = G("H", 0);
        if (m.Groups["I"].Success)
        {
            hour = G("I", 12) % 12;
            if (m.Groups["p"].Success && m.Groups["p"].Value.Equals("pm", StringComparison.OrdinalIgnoreCase)) hour += 12;
        }
        var fraction = m.Groups["f"].Success ? int.Parse(m.Groups["f"].Value.PadRight(6, '0'), CultureInfo.InvariantCulture) : 0;
        PyTzInfo? tz = null;
        if (m.Groups["z"].Success) tz = ParseOffset(m.Groups["z"].Value);
        DateTime date;
        try
        {
            date = new DateTime(year, month, 1);
            if (m.Groups["j"].Success && !m.Groups["m"].Success && !m.Groups["d"].Success && !m.Groups["B"].Success && !m.Groups["b"].Success)
                date = new DateTime(year, 1, 1).AddDays(G("j", 1) - 1);
            else date = new DateTime(year, month, day);
            date = date.Add(new TimeSpan(0, hour, G("M", 0), G("S", 0))).AddTicks(fraction * 10L);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new JinjaError("day is out of range for month");
        }
        return new PyDateTime(date, tz);
    }

    static FixedTz ParseOffset(string z)
    {
        if (z is "Z" or "z") return FixedTz.Utc;
        var sign = z[0] == '-' ? -1 : 1;
        var digits = z[1..].Replace(":", "", StringComparison.Ordinal);
        var hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
        var minutes = digits.Length >= 4 ? int.Parse(digits[2..4], CultureInfo.InvariantCulture) : 0;
        var seconds = digits.Length >= 6 ? double.Parse(digits[4..], CultureInfo.InvariantCulture) : 0;
        var offset = new TimeSpan(0, hours, minutes, 0) + TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return new FixedTz(sign * offset);
    }

    // fromisoformat ---------------------------------------------------------------------------------------

    static readonly Regex IsoDate = new(@"^(?<Y>\d{4})-?(?<m>\d{2})-?(?<d>\d{2})", RegexOptions.CultureInvariant);
    static readonly Regex IsoTime = new(@"^(?<H>\d{2})(?::?(?<M>\d{2})(?::?(?<S>\d{2})(?:[.,](?<f>\d+))?)?)?(?<z>Z|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)?$", RegexOptions.CultureInvariant);

    /// <summary>Python 3.11's <c>date.fromisoformat</c> for the calendar forms (<c>2024-01-05</c>, <c>20240105</c>).</summary>
    public static DateTime ParseIsoDate(string text, out int consumed)
    {
        var m = IsoDate.Match(text);
        if (!m.Success) throw new JinjaError($"Invalid isoformat string: {Py.Repr(text)}");
        consumed = m.Length;
        try
        {
            return new DateTime(int.Parse(m.Groups["Y"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture));
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new JinjaError($"Invalid isoformat string: {Py.Repr(text)}");
        }
    }

    /// <summary>Python 3.11's <c>datetime.fromisoformat</c>: a date, then optionally any one separator and a time with an offset.</summary>
    public static PyDateTime ParseIsoDateTime(string text)
    {
        var date = ParseIsoDate(text, out var n);
        if (n == text.Length) return new PyDateTime(date, null);
        var m = IsoTime.Match(text[(n + 1)..]);
        if (!m.Success || n + 1 >= text.Length) throw new JinjaError($"Invalid isoformat string: {Py.Repr(text)}");
        int G(string name) => m.Groups[name].Success ? int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        var fraction = m.Groups["f"].Success ? int.Parse(m.Groups["f"].Value.PadRight(6, '0')[..6], CultureInfo.InvariantCulture) : 0;
        if (G("H") > 23 || G("M") > 59 || G("S") > 59) throw new JinjaError($"Invalid isoformat string: {Py.Repr(text)}");
        var wall = date.Add(new TimeSpan(G("H"), G("M"), G("S"))).AddTicks(fraction * 10L);
        return new PyDateTime(wall, m.Groups["z"].Success ? ParseOffset(m.Groups["z"].Value) : null);
    }
}
