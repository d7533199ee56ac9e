namespace Xform.Core.Templating;

/// <summary>What <c>dict.keys()</c>, <c>values()</c> and <c>items()</c> return: a list printed as Python prints the view.</summary>
internal sealed class JDictView : List<object?>
{
    public JDictView(string kind, IEnumerable<object?> items) : base(items) => Kind = kind;

    /// <summary><c>dict_keys</c>, <c>dict_values</c> or <c>dict_items</c>.</summary>
    public string Kind { get; }
}

/// <summary>What <c>range()</c> returns: a list printed as <c>range(start, stop[, step])</c>.</summary>
internal sealed class JRange : List<object?>
{
    public JRange(long start, long stop, long step, int count) : base(count)
    {
        Start = start;
        Stop = stop;
        Step = step;
    }

    public long Start { get; }
    public long Stop { get; }
    public long Step { get; }
}

/// <summary>An item of the <c>groupby</c> filter: a <c>(grouper, list)</c> tuple with those two attributes.</summary>
internal sealed class JGroupTuple : JTuple
{
    public JGroupTuple(object? grouper, List<object?> items) : base([grouper, items]) { }
    public object? Grouper => this[0];
    public object? Items => this[1];
}

/// <summary>Jinja's <c>cycler(*items)</c>: <c>next()</c>, <c>reset()</c>, <c>current</c>, <c>items</c>.</summary>
internal sealed class JCycler
{
    private int _pos;

    public JCycler(List<object?> items) => Items = items;

    public List<object?> Items { get; }

    public object? Current => Items[_pos];

    public object? Next()
    {
        var v = Items[_pos];
        _pos = (_pos + 1) % Items.Count;
        return v;
    }

    public void Reset() => _pos = 0;

    public bool TryGet(string name, out object? value)
    {
        value = name switch
        {
            "current" => Current,
            "items" => Items,
            "next" or "reset" => new BoundMethod(this, name),
            _ => JUndefined.Unassigned,
        };
        return !ReferenceEquals(value, JUndefined.Unassigned);
    }

    public override string ToString() => "<jinja2.utils.Cycler object>";
}
