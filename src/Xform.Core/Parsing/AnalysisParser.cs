using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Parsing;

/// <summary>
/// Analyses: each .sql file under analysis-paths, parsed as a model is (refs, sources, config()) so that it compiles,
/// is listed and selected, but never built. As dbt (without <c>require_corrected_analysis_fqns</c>) names them: id
/// <c>analysis.proj.name</c>, path <c>analysis/&lt;file&gt;</c>, fqn <c>[proj, analysis, folders..., name]</c>.
/// </summary>
internal static class AnalysisParser
{
    public static void Parse(ParseContext context)
    {
        var project = context.Project;
        var errors = new List<XformException>();
        foreach (var f in context.Files.Of(project.AnalysisPaths, ".sql"))
        {
            try
            {
                context.AddIfEnabled(Analysis(context, f));
            }
            catch (XformException e)
            {
                errors.Add(e);
            }
        }
        if (errors.Count > 0) throw errors.Count == 1 ? errors[0] : new XformAggregateException(errors);
    }

    static Node Analysis(ParseContext context, (string Full, string Relative, string InFolder) f)
    {
        var project = context.Project;
        var name = System.IO.Path.GetFileNameWithoutExtension(f.Full);
        var path = "analysis/" + f.InFolder;
        var fqn = context.Fqn(path, name);
        var raw = context.Read(f, "analysis");
        var id = $"analysis.{project.Name}.{name}";
        if (context.Nodes.TryGetValue(id, out var other))
            throw new XformException($"two analyses are named '{name}': {other.OriginalFilePath} and {f.Relative}; names of analyses must be unique",
                new SourceLocation(f.Relative, 1, 1));
        var template = context.ParseTemplate(f.Relative, raw);
        var config = NodeConfig.Empty;
        // An analysis is never built: its relation is only what {{ this }} would name.
        var relation = new RelationName(null, context.Session.Target.Schema, name);
        var capture = context.Capture(template, config, relation);
        config = config.With(capture.Config);
        context.Templates[id] = template;
        _ = template.Calls;
        return new Node
        {
            UniqueId = id, ResourceType = ResourceType.Analysis, Name = name, PackageName = project.Name,
            OriginalFilePath = f.Relative, Path = path, Fqn = fqn, Config = config, Relation = relation, RawCode = raw,
            Refs = capture.Refs, SourceRefs = capture.Sources, Location = new SourceLocation(f.Relative, 1, 1),
        };
    }
}
