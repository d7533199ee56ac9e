using Xform.Core.Project;

namespace Xform.Core.Adapters;

/// <summary>
/// A node's connection as a custom materialization uses it, with dbt's transaction rules: the first statement opens a
/// transaction (dbt's auto_begin) that the following ones join; <see cref="Commit"/> (dbt's <c>adapter.commit()</c>)
/// ends it; disposing rolls back what is still open, so a materialization that fails leaves the previous version.
/// Where the engine has no open transactions (<see cref="IAdapterConnection.Begin"/> null) each statement commits alone.
/// The statements run are kept, for target/run.
/// </summary>
public sealed class SessionConnection(IAdapterConnection inner) : IAdapterConnection
{
    IOpenTransaction? _open;
    bool _began;

    public QueryAnnotation? Annotation { get => inner.Annotation; set => inner.Annotation = value; }

    /// <summary>The statements sent with <see cref="Execute"/>, in order.</summary>
    public List<string> Executed { get; } = [];

    /// <summary>Whether a transaction is open now.</summary>
    public bool InTransaction => _open is not null;

    void Begin()
    {
        if (_began) return;
        _open = inner.Begin();
        _began = true;
    }

    public void Execute(string sql)
    {
        Begin();
        inner.Execute(sql);
        Executed.Add(sql);
    }

    /// <summary>A statement outside any transaction (a hook with <c>transaction: false</c>): what is open is committed first.</summary>
    public void ExecuteOutside(string sql)
    {
        Commit();
        inner.Execute(sql);
        Executed.Add(sql);
    }

    public QueryResult Query(string sql, int? maxRows = null)
    {
        Begin();
        return inner.Query(sql, maxRows);
    }

    /// <summary>Commits the open transaction, if any; the next statement opens another.</summary>
    public void Commit()
    {
        if (_open is { } open)
        {
            _open = null;
            using (open) open.Commit();
        }
        _began = false;
    }

    public IReadOnlyList<RelationInfo> ListRelations() => inner.ListRelations();
    public void EnsureSchema(string schema) => inner.EnsureSchema(schema);
    public IReadOnlyList<ColumnSpec> GetColumns(RelationName relation) => inner.GetColumns(relation);
    public IReadOnlyList<ColumnSpec> DescribeQuery(string sql) => inner.DescribeQuery(sql);

    public void ExecuteTransaction(IReadOnlyList<string> statements)
    {
        if (_open is null)
        {
            inner.ExecuteTransaction(statements);
            Executed.AddRange(statements);
            return;
        }
        foreach (var sql in statements) Execute(sql);
    }

    /// <summary>Rolls back what is still open; the node's own connection stays open for its worker.</summary>
    public void Dispose()
    {
        _open?.Dispose();
        _open = null;
    }
}
