using Xform.Core.Diagnostics;

namespace Xform.Core.Project;

/// <summary>
/// A constraint of a column or (with <see cref="Columns"/>) of a model, as dbt declares it: <c>not_null</c>, <c>unique</c>,
/// <c>primary_key</c>, <c>check</c> (<see cref="Expression"/>), <c>foreign_key</c> (<see cref="To"/> and <see cref="ToColumns"/>,
/// or the older <see cref="Expression"/> such as <c>other (id)</c>) and <c>custom</c> (<see cref="Expression"/> as written).
/// </summary>
public sealed record ColumnConstraint(string Type, string? Expression, string? Name, string? To, IReadOnlyList<string> ToColumns,
    IReadOnlyList<string> Columns, bool WarnUnenforced, bool WarnUnsupported, SourceLocation Location)
{
    public static readonly IReadOnlyList<string> Types = ["not_null", "unique", "primary_key", "foreign_key", "check", "custom"];

    /// <summary>How dbt prints a constraint in its contract checksum and messages.</summary>
    public override string ToString() => Expression is { } e ? $"{Type}({e})" : To is { } t ? $"{Type}({t} ({string.Join(", ", ToColumns)}))" : Type;
}

/// <summary>A model's <c>contract</c> config: <c>{enforced: true, alias_types: true}</c>.</summary>
public sealed record ModelContract(bool Enforced, bool AliasTypes)
{
    public static readonly ModelContract None = new(false, true);

    /// <summary>
    /// The contract of a model, checked as dbt checks it at parse time: a mapping; when enforced, not ephemeral, and every
    /// declared column with a <c>data_type</c> (and at least one column).
    /// </summary>
    public static ModelContract Of(Node node)
    {
        if (node.ResourceType != ResourceType.Model || !node.Config.TryGetValue("contract", out var value) || value is null) return None;
        if (value is not IReadOnlyDictionary<string, object?> map)
            throw BuildSettings.Error(node, "contract", $"contract of model '{node.Name}' must be a mapping such as {{enforced: true}}");
        foreach (var key in map.Keys.Where(k => k is not ("enforced" or "alias_types")))
            throw BuildSettings.Error(node, "contract", $"contract of model '{node.Name}' has unknown key '{key}'; it takes enforced and alias_types");
        bool Flag(string key, bool fallback) => !map.TryGetValue(key, out var v) || v is null ? fallback
            : NodeConfig.AsBool(v) ?? throw BuildSettings.Error(node, "contract", $"contract.{key} of model '{node.Name}' must be true or false, not '{v}'");
        var contract = new ModelContract(Flag("enforced", false), Flag("alias_types", true));
        if (!contract.Enforced) return contract;
        if (node.Materialized == "ephemeral")
            throw BuildSettings.Error(node, "contract", $"model '{node.Name}' is ephemeral, which cannot have an enforced contract (it is never built)");
        if (node.Columns.Count == 0)
            throw BuildSettings.Error(node, "contract",
                $"model '{node.Name}' has an enforced contract but declares no columns; list its columns with their data_type in a properties file");
        var untyped = node.Columns.Where(c => string.IsNullOrWhiteSpace(c.DataType)).ToList();
        if (untyped.Count > 0)
            throw new XformException($"model '{node.Name}' has an enforced contract, which needs a data_type for every column; " +
                                     $"missing for: {string.Join(", ", untyped.Select(c => c.Name))}", untyped[0].Location);
        return contract;
    }

    /// <summary>
    /// dbt's contract checksum: sha256 of the columns sorted by name, each with its data_type and constraints, and for
    /// tables and incremental models the materialization and the model's constraints. null without an enforced contract.
    /// </summary>
    public static string? Checksum(Node node)
    {
        if (!Of(node).Enforced) return null;
        var state = new System.Text.StringBuilder();
        foreach (var c in node.Columns.OrderBy(c => c.Name, StringComparer.Ordinal))
            state.Append('|').Append(c.Name).Append(c.DataType).Append('[').AppendJoin(", ", c.Constraints).Append(']');
        if (node.Materialized is "table" or "incremental")
            state.Append(node.Materialized).Append('[').AppendJoin(", ", node.Constraints).Append(']');
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(state.ToString())));
    }
}
