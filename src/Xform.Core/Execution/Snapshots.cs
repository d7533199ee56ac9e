using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>
/// Type-2 slowly changing dimensions, dbt's way: each run compares the source rows with the current versions and
/// closes changed ones and inserts new versions, in one transaction. Strategies: timestamp (updated_at) and check
/// (check_cols); hard deletes: ignore, invalidate, new_record. The metadata columns take the names of
/// <c>snapshot_meta_column_names</c>; a current version's valid_to is null, or <c>dbt_valid_to_current</c>, and a
/// row is current when its valid_to is that value or null (rows written before it was set stay null, as in dbt).
/// Source columns the table lacks are added first (older versions hold null); columns gone from the source stay,
/// null in new versions.
/// </summary>
public sealed class SnapshotBuilder(SqlDialect dialect)
{
    public string Build(IAdapterConnection connection, CompiledNode compiled, RelationKind? existing, DateTime nowUtc)
    {
        var node = compiled.Node;
        var settings = SnapshotSettings.Of(node);
        var (keys, hardDeletes, meta) = (settings.UniqueKey, settings.HardDeletes, settings.Columns);
        string Q(string c) => dialect.Quote(c);
        var (scdId, updatedAtColumn, validFrom, validTo, isDeleted) = (Q(meta.ScdId), Q(meta.UpdatedAt), Q(meta.ValidFrom), Q(meta.ValidTo), Q(meta.IsDeleted));
        var now = dialect.TimestampLiteral(nowUtc);
        var sql = compiled.Sql.TrimEnd().TrimEnd(';');
        var currentValue = settings.ValidToCurrent ?? "cast(null as timestamp)";
        string IsCurrent(string alias) => settings.ValidToCurrent is { } v
            ? $"({alias}.{validTo} = {v} or {alias}.{validTo} is null)"
            : $"{alias}.{validTo} is null";

        // The version's time: updated_at for timestamp, the run's time for check.
        var versionTime = settings.UpdatedAt is { } updatedAt ? $"src.{Q(updatedAt)}" : now;
        var keyExpr = string.Join(" || '|' || ", keys.Select(k => $"coalesce(cast(src.{Q(k)} as varchar), '')"));
        string ScdId(string time) => $"md5({keyExpr} || '|' || coalesce(cast({time} as varchar), ''))";
        var target = dialect.Render(node.Relation);

        if (existing is null)
        {
            // dbt types valid_to like the version time (coalesce with a null of that type) when it has a current value.
            var firstValidTo = settings.ValidToCurrent is { } v ? $"coalesce(nullif({versionTime}, {versionTime}), {v})" : currentValue;
            var deletedColumn = hardDeletes == "new_record" ? $", cast(false as boolean) as {isDeleted}" : "";
            var first = $"select src.*, {ScdId(versionTime)} as {scdId}, {versionTime} as {updatedAtColumn}, {versionTime} as {validFrom}, " +
                        $"{firstValidTo} as {validTo}{deletedColumn} from (\n{sql}\n) as src";
            return Materializer.Run(connection, compiled, dialect.BuildTable(node.Relation, first, null));
        }

        var sourceColumns = connection.DescribeQuery(sql);
        var tableColumns = connection.GetColumns(node.Relation).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var added = sourceColumns.Where(c => !tableColumns.Contains(c.Name)).ToList();
        var columns = sourceColumns.Select(c => c.Name).ToList();

        string changed;
        if (settings.UpdatedAt is { } updated)
            changed = $"src.{Q(updated)} > cur.{updatedAtColumn}";
        else
        {
            var checkCols = settings.CheckCols is ["all"]
                ? columns.Where(c => !keys.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList()
                : settings.CheckCols;
            // dbt's check strategy: a checked column the table does not have yet changes every row (it has no old value to compare).
            changed = checkCols.Any(c => !tableColumns.Contains(c))
                ? "true"
                : string.Join(" or ", checkCols.Select(c => $"src.{Q(c)} is distinct from cur.{Q(c)}"));
        }
        // A key that comes back after being recorded as deleted starts a new version whatever its values.
        if (hardDeletes == "new_record") changed = $"({changed}) or cur.{isDeleted}";

        var staged = node.Relation.Identifier + "__xform_snap";
        var match = string.Join(" and ", keys.Select(k => $"src.{Q(k)} = cur.{Q(k)}"));
        var columnList = string.Join(", ", columns.Select(Q));
        var srcColumns = string.Join(", ", columns.Select(c => $"src.{Q(c)}"));
        var deletedValue = hardDeletes == "new_record" ? ", false" : "";
        var deletedInsert = hardDeletes == "new_record" ? $", {isDeleted}" : "";
        var statements = new List<string> { dialect.DropTemp(staged), dialect.CreateTempTableAs(staged, sql) };
        // New source columns first (dbt's create_columns): older versions hold null in them.
        statements.AddRange(added.Select(c => dialect.AddColumn(node.Relation, c)));
        statements.AddRange(
        [
            // Close the current version of every changed row...
            $"update {target} as cur set {validTo} = {versionTime}\nfrom {Q(staged)} as src\nwhere {match} and {IsCurrent("cur")} and ({changed})",
            // ...and insert a new version for it, and for every new key.
            $"insert into {target} ({columnList}, {scdId}, {updatedAtColumn}, {validFrom}, {validTo}{deletedInsert})\n" +
            $"select {srcColumns}, {ScdId(versionTime)}, {versionTime}, {versionTime}, {currentValue}{deletedValue}\nfrom {Q(staged)} as src\n" +
            $"where not exists (select 1 from {target} as cur where {match} and {IsCurrent("cur")})",
        ]);
        if (hardDeletes is "invalidate" or "new_record")
        {
            var gone = $"not exists (select 1 from {Q(staged)} as src where {match})";
            if (hardDeletes == "new_record")
            {
                var curColumns = string.Join(", ", columns.Select(c => $"cur.{Q(c)}"));
                var curKey = string.Join(" || '|' || ", keys.Select(k => $"coalesce(cast(cur.{Q(k)} as varchar), '')"));
                statements.Add(
                    $"insert into {target} ({columnList}, {scdId}, {updatedAtColumn}, {validFrom}, {validTo}, {isDeleted})\n" +
                    $"select {curColumns}, md5({curKey} || '|deleted|' || cast({now} as varchar)), {now}, {now}, {currentValue}, true\n" +
                    $"from {target} as cur where {IsCurrent("cur")} and not cur.{isDeleted} and {gone}");
                // Close the version that was current before the deletion record was added.
                statements.Add($"update {target} as cur set {validTo} = {now} where {IsCurrent("cur")} and not cur.{isDeleted} and {gone}");
            }
            else
            {
                statements.Add($"update {target} as cur set {validTo} = {now} where {IsCurrent("cur")} and {gone}");
            }
        }
        statements.Add(dialect.DropTemp(staged));
        return Materializer.Run(connection, compiled, statements);
    }
}
