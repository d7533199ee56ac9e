using Xform.Core.Selection;
using Xform.Core.Project;
using Xform.Core.Seeds;

namespace Xform.Core.Planning;

/// <summary>
/// What a command will do, decided before anything touches the database: the nodes to run in graph order
/// (tests chosen indirectly included), the relations read from another run (<c>--defer</c>), and which tests
/// a node waits for (<c>build</c>: a failing test skips what is built on its node). Immutable; executed
/// by <c>Execution.ProjectRunner</c>.
/// </summary>
public sealed record ExecutionPlan(
    string Command,
    IReadOnlyList<Node> Nodes,
    IReadOnlyDictionary<string, RelationName> Deferred,
    IReadOnlyDictionary<string, IReadOnlyList<string>> TestGates)
{
    public IReadOnlyList<string> Ids => Nodes.Select(n => n.UniqueId).ToList();

    /// <summary>The tests <paramref name="id"/> waits for (none outside <c>build</c>).</summary>
    public IEnumerable<string> GatesOf(string id) => TestGates.TryGetValue(id, out var tests) ? tests : [];

    public bool IsEmpty => Nodes.Count == 0;

    /// <summary>What <see cref="SeedPreflight"/> read of each seed file, by seed id; a seed missing here is read when it loads.</summary>
    public IReadOnlyDictionary<string, SeedSchema> SeedSchemas { get; init; } = new Dictionary<string, SeedSchema>();

    /// <summary>Views added to rebuild because a seed they read is reloaded (<see cref="SeedDependents"/>): run only if they exist.</summary>
    public IReadOnlySet<string> Dependents { get; init; } = new HashSet<string>();
}

/// <summary>What the user asked for: the command's resource types and selection, and how to defer.</summary>
public sealed record PlanRequest(
    string Command,
    IReadOnlyList<ResourceType> Types,
    IReadOnlyList<string> Select,
    IReadOnlyList<string> Exclude,
    DeferRequest? Defer = null,
    IReadOnlyList<string>? Only = null)
{
    /// <summary>Where warnings go: a selector term that matches no node.</summary>
    public Action<Diagnostics.Warning>? Warn { get; init; }

    /// <summary>A selectors.yml selection (--selector, or the default one), used instead of Select and Exclude.</summary>
    public SelectionSpec? Spec { get; init; }
}

/// <summary>
/// <c>--defer</c>: where the <c>--state</c> run built each node, and (read through the adapter) which relations
/// this target has; with <c>--favor-state</c> the state's relation is used even where this target has its own.
/// </summary>
public sealed record DeferRequest(
    Func<string, RelationName?> StateRelationOf,
    Func<IReadOnlySet<(string Schema, string Name)>> ExistingRelations,
    bool FavorState)
{
    /// <summary>
    /// Makes the deferred relations the selected nodes read (by node id) readable and checks that they exist, before anything
    /// runs; a user error when one cannot be read. Null: not checked (compile).
    /// </summary>
    public Action<IReadOnlyDictionary<string, RelationName>>? CheckRead { get; init; }
}
