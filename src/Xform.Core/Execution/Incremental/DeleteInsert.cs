using Xform.Core.Adapters;

namespace Xform.Core.Execution.Incremental;

/// <summary><c>delete+insert</c>: old rows whose unique_key is among the new rows are deleted, then the new rows inserted.</summary>
public sealed class DeleteInsert : IncrementalStrategy
{
    public override IReadOnlyList<string> Apply(SqlDialect dialect, IncrementalStatementsInput input) => dialect.DeleteInsert(input);

    public override bool ChecksUniqueKey(IncrementalStatementsInput input) => input.UniqueKey.Count > 0;
}
