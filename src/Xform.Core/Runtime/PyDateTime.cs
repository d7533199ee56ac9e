using System.Globalization;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>Python's <c>datetime.date</c>: shown as <c>2024-01-05</c>; plus or minus a timedelta, minus a date.</summary>
internal sealed class PyDate(DateTime value) : ITemplateObject, ITemplateOperand, IEquatable<PyDate>
{
    public DateTime Value { get; } = value.Date;

    public static PyDate Create(TemplateCall c)
    {
        PyArgs.Check(c, "date", 3, "year", "month", "day");
        return new PyDate(PyDateTime.Checked(PyArgs.Int(c, 0, "year", "date"), PyArgs.Int(c, 1, "month", "date"), PyArgs.Int(c, 2, "day", "date")));
    }

    public string TypeName => "datetime.date";

    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "year" => (long)Value.Year,
            "month" => (long)Value.Month,
            "day" => (long)Value.Day,
            "isoformat" => (HostFunction)(c => { PyArgs.Check(c, "isoformat", 0); return ToString(); }),
            "strftime" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "strftime", 1, "format");
                return PyTimeFormat.StrFTime(PyArgs.Str(c, 0, "format", "strftime"), Value, null);
            }),
            "replace" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "replace", 3, "year", "month", "day");
                return new PyDate(PyDateTime.Checked(PyArgs.Int(c, 0, "year", "replace", Value.Year),
                    PyArgs.Int(c, 1, "month", "replace", Value.Month), PyArgs.Int(c, 2, "day", "replace", Value.Day)));
            }),
            _ => PyDateTime.CalendarMember(name, Value),
        };
        return value is not null;
    }

    public bool TryOperate(string op, object? other, bool reflected, out object? result)
    {
        result = null;
        switch (op)
        {
            case "+" when other is PyTimeDelta td:
                result = new PyDate(PyDateTime.Shift(Value, PyTimeDelta.FromDays(td.Days)));
                break;
            case "-" when other is PyTimeDelta td && !reflected:
                result = new PyDate(PyDateTime.Shift(Value, PyTimeDelta.FromDays(-td.Days)));
                break;
            case "-" when other is PyDate d:
                result = PyTimeDelta.FromDays((long)((reflected ? d.Value - Value : Value - d.Value).TotalDays));
                break;
            case "cmp" when other is PyDate d:
                result = reflected ? d.Value.CompareTo(Value) : Value.CompareTo(d.Value);
                break;
            case "cmp" when other is PyDateTime:
                throw new JinjaError("can't compare datetime.datetime to datetime.date");
        }
        return result is not null;
    }

    public bool Equals(PyDate? other) => other is not null && other.Value == Value;
    public override bool Equals(object? obj) => Equals(obj as PyDate);
    public override int GetHashCode() => Value.GetHashCode();
    public override string ToString() => Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// Python's <c>datetime.datetime</c>: a wall-clock time to the microsecond and, when aware, its tzinfo. Shown as
/// <c>2024-01-05 00:00:00</c> (<c>.ffffff</c> and <c>+00:00</c> when present); isoformat puts a <c>T</c> between.
/// </summary>
internal sealed class PyDateTime : ITemplateObject, ITemplateOperand, IEquatable<PyDateTime>
{
    public PyDateTime(DateTime wall, PyTzInfo? tz)
    {
        Wall = DateTime.SpecifyKind(new DateTime(wall.Ticks - wall.Ticks % 10), DateTimeKind.Unspecified);
        Tz = tz;
    }

    public DateTime Wall { get; }
    public PyTzInfo? Tz { get; }

    /// <summary>The instant in UTC (aware values only).</summary>
    public DateTime UtcValue => Wall - Tz!.OffsetAt(Wall);

    public static PyDateTime FromUtc(DateTime utc, PyTzInfo tz) => new(utc + tz.OffsetAtUtc(utc), tz);

    public static PyDateTime Create(TemplateCall c)
    {
        string[] names = ["year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo"];
        PyArgs.Check(c, "datetime", 8, [.. names, "fold"]);
        var date = Checked(PyArgs.Int(c, 0, "year", "datetime"), PyArgs.Int(c, 1, "month", "datetime"), PyArgs.Int(c, 2, "day", "datetime"));
        return new PyDateTime(date + Time(c, 3, 0, 0, 0, 0), TzArg(c, 7, null));
    }

    /// <summary>hour, minute, second, microsecond from <paramref name="first"/> on, checked as Python checks them.</summary>
    public static TimeSpan Time(TemplateCall c, int first, long h, long m, long s, long us, string function = "datetime")
    {
        h = PyArgs.Int(c, first, "hour", function, h);
        m = PyArgs.Int(c, first + 1, "minute", function, m);
        s = PyArgs.Int(c, first + 2, "second", function, s);
        us = PyArgs.Int(c, first + 3, "microsecond", function, us);
        if (h is < 0 or > 23) throw c.Error("hour must be in 0..23");
        if (m is < 0 or > 59) throw c.Error("minute must be in 0..59");
        if (s is < 0 or > 59) throw c.Error("second must be in 0..59");
        if (us is < 0 or > 999_999) throw c.Error("microsecond must be in 0..999999");
        return new TimeSpan(h * TimeSpan.TicksPerHour + m * TimeSpan.TicksPerMinute + s * TimeSpan.TicksPerSecond + us * 10);
    }

    public static PyTzInfo? TzArg(TemplateCall c, int position, PyTzInfo? fallback) =>
        !c.Has(position, "tzinfo") ? fallback : c.Get(position, "tzinfo") switch
        {
            null => null,
            PyTzInfo tz => tz,
            var other => throw c.Error($"tzinfo argument must be None or of a tzinfo subclass, not type '{Py.TypeName(other)}'"),
        };

    /// <summary>A date, with Python's messages for a month or day out of range.</summary>
    public static DateTime Checked(long year, long month, long day)
    {
        if (year is < 1 or > 9999) throw new JinjaError($"year {year} is out of range");
        if (month is < 1 or > 12) throw new JinjaError("month must be in 1..12");
        if (day < 1 || day > DateTime.DaysInMonth((int)year, (int)month)) throw new JinjaError("day is out of range for month");
        return new DateTime((int)year, (int)month, (int)day);
    }

    public static DateTime Shift(DateTime t, PyTimeDelta by)
    {
        var ticks = t.Ticks + by.Total * 10;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks) throw new JinjaError("date value out of range");
        return new DateTime(ticks);
    }

    /// <summary>The members a date and a datetime share, read from the calendar date.</summary>
    public static object? CalendarMember(string name, DateTime t) => name switch
    {
        "weekday" => (HostFunction)(c => { PyArgs.Check(c, "weekday", 0); return (long)(((int)t.DayOfWeek + 6) % 7); }),
        "isoweekday" => (HostFunction)(c => { PyArgs.Check(c, "isoweekday", 0); return (long)(t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek); }),
        "isocalendar" => (HostFunction)(c =>
        {
            PyArgs.Check(c, "isocalendar", 0);
            return new JTuple([(long)ISOWeek.GetYear(t), (long)ISOWeek.GetWeekOfYear(t), (long)(t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek)]);
        }),
        "toordinal" => (HostFunction)(c => { PyArgs.Check(c, "toordinal", 0); return (long)(t.Date - DateTime.MinValue).TotalDays + 1; }),
        "ctime" => (HostFunction)(c => { PyArgs.Check(c, "ctime", 0); return PyTimeFormat.StrFTime("%a %b %e %H:%M:%S %Y", t, null); }),
        _ => null,
    };

    public string TypeName => "datetime.datetime";

    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "year" => (long)Wall.Year,
            "month" => (long)Wall.Month,
            "day" => (long)Wall.Day,
            "hour" => (long)Wall.Hour,
            "minute" => (long)Wall.Minute,
            "second" => (long)Wall.Second,
            "microsecond" => Wall.Ticks % TimeSpan.TicksPerSecond / 10,
            "tzinfo" => Tz,
            "fold" => 0L,
            "date" => (HostFunction)(c => { PyArgs.Check(c, "date", 0); return new PyDate(Wall); }),
            "time" => (HostFunction)(c => { PyArgs.Check(c, "time", 0); return new PyTime(Wall.TimeOfDay, null); }),
            "timetz" => (HostFunction)(c => { PyArgs.Check(c, "timetz", 0); return new PyTime(Wall.TimeOfDay, Tz); }),
            "isoformat" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "isoformat", 2, "sep", "timespec");
                var sep = PyArgs.Str(c, 0, "sep", "isoformat", "T");
                if (sep.Length != 1) throw c.Error("isoformat() argument 1 must be a unicode character");
                return IsoFormat(sep, PyArgs.Str(c, 1, "timespec", "isoformat", "auto"));
            }),
            "strftime" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "strftime", 1, "format");
                return PyTimeFormat.StrFTime(PyArgs.Str(c, 0, "format", "strftime"), Wall, Tz);
            }),
            "replace" => (HostFunction)Replace,
            "astimezone" => (HostFunction)AsTimeZone,
            "utcoffset" => (HostFunction)(c => { PyArgs.Check(c, "utcoffset", 0); return Tz is null ? null : new PyTimeDelta((long)Tz.OffsetAt(Wall).TotalMicroseconds); }),
            "tzname" => (HostFunction)(c => { PyArgs.Check(c, "tzname", 0); return Tz?.NameAt(Wall); }),
            "timestamp" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "timestamp", 0);
                var utc = Tz is null ? PyTimeFormat.LocalToUtc(Wall) : UtcValue;
                return (utc - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
            }),
            _ => CalendarMember(name, Wall),
        };
        return value is not null || name == "tzinfo";
    }

    object? Replace(TemplateCall c)
    {
        PyArgs.Check(c, "replace", 8, "year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo", "fold");
        var date = Checked(PyArgs.Int(c, 0, "year", "replace", Wall.Year), PyArgs.Int(c, 1, "month", "replace", Wall.Month),
            PyArgs.Int(c, 2, "day", "replace", Wall.Day));
        var time = Time(c, 3, Wall.Hour, Wall.Minute, Wall.Second, Wall.Ticks % TimeSpan.TicksPerSecond / 10, "replace");
        return new PyDateTime(date + time, TzArg(c, 7, Tz));
    }

    object? AsTimeZone(TemplateCall c)
    {
        PyArgs.Check(c, "astimezone", 1, "tz");
        var utc = Tz is null ? PyTimeFormat.LocalToUtc(Wall) : UtcValue;
        return c.Get(0, "tz") switch
        {
            null => FromUtc(utc, LocalZone(utc)),
            PyTzInfo tz => FromUtc(utc, tz),
            var other => throw c.Error($"astimezone() argument 1 must be datetime.tzinfo, not {Py.TypeName(other)}"),
        };
    }

    /// <summary>The machine's zone at an instant, as the fixed offset Python's <c>astimezone()</c> gives.</summary>
    static FixedTz LocalZone(DateTime utc)
    {
        var local = TimeZoneInfo.Local;
        var offset = local.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        var name = offset == TimeSpan.Zero ? "UTC" : local.IsDaylightSavingTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) ? local.DaylightName : local.StandardName;
        return new FixedTz(offset, name);
    }

    public string IsoFormat(string sep, string timespec = "auto")
    {
        var us = Wall.Ticks % TimeSpan.TicksPerSecond / 10;
        var time = timespec switch
        {
            "auto" => us == 0 ? Wall.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : Wall.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            "hours" => Wall.ToString("HH", CultureInfo.InvariantCulture),
            "minutes" => Wall.ToString("HH:mm", CultureInfo.InvariantCulture),
            "seconds" => Wall.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            "milliseconds" => Wall.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture),
            "microseconds" => Wall.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            _ => throw new JinjaError("Unknown timespec value"),
        };
        var text = Wall.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + sep + time;
        return Tz is null ? text : text + FixedTz.FormatOffset(Tz.OffsetAt(Wall), ":");
    }

    public override string ToString() => IsoFormat(" ");

    public bool TryOperate(string op, object? other, bool reflected, out object? result)
    {
        result = null;
        switch (op)
        {
            case "+" when other is PyTimeDelta td:
                result = new PyDateTime(Shift(Wall, td), Tz);
                break;
            case "-" when other is PyTimeDelta td && !reflected:
                result = new PyDateTime(Shift(Wall, new PyTimeDelta(-td.Total)), Tz);
                break;
            case "-" when other is PyDateTime d:
                var (a, b) = reflected ? (d, this) : (this, d);
                if ((a.Tz is null) != (b.Tz is null)) throw new JinjaError("can't subtract offset-naive and offset-aware datetimes");
                var ticks = a.Tz is null || SameZone(a, b) ? (a.Wall - b.Wall).Ticks : (a.UtcValue - b.UtcValue).Ticks;
                result = new PyTimeDelta(ticks / 10);
                break;
            case "cmp" when other is PyDateTime d:
                if ((Tz is null) != (d.Tz is null)) throw new JinjaError("can't compare offset-naive and offset-aware datetimes");
                var c = Tz is null || SameZone(this, d) ? Wall.CompareTo(d.Wall) : UtcValue.CompareTo(d.UtcValue);
                result = reflected ? -c : c;
                break;
            case "cmp" when other is PyDate:
                throw new JinjaError("can't compare datetime.datetime to datetime.date");
        }
        return result is not null;
    }

    /// <summary>Python compares and subtracts the wall times when both share one fixed tzinfo; pytz zones give each offset its own.</summary>
    static bool SameZone(PyDateTime a, PyDateTime b) => a.Tz is FixedTz && Equals(a.Tz, b.Tz);

    public bool Equals(PyDateTime? other)
    {
        if (other is null || (Tz is null) != (other.Tz is null)) return false;
        return Tz is null ? Wall == other.Wall : UtcValue == other.UtcValue;
    }

    public override bool Equals(object? obj) => Equals(obj as PyDateTime);
    public override int GetHashCode() => Tz is null ? Wall.GetHashCode() : UtcValue.GetHashCode();
}

/// <summary>Python's <c>datetime.time</c>: a time of day, shown as <c>10:20:30</c>.</summary>
internal sealed class PyTime(TimeSpan value, PyTzInfo? tz) : ITemplateObject, ITemplateOperand, IEquatable<PyTime>
{
    public TimeSpan Value { get; } = value;
    public PyTzInfo? Tz { get; } = tz;

    public static PyTime Create(TemplateCall c)
    {
        PyArgs.Check(c, "time", 5, "hour", "minute", "second", "microsecond", "tzinfo", "fold");
        return new PyTime(PyDateTime.Time(c, 0, 0, 0, 0, 0, "time"), PyDateTime.TzArg(c, 4, null));
    }

    public string TypeName => "datetime.time";

    DateTime AsWall => DateTime.MinValue + Value;

    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "hour" => (long)Value.Hours,
            "minute" => (long)Value.Minutes,
            "second" => (long)Value.Seconds,
            "microsecond" => Value.Ticks % TimeSpan.TicksPerSecond / 10,
            "tzinfo" => Tz,
            "isoformat" => (HostFunction)(c => { PyArgs.Check(c, "isoformat", 1, "timespec"); return IsoFormat(PyArgs.Str(c, 0, "timespec", "isoformat", "auto")); }),
            "strftime" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "strftime", 1, "format");
                return PyTimeFormat.StrFTime(PyArgs.Str(c, 0, "format", "strftime"), new DateTime(1900, 1, 1) + Value, Tz);
            }),
            _ => null,
        };
        return value is not null || name == "tzinfo";
    }

    string IsoFormat(string timespec)
    {
        var text = new PyDateTime(AsWall, null).IsoFormat(" ", timespec);
        return text[(text.IndexOf(' ') + 1)..] + (Tz is null ? "" : FixedTz.FormatOffset(Tz.OffsetAt(AsWall), ":"));
    }

    public override string ToString() => IsoFormat("auto");

    public bool TryOperate(string op, object? other, bool reflected, out object? result)
    {
        result = null;
        if (op == "cmp" && other is PyTime t)
            result = reflected ? t.Value.CompareTo(Value) : Value.CompareTo(t.Value);
        return result is not null;
    }

    public bool Equals(PyTime? other) => other is not null && other.Value == Value && Equals(other.Tz, Tz);
    public override bool Equals(object? obj) => Equals(obj as PyTime);
    public override int GetHashCode() => Value.GetHashCode();
}
