namespace Xform.Core.Docs;

/// <summary>A column of an upstream node: <c>model.retail.stg_x</c> + <c>invoice_no</c>.</summary>
public sealed record ColumnRef(string NodeId, string Column) : IComparable<ColumnRef>
{
    public int CompareTo(ColumnRef? other) => other is null ? 1
        : string.CompareOrdinal(NodeId, other.NodeId) is var c and not 0 ? c : string.CompareOrdinal(Column, other.Column);
}

/// <summary>
/// Where one output column of a node comes from. <see cref="Sources"/> are the upstream columns its value is computed
/// from; <see cref="Direct"/> when it is a plain copy of exactly one (possibly renamed); <see cref="Unknown"/> lists
/// the parts that could not be resolved (never guessed). A column with unknown parts may still list the sources
/// that were resolved.
/// </summary>
public sealed record ColumnLineage(string Column, IReadOnlyList<ColumnRef> Sources, bool Direct, IReadOnlyList<string> Unknown)
{
    public bool IsComplete => Unknown.Count == 0;
}

/// <summary>The column lineage of one node; <see cref="Error"/> when its SQL could not be read at all.</summary>
public sealed record NodeLineage(string NodeId, IReadOnlyList<ColumnLineage> Columns, string? Error)
{
    public ColumnLineage? Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Column, name, StringComparison.OrdinalIgnoreCase));
}
