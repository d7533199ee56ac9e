namespace Xform.Core.Adapters;

/// <summary>
/// Parses SQL into DuckDB's <c>json_serialize_sql</c> JSON, the tree column lineage is read from. An adapter supplies
/// one (<see cref="IAdapter.OpenLineageParser"/>) when its engine's SQL can be read that way, so Core depends on no
/// engine. Not thread-safe unless the implementation says so; disposed by whoever opened it.
/// </summary>
public interface ISqlParser : IDisposable
{
    /// <summary>The JSON of <c>json_serialize_sql(sql)</c>: <c>{"error": false, "statements": [...]}</c>, or an error object.</summary>
    string ParseToJson(string sql);
}
