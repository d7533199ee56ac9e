using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Parsing;

/// <summary>Seeds: each .csv under seed-paths (its rows are read when it is loaded, not when parsed).</summary>
internal static class SeedParser
{
    public static void Parse(ParseContext context)
    {
        var project = context.Project;
        foreach (var f in context.Files.Of(project.SeedPaths, ".csv"))
        {
            var name = System.IO.Path.GetFileNameWithoutExtension(f.Full);
            var fqn = context.Fqn(f.InFolder, name);
            var patch = context.Patch("seed", name);
            context.Index(f, "seed");
            var config = context.Configure(p => p.Seeds, fqn, patch);
            context.AddIfEnabled(new Node
            {
                UniqueId = $"seed.{project.Name}.{name}", ResourceType = ResourceType.Seed, Name = name,
                PackageName = project.Name, OriginalFilePath = f.Relative, Path = f.InFolder, Fqn = fqn, Config = config,
                Relation = context.RelationFor(config, name, ResourceType.Seed, fqn, f.Relative), Description = patch?.Description ?? "", Columns = patch?.Columns ?? [],
                Location = new SourceLocation(f.Relative, 0, 0),
            });
        }
    }
}
