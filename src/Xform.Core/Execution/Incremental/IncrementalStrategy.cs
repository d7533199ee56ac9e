using Xform.Core.Adapters;

namespace Xform.Core.Execution.Incremental;

/// <summary>
/// How the new rows of an incremental model reach its table: one class per dbt strategy, each choosing the
/// statements; the adapter's <see cref="SqlDialect"/> writes them in its engine's SQL. The rows are staged in
/// a temporary table first, and everything runs in one transaction (see <see cref="Materializer"/>).
/// </summary>
public abstract class IncrementalStrategy
{
    /// <summary>The strategy of a checked <c>incremental_strategy</c> (microbatch has its own flow: <see cref="Microbatch"/>).</summary>
    public static IncrementalStrategy For(string name) => name switch
    {
        "append" => new Append(),
        "merge" => new Merge(),
        "delete+insert" => new DeleteInsert(),
        "insert_overwrite" => new InsertOverwrite(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "checked at parse time"),
    };

    /// <summary>The statements that apply the staged rows to the table.</summary>
    public abstract IReadOnlyList<string> Apply(SqlDialect dialect, IncrementalStatementsInput input);

    /// <summary>Whether new rows repeating a unique_key must fail the build (instead of duplicating or picking one).</summary>
    public virtual bool ChecksUniqueKey(IncrementalStatementsInput input) => false;
}
