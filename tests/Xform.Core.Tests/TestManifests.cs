using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Tests;

/// <summary>Builds manifests in memory: <c>("b", "models/x/b.sql", ["a"])</c> is model b reading a.</summary>
static class TestManifests
{
    public static Manifest Of(params (string Name, string Path, string[] Refs)[] models) =>
        Of(models.Select(m => Model(m.Name, m.Path, m.Refs)).ToArray());

    public static Manifest Of(params Node[] nodes)
    {
        var project = new ProjectConfig("proj", "/p", "project.yml", "proj", ["models"], ["seeds"], ["macros"], ["tests"], ["snapshots"],
            "target", ["target"], new Dictionary<string, object?>(), ConfigScope.Empty, ConfigScope.Empty, ConfigScope.Empty, ConfigScope.Empty, ConfigScope.Empty);
        return new Manifest(project, nodes.ToDictionary(n => n.UniqueId), new Dictionary<string, Templating.MacroInfo>(),
            new Dictionary<string, Templating.DocsBlock>(), []);
    }

    public static Node Model(string name, string path, string[] refs, Dictionary<string, object?>? config = null) => new()
    {
        UniqueId = $"model.proj.{name}",
        ResourceType = ResourceType.Model,
        Name = name,
        PackageName = "proj",
        OriginalFilePath = path,
        Path = path["models/".Length..],
        Fqn = ["proj", .. Path.GetDirectoryName(path["models/".Length..])!.Split('/', StringSplitOptions.RemoveEmptyEntries), name],
        Config = new NodeConfig(config ?? new Dictionary<string, object?>()),
        Relation = new RelationName(null, "main", name),
        Refs = refs.Select((r, i) => new Reference(r, null, new SourceLocation(path, 2 + i, 8))).ToList(),
        Location = new SourceLocation(path, 1, 1),
    };
}
