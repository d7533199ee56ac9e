using Xform.Core.Diagnostics;
using Xform.Core.Templating;

namespace Xform.Core.Project;

/// <remarks><see cref="Operation"/>: an on-run-start / on-run-end hook, only ever a result of a run (dbt's operation nodes).</remarks>
public enum ResourceType { Model, Seed, Source, Test, Snapshot, Operation, UnitTest, Analysis }

/// <summary>Where a relation lives. Rendered quoted, two-part unless a database was configured.</summary>
public sealed record RelationName(string? Database, string Schema, string Identifier)
{
    public string Render(Func<string, string> quote) =>
        Database is { Length: > 0 } db ? $"{quote(db)}.{quote(Schema)}.{quote(Identifier)}" : $"{quote(Schema)}.{quote(Identifier)}";

    public override string ToString() => Database is { Length: > 0 } db ? $"{db}.{Schema}.{Identifier}" : $"{Schema}.{Identifier}";
}

/// <summary>A ref() or source() call found when parsing a node, with its position.</summary>
public sealed record Reference(string Name, string? Package, SourceLocation Location, string? SourceName = null, string? Version = null)
{
    public bool IsSource => SourceName is not null;
    public override string ToString() => IsSource ? $"source('{SourceName}', '{Name}')"
        : Version is null ? $"ref('{Name}')" : $"ref('{Name}', v={Version})";
}

public sealed record ColumnInfo(string Name, string Description, string? DataType, IReadOnlyList<object?> Tests,
    IReadOnlyDictionary<string, object?> Meta, SourceLocation Location)
{
    /// <summary>The column's <c>constraints:</c> (built into a model with an enforced contract).</summary>
    public IReadOnlyList<ColumnConstraint> Constraints { get; init; } = [];
}

/// <summary>
/// A generic data test's call (dbt's test_metadata): the test's short name (<c>accepted_values</c>), the macro it calls
/// (<c>test_accepted_values</c>, <c>dbt_utils.test_x</c>), its arguments but column_name, its column and its namespace. One
/// small record per test rather than a dictionary: a project of 50,000 models has 100,000 of them.
/// </summary>
public sealed record TestMetadata(string Name, string Macro, IReadOnlyDictionary<string, object?> Kwargs, string? ColumnName, string? Namespace)
{
    /// <summary>The arguments of a test that takes none (or only its column): one shared, empty and read-only.</summary>
    public static IReadOnlyDictionary<string, object?> NoKwargs => System.Collections.ObjectModel.ReadOnlyDictionary<string, object?>.Empty;
}

/// <summary>Freshness thresholds of a source table (issue-level detail lives in DataTests).</summary>
public sealed record SourceTableInfo(string SourceName, string TableName, string? LoadedAtField,
    IReadOnlyDictionary<string, object?>? Freshness, string? ExternalLocation);

/// <summary>
/// A node of the project graph: model, seed, source, data test or snapshot. Immutable but for its parents, which the graph
/// fills in place once (<see cref="Resolve"/>); a later stage that learns more (e.g. compiled SQL) makes a new value.
/// </summary>
public sealed record Node
{
    public required string UniqueId { get; init; }
    public required ResourceType ResourceType { get; init; }
    public required string Name { get; init; }
    public required string PackageName { get; init; }
    /// <summary>Project-relative path with forward slashes, e.g. <c>models/staging/stg_x.sql</c>.</summary>
    public required string OriginalFilePath { get; init; }
    /// <summary>Path inside its resource folder, e.g. <c>staging/stg_x.sql</c>.</summary>
    public required string Path { get; init; }
    public required IReadOnlyList<string> Fqn { get; init; }
    public required NodeConfig Config { get; init; }
    public required RelationName Relation { get; init; }
    public string RawCode { get; init; } = "";
    public string Description { get; init; } = "";
    public IReadOnlyList<ColumnInfo> Columns { get; init; } = [];
    /// <summary>A model's own <c>constraints:</c>, over one or more of its columns.</summary>
    public IReadOnlyList<ColumnConstraint> Constraints { get; init; } = [];
    public IReadOnlyList<Reference> Refs { get; init; } = [];
    public IReadOnlyList<Reference> SourceRefs { get; init; } = [];
    public IReadOnlyList<string> MacroCalls { get; init; } = [];
    /// <summary>Unique ids of the nodes this one reads, filled when the graph is built (<see cref="Resolve"/>).</summary>
    public IReadOnlyList<string> DependsOn { get => _dependsOn; init => _dependsOn = value; }

    IReadOnlyList<string> _dependsOn = [];

    /// <summary>
    /// Fills <see cref="DependsOn"/> in place, the one change made to a node once it is made: the graph resolves what the parse
    /// found, before any later stage reads the field. A copy of every node for it was 32 MB of the peak at 50,000 models.
    /// </summary>
    internal void Resolve(IReadOnlyList<string> dependsOn) => _dependsOn = dependsOn;
    public SourceTableInfo? Source { get; init; }
    public SourceLocation Location { get; init; }
    /// <summary>Set for data tests: the node the test is attached to.</summary>
    public string? AttachedNode { get; init; }
    /// <summary>Set for generic data tests: the test macro called and its arguments.</summary>
    public TestMetadata? TestMetadata { get; init; }
    /// <summary>A versioned model's version (<c>v</c> in its YAML's <c>versions:</c>), as text; null when unversioned.</summary>
    public string? Version { get; init; }
    /// <summary>The latest version of a versioned model (what an unversioned ref() reads).</summary>
    public string? LatestVersion { get; init; }
    /// <summary>A model's <c>deprecation_date</c>, as its YAML wrote it.</summary>
    public string? DeprecationDate { get; init; }

    /// <summary>The name ls and selectors show: <c>m.v2</c> for a version, else the name.</summary>
    public string VersionedName => Version is null ? Name : $"{Name}.v{Version}";

    /// <summary>dbt's access of a model: private, protected (the default) or public.</summary>
    public string Access => Config.GetString("access") is { Length: > 0 } a ? a : "protected";

    /// <summary>The group a node belongs to (the <c>group</c> config), or null.</summary>
    public string? Group => Config.GetString("group") is { Length: > 0 } g ? g : null;

    /// <summary>Set for unit tests: the model tested, its inputs, expectation and overrides.</summary>
    public UnitTestSpec? UnitTest { get; init; }

    public string Materialized => ResourceType switch
    {
        ResourceType.Model => Config.Materialized,
        ResourceType.Seed => "seed",
        ResourceType.Test => "test",
        ResourceType.Snapshot => "snapshot",
        ResourceType.UnitTest => "unit_test",
        ResourceType.Analysis => "view",
        _ => "source",
    };

    public bool IsExecutable => ResourceType is not (ResourceType.Source or ResourceType.Analysis) && Materialized != "ephemeral";

    /// <summary>dbt's name of the resource type (<c>unit_test</c>, <c>model</c>, ...).</summary>
    public string TypeName => TypeNameOf(ResourceType);

    /// <summary>dbt's name of a resource type: one constant string each (Enum.ToString boxes and builds a new one every call).</summary>
    public static string TypeNameOf(ResourceType type) => type switch
    {
        ResourceType.Model => "model",
        ResourceType.Seed => "seed",
        ResourceType.Source => "source",
        ResourceType.Test => "test",
        ResourceType.Snapshot => "snapshot",
        ResourceType.Operation => "operation",
        ResourceType.UnitTest => "unit_test",
        ResourceType.Analysis => "analysis",
        _ => type.ToString().ToLowerInvariant(),
    };

    public override string ToString() => UniqueId;
}

/// <summary>The parsed project: every node, macro and docs block, and the warnings met on the way.</summary>
public sealed record Manifest(
    ProjectConfig Project,
    IReadOnlyDictionary<string, Node> Nodes,
    IReadOnlyDictionary<string, Templating.MacroInfo> Macros,
    IReadOnlyDictionary<string, Templating.DocsBlock> Docs,
    IReadOnlyList<Warning> Warnings)
{
    public IEnumerable<Node> Of(ResourceType type) => Nodes.Values.Where(n => n.ResourceType == type);

    /// <summary>The models, seeds, snapshots and sources turned off with <c>enabled: false</c> (not nodes of the graph).</summary>
    public IReadOnlyList<Node> Disabled { get; init; } = [];

    /// <summary>Groups, exposures, semantic models, metrics and saved queries: declared in YAML, not built.</summary>
    public IReadOnlyList<ProjectObject> Objects { get; init; } = [];

    public IEnumerable<ProjectObject> ObjectsOf(string kind) => Objects.Where(o => o.Kind == kind);
}
