using Xform.Core.Adapters;

namespace Xform.Adapters.DuckDb;

/// <summary>DuckDB's differences from the shared dialect.</summary>
sealed class DuckDbDialect(Func<string, string> quote) : SqlDialect(quote, Declared)
{
    /// <summary>Transactional DDL, <c>create or replace table</c> and MERGE (1.4 and later); no <c>swap with</c>.</summary>
    static readonly AdapterCapabilities Declared = new(TransactionalDdl: true, CreateOrReplaceTable: true, SwapWith: false, Merge: true);

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
}
