using System.Globalization;
using Xform.Core.Adapters;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// What <c>run_query</c> and <c>load_result(...)['table']</c> give templates, shaped as the agate table dbt gives:
/// iterable rows, <c>rows</c>, <c>columns</c> (by position or name, each with <c>name</c> and <c>values()</c>),
/// <c>column_names</c>, <c>column_types</c>, and <c>print_table()</c> (a no-op). Dates and times are text as
/// Python prints them (<c>2011-12-10 08:26:00</c>).
/// </summary>
public sealed class QueryTable : List<object?>, ITemplateObject
{
    readonly QueryColumns _columns;
    readonly IReadOnlyList<string> _names;

    public QueryTable(QueryResult result)
    {
        _names = result.Columns;
        var index = _names.Select((n, i) => (n, i)).GroupBy(x => x.n, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().i, StringComparer.OrdinalIgnoreCase);
        foreach (var row in result.Rows) Add(new QueryRow(row.Select(Value).ToList(), index));
        _columns = new QueryColumns(_names.Select((n, i) => new QueryColumn(n, this.Select(r => ((QueryRow)r!)[i]).ToList())).ToList());
    }

    static object? Value(object? v) => v switch
    {
        DBNull => null,
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture),
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        float f => (double)f,
        _ => v,
    };

    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "rows" => this,
            "columns" => _columns,
            "column_names" => _names.Cast<object?>().ToList(),
            "column_types" => _names.Select(_ => (object?)"").ToList(),
            "print_table" => (HostFunction)(_ => ""),
            _ => null,
        };
        return value is not null;
    }

    public override string ToString() => $"<Table: {Count} rows, {_names.Count} columns>";
}

/// <summary>A row: by position (<c>row[0]</c>) or by column name (<c>row['id']</c>, <c>row.id</c>).</summary>
public sealed class QueryRow(List<object?> values, IReadOnlyDictionary<string, int> index) : List<object?>(values), ITemplateObject
{
    public bool TryGetMember(string name, out object? value)
    {
        if (index.TryGetValue(name, out var i))
        {
            value = this[i];
            return true;
        }
        value = name switch
        {
            "keys" => (HostFunction)(_ => index.OrderBy(kv => kv.Value).Select(kv => (object?)kv.Key).ToList()),
            "values" => (HostFunction)(_ => this.ToList()),
            _ => null,
        };
        return value is not null;
    }
}

/// <summary>The columns of a table: by position or by name.</summary>
public sealed class QueryColumns(List<QueryColumn> columns) : List<object?>(columns), ITemplateObject
{
    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            // agate's columns are a mapping too: keys(), values(), items() (dbt_utils.get_query_results_as_dict reads items()).
            "keys" => (HostFunction)(_ => columns.Select(c => (object?)c.Name).ToList()),
            "values" => (HostFunction)(_ => columns.Cast<object?>().ToList()),
            "items" => (HostFunction)(_ => columns.Select(c => (object?)new JTuple([c.Name, c])).ToList()),
            _ => columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)),
        };
        return value is not null;
    }
}

/// <summary>A column of a query result: its <c>name</c> and <c>values()</c>.</summary>
public sealed class QueryColumn(string name, List<object?> values) : ITemplateObject
{
    public string Name => name;

    public bool TryGetMember(string member, out object? value)
    {
        value = member switch
        {
            "name" => name,
            "values" => (HostFunction)(_ => values.ToList()),
            "values_distinct" => (HostFunction)(_ => values.Distinct().ToList()),
            _ => null,
        };
        return value is not null;
    }

    public override string ToString() => name;
}
