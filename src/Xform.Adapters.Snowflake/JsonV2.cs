using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Xform.Adapters.Snowflake;

/// <summary>A column of <c>resultSetMetaData.rowType</c>.</summary>
public sealed record SnowflakeColumn(string Name, string Type, int? Precision, int? Scale, long? Length, bool Nullable)
{
    public static SnowflakeColumn From(JsonElement e)
    {
        static int? Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        static long? Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
        return new SnowflakeColumn(
            e.GetProperty("name").GetString() ?? "",
            (e.TryGetProperty("type", out var t) ? t.GetString() ?? "text" : "text").ToLowerInvariant(),
            Int(e, "precision"), Int(e, "scale"), Long(e, "length"),
            !e.TryGetProperty("nullable", out var n) || n.ValueKind != JsonValueKind.False);
    }

    /// <summary>The type as Snowflake's DDL spells it, e.g. <c>NUMBER(38,0)</c>, <c>VARCHAR(10)</c>, <c>TIMESTAMP_NTZ(9)</c>.</summary>
    public string SqlType => Type switch
    {
        "fixed" => $"NUMBER({Precision ?? 38},{Scale ?? 0})",
        "real" => "FLOAT",
        "text" => Length is { } l and > 0 ? $"VARCHAR({l})" : "VARCHAR",
        "binary" => "BINARY",
        "timestamp_ntz" or "timestamp_ltz" or "timestamp_tz" or "time" => Scale is { } s ? $"{Type.ToUpperInvariant()}({s})" : Type.ToUpperInvariant(),
        _ => Type.ToUpperInvariant(),
    };
}

/// <summary>
/// Decodes the <c>jsonv2</c> result format, where every value is a string (or null):
/// FIXED is a decimal number (scale from rowType), REAL a float, BOOLEAN true/false, DATE days since
/// 1970-01-01, TIME seconds since midnight with a fraction, TIMESTAMP_NTZ/LTZ seconds since the epoch with a
/// fraction, TIMESTAMP_TZ the same followed by a space and the offset in minutes plus 1440.
/// </summary>
public static class JsonV2
{
    static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    public static object? Decode(string? value, SnowflakeColumn column)
    {
        if (value is null) return null;
        var inv = CultureInfo.InvariantCulture;
        switch (column.Type)
        {
            case "fixed":
                if ((column.Scale ?? 0) == 0 && !value.Contains('.', StringComparison.Ordinal))
                {
                    if (long.TryParse(value, NumberStyles.AllowLeadingSign, inv, out var l)) return l;
                    return decimal.TryParse(value, NumberStyles.AllowLeadingSign, inv, out var big) ? big : BigInteger.Parse(value, inv);
                }
                return decimal.Parse(value, NumberStyles.Number | NumberStyles.AllowExponent, inv);
            case "real":
                return value switch
                {
                    "inf" or "Infinity" => double.PositiveInfinity,
                    "-inf" or "-Infinity" => double.NegativeInfinity,
                    "nan" or "NaN" => double.NaN,
                    _ => double.Parse(value, NumberStyles.Float, inv),
                };
            case "boolean":
                return value is "true" or "TRUE" or "1";
            case "date":
                return DateOnly.FromDateTime(Epoch.AddDays(long.Parse(value, inv)));
            case "time":
                return TimeOnly.FromTimeSpan(TimeSpan.FromTicks(SecondsToTicks(value)));
            case "timestamp_ntz":
                return Epoch.AddTicks(SecondsToTicks(value));
            case "timestamp_ltz":
                return new DateTimeOffset(Epoch.AddTicks(SecondsToTicks(value)), TimeSpan.Zero);
            case "timestamp_tz":
            {
                var space = value.IndexOf(' ', StringComparison.Ordinal);
                var seconds = space < 0 ? value : value[..space];
                var offset = space < 0 ? TimeSpan.Zero : TimeSpan.FromMinutes(int.Parse(value[(space + 1)..], inv) - 1440);
                var utc = new DateTimeOffset(Epoch.AddTicks(SecondsToTicks(seconds)), TimeSpan.Zero);
                return utc.ToOffset(offset);
            }
            case "binary":
                return Convert.FromHexString(value);
            default: // text, variant, object, array, geography...: the text as sent
                return value;
        }
    }

    /// <summary>"1616173619.123456789" to ticks (100 ns), exactly: no floating point on the way.</summary>
    static long SecondsToTicks(string text)
    {
        var negative = text.StartsWith('-');
        var t = negative ? text[1..] : text;
        var dot = t.IndexOf('.', StringComparison.Ordinal);
        var whole = long.Parse(dot < 0 ? t : t[..dot], CultureInfo.InvariantCulture);
        long fraction = 0;
        if (dot >= 0)
        {
            var digits = t[(dot + 1)..];
            digits = digits.Length >= 7 ? digits[..7] : digits.PadRight(7, '0');
            fraction = long.Parse(digits, CultureInfo.InvariantCulture);
        }
        var ticks = whole * TimeSpan.TicksPerSecond + fraction;
        return negative ? -ticks : ticks;
    }
}
