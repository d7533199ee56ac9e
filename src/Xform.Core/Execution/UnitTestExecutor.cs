using System.Globalization;
using System.Numerics;
using System.Text;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>
/// Runs a compiled unit test: selects the expected columns of what the model returns from the given rows, and compares
/// them with the expected rows as multisets. An expected value is read as the type of the model's column (dbt casts the
/// expected rows to the actual ones' types), so <c>1</c>, <c>'1'</c> and <c>1.0</c> match a number 1 alike.
/// </summary>
public sealed class UnitTestExecutor(Func<string, string> quote)
{
    enum Kind { Unknown, Number, Bool, Time, Text }

    public TestExecutor.Outcome Run(IAdapterConnection connection, CompiledNode compiled)
    {
        var spec = compiled.Node.UnitTest!;
        var executed = new List<string>();
        IReadOnlyList<string> columns;
        List<object?[]> expected;
        if (spec.Expect.Format == FixtureFormat.Sql)
        {
            var sql = $"select * from (\n{spec.Expect.Sql!.Trim().TrimEnd(';')}\n) dbt_internal_unit_test_expected";
            executed.Add(sql);
            var result = connection.Query(sql);
            columns = result.Columns;
            expected = result.Rows.ToList();
        }
        else
        {
            columns = spec.Expect.Columns;
            expected = spec.Expect.Rows.Select(r => columns.Select(c => r.FirstOrDefault(kv => string.Equals(kv.Key, c, StringComparison.OrdinalIgnoreCase)).Value).ToArray()).ToList();
        }
        var select = columns.Count == 0 ? "*" : string.Join(", ", columns.Select(quote));
        var actualSql = $"select {select} from (\n{compiled.Sql.Trim().TrimEnd(';')}\n) dbt_internal_unit_test_actual";
        executed.Insert(0, actualSql);
        var actualResult = connection.Query(actualSql);
        if (columns.Count == 0) columns = actualResult.Columns;
        var actual = actualResult.Rows.ToList();

        var kinds = Enumerable.Range(0, columns.Count).Select(i => KindOf(actual.Select(r => r[i]).Concat(expected.Select(r => r[i])))).ToArray();
        string Key(object?[] row) => string.Join("\u001f", row.Select((v, i) => Canonical(v, kinds[i])));
        var remaining = new Dictionary<string, List<object?[]>>(StringComparer.Ordinal);
        foreach (var row in expected)
        {
            var key = Key(row);
            if (!remaining.TryGetValue(key, out var list)) remaining[key] = list = [];
            list.Add(row);
        }
        var unexpected = new List<object?[]>();
        foreach (var row in actual)
        {
            if (remaining.TryGetValue(Key(row), out var list) && list.Count > 0) list.RemoveAt(list.Count - 1);
            else unexpected.Add(row);
        }
        var missing = remaining.Values.SelectMany(l => l).ToList();
        var sqlText = string.Join(";\n\n", executed) + ";\n";
        if (unexpected.Count == 0 && missing.Count == 0) return new TestExecutor.Outcome(NodeStatus.Pass, 0, "PASS", sqlText);
        var message = $"actual differs from expected ({actual.Count} actual, {expected.Count} expected row{(expected.Count == 1 ? "" : "s")}; " +
                      $"+++ only in actual, --- only in expected):\n\n{Diff(columns, unexpected, missing, kinds)}";
        return new TestExecutor.Outcome(NodeStatus.Fail, unexpected.Count + missing.Count, message, sqlText);
    }

    /// <summary>dbt's diff table: a header row, then the rows only the model returned (+++) and those it did not (---).</summary>
    static string Diff(IReadOnlyList<string> columns, List<object?[]> unexpected, List<object?[]> missing, Kind[] kinds)
    {
        List<string[]> lines = [["@@", .. columns]];
        lines.AddRange(unexpected.Select(r => (string[])["+++", .. r.Select((v, i) => Display(v, kinds[i]))]));
        lines.AddRange(missing.Select(r => (string[])["---", .. r.Select((v, i) => Display(v, kinds[i]))]));
        var widths = Enumerable.Range(0, columns.Count + 1).Select(i => lines.Max(l => l[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var line in lines)
            sb.AppendJoin(" | ", line.Select((cell, i) => cell.PadRight(widths[i]))).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }

    static Kind KindOf(IEnumerable<object?> values)
    {
        foreach (var v in values)
        {
            switch (v)
            {
                case null: continue;
                case bool: return Kind.Bool;
                case DateTime or DateOnly or DateTimeOffset: return Kind.Time;
                case string: continue; // an expected text takes the actual column's type; text only if nothing else says
                case sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal or BigInteger or Int128 or UInt128:
                    return Kind.Number;
                default: return Kind.Text;
            }
        }
        return Kind.Text;
    }

    /// <summary>The value as its column's type reads it, as text; values that do not read as that type compare as their text.</summary>
    static string Canonical(object? value, Kind kind)
    {
        if (value is null) return "\u0000null";
        var text = value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString() ?? "";
        switch (kind)
        {
            case Kind.Number:
                if (value is double or float)
                {
                    var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsFinite(d) && Math.Abs(d) < 7.9e27) return ((decimal)d).ToString("G29", CultureInfo.InvariantCulture);
                    return d.ToString("R", CultureInfo.InvariantCulture);
                }
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m.ToString("G29", CultureInfo.InvariantCulture) : text;
            case Kind.Bool:
                return value is bool b ? (b ? "true" : "false") : bool.TryParse(text, out var pb) ? (pb ? "true" : "false") : text;
            case Kind.Time:
                var t = value switch
                {
                    DateTime dt => dt,
                    DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                    DateTimeOffset o => o.UtcDateTime,
                    _ => DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var p) ? p : (DateTime?)null,
                };
                if (t is not { } time) return text;
                return time.TimeOfDay == TimeSpan.Zero ? time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.');
            default:
                return value is bool vb ? (vb ? "true" : "false") : text;
        }
    }

    static string Display(object? value, Kind kind) => value is null ? "null" : Canonical(value, kind);
}
