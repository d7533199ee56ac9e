using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Parsing;

/// <summary>
/// dbt's model governance, checked once every package is parsed: groups a node names must be declared, a private
/// model may be read only from its own group, a reference to a model past its deprecation_date is warned about; and the
/// YAML objects (exposures, semantic models, metrics, saved queries) have what they name resolved to unique ids.
/// </summary>
internal static class ModelGovernance
{
    /// <summary>The objects with their dependencies filled; mistakes are added to <paramref name="errors"/>.</summary>
    public static IReadOnlyList<ProjectObject> Check(string root, IReadOnlyDictionary<string, Node> nodes, IReadOnlyList<ProjectObject> objects,
        List<XformException> errors, List<Warning> warnings, DateTime today)
    {
        var seen = new Dictionary<string, ProjectObject>(StringComparer.Ordinal);
        foreach (var o in objects)
            if (!seen.TryAdd(o.UniqueId, o))
                errors.Add(new XformException($"{o.Kind.Replace('_', ' ')} '{o.Name}' is declared twice (first at {seen[o.UniqueId].Location})", o.Location));
        var groups = objects.Where(o => o.Kind == "group").Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var lookup = new NodeLookup(root, nodes.Values);

        // Found in any order, told in the nodes' order (sorting 30,000 ids for the usual nothing cost more than the checks).
        var found = new List<(string Node, XformException? Error, Warning? Warning)>();
        foreach (var node in nodes.Values)
        {
            if (node.Group is { } g && !groups.Contains(g))
                found.Add((node.UniqueId, new XformException($"{node.UniqueId} belongs to group '{g}', which no groups: entry declares." +
                    (groups.Count == 0 ? " Declare it in a properties file: groups: [{name: " + g + ", owner: {name: ...}}]" : Suggestions.DidYouMean(g, groups)),
                    node.Config.OriginOf("group") ?? node.Location), null));
            if (node.ResourceType == ResourceType.Model && node.Access == "private" && node.Group is null)
                found.Add((node.UniqueId, new XformException($"{node.UniqueId} is private but belongs to no group; set its group config (a private model is visible only inside its group)",
                    node.Config.OriginOf("access") ?? node.Location), null));
            if (node.ResourceType == ResourceType.Model && Past(node.DeprecationDate, today))
                found.Add((node.UniqueId, null, new Warning($"Model {node.VersionedName} has passed its deprecation date of {node.DeprecationDate}. This model should be disabled or removed.", node.Location)));
            // A test reads the model it tests whatever its access.
            if (node.ResourceType == ResourceType.Test) continue;
            foreach (var r in node.Refs)
            {
                if (lookup.Ref(r.Name, r.Package, node.PackageName, r.Version) is not { } target) continue; // the graph reports it
                if (target.Access == "private" && target.Group != node.Group)
                    found.Add((node.UniqueId, new XformException(
                        $"Node {node.UniqueId} attempted to reference node {target.UniqueId}, which is not allowed because the referenced node is private to the '{target.Group}' group.",
                        r.Location), null));
                if (Past(target.DeprecationDate, today))
                    found.Add((node.UniqueId, null, new Warning(DeprecatedReference(node, target), r.Location)));
            }
        }
        foreach (var (_, error, warning) in found.OrderBy(f => f.Node, StringComparer.Ordinal))
            if (error is not null) errors.Add(error);
            else warnings.Add(warning!);
        return objects.Select(o => Resolve(o, lookup, objects, errors)).ToList();
    }

    /// <summary>dbt's DeprecatedReference warning, with the migration hint when a newer version exists.</summary>
    static string DeprecatedReference(Node from, Node target)
    {
        var message = $"While compiling '{from.Name}': Found a reference to {target.PackageName}.{target.VersionedName}, which was deprecated on '{target.DeprecationDate}'.";
        if (target.Version is not null && target.Version != target.LatestVersion)
            message += $" A new version of '{target.Name}' is available. Migrate now: {{{{ ref('{target.PackageName}', '{target.Name}', v='{target.LatestVersion}') }}}}";
        return message;
    }

    static bool Past(string? date, DateTime today) =>
        date is not null && DateTime.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) && d < today;

    static ProjectObject Resolve(ProjectObject o, NodeLookup lookup, IReadOnlyList<ProjectObject> all, List<XformException> errors)
    {
        var what = $"{o.Kind.Replace('_', ' ')} '{o.Name}'";
        var deps = new List<string>();
        foreach (var r in o.Refs)
        {
            var target = r.IsSource ? lookup.Source(r.SourceName!, r.Name, o.PackageName) : lookup.Ref(r.Name, r.Package, o.PackageName);
            if (target is not null)
            {
                if (!deps.Contains(target.UniqueId)) deps.Add(target.UniqueId);
                continue;
            }
            errors.Add(new XformException(r.IsSource
                ? $"{what} depends on {r}, which is not declared in any sources: block.{Suggestions.DidYouMean($"{r.SourceName}.{r.Name}", lookup.SourceNames)}"
                : $"{what} depends on {r}, which is not a model, seed or snapshot of this project.{Suggestions.DidYouMean(r.Name, lookup.RefNames)}", r.Location));
        }
        foreach (var (kind, name, at) in o.Needs)
        {
            var target = kind == "measure"
                ? all.FirstOrDefault(s => s.Kind == "semantic_model" && Measures(s).Contains(name))
                : all.FirstOrDefault(m => m.Kind == kind && m.Name == name);
            if (target is not null)
            {
                if (!deps.Contains(target.UniqueId)) deps.Add(target.UniqueId);
                continue;
            }
            var candidates = kind == "measure" ? all.Where(s => s.Kind == "semantic_model").SelectMany(Measures) : all.Where(m => m.Kind == kind).Select(m => m.Name);
            errors.Add(new XformException(kind == "measure"
                ? $"{what} uses measure '{name}', which no semantic model defines.{Suggestions.DidYouMean(name, candidates)}"
                : $"{what} uses metric '{name}', which is not declared in any metrics: entry.{Suggestions.DidYouMean(name, candidates)}", at));
        }
        return o with { DependsOn = deps };
    }

    /// <summary>The measure names of a semantic model.</summary>
    public static IEnumerable<string> Measures(ProjectObject semanticModel) =>
        semanticModel.Properties.GetValueOrDefault("measures") is IEnumerable<object?> list
            ? list.OfType<IReadOnlyDictionary<string, object?>>().Select(m => m.GetValueOrDefault("name") as string).OfType<string>()
            : [];
}
