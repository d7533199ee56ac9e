using System.Collections.Concurrent;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>Models: each .sql file under model-paths, rendered once in parse mode to learn its refs, sources and config().</summary>
internal static class ModelParser
{
    public static void Parse(ParseContext context)
    {
        var project = context.Project;
        // Parse-render in parallel: each render is independent and the engine is thread-safe.
        var python = context.Files.Of(project.ModelPaths, ".py")
            .Select(f => new XformException("Python models are not supported by xform; write this model in SQL or leave it out of model-paths",
                new SourceLocation(f.Relative, 1, 1))).ToList();
        if (python.Count > 0) throw python.Count == 1 ? python[0] : new XformAggregateException(python);
        var files = context.Files.Of(project.ModelPaths, ".sql").ToList();
        var patches = files.Select(f => context.Patch("model", System.IO.Path.GetFileNameWithoutExtension(f.Full))).ToList();
        var parsed = new Node?[files.Count];
        var errors = new ConcurrentBag<(int, XformException)>();
        Parallel.For(0, files.Count, i =>
        {
            try
            {
                parsed[i] = Model(context, files[i], patches[i]);
            }
            catch (XformException e)
            {
                errors.Add((i, e));
            }
        });
        if (!errors.IsEmpty)
        {
            var ordered = errors.OrderBy(e => e.Item1).Select(e => e.Item2).ToList();
            throw ordered.Count == 1 ? ordered[0] : new XformAggregateException(ordered);
        }
        // A model disabled by a folder config, its properties or its own config() is not a node (dbt's enabled: false).
        foreach (var node in parsed) context.AddIfEnabled(node!);
    }

    static Node Model(ParseContext context, (string Full, string Relative, string InFolder) f, NodePatch? patch)
    {
        var project = context.Project;
        var name = System.IO.Path.GetFileNameWithoutExtension(f.Full);
        var fqn = context.Fqn(f.InFolder, name);
        var raw = context.Read(f, "model");
        var id = $"model.{project.Name}.{name}";
        var template = context.ParseTemplate(f.Relative, raw);
        var config = context.Configure(p => p.Models, fqn, patch);
        var capture = context.Capture(template, config, context.RelationFor(config, name, ResourceType.Model, fqn, f.Relative));
        config = config.With(capture.Config);
        context.Templates[id] = template;
        // Read the macro calls from the tree now, on this parallel worker, rather than one by one when the manifest is written.
        _ = template.Calls;
        return new Node
        {
            UniqueId = id, ResourceType = ResourceType.Model, Name = name, PackageName = project.Name,
            OriginalFilePath = f.Relative, Path = f.InFolder, Fqn = fqn, Config = config,
            Relation = context.RelationFor(config, name, ResourceType.Model, fqn, f.Relative), RawCode = raw, Description = patch?.Description ?? "",
            Columns = patch?.Columns ?? [], Constraints = patch?.Constraints ?? [], Refs = capture.Refs, SourceRefs = capture.Sources,
            Location = new SourceLocation(f.Relative, 1, 1),
        };
    }
}
