using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>
/// Type-2 slowly changing dimensions, dbt's way: each run compares the source rows with the current
/// versions (dbt_valid_to is null) and closes changed ones and inserts new versions, in one transaction.
/// Strategies: timestamp (updated_at) and check (check_cols); hard deletes: ignore, invalidate, new_record.
/// </summary>
public sealed class SnapshotBuilder(SqlDialect dialect)
{
    public string Build(IAdapterConnection connection, CompiledNode compiled, RelationKind? existing, DateTime nowUtc)
    {
        var node = compiled.Node;
        var settings = SnapshotSettings.Of(node);
        var (keys, hardDeletes) = (settings.UniqueKey, settings.HardDeletes);
        string Q(string c) => dialect.Quote(c);
        var now = dialect.TimestampLiteral(nowUtc);
        var sql = compiled.Sql.TrimEnd().TrimEnd(';');

        // The version's time: updated_at for timestamp, the run's time for check.
        string versionTime;
        string changed;
        if (settings.UpdatedAt is { } updatedAt)
        {
            versionTime = $"src.{Q(updatedAt)}";
            changed = $"src.{Q(updatedAt)} > cur.dbt_updated_at";
        }
        else
        {
            var checkCols = settings.CheckCols is ["all"]
                ? connection.DescribeQuery(sql).Select(c => c.Name).Where(c => !keys.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList()
                : settings.CheckCols;
            versionTime = now;
            changed = string.Join(" or ", checkCols.Select(c => $"src.{Q(c)} is distinct from cur.{Q(c)}"));
        }

        // A key that comes back after being recorded as deleted starts a new version whatever its values.
        if (hardDeletes == "new_record") changed = $"({changed}) or cur.dbt_is_deleted";
        var keyExpr = string.Join(" || '|' || ", keys.Select(k => $"coalesce(cast(src.{Q(k)} as varchar), '')"));
        string ScdId(string time) => $"md5({keyExpr} || '|' || coalesce(cast({time} as varchar), ''))";
        var target = dialect.Render(node.Relation);
        var deletedColumn = hardDeletes == "new_record" ? ", cast(false as boolean) as dbt_is_deleted" : "";

        if (existing is null)
        {
            var first = $"select src.*, {ScdId(versionTime)} as dbt_scd_id, {versionTime} as dbt_updated_at, {versionTime} as dbt_valid_from, " +
                        $"cast(null as timestamp) as dbt_valid_to{deletedColumn} from (\n{sql}\n) as src";
            return Materializer.Run(connection, compiled, dialect.BuildTable(node.Relation, first, null));
        }

        var staged = node.Relation.Identifier + "__xform_snap";
        var match = string.Join(" and ", keys.Select(k => $"src.{Q(k)} = cur.{Q(k)}"));
        var columns = connection.DescribeQuery(sql).Select(c => c.Name).ToList();
        var columnList = string.Join(", ", columns.Select(Q));
        var srcColumns = string.Join(", ", columns.Select(c => $"src.{Q(c)}"));
        var deletedValue = hardDeletes == "new_record" ? ", false" : "";
        var deletedInsert = hardDeletes == "new_record" ? ", dbt_is_deleted" : "";
        var statements = new List<string>
        {
            dialect.DropTemp(staged),
            dialect.CreateTempTableAs(staged, sql),
            // Close the current version of every changed row...
            $"update {target} as cur set dbt_valid_to = {versionTime}\nfrom {Q(staged)} as src\nwhere {match} and cur.dbt_valid_to is null and ({changed})",
            // ...and insert a new version for it, and for every new key.
            $"insert into {target} ({columnList}, dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to{deletedInsert})\n" +
            $"select {srcColumns}, {ScdId(versionTime)}, {versionTime}, {versionTime}, cast(null as timestamp){deletedValue}\nfrom {Q(staged)} as src\n" +
            $"where not exists (select 1 from {target} as cur where {match} and cur.dbt_valid_to is null)",
        };
        if (hardDeletes is "invalidate" or "new_record")
        {
            var gone = $"not exists (select 1 from {Q(staged)} as src where {match})";
            if (hardDeletes == "new_record")
            {
                var curColumns = string.Join(", ", columns.Select(c => $"cur.{Q(c)}"));
                var curKey = string.Join(" || '|' || ", keys.Select(k => $"coalesce(cast(cur.{Q(k)} as varchar), '')"));
                statements.Add(
                    $"insert into {target} ({columnList}, dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_is_deleted)\n" +
                    $"select {curColumns}, md5({curKey} || '|deleted|' || cast({now} as varchar)), {now}, {now}, cast(null as timestamp), true\n" +
                    $"from {target} as cur where cur.dbt_valid_to is null and not cur.dbt_is_deleted and {gone}");
                // Close the version that was current before the deletion record was added.
                statements.Add($"update {target} as cur set dbt_valid_to = {now} where cur.dbt_valid_to is null and not cur.dbt_is_deleted and {gone}");
            }
            else
            {
                statements.Add($"update {target} as cur set dbt_valid_to = {now} where cur.dbt_valid_to is null and {gone}");
            }
        }
        statements.Add(dialect.DropTemp(staged));
        return Materializer.Run(connection, compiled, statements);
    }
}
