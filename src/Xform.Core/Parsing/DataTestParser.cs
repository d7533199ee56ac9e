using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>
/// Data tests: the generic tests YAML attaches to models, seeds, snapshots, sources and their columns
/// (<see cref="TestSpecs"/>), and singular tests, each .sql under test-paths outside generic/.
/// </summary>
internal static class DataTestParser
{
    public static void Parse(ParseContext context)
    {
        var auditSchema = $"{context.Options.Target.Schema}_dbt_test__audit";
        AddGeneric(context, auditSchema);
        AddSingular(context, auditSchema);
    }

    /// <summary>
    /// Where a test stores its failing rows, as dbt names it: schema <c>generate_schema_name</c> of the test's
    /// <c>schema</c> config (default <c>dbt_test__audit</c>, so <c>&lt;target schema&gt;_dbt_test__audit</c>), database
    /// likewise, identifier its <c>alias</c>, else <paramref name="fileName"/> (the short hashed name of a long generic test).
    /// </summary>
    static RelationName AuditRelation(ParseContext context, NodeConfig config, string name, string fileName, IReadOnlyList<string> fqn, string path)
    {
        var defaults = new List<KeyValuePair<string, object?>>();
        if (string.IsNullOrEmpty(config.GetString("schema"))) defaults.Add(new("schema", "dbt_test__audit"));
        if (string.IsNullOrEmpty(config.GetString("alias")) && fileName != name) defaults.Add(new("alias", fileName));
        return context.RelationFor(defaults.Count == 0 ? config : config.With(defaults), name, ResourceType.Test, fqn, path);
    }

    static void AddGeneric(ParseContext context, string auditSchema)
    {
        var project = context.Project;
        var engine = context.Engine;
        // A generic test is a {% test x %} block or, dbt's older form, a {% macro test_x %}.
        var testMacros = new TestMacros(name => engine.FindMacro(name, context.TemplatePackage),
            engine.IsPackage, engine.Macros.Where(m => m.Value.IsTest || m.Key.StartsWith("test_", StringComparison.Ordinal)).Select(m => m.Key).ToList(), context.Root.Name);
        var generic = new List<Node>();
        foreach (var parent in context.Nodes.Values.Where(n => n.PackageName == project.Name).ToList())
        {
            IReadOnlyList<object?> tableTests;
            if (parent.ResourceType == ResourceType.Source)
                tableTests = context.Properties.SourceTables.First(t => t.SourceName == parent.Source!.SourceName && t.TableName == parent.Name).Tests;
            else if (context.PropertiesOf(parent.ResourceType.ToString().ToLowerInvariant(), parent.Name) is { } patch)
                // A version's own tests replace the model's.
                tableTests = patch.Versions.FirstOrDefault(v => v.V == parent.Version)?.Tests ?? patch.Tests;
            else continue;
            // Most nodes have no tests: skip layering test configs for them.
            if (tableTests.Count == 0 && parent.Columns.All(c => c.Tests.Count == 0)) continue;
            var baseConfig = context.Configure(p => p.Tests, parent.Fqn, null);
            generic.AddRange(TestSpecs.For(parent, tableTests, testMacros, project, baseConfig, auditSchema, context.Errors));
        }
        foreach (var unnamed in generic)
        {
            if (!unnamed.Config.Enabled) continue;
            var test = unnamed with
            {
                Relation = AuditRelation(context, unnamed.Config, unnamed.Name, unnamed.Relation.Identifier, unnamed.Fqn, unnamed.OriginalFilePath),
            };
            if (context.Nodes.TryGetValue(test.UniqueId, out var same))
                throw new XformException($"test '{test.Name}' is declared twice (first at {same.Location})", test.Location);
            context.Add(test);
        }
    }

    static void AddSingular(ParseContext context, string auditSchema)
    {
        var project = context.Project;
        foreach (var f in context.Files.Of(project.TestPaths, ".sql"))
        {
            if (f.InFolder.StartsWith("generic/", StringComparison.Ordinal)) continue;
            var name = System.IO.Path.GetFileNameWithoutExtension(f.Full);
            var fqn = context.Fqn(f.InFolder, name);
            var raw = context.Read(f, "test");
            var template = context.ParseTemplate(f.Relative, raw);
            var config = context.Configure(p => p.Tests, fqn, null);
            var relation = new RelationName(null, auditSchema, name);
            var capture = context.Capture(template, config, relation);
            config = config.With(capture.Config);
            if (!config.Enabled) continue;
            relation = AuditRelation(context, config, name, name, fqn, f.Relative);
            var id = $"test.{project.Name}.{name}";
            context.Templates[id] = template;
            context.Add(new Node
            {
                UniqueId = id, ResourceType = ResourceType.Test, Name = name, PackageName = project.Name,
                OriginalFilePath = f.Relative, Path = f.InFolder, Fqn = fqn, Config = config, Relation = relation,
                RawCode = raw, Refs = capture.Refs, SourceRefs = capture.Sources, Location = new SourceLocation(f.Relative, 1, 1),
            });
        }
    }
}
