using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>
/// Snapshots: <c>{% snapshot name %}...{% endsnapshot %}</c> blocks in snapshot-paths (read from the file's syntax
/// tree), and YAML <c>snapshots:</c> entries with <c>relation: ref('x')</c> (dbt 1.9's form).
/// </summary>
internal static class SnapshotParser
{
    sealed record Found(string Name, string Body, string File, string InFolder, SourceLocation At, string Raw);

    public static void Parse(ParseContext context)
    {
        var project = context.Project;
        var found = new List<Found>();
        foreach (var f in context.Files.Of(project.SnapshotPaths, ".sql"))
        {
            var text = context.Read(f, "snapshot");
            var blocks = TemplateEngine.ExtractSnapshots(new TemplateSource(f.Relative, text));
            if (blocks.Count == 0)
                throw new XformException("a file in snapshot-paths needs a {% snapshot name %} ... {% endsnapshot %} block", new SourceLocation(f.Relative, 1, 1));
            foreach (var block in blocks)
                found.Add(new Found(block.Name, block.Body, f.Relative, f.InFolder, block.Location, text));
        }
        foreach (var patch in context.Properties.Nodes.Where(p => p.Kind == "snapshot" && p.Relation is not null))
            found.Add(new Found(patch.Name, $"select * from {{{{ {patch.Relation} }}}}", patch.Location.File, patch.Location.File, patch.Location, patch.Relation!));

        foreach (var s in found)
        {
            var fqn = context.Fqn(s.InFolder, s.Name);
            var patch = context.Patch("snapshot", s.Name);
            var config = context.Configure(p => p.Snapshots, fqn, patch);
            var template = context.ParseTemplate(s.File, s.Body);
            var capture = context.Capture(template, config, context.RelationFor(config, s.Name, ResourceType.Snapshot, fqn, s.File));
            config = config.With(capture.Config);
            if (!config.Enabled)
            {
                context.AddIfEnabled(new Node
                {
                    UniqueId = $"snapshot.{project.Name}.{s.Name}", ResourceType = ResourceType.Snapshot, Name = s.Name, PackageName = project.Name,
                    OriginalFilePath = s.File, Path = s.InFolder, Fqn = fqn, Config = config, Relation = new RelationName(null, "", s.Name), Location = s.At,
                });
                continue;
            }
            // dbt's legacy target_schema and target_database name the schema and database exactly, without
            // generate_schema_name (the 1.9 schema and database configs go through it, as a model's do).
            var relation = context.RelationFor(config, s.Name, ResourceType.Snapshot, fqn, s.File);
            if (config.GetString("target_schema") is { Length: > 0 } targetSchema) relation = relation with { Schema = targetSchema.Trim() };
            if (config.GetString("target_database") is { Length: > 0 } targetDatabase)
                relation = relation with
                {
                    // The target's own database is the default, which relations leave out.
                    Database = string.Equals(targetDatabase.Trim(), context.Session.Target.Database, StringComparison.OrdinalIgnoreCase) ? null : targetDatabase.Trim(),
                };
            var id = $"snapshot.{project.Name}.{s.Name}";
            context.Templates[id] = template;
            context.Add(new Node
            {
                UniqueId = id, ResourceType = ResourceType.Snapshot, Name = s.Name, PackageName = project.Name,
                OriginalFilePath = s.File, Path = s.InFolder, Fqn = fqn, Config = config, Relation = relation, RawCode = s.Raw,
                Description = patch?.Description ?? "", Columns = patch?.Columns ?? [], Refs = capture.Refs, SourceRefs = capture.Sources,
                Location = s.At,
            });
        }
    }
}
