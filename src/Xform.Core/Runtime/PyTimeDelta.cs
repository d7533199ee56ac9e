using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>Python's <c>datetime.timedelta</c>: a whole number of microseconds, shown as <c>3 days, 0:00:00</c>.</summary>
internal sealed class PyTimeDelta : ITemplateObject, ITemplateOperand, IEquatable<PyTimeDelta>
{
    public const long PerSecond = 1_000_000;
    public const long PerDay = 86_400 * PerSecond;
    /// <summary>Python allows 999,999,999 days; microseconds in a long reach about 106 million, past any date.</summary>
    public const long MaxDays = 106_751_990;

    public PyTimeDelta(long microseconds)
    {
        var days = FloorDiv(microseconds, PerDay);
        if (days < -MaxDays || days > MaxDays) throw new JinjaError($"days={days}; must have magnitude <= {MaxDays} in xform");
        Total = microseconds;
    }

    public static PyTimeDelta FromDays(long days) => new(checked(days * PerDay));

    /// <summary>The whole length in microseconds.</summary>
    public long Total { get; }
    public long Days => FloorDiv(Total, PerDay);
    public long Seconds => (Total - Days * PerDay) / PerSecond;
    public long Microseconds => Total - Days * PerDay - Seconds * PerSecond;

    public static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
    }

    /// <summary><c>timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0)</c>.</summary>
    public static PyTimeDelta Create(TemplateCall c)
    {
        string[] names = ["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"];
        long[] scale = [PerDay, PerSecond, 1, 1000, 60 * PerSecond, 3600 * PerSecond, 7 * PerDay];
        PyArgs.Check(c, "timedelta", names.Length, names);
        long whole = 0;
        double fraction = 0;
        for (var i = 0; i < names.Length; i++)
        {
            if (!c.Has(i, names[i])) continue;
            var v = c.Get(i, names[i]);
            if (v is not bool && Py.IsInt(v, out var l)) whole = checked(whole + l * scale[i]);
            else if (PyArgs.Number(v, out var d)) fraction += d * scale[i];
            else throw c.Error($"unsupported type for timedelta {names[i]} component: {Py.TypeName(v)}");
        }
        return new PyTimeDelta(checked(whole + (long)Math.Round(fraction, MidpointRounding.ToEven)));
    }

    public string TypeName => "datetime.timedelta";

    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "days" => Days,
            "seconds" => Seconds,
            "microseconds" => Microseconds,
            "total_seconds" => (HostFunction)(c =>
            {
                PyArgs.Check(c, "total_seconds", 0);
                return Total / (double)PerSecond;
            }),
            "min" => new PyTimeDelta(-MaxDays * PerDay),
            "max" => new PyTimeDelta(MaxDays * PerDay + PerDay - 1),
            "resolution" => new PyTimeDelta(1),
            _ => null,
        };
        return value is not null;
    }

    public bool TryOperate(string op, object? other, bool reflected, out object? result)
    {
        result = null;
        var td = other as PyTimeDelta;
        switch (op)
        {
            case "+" when td is not null: result = new PyTimeDelta(checked(Total + td.Total)); break;
            case "-" when td is not null: result = new PyTimeDelta(checked(reflected ? td.Total - Total : Total - td.Total)); break;
            case "neg": result = new PyTimeDelta(checked(-Total)); break;
            case "bool": result = Total != 0; break;
            case "*" when other is not bool && Py.IsInt(other, out var n): result = new PyTimeDelta(checked(Total * n)); break;
            case "*" when other is double f: result = new PyTimeDelta((long)Math.Round(Total * f, MidpointRounding.ToEven)); break;
            case "/" when td is not null:
                if ((reflected ? Total : td.Total) == 0) throw new JinjaError("division by zero");
                result = reflected ? td.Total / (double)Total : Total / (double)td.Total;
                break;
            case "/" when !reflected && other is not bool && PyArgs.Number(other, out var div):
                if (div == 0) throw new JinjaError("division by zero");
                result = new PyTimeDelta((long)Math.Round(Total / div, MidpointRounding.ToEven));
                break;
            case "//" when td is not null:
                if ((reflected ? Total : td.Total) == 0) throw new JinjaError("integer division or modulo by zero");
                result = reflected ? FloorDiv(td.Total, Total) : FloorDiv(Total, td.Total);
                break;
            case "//" when !reflected && other is not bool && Py.IsInt(other, out var q):
                if (q == 0) throw new JinjaError("integer division or modulo by zero");
                result = new PyTimeDelta(FloorDiv(Total, q));
                break;
            case "%" when td is not null:
                var (a, b) = reflected ? (td.Total, Total) : (Total, td.Total);
                if (b == 0) throw new JinjaError("integer division or modulo by zero");
                result = new PyTimeDelta(a - FloorDiv(a, b) * b);
                break;
            case "cmp" when td is not null:
                result = reflected ? td.Total.CompareTo(Total) : Total.CompareTo(td.Total);
                break;
        }
        return result is not null;
    }

    public bool Equals(PyTimeDelta? other) => other is not null && other.Total == Total;
    public override bool Equals(object? obj) => Equals(obj as PyTimeDelta);
    public override int GetHashCode() => Total.GetHashCode();

    /// <summary>Python's str(): <c>[-]D day[s], H:MM:SS[.ffffff]</c>.</summary>
    public override string ToString()
    {
        var s = Seconds;
        var text = $"{PyArgs.I(s / 3600)}:{PyArgs.D2(s / 60 % 60)}:{PyArgs.D2(s % 60)}";
        if (Days != 0) text = $"{PyArgs.I(Days)} day{(Math.Abs(Days) != 1 ? "s" : "")}, {text}";
        if (Microseconds != 0) text += "." + Microseconds.ToString("000000", System.Globalization.CultureInfo.InvariantCulture);
        return text;
    }
}
