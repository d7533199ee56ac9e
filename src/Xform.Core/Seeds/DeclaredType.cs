using System.Globalization;
using System.Text.RegularExpressions;

namespace Xform.Core.Seeds;

/// <summary>
/// A type named in <c>column_types</c>, understood well enough to check every value before loading.
/// Types xform does not know (uuid, time, json, ...) are <see cref="SeedType.Other"/>: the engine checks those.
/// </summary>
public sealed partial record DeclaredType(string Text, SeedType Type, int Precision = 0, int Scale = 0, bool Float = false,
    Int128 Min = default, Int128 Max = default, bool Bounded = false)
{
    public static DeclaredType Parse(string text)
    {
        var t = Spaces().Replace(text.Trim().ToLowerInvariant(), " ");
        var dec = DecimalPattern().Match(t);
        if (dec.Success)
        {
            var p = int.Parse(dec.Groups[2].Value, CultureInfo.InvariantCulture);
            var s = dec.Groups[3].Success ? int.Parse(dec.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
            return new DeclaredType(text, SeedType.Decimal, p, s);
        }
        return t switch
        {
            "decimal" or "numeric" => new DeclaredType(text, SeedType.Decimal),
            "tinyint" or "int1" => Int(text, sbyte.MinValue, sbyte.MaxValue),
            "smallint" or "int2" or "short" => Int(text, short.MinValue, short.MaxValue),
            "integer" or "int" or "int4" or "signed" => Int(text, int.MinValue, int.MaxValue),
            "bigint" or "int8" or "long" => Int(text, long.MinValue, long.MaxValue),
            "hugeint" or "int128" => Int(text, Int128.MinValue, Int128.MaxValue),
            "utinyint" => Int(text, 0, byte.MaxValue),
            "usmallint" => Int(text, 0, ushort.MaxValue),
            "uinteger" => Int(text, 0, uint.MaxValue),
            "ubigint" => Int(text, 0, ulong.MaxValue),
            "double" or "float" or "real" or "float4" or "float8" or "double precision" => new DeclaredType(text, SeedType.Decimal, Float: true),
            "boolean" or "bool" or "logical" => new DeclaredType(text, SeedType.Boolean),
            "date" => new DeclaredType(text, SeedType.Date),
            "timestamp" or "datetime" or "timestamp without time zone" => new DeclaredType(text, SeedType.Timestamp),
            _ when TextPattern().IsMatch(t) => new DeclaredType(text, SeedType.Text),
            _ => new DeclaredType(text, SeedType.Other),
        };
    }

    static DeclaredType Int(string text, Int128 min, Int128 max) => new(text, SeedType.Integer, Min: min, Max: max, Bounded: true);

    /// <summary>Whether a (non-empty) value fits this type.</summary>
    public bool Accepts(ReadOnlySpan<byte> v)
    {
        switch (Type)
        {
            case SeedType.Integer:
                if (!SeedValues.IsNumber(v, out var digits, out var scale) || scale >= 0 || digits > 39) return false;
                return Int128.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= Min && n <= Max;
            case SeedType.Decimal when Float:
                return SeedValues.IsFloat(v);
            case SeedType.Decimal:
                if (!SeedValues.IsNumber(v, out digits, out scale)) return false;
                if (Precision == 0) return true;
                return Math.Max(scale, 0) <= Scale && digits <= Precision - Scale;
            case SeedType.Boolean:
                return SeedValues.IsBoolean(v);
            case SeedType.Date:
                return SeedValues.IsDate(v);
            case SeedType.Timestamp:
                return SeedValues.IsDate(v) || SeedValues.IsTimestamp(v);
            default:
                return true;
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(decimal|numeric) ?\( ?(\d+) ?(?:, ?(\d+) ?)?\)$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"^(varchar|text|string|char|bpchar|character varying|character|nvarchar)( ?\( ?\d+ ?\))?$")]
    private static partial Regex TextPattern();
}
