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
        var defaultSchema = string.IsNullOrEmpty(config.GetString("schema"));
        if (string.IsNullOrEmpty(config.GetString("alias")) && fileName != name)
            return context.RelationFor(config.With(defaultSchema ? [new("schema", "dbt_test__audit"), new("alias", fileName)] : [new("alias", fileName)]),
                name, ResourceType.Test, fqn, path);
        // Most tests share their parent folder's config: the config with the default audit schema is made once for it, not
        // once per test (a dictionary of every key for each of 100,000 tests at 50,000 models).
        return context.RelationFor(defaultSchema ? context.AuditConfigs.GetOrAdd(config, c => c.With([new("schema", "dbt_test__audit")])) : config,
            name, ResourceType.Test, fqn, path);
    }

    static void AddGeneric(ParseContext context, string auditSchema)
    {
        var project = context.Project;
        var engine = context.Engine;
        // A generic test is a {% test x %} block or, dbt's older form, a {% macro test_x %}.
        var testMacros = new TestMacros(name => engine.FindMacro(name, context.TemplatePackage),
            engine.IsPackage, engine.Macros.Where(m => m.Value.IsTest || m.Key.StartsWith("test_", StringComparison.Ordinal)).Select(m => m.Key).ToList(), context.Root.Name);
        // Each parent's tests are made on its own (in parallel: 20,000 of them at 10,000 models took a third of a parse),
        // then added in the parents' order, so names, errors and the first duplicate are the same as one by one.
        var parents = context.Nodes.Values.Where(n => n.PackageName == project.Name).ToList();
        var made = new List<Node>?[parents.Count];
        var mistakes = new List<XformException>?[parents.Count];
        var failed = new XformException?[parents.Count];
        Parallel.For(0, parents.Count, i =>
        {
            try
            {
                made[i] = TestsOf(context, parents[i], testMacros, auditSchema, out mistakes[i]);
            }
            catch (XformException e)
            {
                failed[i] = e;
            }
        });
        if (failed.FirstOrDefault(e => e is not null) is { } first) throw first;
        for (var i = 0; i < parents.Count; i++)
        {
            foreach (var mistake in mistakes[i] ?? []) context.Errors.Add(mistake);
            foreach (var test in made[i] ?? [])
            {
                if (context.Nodes.TryGetValue(test.UniqueId, out var same))
                    throw new XformException($"test '{test.Name}' is declared twice (first at {same.Location})", test.Location);
                context.Add(test);
            }
        }
    }

    /// <summary>The enabled generic tests of one model, seed, snapshot or source table, each with its audit relation (null: none).</summary>
    /// <param name="mistakes">the test entries that are wrong (each left out), null when none</param>
    static List<Node>? TestsOf(ParseContext context, Node parent, TestMacros testMacros, string auditSchema, out List<XformException>? mistakes)
    {
        mistakes = null;
        IReadOnlyList<object?> tableTests;
        if (parent.ResourceType == ResourceType.Source)
            tableTests = context.Properties.SourceTables.First(t => t.SourceName == parent.Source!.SourceName && t.TableName == parent.Name).Tests;
        else if (context.PropertiesOf(parent.TypeName, parent.Name) is { } patch)
            // A version's own tests replace the model's.
            tableTests = patch.Versions.FirstOrDefault(v => v.V == parent.Version)?.Tests ?? patch.Tests;
        else return null;
        // Most nodes have no tests: skip layering test configs for them.
        if (tableTests.Count == 0 && parent.Columns.All(c => c.Tests.Count == 0)) return null;
        var baseConfig = context.Configure(p => p.Tests, parent.Fqn, null);
        var errors = new List<XformException>();
        // each test made with its audit relation, not made and then copied with it
        var tests = TestSpecs.For(parent, tableTests, testMacros, context.Project, baseConfig, auditSchema, errors,
            (config, name, fileName, fqn, file) => AuditRelation(context, config, name, fileName, fqn, file));
        tests.RemoveAll(static t => !t.Config.Enabled);
        if (errors.Count > 0) mistakes = errors;
        return tests;
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
