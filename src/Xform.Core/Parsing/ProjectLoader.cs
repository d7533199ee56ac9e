using System.Collections.Concurrent;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Seeds;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>What loading a project yields: the manifest, the files read, and what compiling it later needs.</summary>
public sealed record LoadedProject(Manifest Manifest, CompileSession Session, IReadOnlyDictionary<string, CompiledTemplate> Templates, MacroIndex MacroIndex)
{
    /// <summary>Every file the parse read, with its package, kind and checksum.</summary>
    public IReadOnlyList<ProjectFile> Files { get; init; } = [];

    /// <summary>What partial parsing reused (null: it was off).</summary>
    public PartialParseResult? PartialParse { get; init; }

    /// <summary>The project-wide key of the saved parse, which saved compiled SQL shares (null: partial parsing is off).</summary>
    public string? PartialParseKey { get; init; }

    /// <summary>
    /// Which saved parse this project is (the same for the parse that saved it and every command that used it whole);
    /// null when it was not saved. Two commands with the same one have the same project, so the same manifest nodes.
    /// </summary>
    public string? SavedParseGeneration { get; init; }

    /// <summary>
    /// The saved parse this project was read from, or is (null: none), and the nodes of model files edited on top of it (by
    /// unique id, with the checksum of the file's text): every other node is that saved parse's own.
    /// </summary>
    public string? SavedParseBase { get; init; }

    public IReadOnlyDictionary<string, string> EditedNodes { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// What the parse-render of a model printed, by unique id, where a compile renders the same: the render read nothing a
    /// compile sees otherwise (execute, is_incremental, model, config.get, the database, the clock, ...) and its config()
    /// left its relation as it was. The compiler still checks that its refs and sources name the relations the parse's
    /// placeholders named. Empty for models reused from a saved parse.
    /// </summary>
    public IReadOnlyDictionary<string, string> ParseOutputs { get; init; } = new Dictionary<string, string>();

    /// <summary>The saved parse being written, which the command waits for before it ends; its result says why it was not saved (null: it was).</summary>
    public Task<string?>? Saving { get; init; }

    /// <summary>The macros a node calls directly: its template's calls, or a generic test's macro.</summary>
    public IReadOnlyList<MacroCall> MacroCallsOf(Node node) =>
        node.TestMetadata is { } meta ? [TestMacroCall(meta.Macro)]
        : Templates.TryGetValue(node.UniqueId, out var template) ? template.Calls
        : [];

    static MacroCall TestMacroCall(string macro) =>
        macro.IndexOf('.') is var dot and > 0 ? new MacroCall(macro[(dot + 1)..], macro[..dot]) : new MacroCall(macro);
}

public sealed record LoadOptions(
    string ProjectDir,
    TargetConfig Target,
    IReadOnlyDictionary<string, object?> CliVars,
    IReadOnlyList<TemplateSource> InternalMacros,
    Func<string, string> Quote,
    Action<string> Log)
{
    /// <summary>The command's run (invocation_id, run_started_at, flags); null: a fresh one.</summary>
    public Invocation? Invocation { get; init; }

    /// <summary>target.* as the adapter reads the output (<see cref="Adapters.IAdapter.TargetFields"/>); null: the profile's settings.</summary>
    public IReadOnlyDictionary<string, object?>? TargetFields { get; init; }

    /// <summary>Where the parse is saved for the next command to reuse (dbt's partial parsing); null: off.</summary>
    public string? PartialParsePath { get; init; }
}

/// <summary>
/// The only stage that reads project files: project.yml, macros, YAML properties and docs, then one parser per
/// resource type (models, seeds, sources, snapshots, data tests) turning files into nodes, then every node's
/// configs checked. Models are rendered once in parse mode to learn their refs, sources and config().
/// </summary>
public static class ProjectLoader
{
    public static LoadedProject Load(LoadOptions options, ProjectConfig? project = null, List<Warning>? warnings = null) =>
        Load(Prepare(options, project, warnings));

    /// <summary>
    /// The first half of a load: the project file, packages and macro files, and whether the saved parse
    /// holds (its header and the files' stamps checked, its body not read), so that a command can tell its outputs are
    /// current before anything is parsed or read back (<see cref="ProjectLoad.Current"/>).
    /// </summary>
    public static ProjectLoad Prepare(LoadOptions options, ProjectConfig? project = null, List<Warning>? warnings = null)
    {
        warnings ??= [];
        var started = DateTime.UtcNow;
        project ??= ProjectFileReader.Read(options.ProjectDir, warnings);
        var packages = InstalledPackages.Find(project, warnings);
        // The root project first: its nodes and files come first, and an installed package's never shadow them.
        var sources = new[] { project }.Concat(packages)
            .Select(p => new PackageFiles(p, new ProjectFiles(p.RootDir, project.RootDir), new FileIndex(p.Name))).ToList();

        // Macros: macro-paths, plus generic tests under <test-path>/generic as dbt reads them; each package in its namespace.
        var macroPackages = new List<MacroPackage> { new(MacroResolver.InternalNamespace, MacroPackageKind.Internal, BuiltinMacros.All.Concat(options.InternalMacros).ToList()) };
        foreach (var (package, files, index) in sources)
        {
            var macroFiles = files.Of(package.MacroPaths, ".sql")
                .Concat(files.Of(package.TestPaths.Select(t => System.IO.Path.Combine(t, "generic")), ".sql"))
                .Select(f => new TemplateSource(f.Relative, index.Read(f, "macro"))).ToList();
            macroPackages.Add(new MacroPackage(package.Name, package == project ? MacroPackageKind.Root : MacroPackageKind.Installed, macroFiles));
        }
        var key = options.PartialParsePath is null ? null
            // FilePath is the file's name as errors show it: the key reads the file itself, wherever the command runs.
            : PartialParseCache.KeyOf(new[] { project }.Concat(packages).Select(p => Path.Combine(p.RootDir, Path.GetFileName(p.FilePath))), macroPackages, options.Target, options.TargetFields, options.CliVars, options.Quote.Method.Module);
        var snapshotPath = key is null ? null : ParseSnapshot.PathBeside(options.PartialParsePath!);
        var why = "";
        var saved = snapshotPath is null ? null : ParseSnapshot.Open(snapshotPath, key!, project.RootDir, EditableIn(project), out why);
        return new ProjectLoad(options, project, warnings, started, sources, packages, macroPackages, key, snapshotPath, saved, why);
    }

    /// <summary>The second half: the saved parse read back (with edited model files applied), else the project parsed.</summary>
    public static LoadedProject Load(ProjectLoad load)
    {
        var (options, project, warnings, started, sources, packages, key, snapshotPath, why) =
            (load.Options, load.Project, load.Warnings, load.Started, load.Sources, load.Packages, load.Key, load.SnapshotPath, load.Why);
        var (engine, session) = NewSession(load);
        warnings.AddRange(MaterializationWarnings(engine));

        if (load.Saved is { } opened)
        {
            if (opened.Read(engine, session.EnvReads) is not { } saved) why = "the saved parse could not be read";
            else if (opened.Changed.Count == 0) return Restored(saved, project, session, engine, warnings, key!, 0);
            else if (SavedParseEdits.Apply(saved, opened.Changed, project, session, snapshotPath!, out var rendered, out why) is { } edited)
                return Restored(edited, project, session, engine, warnings, key!, rendered);
        }
        var parseWarningsFrom = warnings.Count;
        var docs = new Dictionary<string, DocsBlock>(StringComparer.Ordinal);
        var cache = key is null ? null : PartialParseCache.Open(options.PartialParsePath!, key);
        // renders reused from the cache read these: the saved parse and the command's note must depend on them too
        if (cache is not null) foreach (var (name, value) in cache.Env) session.EnvReads[name] = value;
        var parsed = new ParsedNodes { PartialParse = cache };
        var objects = new List<ProjectObject>();
        // Configs are rendered once the target and vars are known (dbt renders dbt_project.yml the same way).
        var rootRendered = ConfigRendering.Render(project, session.RenderYamlString);
        foreach (var (package, files, index) in sources)
            objects.AddRange(Parse(package == project ? rootRendered : ConfigRendering.Render(package, session.RenderYamlString), rootRendered, files, index, options, session, parsed, docs, warnings));

        warnings.AddRange(parsed.Warnings);
        var disabledReads = DisabledReferences.Resolve(parsed, project.Name, warnings);
        var governance = new List<XformException>();
        var resolved = ModelGovernance.Check(project.Name, parsed.Nodes, objects, governance, warnings, DateTime.UtcNow);
        CheckConfigs(parsed.Nodes.Values, engine, disabledReads.Concat(parsed.Errors).Concat(governance));
        var manifest = new Manifest(project, parsed.Nodes, engine.Macros, docs, warnings) { Disabled = parsed.Disabled, Objects = resolved };
        cache?.Save(session.EnvReads);
        var read = sources.SelectMany(s => s.Index.Files).ToList();
        string? notSaved = null, generation = null;
        Task<string?>? saving = null;
        if (snapshotPath is not null)
        {
            notSaved = parsed.ReadVolatile || session.ReadVolatile ? "a template read the clock, the invocation, flags or the log"
                : parsed.Nodes.Values.Concat(parsed.Disabled).Any(n => n.DeprecationDate is not null) ? "a model has a deprecation_date (its warning depends on the day)"
                : null;
            if (notSaved is not null)
                CacheCodec.DeleteFile(snapshotPath);
            else
            {
                generation = Guid.NewGuid().ToString("N");
                var folders = sources.SelectMany(s => s.Files.Listed.Select(l => (l.Dir, l.Files, (Func<string, string?>)(full => s.Index.TextChecksum(s.Files.Shown(full)))))).ToList();
                var contents = new ParsedContents(parsed.Nodes.Values.ToList(), parsed.Disabled, resolved, docs.ToList(), warnings.Skip(parseWarningsFrom).ToList(),
                    parsed.Templates, read, cache!.Result.Reused + cache.Result.Parsed, generation);
                // Written while the command goes on (the graph, compiling): everything it holds is immutable by now.
                var env = new Dictionary<string, string?>(session.EnvReads, StringComparer.Ordinal);
                var inputs = new Dictionary<string, ModelInputs>(parsed.ModelInputs, StringComparer.Ordinal);
                saving = Task.Run(() =>
                {
                    var failed = ParseSnapshot.Save(snapshotPath, key!, env, folders, contents, started);
                    if (failed is null) SavedParseEdits.SaveInputs(snapshotPath, generation, inputs);
                    return failed;
                });
            }
        }
        return new LoadedProject(manifest, session, parsed.Templates, new MacroIndex(engine))
        {
            Files = read,
            ParseOutputs = parsed.Outputs,
            PartialParse = cache?.Result is { } result ? result with { SavedParse = why, NotSaved = notSaved } : null,
            PartialParseKey = cache?.Key,
            SavedParseGeneration = generation,
            SavedParseBase = generation,
            Saving = saving,
        };
    }

    /// <summary>The macros compiled into a template engine, and the session templates of this load render in.</summary>
    internal static (TemplateEngine Engine, CompileSession Session) NewSession(ProjectLoad load)
    {
        var (options, project, packages) = (load.Options, load.Project, load.Packages);
        var engine = new TemplateEngine(load.MacroPackages, options.Target.Type, project.Dispatch)
        {
            DeclaredNotInstalled = PackagesFile.LikelyNames(project.RootDir).Where(n => packages.All(p => p.Name != n)).ToHashSet(StringComparer.Ordinal),
        };
        var session = new CompileSession(engine, project, options.Target, options.CliVars, options.Quote, options.Log, options.Invocation, options.TargetFields, packages)
        {
            // also without partial parsing: a var's template that read the clock keeps the compile from reusing parse renders
            WatchVolatile = PartialParseCache.Volatile,
        };
        return (engine, session);
    }

    /// <summary>The model files of the root project, which an edit may re-render alone on top of the saved parse (full paths).</summary>
    static Func<string, bool> EditableIn(ProjectConfig project)
    {
        var folders = project.ModelPaths.Select(p => Path.GetFullPath(Path.Combine(project.RootDir, p)).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).ToList();
        return file => file.EndsWith(".sql", StringComparison.Ordinal) && folders.Any(f => file.StartsWith(f, StringComparison.Ordinal));
    }

    /// <summary>
    /// The project as the saved parse has it, with the model files edited since applied (<paramref name="rendered"/> of them
    /// rendered now): no YAML read, no other file rendered.
    /// </summary>
    static LoadedProject Restored(ParsedContents saved, ProjectConfig project, CompileSession session, TemplateEngine engine, List<Warning> warnings, string key, int rendered)
    {
        warnings.AddRange(saved.Warnings);
        var nodes = new Dictionary<string, Node>(saved.Nodes.Count, StringComparer.Ordinal);
        foreach (var node in saved.Nodes) nodes[node.UniqueId] = node;
        var docs = new Dictionary<string, DocsBlock>(saved.Docs, StringComparer.Ordinal);
        var manifest = new Manifest(project, nodes, engine.Macros, docs, warnings) { Disabled = saved.Disabled, Objects = saved.Objects };
        return new LoadedProject(manifest, session, saved.Templates, new MacroIndex(engine))
        {
            Files = saved.Files,
            PartialParse = new PartialParseResult(saved.ModelFiles - rendered, rendered, null) { SavedParse = null },
            PartialParseKey = key,
            SavedParseGeneration = saved.Generation,
            SavedParseBase = saved.Base ?? saved.Generation,
            EditedNodes = saved.Edited,
        };
    }

    internal sealed record PackageFiles(ProjectConfig Package, ProjectFiles Files, FileIndex Index);

    /// <summary>One package's YAML properties, docs and nodes: one parser per resource type, in this order. Returns its YAML objects.</summary>
    static IEnumerable<ProjectObject> Parse(ProjectConfig package, ProjectConfig root, ProjectFiles files, FileIndex index, LoadOptions options,
        CompileSession session, ParsedNodes parsed, Dictionary<string, DocsBlock> docs, List<Warning> warnings)
    {
        var properties = new PropertiesReader(warnings, session.RenderYamlString);
        var ownDocs = new Dictionary<string, DocsBlock>(StringComparer.Ordinal);
        var paths = package.ModelPaths.Concat(package.SeedPaths).Concat(package.SnapshotPaths).Concat(package.MacroPaths).Distinct().ToList();
        // The properties files are read and parsed as YAML on the thread pool, a few files ahead of the one read into the
        // project here, in their order, with the docs of each path after its files as before (so the same error or first
        // duplicate is reported). One after another, on one core, they were the first quarter of a cold parse of 10,000
        // models; all parsed at once, their trees held 65 MB more at the peak of 50,000.
        var byPath = paths.Select(path => files.Of([path], ".yml", ".yaml").ToList()).ToList();
        var yamlFiles = byPath.SelectMany(f => f).ToList();
        var ahead = Math.Max(2, 2 * Environment.ProcessorCount);
        var parsing = new Task<YamlValue?>?[yamlFiles.Count];
        void StartParsing(int k)
        {
            if (k < yamlFiles.Count) parsing[k] = Task.Run(() => Yaml.LoadText(index.Read(yamlFiles[k], "properties"), yamlFiles[k].Relative));
        }
        for (var k = 0; k < ahead; k++) StartParsing(k);
        for (int p = 0, i = 0; p < paths.Count; p++)
        {
            for (var end = i + byPath[p].Count; i < end; i++)
            {
                StartParsing(i + ahead);
                var document = parsing[i]!.GetAwaiter().GetResult(); // the file's own exception, as read here before
                parsing[i] = null;
                properties.Read(document, yamlFiles[i].Relative, options.Target.Schema);
            }
            DocsParser.Read(files, index, paths[p], ownDocs);
        }
        // A docs block named twice in one package is an error; across packages the root project's (parsed first) wins.
        foreach (var (name, block) in ownDocs) docs.TryAdd(name, block);
        var props = properties.Result;
        var patches = Patches(props.Nodes);

        var context = new ParseContext(package, root, options, files, index, session, patches, props, parsed);
        ModelParser.Parse(context);
        AnalysisParser.Parse(context);
        SeedParser.Parse(context);
        SourceParser.Parse(context);
        SnapshotParser.Parse(context);
        DataTestParser.Parse(context);
        UnitTestParser.Parse(context, warnings);

        foreach (var ((kind, name), patch) in patches)
            if (!context.UsedPatches.Contains((kind, name)))
                warnings.Add(new Warning($"properties for {kind} '{name}' match no {kind} file in the project", patch.Location));
        return props.Objects.Select(o => o with { PackageName = package.Name });
    }

    /// <summary>
    /// Every config mistake of every node, with the other errors found after parsing (<paramref name="more"/>), reported at
    /// once and here, so that no command touches the database first.
    /// </summary>
    static void CheckConfigs(IEnumerable<Node> nodes, TemplateEngine engine, IEnumerable<XformException> more)
    {
        var errors = nodes.SelectMany(n => n.ResourceType == ResourceType.Seed ? SeedConfigErrors(n) : BuildSettings.Check(n, engine)).Concat(more)
            .OrderBy(e => e.Location.File, StringComparer.Ordinal).ThenBy(e => e.Location.Line).ThenBy(e => e.Location.Column).ToList();
        if (errors.Count > 0) throw errors.Count == 1 ? errors[0] : new XformAggregateException(errors);
    }

    /// <summary>
    /// What a <c>{% materialization %}</c> block named like one of xform's own does (for this adapter): the root project's
    /// replaces a built-in model materialization (said once, since xform's guarantees are then the block's); a package's
    /// is ignored, as in dbt 1.8+; seeds, snapshots and tests are always built by xform.
    /// </summary>
    internal static IEnumerable<Warning> MaterializationWarnings(TemplateEngine engine)
    {
        foreach (var (name, adapter, macro) in engine.MaterializationBlocks)
        {
            if (adapter != engine.AdapterType && adapter != "default") continue;
            var root = macro.Package == engine.RootPackage;
            if (BuildSettings.Replaceable.Contains(name) && engine.FindMaterialization(name, true) == macro)
                yield return new Warning($"the project's materialization '{name}' replaces xform's built-in {name} materialization for every {name} model: " +
                                         "building, replacing and contract checks are then up to this block", macro.Location);
            else if (BuildSettings.Replaceable.Contains(name) && !root)
                yield return new Warning($"materialization '{name}' of package '{macro.Package}' is ignored: only the root project's block replaces a built-in " +
                                         "materialization (as in dbt 1.8+); copy it into the project's macros to use it", macro.Location);
            else if (name is "seed" or "snapshot" or "test" or "unit" or "ephemeral")
                yield return new Warning($"materialization '{name}' is not run: xform builds {name}s itself", macro.Location);
        }
    }

    /// <summary>A seed's reading options (delimiter, column_types), checked here as the build configs are.</summary>
    static IEnumerable<XformException> SeedConfigErrors(Node seed)
    {
        try
        {
            SeedOptions.From(seed.Config, seed.OriginalFilePath);
            return [];
        }
        catch (XformException e)
        {
            return [e];
        }
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
}
