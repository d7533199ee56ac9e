using System.Globalization;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary>How many nodes of each resource type (enabled) and macros a project has: what <c>parse</c> and <c>build</c> report.</summary>
public sealed record ProjectCounts(IReadOnlyDictionary<ResourceType, int> Nodes, int Macros)
{
    public static ProjectCounts Of(Manifest manifest) =>
        new(Enum.GetValues<ResourceType>().ToDictionary(t => t, t => manifest.Of(t).Count()), manifest.Macros.Count);

    public int this[ResourceType type] => Nodes.GetValueOrDefault(type);
}

/// <summary><c>xform parse</c>: the project parsed (or the saved parse read back), its graph checked, manifest.json written.</summary>
public static class ParseTask
{
    public static ProjectCounts Run(Workspace workspace)
    {
        var outputs = new CommandOutputs(workspace, "parse", []);
        if (outputs.Replay() is { } facts)
        {
            workspace.Debug("parse: nothing changed since the same parse: manifest.json is current");
            CompilePatch.Replayed(workspace, outputs);
            return Reported(facts);
        }
        if (CompilePatch.TryRun(workspace, outputs, compile: false) is { } patched) return Reported(patched);
        var counts = ProjectCounts.Of(workspace.Manifest); // the graph built: a cycle is the parse's error
        var nodesSaved = CompilePatch.SaveNodes(workspace);
        var manifestKey = workspace.WriteManifest();
        var reported = counts.Nodes.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal);
        reported["macros"] = counts.Macros.ToString(CultureInfo.InvariantCulture);
        var kept = outputs.Keep(manifestKey, pure: true, [], reported);
        CompilePatch.Remember(workspace, outputs, kept, new Dictionary<string, string>(), nodesSaved);
        return counts;
    }

    /// <summary>What a parse reported, as its note holds it (<see cref="CommandOutputs"/>).</summary>
    static ProjectCounts Reported(IReadOnlyDictionary<string, string> facts) =>
        new(Enum.GetValues<ResourceType>().ToDictionary(t => t, t => int.Parse(facts[t.ToString()], CultureInfo.InvariantCulture)),
            int.Parse(facts["macros"], CultureInfo.InvariantCulture));
}
