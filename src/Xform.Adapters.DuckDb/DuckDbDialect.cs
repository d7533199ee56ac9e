using Xform.Core.Adapters;
using Xform.Core.Project;

namespace Xform.Adapters.DuckDb;

/// <summary>DuckDB's differences from the shared dialect.</summary>
/// <param name="projectRoot">what relative file locations are relative to</param>
/// <param name="externalRoot">the profile's <c>external_root</c>: where external models are written without a location</param>
sealed class DuckDbDialect(Func<string, string> quote, string projectRoot = ".", string? externalRoot = null) : SqlDialect(quote, Declared)
{
    /// <summary>Transactional DDL, <c>create or replace table</c> and MERGE (1.4 and later); no <c>swap with</c>.</summary>
    static readonly AdapterCapabilities Declared = new(TransactionalDdl: true, CreateOrReplaceTable: true, SwapWith: false, Merge: true);

    /// <summary>DuckDB has no roles: the grants config is accepted and skipped (as dbt-duckdb skips it).</summary>
    public override bool SupportsGrants => false;

    /// <summary>Another DuckDB file is attached by the run that reads it (--defer), not by the file that would hold a view over it.</summary>
    public override bool AttachesOtherDatabasesPerRun => true;

    /// <summary>
    /// Foreign keys are not written: DuckDB refuses to drop or replace a table another one references, so the parent model
    /// could never be rebuilt. The others are enforced.
    /// </summary>
    /// <summary>Without an alias, as dbt-duckdb (<c>require_alias</c> false): DuckDB needs none, and a model may alias the ref itself.</summary>
    public override string EmptySubquery(string rendered, string identifier) => $"(select * from {rendered} where false limit 0)";

    public override ConstraintSupport SupportOf(string type) => type == "foreign_key" ? ConstraintSupport.NotSupported : ConstraintSupport.Enforced;

    /// <summary>DuckDB answers 1/0 with NULL, so raise with its error() function instead.</summary>
    public override string? UniqueKeyGuard(IncrementalStatementsInput i)
    {
        var keys = string.Join(", ", i.UniqueKey.Select(Quote));
        var names = string.Join(", ", i.UniqueKey);
        return $"select error('the new rows hold a unique_key ({names}) more than once: ' || count(*) || ' rows for one key') from {Quote(i.Staged)} group by {keys} having count(*) > 1";
    }

    /// <summary>
    /// dbt-duckdb's external materialization: <c>COPY (query) TO</c> the file (a folder of hive partitions with
    /// partition_by, replaced whole), then the model is a view reading it. A relative location is the project folder's.
    /// The file is written when the statement runs: a later failure in the same transaction rolls back the view, not the file.
    /// </summary>
    public override IReadOnlyList<string> BuildExternal(RelationName relation, string sql, ExternalSettings settings, RelationKind? existing)
    {
        var root = settings.ExternalRoot ?? externalRoot ?? ".";
        var partitioned = settings.PartitionBy.Count > 0;
        var location = settings.Location ?? $"{root.TrimEnd('/')}/{relation.Identifier}{(partitioned ? "" : "." + settings.Format)}";
        var full = IsRemote(location) ? location : Path.GetFullPath(Path.Combine(projectRoot, location));
        if (!IsRemote(full)) Directory.CreateDirectory(partitioned ? full : Path.GetDirectoryName(full)!);
        var options = new List<string> { $"format {settings.Format}" };
        if (settings.Format == "csv")
        {
            if (!settings.Options.Any(o => o.Key.Equals("header", StringComparison.OrdinalIgnoreCase))) options.Add("header true");
            if (settings.Delimiter is { } d) options.Add($"delimiter {DuckDbSql.Literal(d)}");
        }
        if (partitioned)
        {
            options.Add($"partition_by ({string.Join(", ", settings.PartitionBy.Select(Quote))})");
            if (!settings.Options.Any(o => o.Key.StartsWith("overwrite", StringComparison.OrdinalIgnoreCase))) options.Add("overwrite true");
        }
        foreach (var (key, value) in settings.Options)
            options.Add(key.ToLowerInvariant() is "delimiter" or "quote" or "escape" or "null" && !value.StartsWith('\'') ? $"{key} {DuckDbSql.Literal(value)}" : $"{key} {value}");
        var read = partitioned ? $"{full.TrimEnd('/')}/**/*.{settings.Format}" : full;
        var reader = settings.Format switch
        {
            "csv" => $"read_csv({DuckDbSql.Literal(read)}, auto_detect = true, header = true{(settings.Delimiter is { } delim ? $", delim = {DuckDbSql.Literal(delim)}" : "")}{(partitioned ? ", hive_partitioning = true" : "")})",
            "json" => $"read_json({DuckDbSql.Literal(read)}, auto_detect = true{(partitioned ? ", hive_partitioning = true" : "")})",
            _ => $"read_parquet({DuckDbSql.Literal(read)}{(partitioned ? ", hive_partitioning = true" : "")})",
        };
        var statements = new List<string>();
        if (existing is RelationKind.Table) statements.Add(Drop(relation, RelationKind.Table));
        statements.Add($"copy (\n{sql}\n) to {DuckDbSql.Literal(full)} ({string.Join(", ", options)})");
        statements.Add($"create or replace view {Render(relation)} as (\nselect * from {reader}\n)");
        return statements;
    }

    static bool IsRemote(string location) => location.Contains("://", StringComparison.Ordinal);
}
