using System.Diagnostics;
using Xform.Adapters.DuckDb;
using Xform.Core.Artifacts;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Selection;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Bench;

/// <summary>
/// The work of <c>xform compile</c>, in process and stage by stage, through Xform.Core's public API, so the
/// whole-command time can be attributed. Stages 1-7 redo by hand what <see cref="ProjectLoader.Load"/> does
/// (same calls, same parallelism); "ProjectLoader.Load" then runs the real loader once more, and the stages
/// after it use its result exactly as the CLI does. Parallel stages use Parallel.For like xform.
/// </summary>
static class Stages
{
    public static readonly string[] Names =
    [
        "project.yml + profiles.yml",
        "adapter (DuckDB open)",
        "read files (models, macros, YAML)",
        "macros: parse + translate",
        "YAML properties",
        "template parse (Jinja -> Scriban)",
        "parse-render (refs, config)",
        "ProjectLoader.Load (all of the above, real)",
        "graph (DependencyGraph.Build)",
        "selection (select all, graph order)",
        "compile-render",
        "file writes (target/compiled)",
        "manifest.json (build + write)",
    ];

    /// <summary>Seconds and allocated megabytes of each stage.</summary>
    public static Dictionary<string, (double Seconds, double AllocatedMb)> RunOnce(string projectDir)
    {
        var t = new Dictionary<string, (double, double)>();
        var allocated = GC.GetTotalAllocatedBytes(true);
        var watch = Stopwatch.StartNew();
        void Mark(string stage)
        {
            var seconds = watch.Elapsed.TotalSeconds;
            var now = GC.GetTotalAllocatedBytes(true);
            t[stage] = (seconds, (now - allocated) / 1e6);
            allocated = now;
            watch.Restart();
        }

        var warnings = new List<Warning>();
        var dir = Path.GetFullPath(projectDir);
        var project = ProjectFileReader.Read(dir, warnings);
        var target = ProfileReader.Read(ProfileReader.ResolveDir(null, dir), project.ProfileName, null, dir);
        Mark(Names[0]);

        using var adapter = new DuckDbAdapter(target, project.RootDir);
        Mark(Names[1]);

        var root = project.RootDir;
        var macroFiles = Files(root, project.MacroPaths, ".sql").Select(f => new TemplateSource(Rel(root, f), TextFile.Read(f))).ToList();
        var ymlFiles = Files(root, project.ModelPaths, ".yml", ".yaml").ToList();
        var modelPaths = Files(root, project.ModelPaths, ".sql").ToList();
        var models = new TemplateSource[modelPaths.Count];
        Parallel.For(0, models.Length, i => models[i] = new TemplateSource(Rel(root, modelPaths[i]), TextFile.Read(modelPaths[i])));
        Mark(Names[2]);

        var engine = new TemplateEngine(adapter.Macros, macroFiles, target.Type);
        var session = new CompileSession(engine, project, target, new Dictionary<string, object?>(), adapter.Quote, _ => { });
        Mark(Names[3]);

        var properties = new PropertiesReader(warnings, session.RenderYamlString);
        foreach (var f in ymlFiles) properties.ReadFile(f, Rel(root, f), target.Schema);
        _ = properties.Result;
        Mark(Names[4]);

        var templates = new CompiledTemplate[models.Length];
        Parallel.For(0, models.Length, i => templates[i] = engine.Parse(models[i]));
        Mark(Names[5]);

        // What ParseCapture does (it is internal): ref/source/config/this answered with placeholders.
        Parallel.For(0, templates.Length, i =>
        {
            var refs = new List<string>();
            var captured = new ConfigValues();
            var g = session.BaseGlobals();
            g["ref"] = (HostFunction)(c =>
            {
                var name = (string)c.Args[^1]!;
                refs.Add(name);
                return new RelationObject(new RelationName(null, target.Schema, name), adapter.Quote);
            });
            g["source"] = (HostFunction)(c => new RelationObject(new RelationName(null, (string)c.Args[0]!, (string)c.Args[1]!), adapter.Quote));
            g["config"] = new ConfigObject(() => NodeConfig.Empty.With(captured), captured);
            g["this"] = new RelationObject(new RelationName(null, target.Schema, "this"), adapter.Quote);
            g["is_incremental"] = (HostFunction)(_ => false);
            g["execute"] = false;
            engine.Render(templates[i], g);
        });
        Mark(Names[6]);

        var loaded = ProjectLoader.Load(new LoadOptions(dir, target, new Dictionary<string, object?>(), adapter.Macros, adapter.Quote, _ => { }),
            project, warnings);
        Mark(Names[7]);

        var graph = DependencyGraph.Build(loaded.Manifest);
        Mark(Names[8]);

        var selected = new NodeSelector(graph).Select([], []).Nodes().Where(n => n.ResourceType == ResourceType.Model).ToList();
        Mark(Names[9]);

        var compiler = new Compiler(loaded, graph, DuckDbAdapter.RenderExternal);
        var compiled = new CompiledNode[selected.Count];
        Parallel.For(0, selected.Count, i => compiled[i] = compiler.Compile(selected[i]));
        Mark(Names[10]);

        var files = new SqlFileWriter(Path.Combine(dir, project.TargetPath), project.Name);
        Parallel.For(0, selected.Count, i => files.WriteCompiled(selected[i], compiled[i].Sql));
        Mark(Names[11]);

        var code = new Dictionary<string, string>(selected.Count);
        for (var i = 0; i < selected.Count; i++) code[selected[i].UniqueId] = compiled[i].Sql;
        ManifestWriter.Write(Path.Combine(dir, project.TargetPath), loaded, graph, code, "bench");
        Mark(Names[12]);
        return t;
    }

    static string Rel(string root, string full) => Path.GetRelativePath(root, full).Replace('\\', '/');

    static IEnumerable<string> Files(string root, IEnumerable<string> folders, params string[] extensions) =>
        folders.Select(f => Path.Combine(root, f)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)
                .Where(p => extensions.Any(e => p.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(p => p, StringComparer.Ordinal));
}
