using Xform.Core.Diagnostics;

namespace Xform.Core.Project;

/// <summary>
/// A project object declared in YAML that is not built: a group, an exposure, a semantic model, a metric or a saved
/// query. xform loads and checks them, writes them to the manifest, shows them in the docs and lets selectors pick
/// them; it does not answer MetricFlow queries.
/// </summary>
public sealed record ProjectObject(string Kind, string Name, string PackageName, string OriginalFilePath, SourceLocation Location,
    IReadOnlyDictionary<string, object?> Properties)
{
    /// <summary>The kinds, as dbt names their resource types and the manifest sections they go to.</summary>
    public static readonly IReadOnlyList<(string Kind, string YamlKey, string Section)> Kinds =
    [
        ("group", "groups", "groups"), ("exposure", "exposures", "exposures"), ("semantic_model", "semantic_models", "semantic_models"),
        ("metric", "metrics", "metrics"), ("saved_query", "saved_queries", "saved_queries"),
    ];

    public string UniqueId => $"{Kind}.{PackageName}.{Name}";

    /// <summary>The ref() and source() calls it names (an exposure's depends_on, a semantic model's model).</summary>
    public IReadOnlyList<Reference> Refs { get; init; } = [];

    /// <summary>The other objects it names: (kind, name, where), such as a metric's measure or a saved query's metrics.</summary>
    public IReadOnlyList<(string Kind, string Name, SourceLocation Location)> Needs { get; init; } = [];

    /// <summary>Unique ids of the nodes and objects it depends on, filled once everything is parsed.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public string Description => Properties.GetValueOrDefault("description") as string ?? "";

    public string? Text(string key) => Properties.GetValueOrDefault(key) is { } v ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;
}
