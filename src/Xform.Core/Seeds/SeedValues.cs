using System.Buffers.Text;
using System.Globalization;

namespace Xform.Core.Seeds;

/// <summary>
/// Recognizers for seed values, on UTF-8 bytes. Deliberately strict (a subset of what engines accept), so
/// every value xform lets through loads with the same meaning everywhere: integers <c>-?\d+</c>, decimals
/// <c>-?\d+\.\d+</c>, booleans <c>true</c>/<c>false</c> in any case, dates <c>YYYY-MM-DD</c>, timestamps
/// <c>YYYY-MM-DD HH:MM:SS[.ffffff]</c> (or with <c>T</c>).
/// </summary>
public static class SeedValues
{
    /// <summary>
    /// <c>-?\d+(\.\d+)?</c>. <paramref name="integerDigits"/> counts digits before the point without leading
    /// zeros; <paramref name="scale"/> is the number of digits after it, -1 when there is no point.
    /// </summary>
    public static bool IsNumber(ReadOnlySpan<byte> v, out int integerDigits, out int scale)
    {
        integerDigits = 0;
        scale = -1;
        var i = 0;
        if (v.Length > 0 && v[0] == (byte)'-') i = 1;
        var start = i;
        var significant = false;
        for (; i < v.Length; i++)
        {
            var c = v[i];
            if (c - (uint)'0' > 9) break;
            if (c != (byte)'0' || significant) { significant = true; integerDigits++; }
        }
        if (i == start) return false;
        if (i == v.Length) return true;
        if (v[i] != (byte)'.') return false;
        var fractionStart = ++i;
        for (; i < v.Length; i++)
            if (v[i] - (uint)'0' > 9) return false;
        scale = i - fractionStart;
        return scale > 0;
    }

    /// <summary>A number without a point that fits in 64 bits.</summary>
    public static bool IsBigint(ReadOnlySpan<byte> v, int integerDigits, int scale) =>
        scale < 0 && (integerDigits <= 18 || Utf8Parser.TryParse(v, out long _, out var consumed) && consumed == v.Length);

    public static bool IsBoolean(ReadOnlySpan<byte> v) =>
        v.Length == 4 ? (v[0] | 0x20) == 't' && (v[1] | 0x20) == 'r' && (v[2] | 0x20) == 'u' && (v[3] | 0x20) == 'e'
        : v.Length == 5 && (v[0] | 0x20) == 'f' && (v[1] | 0x20) == 'a' && (v[2] | 0x20) == 'l' && (v[3] | 0x20) == 's' && (v[4] | 0x20) == 'e';

    /// <summary><c>YYYY-MM-DD</c>, a real calendar day.</summary>
    public static bool IsDate(ReadOnlySpan<byte> v)
    {
        if (v.Length != 10 || v[4] != (byte)'-' || v[7] != (byte)'-') return false;
        if (!Digits(v[..4], out var year) || !Digits(v.Slice(5, 2), out var month) || !Digits(v.Slice(8, 2), out var day)) return false;
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    /// <summary><c>YYYY-MM-DD HH:MM:SS</c> or with <c>T</c>, optionally with 1 to 6 fractional digits; or <c>YYYY-MM-DD HH:MM</c>.</summary>
    public static bool IsTimestamp(ReadOnlySpan<byte> v)
    {
        // Minutes without seconds, which every engine reads (dbt-utils' seeds have them).
        if (v.Length == 16)
            return (v[10] == (byte)' ' || v[10] == (byte)'T') && IsDate(v[..10]) && v[13] == (byte)':'
                   && Digits(v.Slice(11, 2), out var hh) && Digits(v.Slice(14, 2), out var mm) && hh <= 23 && mm <= 59;
        if (v.Length < 19 || v.Length == 20 || v.Length > 26) return false;
        if (v[10] != (byte)' ' && v[10] != (byte)'T') return false;
        if (!IsDate(v[..10]) || v[13] != (byte)':' || v[16] != (byte)':') return false;
        if (!Digits(v.Slice(11, 2), out var h) || !Digits(v.Slice(14, 2), out var m) || !Digits(v.Slice(17, 2), out var s)) return false;
        if (h > 23 || m > 59 || s > 59) return false;
        if (v.Length == 19) return true;
        return v[19] == (byte)'.' && Digits(v[20..], out _);
    }

    static bool Digits(ReadOnlySpan<byte> v, out int value)
    {
        value = 0;
        foreach (var c in v)
        {
            var d = c - (uint)'0';
            if (d > 9) return false;
            value = value * 10 + (int)d;
        }
        return true;
    }

    /// <summary>A float as engines read it: digits, point, exponent, or inf/nan.</summary>
    public static bool IsFloat(ReadOnlySpan<byte> v)
    {
        if (double.TryParse(v, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out _)) return true;
        var s = System.Text.Encoding.ASCII.GetString(v).ToLowerInvariant().TrimStart('-', '+');
        return s is "inf" or "infinity" or "nan";
    }
}
