using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Parsing;

/// <summary>
/// A ref() or source() that names a disabled model, seed, snapshot or source, handled as dbt handles it: a model or
/// snapshot that reads one is an error naming both (building it would read whatever table an earlier run left
/// behind), and a data test that reads one is disabled with it (dbt drops it quietly; xform says so in a warning).
/// A test attached to a disabled node is never made (<see cref="DataTestParser"/> reads only enabled nodes).
/// </summary>
internal static class DisabledReferences
{
    /// <summary>Removes the tests that read a disabled node; returns an error for every other node that reads one.</summary>
    public static IReadOnlyList<XformException> Resolve(ParsedNodes parsed, string root, List<Warning> warnings)
    {
        if (parsed.Disabled.Count == 0) return [];
        var enabled = new NodeLookup(root, parsed.Nodes.Values);
        var disabled = new NodeLookup(root, parsed.Disabled);
        var errors = new List<XformException>();
        var dropped = new List<string>();
        foreach (var node in parsed.Nodes.Values)
        {
            foreach (var (what, at) in DisabledReads(node, enabled, disabled))
            {
                var message = $"{Title(node)} '{node.UniqueId}' ({node.OriginalFilePath}) depends on {what} which is disabled";
                if (node.ResourceType == ResourceType.Test)
                {
                    warnings.Add(new Warning(message + "; the test is disabled too", at));
                    dropped.Add(node.UniqueId);
                    break;
                }
                errors.Add(new XformException(message + $"; enable it, or disable {node.Name} too", at));
            }
        }
        foreach (var id in dropped) parsed.Nodes.Remove(id);
        return errors;
    }

    /// <summary>What the node reads that only a disabled node has, in dbt's words (<c>a node named 'x'</c>), with the call's place.</summary>
    static IEnumerable<(string What, SourceLocation At)> DisabledReads(Node node, NodeLookup enabled, NodeLookup disabled)
    {
        foreach (var r in node.Refs)
            if (enabled.Ref(r.Name, r.Package, node.PackageName, r.Version) is null && disabled.Ref(r.Name, r.Package, node.PackageName, r.Version) is not null)
                yield return ($"a node named '{r.Name}'{(r.Package is { } p ? $" in package '{p}'" : "")}", r.Location);
        foreach (var s in node.SourceRefs)
            if (enabled.Source(s.SourceName!, s.Name, node.PackageName) is null && disabled.Source(s.SourceName!, s.Name, node.PackageName) is not null)
                yield return ($"a source named '{s.SourceName}.{s.Name}'", s.Location);
    }

    static string Title(Node node) => node.ResourceType.ToString();
}
