using System.Globalization;
using Xform.Core.Adapters;
using Xform.Core.Project;
using Xform.Core.Seeds;

namespace Xform.Adapters.DuckDb;

/// <summary>
/// Loads a seed into DuckDB. The engine-neutral pass (<see cref="SeedAnalyzer"/>) reads the whole file once,
/// infers column types and rejects bad rows with file:line:col before anything changes; DuckDB's own
/// parallel CSV reader then bulk-loads the file into <c>x__xform_tmp</c> with those explicit types, the row
/// count is checked against the first pass, and the old relation is swapped out, all in one transaction:
/// a failed load leaves the previous table as it was.
/// </summary>
static class DuckDbSeedLoader
{
    public static string Load(IAdapterConnection connection, Node seed, string csvFullPath, RelationKind? existing, Func<string, string> quote,
        SeedTypeNames types)
    {
        var options = SeedOptions.From(seed.Config, seed.OriginalFilePath);
        var schema = SeedAnalyzer.Analyze(csvFullPath, seed.OriginalFilePath, options, types);
        var plan = DuckDbSql.SeedStatements(seed, csvFullPath, existing, schema, options, quote);
        connection.Execute("begin transaction");
        try
        {
            foreach (var s in plan.Load) connection.Execute(s);
            var loaded = Convert.ToInt64(connection.Query(plan.CountQuery).Rows[0][0], CultureInfo.InvariantCulture);
            if (loaded != schema.RowCount)
                throw new DatabaseException(
                    $"DuckDB read {loaded} rows from {seed.OriginalFilePath} but xform counted {schema.RowCount}; the seed was not replaced");
            foreach (var s in plan.Swap) connection.Execute(s);
            connection.Execute("commit");
        }
        catch
        {
            try { connection.Execute("rollback"); } catch (DatabaseException) { }
            throw;
        }
        return string.Join(";\n\n", plan.All) + ";\n";
    }
}
