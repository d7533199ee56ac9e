using Xform.Core.Adapters;

namespace Xform.Core.Execution.Incremental;

/// <summary><c>insert_overwrite</c>: every partition (value of <c>partition_by</c>) present in the new rows is replaced whole.</summary>
public sealed class InsertOverwrite : IncrementalStrategy
{
    public override IReadOnlyList<string> Apply(SqlDialect dialect, IncrementalStatementsInput input) => dialect.InsertOverwrite(input);
}
