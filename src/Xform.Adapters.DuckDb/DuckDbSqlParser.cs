using DuckDB.NET.Data;
using Xform.Core.Adapters;

namespace Xform.Adapters.DuckDb;

/// <summary>
/// DuckDB's SQL parser, for column lineage: <c>json_serialize_sql</c> on a private in-memory database, so it works
/// whatever the target engine is and never touches the project's database. Not thread-safe: one per thread.
/// </summary>
public sealed class DuckDbSqlParser : ISqlParser
{
    readonly DuckDBConnection _connection;

    public DuckDbSqlParser()
    {
        _connection = new DuckDBConnection("Data Source=:memory:");
        _connection.Open();
    }

    public string ParseToJson(string sql)
    {
        using var cmd = _connection.CreateCommand();
        // json_serialize_sql needs a constant argument: a literal, not a parameter.
        cmd.CommandText = $"select json_serialize_sql({DuckDbSql.Literal(sql.Trim().TrimEnd(';'))}, skip_null := true, skip_empty := true)";
        try
        {
            return cmd.ExecuteScalar() as string ?? """{"error": true, "error_message": "no result"}""";
        }
        catch (DuckDBException e)
        {
            return Xform.Core.Project.PlainJson.Serialize(new Dictionary<string, object?> { ["error"] = true, ["error_message"] = e.Message.Trim() });
        }
    }

    public void Dispose() => _connection.Dispose();
}
