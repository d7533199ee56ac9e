using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Execution;

/// <summary>What an engine can do, declared so materializations pick the right plan.</summary>
public sealed record AdapterCapabilities(bool TransactionalDdl, bool Merge, bool AtomicSwap, bool InsertOverwrite, bool CreateOrReplaceTable);

public enum RelationKind { Table, View, External }

public sealed record RelationInfo(string Schema, string Name, RelationKind Kind);

public sealed record QueryResult(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

/// <summary>
/// The one place that talks to a database. An adapter opens connections (one per worker thread), quotes
/// identifiers, ships its dispatch macros and knows its DDL dialect.
/// </summary>
public interface IAdapter : IDisposable
{
    string Type { get; }
    AdapterCapabilities Capabilities { get; }
    /// <summary>Macros shipped with the adapter (<c>duckdb__datediff</c>, ...), overridable by the project.</summary>
    IReadOnlyList<TemplateSource> Macros { get; }
    string Quote(string identifier);
    IAdapterConnection Open();
    /// <summary>A one-line description of the connection for <c>xform debug</c>, with no secrets.</summary>
    string Describe();
}

public interface IAdapterConnection : IDisposable
{
    /// <summary>Runs one or more statements.</summary>
    void Execute(string sql);
    QueryResult Query(string sql, int? maxRows = null);
    IReadOnlyList<RelationInfo> ListRelations();
    void EnsureSchema(string schema);
}

/// <summary>Creates an adapter for a profile target.</summary>
public delegate IAdapter AdapterFactory(TargetConfig target, string projectRoot);

/// <summary>An engine error from a statement, carried as a node result.</summary>
public sealed class DatabaseException(string message, Exception? inner = null) : Exception(message, inner);
