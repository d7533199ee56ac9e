using System.Collections;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// A read-only Python dict of names (a module such as <c>modules.datetime</c>, or <c>target</c>): dict methods that
/// read work, the ones that write fail, so one instance can be shared by every render.
/// </summary>
internal class ReadOnlyNames : IReadOnlyDictionary<string, object?>
{
    readonly Dictionary<string, object?> _items;
    readonly string[] _order;

    public ReadOnlyNames(IEnumerable<KeyValuePair<string, object?>> items)
    {
        _items = new Dictionary<string, object?>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (k, v) in items)
        {
            if (!_items.ContainsKey(k)) order.Add(k);
            _items[k] = v;
        }
        _order = [.. order];
    }

    public object? this[string key] => _items[key];
    public IEnumerable<string> Keys => _order;
    public IEnumerable<object?> Values => _order.Select(k => _items[k]);
    public int Count => _order.Length;
    public bool ContainsKey(string key) => _items.ContainsKey(key);
    public bool TryGetValue(string key, out object? value) => _items.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _order.Select(k => new KeyValuePair<string, object?>(k, _items[k])).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A Python class as templates use it: called to make a value, with class attributes and class methods.</summary>
internal sealed class PyType(string name, Func<TemplateCall, object?> construct, IReadOnlyDictionary<string, object?> members)
    : ITemplateObject, ITemplateCallable
{
    public object? Invoke(TemplateCall call) => construct(call);
    public bool TryGetMember(string member, out object? value) => members.TryGetValue(member, out value);
    public override string ToString() => $"<class '{name}'>";
}

/// <summary>dbt's <c>modules.datetime</c> and <c>modules.pytz</c>.</summary>
internal static class DateTimeModules
{

    static PyDateTime Now(PyTzInfo? tz)
    {
        var utc = DateTime.UtcNow;
        return tz is null ? new PyDateTime(utc.ToLocalTime(), null) : PyDateTime.FromUtc(utc, tz);
    }

    static PyTzInfo? TzArg(TemplateCall c, int position) => c.Get(position, "tz") switch
    {
        null => null,
        PyTzInfo tz => tz,
        var other => throw c.Error($"tzinfo argument must be None or of a tzinfo subclass, not type '{Py.TypeName(other)}'"),
    };

    static DateTime FromTimestamp(TemplateCall c)
    {
        var ts = c.Get(0, "timestamp");
        if (!PyArgs.Number(ts, out var seconds)) throw c.Error($"'{Py.TypeName(ts)}' object cannot be interpreted as a timestamp");
        return DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * 1_000_000, MidpointRounding.ToEven) * 10);
    }

    public static readonly PyType Date = new("datetime.date", c => Wrap(c, PyDate.Create), new ReadOnlyNames(new Dictionary<string, object?>
    {
        ["today"] = PyArgs.Function("today", 0, [], _ => new PyDate(DateTime.Now)),
        ["fromisoformat"] = PyArgs.Function("fromisoformat", 1, [], c =>
        {
            var text = PyArgs.Str(c, 0, "date_string", "fromisoformat");
            var date = PyTimeFormat.ParseIsoDate(text, out var n);
            return n == text.Length ? new PyDate(date) : throw c.Error($"Invalid isoformat string: {Py.Repr(text)}");
        }),
        ["fromordinal"] = PyArgs.Function("fromordinal", 1, [], c => new PyDate(DateTime.MinValue.AddDays(PyArgs.Int(c, 0, "ordinal", "fromordinal") - 1))),
        ["fromtimestamp"] = PyArgs.Function("fromtimestamp", 1, [], c => new PyDate(FromTimestamp(c).ToLocalTime())),
        ["min"] = new PyDate(DateTime.MinValue),
        ["max"] = new PyDate(DateTime.MaxValue),
        ["resolution"] = PyTimeDelta.FromDays(1),
    }));

    public static readonly PyType DateTimeType = new("datetime.datetime", c => Wrap(c, PyDateTime.Create), new ReadOnlyNames(new Dictionary<string, object?>
    {
        ["now"] = PyArgs.Function("now", 1, ["tz"], c => Now(TzArg(c, 0))),
        ["utcnow"] = PyArgs.Function("utcnow", 0, [], _ => new PyDateTime(DateTime.UtcNow, null)),
        ["today"] = PyArgs.Function("today", 0, [], _ => Now(null)),
        ["strptime"] = PyArgs.Function("strptime", 2, [], c => PyTimeFormat.StrPTime(PyArgs.Str(c, 0, "date_string", "strptime"), PyArgs.Str(c, 1, "format", "strptime"))),
        ["fromisoformat"] = PyArgs.Function("fromisoformat", 1, [], c => PyTimeFormat.ParseIsoDateTime(PyArgs.Str(c, 0, "date_string", "fromisoformat"))),
        ["fromtimestamp"] = PyArgs.Function("fromtimestamp", 2, ["tz"], c =>
        {
            var utc = FromTimestamp(c);
            return TzArg(c, 1) is { } tz ? PyDateTime.FromUtc(utc, tz) : new PyDateTime(utc.ToLocalTime(), null);
        }),
        ["utcfromtimestamp"] = PyArgs.Function("utcfromtimestamp", 1, [], c => new PyDateTime(FromTimestamp(c), null)),
        ["fromordinal"] = PyArgs.Function("fromordinal", 1, [], c => new PyDateTime(DateTime.MinValue.AddDays(PyArgs.Int(c, 0, "ordinal", "fromordinal") - 1), null)),
        ["combine"] = PyArgs.Function("combine", 3, ["date", "time", "tzinfo"], c =>
        {
            var date = c.Get(0, "date") switch
            {
                PyDate d => d.Value,
                PyDateTime dt => dt.Wall.Date,
                var other => throw c.Error($"combine() argument 1 must be datetime.date, not {Py.TypeName(other)}"),
            };
            if (c.Get(1, "time") is not PyTime t) throw c.Error($"combine() argument 2 must be datetime.time, not {Py.TypeName(c.Get(1, "time"))}");
            return new PyDateTime(date + t.Value, PyDateTime.TzArg(c, 2, t.Tz));
        }),
        ["min"] = new PyDateTime(DateTime.MinValue, null),
        ["max"] = new PyDateTime(DateTime.MaxValue, null),
        ["resolution"] = new PyTimeDelta(1),
    }));

    public static readonly PyType TimeDelta = new("datetime.timedelta", c => Wrap(c, PyTimeDelta.Create), new ReadOnlyNames(new Dictionary<string, object?>
    {
        ["min"] = new PyTimeDelta(-PyTimeDelta.MaxDays * PyTimeDelta.PerDay),
        ["max"] = new PyTimeDelta(PyTimeDelta.MaxDays * PyTimeDelta.PerDay + PyTimeDelta.PerDay - 1),
        ["resolution"] = new PyTimeDelta(1),
    }));

    public static readonly PyType Time = new("datetime.time", c => Wrap(c, PyTime.Create), new ReadOnlyNames(new Dictionary<string, object?>
    {
        ["min"] = new PyTime(TimeSpan.Zero, null),
        ["max"] = new PyTime(TimeSpan.FromTicks(TimeSpan.TicksPerDay - 10), null),
    }));

    /// <summary><c>datetime.timezone(offset, name=None)</c> and <c>timezone.utc</c>: not in dbt's <c>modules.datetime</c>, which xform adds.</summary>
    public static readonly PyType TimeZone = new("datetime.timezone", c =>
    {
        PyArgs.Check(c, "timezone", 2, "offset", "name");
        if (c.Get(0, "offset") is not PyTimeDelta td) throw c.Error("timezone() argument 1 must be datetime.timedelta");
        if (Math.Abs(td.Total) >= PyTimeDelta.PerDay)
            throw c.Error("offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24).");
        var name = c.Has(1, "name") ? PyArgs.Str(c, 1, "name", "timezone") : null;
        return new FixedTz(TimeSpan.FromTicks(td.Total * 10), name);
    }, new ReadOnlyNames(new Dictionary<string, object?> { ["utc"] = FixedTz.Utc }));

    public static readonly PyType TzInfo = new("datetime.tzinfo", c => throw c.Error("datetime.tzinfo is abstract: use modules.pytz.timezone(name) or modules.pytz.utc"),
        new ReadOnlyNames([]));

    static object? Wrap(TemplateCall c, Func<TemplateCall, object?> make)
    {
        try
        {
            return make(c);
        }
        catch (JinjaError e)
        {
            throw c.Error(e.Message);
        }
    }

    /// <summary>dbt exports date, datetime, time, timedelta and tzinfo; xform adds timezone.</summary>
    public static readonly ReadOnlyNames DateTimeModule = new(new Dictionary<string, object?>
    {
        ["date"] = Date,
        ["datetime"] = DateTimeType,
        ["time"] = Time,
        ["timedelta"] = TimeDelta,
        ["tzinfo"] = TzInfo,
        ["timezone"] = TimeZone,
    });

    /// <summary>The names of pytz's <c>__all__</c> that make sense in a template.</summary>
    public static readonly ReadOnlyNames PytzModule = new(new Dictionary<string, object?>
    {
        ["utc"] = FixedTz.PytzUtc,
        ["timezone"] = PyArgs.Function("timezone", 1, ["zone"], c =>
        {
            var name = PyArgs.Str(c, 0, "zone", "timezone");
            return ZoneTz.Find(name) ?? throw c.Error($"UnknownTimeZoneError: {Py.Repr(name)} is not a time zone of the tz database");
        }),
        ["FixedOffset"] = PyArgs.Function("FixedOffset", 1, ["offset"], c =>
        {
            var minutes = PyArgs.Int(c, 0, "offset", "FixedOffset");
            if (Math.Abs(minutes) >= 1440) throw c.Error("absolute offset is too large");
            return minutes == 0 ? FixedTz.PytzUtc : new FixedTz(TimeSpan.FromMinutes(minutes), null, pytz: true);
        }),
    });
}
