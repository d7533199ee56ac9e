using System.Diagnostics;
using System.Globalization;
using Xform.Core.Project;

namespace Xform.Core.Adapters;

/// <summary>A statement a connection ran (or a catalog read it made), for the --debug log.</summary>
/// <param name="Node">the node it ran for (a unique id), or null for the run itself (hooks, the catalog)</param>
/// <param name="Statement">the SQL as sent, or what a catalog read looked up (<paramref name="Catalog"/>)</param>
public sealed record StatementRun(string? Node, string Statement, bool Catalog, bool Ok, TimeSpan Elapsed)
{
    public string Seconds => Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>As dbt's debug log writes it: <c>On node:</c>, the SQL, <c>SQL status: OK in 0.052 seconds</c>; a catalog read on one line.</summary>
    public string Text()
    {
        var on = Node ?? "the run";
        var status = Ok ? "OK in" : "ERROR after";
        return Catalog ? $"On {on}: {Statement}: {status} {Seconds} seconds" : $"On {on}:\n{Statement}\nSQL status: {status} {Seconds} seconds";
    }
}

/// <summary>
/// A connection that reports each statement after it ran (<see cref="StatementRun"/>): its node, its SQL, whether it
/// succeeded and how long it took. What --debug writes, as dbt's debug log does.
/// </summary>
public sealed class LoggedConnection(IAdapterConnection inner, Action<StatementRun> log) : IAdapterConnection
{
    /// <summary>What the statements run for: a node's unique id, or null for the run itself (hooks, the catalog).</summary>
    public string? Node { get; set; }

    public IAdapterConnection Unwrapped => inner.Unwrapped;

    public QueryAnnotation? Annotation
    {
        get => inner.Annotation;
        set => inner.Annotation = value;
    }

    public void Execute(string sql) => Timed(sql, () => { inner.Execute(sql); return 0; });

    public QueryResult Query(string sql, int? maxRows = null) => Timed(sql, () => inner.Query(sql, maxRows));

    public void ExecuteTransaction(IReadOnlyList<string> statements) =>
        Timed(string.Join(";\n", statements) + "\n-- (one transaction)", () => { inner.ExecuteTransaction(statements); return 0; });

    public IReadOnlyList<RelationInfo> ListRelations() => Timed("list relations", inner.ListRelations, catalog: true);

    public void EnsureSchema(string schema) => Timed($"create schema if not exists {schema}", () => { inner.EnsureSchema(schema); return 0; }, catalog: true);

    public IReadOnlyList<ColumnSpec> GetColumns(RelationName relation) => Timed($"columns of {relation}", () => inner.GetColumns(relation), catalog: true);

    public IReadOnlyList<ColumnSpec> DescribeQuery(string sql) => Timed($"describe (\n{sql}\n)", () => inner.DescribeQuery(sql));

    public IReadOnlyDictionary<string, string> Comments(RelationName relation) => Timed($"comments of {relation}", () => inner.Comments(relation), catalog: true);

    public IOpenTransaction? Begin() => inner.Begin();

    T Timed<T>(string what, Func<T> run, bool catalog = false)
    {
        var watch = Stopwatch.StartNew();
        var ok = false;
        try
        {
            var result = run();
            ok = true;
            return result;
        }
        finally
        {
            log(new StatementRun(Node, what, catalog, ok, watch.Elapsed));
        }
    }

    public void Dispose() => inner.Dispose();
}
