using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Execution.Incremental;

/// <summary>
/// <c>microbatch</c>: the model is built one time window (<c>batch_size</c>) at a time, each batch its own
/// transaction that replaces the rows of its window. A first run starts at <c>begin</c>; later runs rebuild the
/// last <c>lookback</c> batches and the current one; <c>--event-time-start/--event-time-end</c> choose the
/// windows (backfill). Inputs with an <c>event_time</c> are filtered to the window by the compiler.
/// </summary>
/// <param name="table">The statements that build the table from a first batch's query (and where it exists, before).</param>
/// <param name="check">Checks a later batch's query (an enforced contract's columns).</param>
public sealed class Microbatch(SqlDialect dialect, MicrobatchSettings batches,
    Func<string, RelationKind?, IReadOnlyList<string>> table, Action<string> check)
{
    public string Build(IAdapterConnection connection, Node node, RelationKind? existing, ModelCompiler compile, BuildOptions options, bool full)
    {
        var (eventTime, size, lookback) = (batches.EventTime, batches.BatchSize, batches.Lookback);
        var exists = existing == RelationKind.Table && !full;

        DateTime start, end;
        if (options.EventTimeStart is { } s)
        {
            start = Floor(s, size);
            end = Ceiling(options.EventTimeEnd ?? options.NowUtc, size);
        }
        else if (exists)
        {
            end = Ceiling(options.NowUtc, size);
            start = Step(Floor(options.NowUtc, size), size, -lookback);
        }
        else
        {
            start = Floor(batches.Begin, size);
            end = Ceiling(options.NowUtc, size);
        }

        var executed = new List<string>();
        var done = 0;
        for (var t = start; t < end; t = Step(t, size, 1), done++)
        {
            var window = new BatchWindow(t, Step(t, size, 1));
            try
            {
                var model = compile(exists, window);
                var filter = $"{dialect.Quote(eventTime)} >= {dialect.TimestampLiteral(window.Start)} and {dialect.Quote(eventTime)} < {dialect.TimestampLiteral(window.End)}";
                var rows = $"select * from (\n{Materializer.Body(model)}\n) as dbt_batch where {filter}";
                if (!exists)
                {
                    executed.Add(Materializer.Run(connection, model, table(rows, existing)));
                    exists = true;
                    existing = RelationKind.Table;
                    continue;
                }
                check(rows);
                var staged = node.Relation.Identifier + "__xform_incr";
                var columns = connection.GetColumns(node.Relation).Select(c => c.Name).ToList();
                var input = new IncrementalStatementsInput(node.Relation, staged, columns, [], [], [], null);
                executed.Add(Materializer.Run(connection, model,
                [
                    dialect.DropTemp(staged),
                    dialect.CreateTempTableAs(staged, rows),
                    $"delete from {dialect.Render(node.Relation)} where {filter}",
                    dialect.Insert(input),
                    dialect.DropTemp(staged),
                ]));
            }
            catch (Exception e) when (e is DatabaseException or XformException)
            {
                throw new XformException($"batch {window} failed after {done} batch{(done == 1 ? "" : "es")} succeeded: {e.Message}", node.Location);
            }
        }
        return string.Join("\n", executed);
    }

    static DateTime Floor(DateTime t, string size) => size switch
    {
        "hour" => new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc),
        "day" => new DateTime(t.Year, t.Month, t.Day, 0, 0, 0, DateTimeKind.Utc),
        "month" => new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc),
        _ => new DateTime(t.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    static DateTime Ceiling(DateTime t, string size) { var f = Floor(t, size); return f == t ? f : Step(f, size, 1); }

    static DateTime Step(DateTime t, string size, int n) => size switch
    {
        "hour" => t.AddHours(n),
        "day" => t.AddDays(n),
        "month" => t.AddMonths(n),
        _ => t.AddYears(n),
    };
}
