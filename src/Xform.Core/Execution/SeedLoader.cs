using System.Globalization;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Project;
using Xform.Core.Seeds;

namespace Xform.Core.Execution;

/// <summary>
/// Loads a seed the same way on every engine. The engine-neutral pass (<see cref="SeedAnalyzer"/>) reads the whole file
/// once, infers column types and rejects a bad row with file:line:col before anything changes; then an empty
/// <c>x__xform_tmp</c> is created with those types, the adapter bulk-loads the file into it (its one primitive), the row
/// count is checked against the first pass, and only then is the new table swapped in, as one atomic unit. A failed load
/// leaves the previous relation as it was and drops the half-loaded table.
/// </summary>
public static class SeedLoader
{
    /// <summary>
    /// Loads the CSV into the seed's relation, replacing it atomically; returns the SQL run (for target/run). <paramref name="analyzed"/>
    /// is the plan's pass over the file (null: read it now). Should the file change after that pass, the engine's typed load or the
    /// row count check below fails the seed and the previous table stays.
    /// </summary>
    /// <param name="hooks">the seed's rendered pre- and post-hooks: the pre-hooks run before the load (their own transaction),
    /// the post-hooks in the transaction that swaps the new table in, so a failing one keeps the previous table</param>
    /// <param name="empty">--empty: the table is created with the file's columns and types and no row (dbt loads none either)</param>
    public static string Load(IAdapter adapter, IAdapterConnection connection, Node seed, string csvFullPath, RelationKind? existing,
        SeedSchema? analyzed = null, CompiledNode? hooks = null, bool empty = false)
    {
        var options = SeedOptions.From(seed.Config, seed.OriginalFilePath);
        var schema = analyzed ?? SeedAnalyzer.Analyze(csvFullPath, seed.OriginalFilePath, options, adapter.SeedTypes);
        var dialect = adapter.Dialect;
        var tmp = dialect.Staging(seed.Relation);
        var names = schema.Columns.Select(c => options.QuoteColumns ? dialect.Quote(c.Name) : c.Name).ToList();
        var executed = new List<string>();
        hooks ??= new CompiledNode(seed, "", [], []);
        Materializer.RunHooks(connection, hooks, hooks.PreHooks.Where(h => !h.InTransaction), executed);
        var pre = hooks.PreHooks.Where(h => h.InTransaction).Select(h => h.Sql).ToList();
        if (pre.Count > 0)
        {
            Materializer.InTransaction(connection, hooks, pre);
            executed.AddRange(pre);
        }
        try
        {
            foreach (var create in dialect.CreateEmptyTable(tmp, schema.Columns.Select((c, i) => $"{names[i]} {c.SqlType}")))
            {
                connection.Execute(create);
                executed.Add(create);
            }
            if (!empty)
                executed.AddRange(adapter.BulkLoadSeed(connection, new SeedBulkLoad(tmp, names, csvFullPath, seed.OriginalFilePath, schema, options)));
            var count = $"select count(*) from {dialect.Render(tmp)}";
            var loaded = Convert.ToInt64(connection.Query(count).Rows[0][0], CultureInfo.InvariantCulture);
            executed.Add(count);
            if (loaded != (empty ? 0 : schema.RowCount))
                throw new DatabaseException(
                    $"{adapter.Type} holds {loaded} rows of {seed.OriginalFilePath} but xform counted {schema.RowCount}; the seed was not replaced");
            var swap = dialect.SwapIn(tmp, seed.Relation, existing).Concat(hooks.PostHooks.Where(h => h.InTransaction).Select(h => h.Sql)).ToList();
            Materializer.InTransaction(connection, hooks, swap);
            executed.AddRange(swap);
        }
        catch
        {
            // the error that matters is the one rethrown; the leftover table is only tidied away
            try { connection.Execute(dialect.Drop(tmp, RelationKind.Table)); } catch (DatabaseException) { }
            throw;
        }
        Materializer.RunHooks(connection, hooks, hooks.PostHooks.Where(h => !h.InTransaction), executed);
        return string.Join(";\n\n", executed) + ";\n";
    }
}
