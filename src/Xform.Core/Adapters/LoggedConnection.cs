using System.Diagnostics;
using System.Globalization;
using Xform.Core.Project;

namespace Xform.Core.Adapters;

/// <summary>
/// A connection whose statements are written to the --debug log after they ran, as dbt's debug log writes them: the node
/// (or the run) they ran for, the SQL as sent, and "SQL status: OK in 0.123 seconds" (or the error's time). Catalog reads
/// the adapter makes for xform itself (relations, columns, describe) are written as one line naming what was read.
/// </summary>
public sealed class LoggedConnection(IAdapterConnection inner, Action<string> log) : IAdapterConnection
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
        var status = "ERROR after";
        try
        {
            var result = run();
            status = "OK in";
            return result;
        }
        finally
        {
            var seconds = watch.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
            var on = Node ?? "the run";
            log(catalog ? $"On {on}: {what}: {status} {seconds} seconds" : $"On {on}:\n{what}\nSQL status: {status} {seconds} seconds");
        }
    }

    public void Dispose() => inner.Dispose();
}
