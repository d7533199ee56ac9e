using Xform.Core.Adapters;

namespace Xform.Core.Execution.Incremental;

/// <summary><c>append</c>: the new rows are inserted; nothing is updated or deleted.</summary>
public sealed class Append : IncrementalStrategy
{
    public override IReadOnlyList<string> Apply(SqlDialect dialect, IncrementalStatementsInput input) => [dialect.Insert(input)];
}
