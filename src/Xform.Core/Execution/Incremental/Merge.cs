using Xform.Core.Adapters;

namespace Xform.Core.Execution.Incremental;

/// <summary>
/// <c>merge</c>: rows matching a unique_key update the old ones (<c>merge_update_columns</c> /
/// <c>merge_exclude_columns</c>), the others are inserted. Without a unique_key it appends, as dbt does (the configs refuse merge without one, so
/// only a caller that builds its own input gets there).
/// </summary>
public sealed class Merge : IncrementalStrategy
{
    public override IReadOnlyList<string> Apply(SqlDialect dialect, IncrementalStatementsInput input) =>
        input.UniqueKey.Count == 0 ? [dialect.Insert(input)] : dialect.Merge(input);

    public override bool ChecksUniqueKey(IncrementalStatementsInput input) => input.UniqueKey.Count > 0;
}
