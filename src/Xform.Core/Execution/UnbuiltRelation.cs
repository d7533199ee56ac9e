using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>
/// Turns the engine's "relation does not exist" into what the user must do when that relation is a seed, model or
/// snapshot of the project that this target has not built yet (a fresh clone's <c>xform run</c> before <c>xform seed</c>):
/// the node, its file and the command that builds it, instead of the engine's guess ("Did you mean ...").
/// </summary>
static class UnbuiltRelation
{
    /// <param name="missing">the name the engine reported, maybe schema-qualified and quoted</param>
    /// <param name="failing">the node whose SQL failed</param>
    /// <param name="exists">whether this target has the node's relation now</param>
    /// <param name="deferred">nodes read from the --state run's relations, not this target's</param>
    /// <returns>the message, or null when the name is no unbuilt node of the project</returns>
    public static string? Explain(string missing, Node failing, DependencyGraph graph, Func<Node, bool> exists,
        IReadOnlyDictionary<string, RelationName> deferred, string target)
    {
        var parts = missing.Split('.').Select(p => p.Trim('"', '`', '\'')).ToArray();
        var identifier = parts[^1];
        var schema = parts.Length > 1 ? parts[^2] : null;
        bool Matches(Node n) =>
            n.ResourceType is ResourceType.Seed or ResourceType.Model or ResourceType.Snapshot && n.Materialized != "ephemeral"
            && !deferred.ContainsKey(n.UniqueId)
            && string.Equals(n.Relation.Identifier, identifier, StringComparison.OrdinalIgnoreCase)
            && (schema is null || string.Equals(n.Relation.Schema, schema, StringComparison.OrdinalIgnoreCase))
            && n.UniqueId != failing.UniqueId && !exists(n);
        // what the failing node reads first; then any node of the project (a macro may name a relation itself)
        var unbuilt = graph.Ancestors(failing.UniqueId).Select(id => graph.Manifest.Nodes[id]).Where(Matches).OrderBy(n => graph.OrderIndex[n.UniqueId]).FirstOrDefault()
            ?? graph.Manifest.Nodes.Values.Where(Matches).OrderBy(n => graph.OrderIndex[n.UniqueId]).FirstOrDefault();
        if (unbuilt is null) return null;
        var (what, command) = unbuilt.ResourceType switch
        {
            ResourceType.Seed => ("is not loaded", "`xform seed`"),
            ResourceType.Snapshot => ("has not been taken", "`xform snapshot`"),
            _ => ("has not been built", $"`xform run -s {unbuilt.Name}`"),
        };
        return $"{failing.OriginalFilePath}: reads {unbuilt.TypeName} '{unbuilt.Name}' ({unbuilt.OriginalFilePath}), which {what} in target " +
               $"'{target}' (the database has no {unbuilt.Relation}). Run {command} first, or `xform build`, which loads seeds, builds " +
               "models and snapshots and runs tests in dependency order.";
    }
}
