using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// A <c>tzinfo</c>: <c>datetime.timezone</c> (a fixed offset), <c>pytz.utc</c>, or a named zone from
/// <c>pytz.timezone('America/New_York')</c>. Offsets are worked out from the wall-clock time, as zoneinfo does; pytz's
/// own quirk (a zone attached with <c>replace(tzinfo=...)</c> gets its 1883 local mean time) is not copied.
/// </summary>
internal abstract class PyTzInfo : ITemplateObject
{
    /// <summary>The offset from UTC of a wall-clock time in this zone (standard time where the time is ambiguous or skipped).</summary>
    public abstract TimeSpan OffsetAt(DateTime wall);

    /// <summary>The offset from UTC at a UTC instant.</summary>
    public abstract TimeSpan OffsetAtUtc(DateTime utc);

    public abstract string NameAt(DateTime wall);

    /// <summary>A pytz zone (has <c>zone</c>, <c>localize</c> and <c>normalize</c>).</summary>
    public virtual bool IsPytz => false;

    public virtual string Zone => ToString() ?? "";

    public virtual bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "utcoffset" => (HostFunction)(c => WithWall(c, "utcoffset", w => new PyTimeDelta((long)OffsetAt(w).TotalMicroseconds))),
            "tzname" => (HostFunction)(c => WithWall(c, "tzname", NameAt)),
            "dst" => (HostFunction)(c => WithWall(c, "dst", w => new PyTimeDelta((long)Dst(w).TotalMicroseconds))),
            "zone" when IsPytz => Zone,
            "localize" when IsPytz => (HostFunction)Localize,
            "normalize" when IsPytz => (HostFunction)Normalize,
            _ => null,
        };
        return value is not null;
    }

    protected virtual TimeSpan Dst(DateTime wall) => TimeSpan.Zero;

    object? WithWall(TemplateCall c, string function, Func<DateTime, object?> f)
    {
        PyArgs.Check(c, function, 1, "dt");
        return c.Get(0, "dt") switch
        {
            PyDateTime dt => f(dt.Wall),
            null => this is FixedTz ? f(default) : null,
            var other => throw c.Error($"{function}(dt) argument must be a datetime instance or None, not {Py.TypeName(other)}"),
        };
    }

    object? Localize(TemplateCall c)
    {
        PyArgs.Check(c, "localize", 2, "dt", "is_dst");
        if (c.Get(0, "dt") is not PyDateTime dt) throw c.Error("localize() expects a datetime");
        if (dt.Tz is not null) throw c.Error("Not naive datetime (tzinfo is already set)");
        return new PyDateTime(dt.Wall, this);
    }

    object? Normalize(TemplateCall c)
    {
        PyArgs.Check(c, "normalize", 1, "dt");
        if (c.Get(0, "dt") is not PyDateTime { Tz: not null } dt) throw c.Error("Naive time - no tzinfo set");
        return PyDateTime.FromUtc(dt.UtcValue, this);
    }
}

/// <summary><c>datetime.timezone(offset, name)</c>, <c>datetime.timezone.utc</c> and <c>pytz.utc</c>.</summary>
internal sealed class FixedTz(TimeSpan offset, string? name = null, bool pytz = false) : PyTzInfo
{
    public static readonly FixedTz Utc = new(TimeSpan.Zero);
    public static readonly FixedTz PytzUtc = new(TimeSpan.Zero, "UTC", pytz: true);

    public TimeSpan Offset => offset;
    public override bool IsPytz => pytz;
    public override TimeSpan OffsetAt(DateTime wall) => offset;
    public override TimeSpan OffsetAtUtc(DateTime utc) => offset;
    public override string NameAt(DateTime wall) => ToString();

    public override bool TryGetMember(string name, out object? value)
    {
        if (name == "utc" && !pytz) { value = Utc; return true; }
        return base.TryGetMember(name, out value);
    }

    /// <summary>Python: <c>UTC</c>, <c>UTC+02:00</c>, or the name given.</summary>
    public override string ToString()
    {
        if (name is not null) return name;
        if (offset == TimeSpan.Zero) return "UTC";
        return "UTC" + FormatOffset(offset, ":");
    }

    /// <summary><c>+HH:MM</c>, with <c>:SS</c> and <c>.ffffff</c> only when not zero (isoformat and %z's spelling).</summary>
    public static string FormatOffset(TimeSpan offset, string separator)
    {
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var o = offset.Duration();
        var text = $"{sign}{o.Hours + o.Days * 24:00}{separator}{o.Minutes:00}";
        if (o.Seconds != 0 || o.Ticks % TimeSpan.TicksPerSecond != 0) text += $"{separator}{o.Seconds:00}";
        if (o.Ticks % TimeSpan.TicksPerSecond != 0) text += $".{o.Ticks % TimeSpan.TicksPerSecond / 10:000000}";
        return text;
    }

    public override bool Equals(object? obj) => obj is FixedTz f && f.Offset == offset;
    public override int GetHashCode() => offset.GetHashCode();
}

/// <summary>A named zone of the tz database (<c>pytz.timezone('Europe/Amsterdam')</c>).</summary>
internal sealed class ZoneTz(TimeZoneInfo zone, string key) : PyTzInfo
{
    public override bool IsPytz => true;
    public override string Zone => key;

    public override TimeSpan OffsetAt(DateTime wall) => zone.GetUtcOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified));

    public override TimeSpan OffsetAtUtc(DateTime utc) => zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    public override string NameAt(DateTime wall) =>
        zone.IsDaylightSavingTime(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified)) ? zone.DaylightName : zone.StandardName;

    protected override TimeSpan Dst(DateTime wall) =>
        zone.IsDaylightSavingTime(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified)) ? OffsetAt(wall) - zone.BaseUtcOffset : TimeSpan.Zero;

    public override string ToString() => key;

    public override bool Equals(object? obj) => obj is ZoneTz z && z.Zone == key;
    public override int GetHashCode() => key.GetHashCode(StringComparison.Ordinal);

    /// <summary>The zone of that name, or null when the tz database has none.</summary>
    public static PyTzInfo? Find(string key)
    {
        if (key is "UTC" or "utc") return FixedTz.PytzUtc;
        try
        {
            return new ZoneTz(TimeZoneInfo.FindSystemTimeZoneById(key), key);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }
}
