using System.Collections.Concurrent;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>What loading a project yields: the manifest, and what compiling it later needs.</summary>
public sealed record LoadedProject(Manifest Manifest, CompileSession Session, IReadOnlyDictionary<string, CompiledTemplate> Templates, MacroIndex MacroIndex)
{
    /// <summary>The macros a node calls directly: its template's calls, or a generic test's macro.</summary>
    public IReadOnlyList<MacroCall> MacroCallsOf(Node node) =>
        node.TestMetadata is { } meta ? [new MacroCall((string)meta["macro"]!)]
        : Templates.TryGetValue(node.UniqueId, out var template) ? template.Calls
        : [];
}

public sealed record LoadOptions(
    string ProjectDir,
    TargetConfig Target,
    IReadOnlyDictionary<string, object?> CliVars,
    IReadOnlyList<TemplateSource> InternalMacros,
    Func<string, string> Quote,
    Action<string> Log);

/// <summary>
/// The only stage that reads project files: project.yml, macros, models, YAML properties, docs, seeds,
/// singular tests. Models are rendered once in parse mode to learn their refs, sources and config().
/// </summary>
public static class ProjectLoader
{
    public static LoadedProject Load(LoadOptions options, ProjectConfig? project = null, List<Warning>? warnings = null)
    {
        warnings ??= [];
        project ??= ProjectFileReader.Read(options.ProjectDir, warnings);
        var root = project.RootDir;
        var files = new ProjectFiles(root);

        // Macros: macro-paths, plus generic tests under <test-path>/generic as dbt reads them.
        var macroFiles = files.Of(project.MacroPaths, ".sql")
            .Concat(files.Of(project.TestPaths.Select(t => System.IO.Path.Combine(t, "generic")), ".sql"))
            .Select(f => new TemplateSource(f.Relative, TextFile.Read(f.Full))).ToList();
        var engine = new TemplateEngine(BuiltinMacros.All.Concat(options.InternalMacros), macroFiles, options.Target.Type, project.Name);
        var session = new CompileSession(engine, project, options.Target, options.CliVars, options.Quote, options.Log);

        var docs = new Dictionary<string, DocsBlock>(StringComparer.Ordinal);
        var properties = new PropertiesReader(warnings, session.RenderYamlString);
        foreach (var path in project.ModelPaths.Concat(project.SeedPaths).Concat(project.SnapshotPaths).Concat(project.MacroPaths).Distinct())
        {
            foreach (var f in files.Of([path], ".yml", ".yaml")) properties.ReadFile(f.Full, f.Relative, options.Target.Schema);
            foreach (var f in files.Of([path], ".md"))
                foreach (var block in TemplateEngine.ExtractDocs(new TemplateSource(f.Relative, TextFile.Read(f.Full))))
                {
                    if (docs.TryGetValue(block.Name, out var first))
                        throw new XformException($"docs block '{block.Name}' is defined twice (first at {first.Location})", block.Location);
                    docs[block.Name] = block;
                }
        }
        var props = properties.Result;

        var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
        var templates = new ConcurrentDictionary<string, CompiledTemplate>(StringComparer.Ordinal);
        var byName = new Dictionary<string, Node>(StringComparer.Ordinal);

        void Add(Node node)
        {
            if (node.ResourceType is ResourceType.Model or ResourceType.Seed or ResourceType.Snapshot)
            {
                if (byName.TryGetValue(node.Name, out var other))
                    throw new XformException(
                        $"two resources are named '{node.Name}': {other.OriginalFilePath} and {node.OriginalFilePath}; names of models, seeds and snapshots must be unique",
                        node.Location);
                byName[node.Name] = node;
            }
            nodes[node.UniqueId] = node;
        }

        var patches = Patches(props.Nodes);
        var used = new HashSet<(string, string)>();

        NodeConfig Configure(ConfigScope scope, IReadOnlyList<string> fqn, NodePatch? patch)
        {
            var config = NodeConfig.Empty;
            foreach (var layer in scope.Along(fqn)) config = config.With(layer);
            return patch is null ? config : config.With(patch.Config);
        }

        RelationName RelationFor(NodeConfig config, string name)
        {
            var custom = config.GetString("schema");
            var schema = string.IsNullOrEmpty(custom) ? options.Target.Schema : $"{options.Target.Schema}_{custom}";
            return new RelationName(config.GetString("database"), schema, config.GetString("alias") ?? name);
        }

        // Models: parse-render in parallel; each render is independent and the engine is thread-safe.
        var modelFiles = files.Of(project.ModelPaths, ".sql").ToList();
        var parsed = new Node?[modelFiles.Count];
        var errors = new ConcurrentBag<(int, XformException)>();
        Parallel.For(0, modelFiles.Count, i =>
        {
            try
            {
                parsed[i] = ParseModel(modelFiles[i], project, session, templates, patches, Configure, RelationFor);
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
        foreach (var node in parsed)
        {
            Add(node!);
            used.Add(("model", node!.Name));
        }

        foreach (var f in files.Of(project.SeedPaths, ".csv"))
        {
            var name = System.IO.Path.GetFileNameWithoutExtension(f.Full);
            var fqn = Fqn(project.Name, f.InFolder, name);
            patches.TryGetValue(("seed", name), out var patch);
            used.Add(("seed", name));
            var config = Configure(project.Seeds, fqn, patch);
            if (!config.Enabled) continue;
            Add(new Node
            {
                UniqueId = $"seed.{project.Name}.{name}", ResourceType = ResourceType.Seed, Name = name,
                PackageName = project.Name, OriginalFilePath = f.Relative, Path = f.InFolder, Fqn = fqn, Config = config,
                Relation = RelationFor(config, name), Description = patch?.Description ?? "", Columns = patch?.Columns ?? [],
                Location = new SourceLocation(f.Relative, 0, 0),
            });
        }

        foreach (var table in props.SourceTables)
        {
            var id = $"source.{project.Name}.{table.SourceName}.{table.TableName}";
            if (nodes.ContainsKey(id))
                throw new XformException($"source table '{table.SourceName}.{table.TableName}' is declared twice", table.Location);
            var fqn = new[] { project.Name, table.SourceName, table.TableName };
            var config = NodeConfig.Empty;
            foreach (var layer in project.Sources.Along(fqn)) config = config.With(layer);
            config = config.With(table.Config).With([new("tags", table.Tags)], table.Location);
            if (!config.Enabled) continue;
            Add(new Node
            {
                UniqueId = id, ResourceType = ResourceType.Source, Name = table.TableName, PackageName = project.Name,
                OriginalFilePath = table.Location.File, Path = table.Location.File, Fqn = fqn, Config = config,
                Relation = new RelationName(table.Database, table.Schema, table.Identifier), Description = table.Description,
                Columns = table.Columns, Source = table.Info, Location = table.Location,
            });
        }

        AddSnapshots(project, files, patches, used, engine, session, templates, Add, Configure, RelationFor);
        AddTests(project, files, options, nodes, patches, props, engine, session, templates, Add, Configure);

        foreach (var ((kind, name), patch) in patches)
            if (!used.Contains((kind, name)))
                warnings.Add(new Warning($"properties for {kind} '{name}' match no {kind} file in the project", patch.Location));

        CheckConfigs(nodes.Values);
        var manifest = new Manifest(project, nodes, engine.Macros, docs, warnings);
        var macroIndex = new MacroIndex(engine.Macros, options.Target.Type);
        return new LoadedProject(manifest, session, templates, macroIndex);
    }

    /// <summary>Every config mistake of every node, found here so that no command touches the database first.</summary>
    static void CheckConfigs(IEnumerable<Node> nodes)
    {
        var errors = nodes.SelectMany(BuildSettings.Check)
            .OrderBy(e => e.Location.File, StringComparer.Ordinal).ThenBy(e => e.Location.Line).ThenBy(e => e.Location.Column).ToList();
        if (errors.Count > 0) throw errors.Count == 1 ? errors[0] : new XformAggregateException(errors);
    }

    /// <summary>Properties by (kind, name). Of the names declared twice, the one declared first is reported.</summary>
    static Dictionary<(string, string), NodePatch> Patches(IReadOnlyList<NodePatch> all)
    {
        var patches = new Dictionary<(string, string), NodePatch>(all.Count);
        var firstAt = new Dictionary<(string, string), int>(all.Count);
        (int First, int Second)? twice = null;
        for (var i = 0; i < all.Count; i++)
        {
            var key = (all[i].Kind, all[i].Name);
            if (patches.TryAdd(key, all[i]))
            {
                firstAt[key] = i;
                continue;
            }
            if (twice is null || firstAt[key] < twice.Value.First) twice = (firstAt[key], i);
        }
        if (twice is { } t)
            throw new XformException($"{all[t.First].Kind} '{all[t.First].Name}' has properties in two places (first at {all[t.First].Location})",
                all[t.Second].Location);
        return patches;
    }

    /// <summary>Snapshots: <c>{% snapshot name %}...{% endsnapshot %}</c> blocks in snapshot-paths, and YAML
    /// <c>snapshots:</c> entries with <c>relation: ref('x')</c> (dbt 1.9's form).</summary>
    static void AddSnapshots(ProjectConfig project, ProjectFiles files, IReadOnlyDictionary<(string, string), NodePatch> patches, HashSet<(string, string)> used,
        TemplateEngine engine, CompileSession session, ConcurrentDictionary<string, CompiledTemplate> templates, Action<Node> add,
        Func<ConfigScope, IReadOnlyList<string>, NodePatch?, NodeConfig> configure, Func<NodeConfig, string, RelationName> relationFor)
    {
        var found = new List<(string Name, string Body, string File, string InFolder, SourceLocation At, string Raw)>();
        foreach (var f in files.Of(project.SnapshotPaths, ".sql"))
        {
            var text = TextFile.Read(f.Full);
            var blocks = TemplateEngine.ExtractSnapshots(new TemplateSource(f.Relative, text));
            if (blocks.Count == 0)
                throw new XformException("a file in snapshot-paths needs a {% snapshot name %} ... {% endsnapshot %} block", new SourceLocation(f.Relative, 1, 1));
            foreach (var block in blocks)
                found.Add((block.Name, block.Body, f.Relative, f.InFolder, block.Location, text));
        }
        foreach (var patch in patches.Values.Where(p => p.Kind == "snapshot" && p.Relation is not null))
            found.Add((patch.Name, $"select * from {{{{ {patch.Relation} }}}}", patch.Location.File, patch.Location.File, patch.Location, patch.Relation!));

        foreach (var (name, body, file, inFolder, at, raw) in found)
        {
            var fqn = Fqn(project.Name, inFolder, name);
            patches.TryGetValue(("snapshot", name), out var patch);
            used.Add(("snapshot", name));
            var config = configure(project.Snapshots, fqn, patch);
            var template = engine.Parse(new TemplateSource(file, body));
            var capture = new ParseCapture(session, config);
            var relation = relationFor(config, name);
            engine.Render(template, capture.Globals(relation));
            config = config.With(capture.Config);
            if (!config.Enabled) continue;
            // dbt's legacy target_schema names the schema exactly, with no target prefix.
            if (config.GetString("target_schema") is { Length: > 0 } targetSchema) relation = relation with { Schema = targetSchema };
            else relation = relationFor(config, name);
            var id = $"snapshot.{project.Name}.{name}";
            templates[id] = template;
            add(new Node
            {
                UniqueId = id, ResourceType = ResourceType.Snapshot, Name = name, PackageName = project.Name,
                OriginalFilePath = file, Path = inFolder, Fqn = fqn, Config = config, Relation = relation, RawCode = raw,
                Description = patch?.Description ?? "", Columns = patch?.Columns ?? [], Refs = capture.Refs, SourceRefs = capture.Sources,
                Location = at,
            });
        }
    }

    static void AddTests(ProjectConfig project, ProjectFiles files, LoadOptions options, Dictionary<string, Node> nodes,
        IReadOnlyDictionary<(string, string), NodePatch> patches, Properties props, TemplateEngine engine, CompileSession session,
        ConcurrentDictionary<string, CompiledTemplate> templates, Action<Node> add,
        Func<ConfigScope, IReadOnlyList<string>, NodePatch?, NodeConfig> configure)
    {
        var auditSchema = $"{options.Target.Schema}_dbt_test__audit";
        var testMacros = engine.Macros.Where(m => m.Value.IsTest).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var generic = new List<Node>();
        foreach (var parent in nodes.Values.ToList())
        {
            IReadOnlyList<object?> tableTests;
            if (parent.ResourceType == ResourceType.Source)
                tableTests = props.SourceTables.First(t => t.SourceName == parent.Source!.SourceName && t.TableName == parent.Name).Tests;
            else if (patches.TryGetValue((parent.ResourceType.ToString().ToLowerInvariant(), parent.Name), out var patch))
                tableTests = patch.Tests;
            else continue;
            // Most nodes have no tests: skip layering test configs for them.
            if (tableTests.Count == 0 && parent.Columns.All(c => c.Tests.Count == 0)) continue;
            var baseConfig = configure(project.Tests, parent.Fqn, null);
            generic.AddRange(TestSpecs.For(parent, tableTests, testMacros, project, baseConfig, auditSchema));
        }
        foreach (var test in generic)
        {
            if (!test.Config.Enabled) continue;
            if (nodes.TryGetValue(test.UniqueId, out var same))
                throw new XformException($"test '{test.Name}' is declared twice (first at {same.Location})", test.Location);
            add(test);
        }

        // Singular tests: each .sql under test-paths (outside generic/) selects failing rows.
        foreach (var f in files.Of(project.TestPaths, ".sql"))
        {
            if (f.InFolder.StartsWith("generic/", StringComparison.Ordinal)) continue;
            var name = System.IO.Path.GetFileNameWithoutExtension(f.Full);
            var fqn = Fqn(project.Name, f.InFolder, name);
            var raw = TextFile.Read(f.Full);
            var template = engine.Parse(new TemplateSource(f.Relative, raw));
            var config = configure(project.Tests, fqn, null);
            var capture = new ParseCapture(session, config);
            var relation = new RelationName(null, auditSchema, name);
            engine.Render(template, capture.Globals(relation));
            config = config.With(capture.Config);
            if (!config.Enabled) continue;
            var id = $"test.{project.Name}.{name}";
            templates[id] = template;
            add(new Node
            {
                UniqueId = id, ResourceType = ResourceType.Test, Name = name, PackageName = project.Name,
                OriginalFilePath = f.Relative, Path = f.InFolder, Fqn = fqn, Config = config, Relation = relation,
                RawCode = raw, Refs = capture.Refs, SourceRefs = capture.Sources, Location = new SourceLocation(f.Relative, 1, 1),
            });
        }
    }

    static Node ParseModel((string Full, string Relative, string InFolder) f, ProjectConfig project, CompileSession session,
        ConcurrentDictionary<string, CompiledTemplate> templates,
        IReadOnlyDictionary<(string, string), NodePatch> patches,
        Func<ConfigScope, IReadOnlyList<string>, NodePatch?, NodeConfig> configure,
        Func<NodeConfig, string, RelationName> relationFor)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(f.Full);
        var fqn = Fqn(project.Name, f.InFolder, name);
        var raw = TextFile.Read(f.Full);
        var id = $"model.{project.Name}.{name}";
        var template = session.Engine.Parse(new TemplateSource(f.Relative, raw));
        patches.TryGetValue(("model", name), out var patch);
        var config = configure(project.Models, fqn, patch);

        var capture = new ParseCapture(session, config);
        var globals = capture.Globals(relationFor(config, name));
        session.Engine.Render(template, globals);
        config = config.With(capture.Config);
        templates[id] = template;
        return new Node
        {
            UniqueId = id, ResourceType = ResourceType.Model, Name = name, PackageName = project.Name,
            OriginalFilePath = f.Relative, Path = f.InFolder, Fqn = fqn, Config = config,
            Relation = relationFor(config, name), RawCode = raw, Description = patch?.Description ?? "",
            Columns = patch?.Columns ?? [], Refs = capture.Refs, SourceRefs = capture.Sources,
            Location = new SourceLocation(f.Relative, 1, 1),
        };
    }

    static string[] Fqn(string project, string inFolder, string name)
    {
        var dirs = System.IO.Path.GetDirectoryName(inFolder)?.Replace('\\', '/') ?? "";
        return [project, .. dirs.Split('/', StringSplitOptions.RemoveEmptyEntries), name];
    }
}
