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
        var versions = VersionFiles(context, files);
        var patches = files.Select(f => System.IO.Path.GetFileNameWithoutExtension(f.Full) is var file && versions.TryGetValue(file, out var v)
            ? (context.Patch("model", v.Patch.Name), v.Version)
            : (context.Patch("model", file), null)).ToList();
        var parsed = new Node?[files.Count];
        var errors = new ConcurrentBag<(int, XformException)>();
        Parallel.For(0, files.Count, i =>
        {
            try
            {
                parsed[i] = Model(context, files[i], patches[i].Item1, patches[i].Item2);
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

    /// <summary>
    /// The files of versioned models by file name (a version's <c>defined_in</c>, default <c>&lt;model&gt;_v&lt;v&gt;</c>).
    /// A version without its file, and a file named as the model itself that no version claims, are errors.
    /// </summary>
    static Dictionary<string, (NodePatch Patch, VersionPatch Version)> VersionFiles(ParseContext context, List<(string Full, string Relative, string InFolder)> files)
    {
        var names = files.Select(f => System.IO.Path.GetFileNameWithoutExtension(f.Full)).ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, (NodePatch, VersionPatch)>(StringComparer.Ordinal);
        foreach (var patch in context.Properties.Nodes.Where(p => p.Kind == "model" && p.Versions.Count > 0))
        {
            foreach (var v in patch.Versions)
            {
                if (!names.Contains(v.File))
                    throw new XformException($"version {v.V} of model '{patch.Name}' is defined in '{v.File}', and no model file of that name (.sql) exists", v.Location);
                if (!result.TryAdd(v.File, (patch, v)))
                    throw new XformException($"model file '{v.File}' is named by two versions (first: version {result[v.File].Item2.V} of model '{result[v.File].Item1.Name}')", v.Location);
            }
            if (names.Contains(patch.Name) && !result.ContainsKey(patch.Name))
                throw new XformException($"model '{patch.Name}' has versions, so its file '{patch.Name}.sql' must be one of them: name it in a version's " +
                                         $"defined_in, or rename it {patch.Name}_v<v>.sql", patch.Location);
        }
        return result;
    }

    static Node Model(ParseContext context, (string Full, string Relative, string InFolder) f, NodePatch? patch, VersionPatch? version)
    {
        var project = context.Project;
        var name = version is null ? System.IO.Path.GetFileNameWithoutExtension(f.Full) : patch!.Name;
        // dbt's fqn and unique id of a version end in v<version>: model.p.m.v2, [p, ..., m, v2].
        var fqn = version is null ? context.Fqn(f.InFolder, name) : [.. context.Fqn(f.InFolder, name), $"v{version.V}"];
        var raw = context.Read(f, "model");
        var id = version is null ? $"model.{project.Name}.{name}" : $"model.{project.Name}.{name}.v{version.V}";
        var config = context.Configure(p => p.Models, fqn, patch);
        if (version is not null) config = config.With(version.Config);
        var self = context.RelationFor(config, name, ResourceType.Model, fqn, f.Relative, version?.V);
        var (template, parse, output) = Render(context, f.Relative, raw, config, self, cacheable: version is null);
        if (version is null) context.ModelInputs[id] = new ModelInputs(f.Relative, config, self);
        config = config.With(parse.Config);
        var relation = context.RelationFor(config, name, ResourceType.Model, fqn, f.Relative, version?.V);
        // `this` was the relation before the file's config(): the output holds for a compile only if that did not move it
        if (output is not null && relation == self)
        {
            context.ParseOutputs[id] = output;
            // Not rendered again, most likely: its syntax tree is let go now (parsed again if a compile needs it after all),
            // rather than kept, and copied by each collection, to the end of the command.
            template = context.Engine.ParseLater(template.Source, template.Package, template.Calls);
        }
        context.Templates[id] = template;
        return new Node
        {
            UniqueId = id, ResourceType = ResourceType.Model, Name = name, PackageName = project.Name,
            OriginalFilePath = f.Relative, Path = f.InFolder, Fqn = fqn, Config = config,
            Relation = relation, RawCode = raw,
            Description = version?.Description ?? patch?.Description ?? "",
            Columns = version?.Columns ?? patch?.Columns ?? [], Constraints = patch?.Constraints ?? [], Refs = OrNone(parse.Refs), SourceRefs = OrNone(parse.Sources),
            Location = new SourceLocation(f.Relative, 1, 1),
            Version = version?.V, LatestVersion = version is null ? null : ModelVersions.Latest(patch!),
            DeprecationDate = version?.DeprecationDate ?? patch?.DeprecationDate,
        };
    }

    /// <summary>The one empty array for an empty list: most models read no source (and the list would live as long as the node).</summary>
    static IReadOnlyList<Reference> OrNone(IReadOnlyList<Reference> references) => references.Count == 0 ? Array.Empty<Reference>() : references;

    /// <summary>
    /// The file's template and what its parse-render found: from the last command's saved parse when the text, the config and
    /// the relation the render sees are unchanged (the template is then parsed only if something renders it), else rendered now.
    /// </summary>
    /// <returns>also what the render printed, when a compile would print the same (null when reused, or when it would not)</returns>
    static (CompiledTemplate, ModelParse, string?) Render(ParseContext context, string path, string raw, NodeConfig config, RelationName self, bool cacheable)
    {
        var cache = cacheable ? context.PartialParse : null;
        var checksum = cache is null ? "" : FileIndex.Checksum(raw);
        var configKey = cache is null ? null : PartialParseCache.ConfigKey(config, self);
        if (configKey is not null && cache!.TryGet(context.Project.Name, path, checksum, configKey, out var saved))
        {
            context.AddWarnings(saved.Warnings);
            return (context.Engine.ParseLater(new TemplateSource(path, raw), context.TemplatePackage, saved.Calls), saved, null);
        }
        var template = context.ParseTemplate(path, raw);
        var capture = context.Capture(template, config, self, out var readVolatile, out var output);
        // Read the macro calls from the tree now, on this parallel worker, rather than one by one when the manifest is written.
        var parse = new ModelParse(checksum, configKey ?? "", capture.Refs, capture.Sources, capture.Config, capture.Warnings, template.Calls);
        if (configKey is not null && !readVolatile) cache!.Put(context.Project.Name, path, parse);
        return (template, parse, output);
    }
}
