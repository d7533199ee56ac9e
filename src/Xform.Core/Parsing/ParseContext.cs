using System.Collections.Concurrent;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>
/// A project file as the parse read it: where it is, the package it belongs to, what kind of resource it holds and
/// a checksum of its content (a seed's: of its size and time, as seeds can be large), so a later parse can tell
/// what changed. The checksum is a 64-bit FNV-1a of the text: enough to notice a change, and SHA-256 of every
/// file measured 0.1 s of CPU on 10,000 models (the manifest keeps dbt's SHA-256 of each node's code).
/// </summary>
public sealed record ProjectFile(string Path, string Package, string Kind, string Checksum);

/// <summary>The files a parse read, each recorded as it is read.</summary>
internal sealed class FileIndex(string package)
{
    readonly ConcurrentDictionary<string, ProjectFile> _files = new(StringComparer.Ordinal);

    readonly ConcurrentDictionary<string, bool> _unread = new(StringComparer.Ordinal);

    public IReadOnlyList<ProjectFile> Files => _files.Values.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();

    /// <summary>The checksum of a file's text as the parse read it; null for a file it did not read (or only recorded).</summary>
    public string? TextChecksum(string path) => _files.TryGetValue(path, out var f) && !_unread.ContainsKey(path) ? f.Checksum : null;

    /// <summary>Reads a text file of the project and records it.</summary>
    public string Read((string Full, string Relative, string InFolder) file, string kind)
    {
        var text = TextFile.Read(file.Full);
        _files[file.Relative] = new ProjectFile(file.Relative, package, kind, Checksum(text));
        return text;
    }

    /// <summary>The 64-bit FNV-1a of a text, as 16 hex digits.</summary>
    internal static string Checksum(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Records a file whose content the parse does not read (a seed).</summary>
    public void Record((string Full, string Relative, string InFolder) file, string kind)
    {
        var info = new FileInfo(file.Full);
        _unread[file.Relative] = true;
        _files[file.Relative] = new ProjectFile(file.Relative, package, kind, $"size {info.Length}, modified {info.LastWriteTimeUtc:O}");
    }
}

/// <summary>
/// What the parsers of one project share: its files, the template engine and session, the YAML properties by
/// (kind, name), how a node's config and relation are made, and the nodes found so far. The parsers (one per
/// resource type) run one after another; only model parsing is parallel, and it writes only thread-safe parts.
/// </summary>
internal sealed class ParseContext(ProjectConfig project, ProjectConfig root, LoadOptions options, ProjectFiles files, FileIndex index,
    CompileSession session, IReadOnlyDictionary<(string, string), NodePatch> patches, Properties properties, ParsedNodes parsed)
{
    readonly RelationNaming _naming = new(session);

    /// <summary>The package being parsed: the root project or an installed package.</summary>
    public ProjectConfig Project => project;

    /// <summary>The root project, whose configs and vars override an installed package's.</summary>
    public ProjectConfig Root => root;

    /// <summary>The package's name as templates pass it to the engine: null for the root project.</summary>
    public string? TemplatePackage => project == root ? null : project.Name;
    public LoadOptions Options => options;
    public ProjectFiles Files => files;
    public CompileSession Session => session;
    public TemplateEngine Engine => session.Engine;
    public Properties Properties => properties;
    /// <summary>A data test's config with the default audit schema, by the config it was made from (<see cref="DataTestParser"/>).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<NodeConfig, NodeConfig> AuditConfigs { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Every node found so far, of every package.</summary>
    public Dictionary<string, Node> Nodes => parsed.Nodes;

    /// <summary>Mistakes that spoil one node only, reported with the config checks once everything is parsed.</summary>
    public List<XformException> Errors => parsed.Errors;

    /// <summary>The nodes turned off with <c>enabled: false</c> so far.</summary>
    public IReadOnlyList<Node> Disabled => parsed.Disabled;
    public ConcurrentDictionary<string, CompiledTemplate> Templates => parsed.Templates;

    public ConcurrentDictionary<string, string> ParseOutputs => parsed.Outputs;
    public ConcurrentDictionary<string, ModelInputs> ModelInputs => parsed.ModelInputs;

    /// <summary>The saved parse of the last command, to reuse for unchanged model files (null: partial parsing is off).</summary>
    public PartialParseCache? PartialParse => parsed.PartialParse;

    /// <summary>(kind, name) of the properties some file used; the others get a warning.</summary>
    public HashSet<(string, string)> UsedPatches { get; } = [];

    /// <summary>The YAML properties of a node, without marking them used.</summary>
    public NodePatch? PropertiesOf(string kind, string name) =>
        patches.GetValueOrDefault((kind, name)) ?? (kind == "seed" ? SeedUnderModels(name) : null);

    /// <summary>The YAML properties of a node found in a file, marked used.</summary>
    public NodePatch? Patch(string kind, string name)
    {
        UsedPatches.Add((kind, name));
        if (patches.GetValueOrDefault((kind, name)) is { } patch) return patch;
        if (kind != "seed" || SeedUnderModels(name) is not { } underModels) return null;
        UsedPatches.Add(("model", name));
        return underModels;
    }

    /// <summary>
    /// A seed's properties written under <c>models:</c> in a YAML file of the seed paths: dbt attaches them to the seed
    /// (a model of the same name would clash with the seed anyway).
    /// </summary>
    NodePatch? SeedUnderModels(string name) =>
        patches.GetValueOrDefault(("model", name)) is { } patch
        && project.SeedPaths.Any(path => patch.Location.File.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal)) ? patch : null;

    /// <summary>Reads a text file of the project, recording it in the file index.</summary>
    public string Read((string Full, string Relative, string InFolder) file, string kind) => index.Read(file, kind);

    /// <summary>Records a file whose content the parse does not read (a seed).</summary>
    public void Index((string Full, string Relative, string InFolder) file, string kind) => index.Record(file, kind);

    /// <summary>Adds a node; two models, seeds or snapshots of one name in one package are an error.</summary>
    public void Add(Node node) => parsed.Add(node);

    /// <summary>Adds a node when its config enables it, else records it as disabled (dbt's <c>enabled: false</c>).</summary>
    public void AddIfEnabled(Node node)
    {
        if (node.Config.Enabled) parsed.Add(node);
        else parsed.Disabled.Add(node);
    }

    /// <summary>
    /// Folder configs along the node's path in its package's project file, then (for an installed package) the
    /// root project's, which override them (<c>models: {dbt_utils: {+schema: utils}}</c>), then its YAML properties' config.
    /// </summary>
    public NodeConfig Configure(Func<ProjectConfig, ConfigScope> scope, IReadOnlyList<string> fqn, NodePatch? patch)
    {
        var config = scope(project).Layered(NodeConfig.Empty, fqn);
        if (project != root) config = scope(root).Layered(config, fqn);
        return patch is null ? config : config.With(patch.Config);
    }

    /// <summary>Parses a template of this package: its unqualified macro calls find the package's own macros first.</summary>
    public CompiledTemplate ParseTemplate(string path, string text) => Engine.Parse(new TemplateSource(path, text), TemplatePackage);

    /// <summary>Where the node is built: dbt's generate_database/schema/alias_name (see <see cref="RelationNaming"/>).</summary>
    public RelationName RelationFor(NodeConfig config, string name, ResourceType type, IReadOnlyList<string> fqn, string path, string? version = null) =>
        _naming.For(config, name, type, fqn, path, project.Name, version);

    /// <summary>The node's fqn: project, the folders inside its resource path, its name.</summary>
    public string[] Fqn(string inFolder, string name)
    {
        var dirs = System.IO.Path.GetDirectoryName(inFolder)?.Replace('\\', '/') ?? "";
        return [project.Name, .. dirs.Split('/', StringSplitOptions.RemoveEmptyEntries), name];
    }

    /// <summary>
    /// Globals a compile render sees otherwise than a parse render, besides the relations of ref(), source() and
    /// <c>this</c>: a parse render that read none of them (nor <c>config.get</c>) printed what a compile of the node
    /// renders. With them, what differs from one command to the next or prints: a second render would read or print it again.
    /// </summary>
    static readonly IReadOnlySet<string> CompiledOtherwise = new HashSet<string>(
        [.. PartialParseCache.Volatile, .. DatabaseObjects.Names, "execute", "is_incremental", "model"], StringComparer.Ordinal);

    /// <summary>Renders a template in parse mode: its ref(), source() and config() calls are captured, not resolved.</summary>
    /// <param name="readVolatile">whether the render read a global that differs between commands (<see cref="PartialParseCache.Volatile"/>)</param>
    /// <param name="output">what the render printed when a compile of the node would print the same, given the relations
    /// of the refs and sources the parse placeholders name (<see cref="CompiledOtherwise"/>); null otherwise</param>
    public ParseCapture Capture(CompiledTemplate template, NodeConfig config, RelationName self, out bool readVolatile, out string? output)
    {
        var capture = new ParseCapture(session, config, project.Name);
        var globals = capture.Globals(self);
        globals.Watch(CompiledOtherwise);
        var rendered = Engine.Render(template, globals);
        readVolatile = globals.ReadAnyOf(PartialParseCache.Volatile);
        output = globals.ReadWatched || capture.ReadConfig ? null : rendered;
        if (readVolatile) parsed.ReadVolatile = true;
        if (capture.Warnings.Count > 0) parsed.AddWarnings(capture.Warnings);
        return capture;
    }

    public ParseCapture Capture(CompiledTemplate template, NodeConfig config, RelationName self) => Capture(template, config, self, out _, out _);

    /// <summary>The warnings of a reused parse of an unchanged file, given again as its render gave them.</summary>
    public void AddWarnings(IReadOnlyList<Warning> warnings)
    {
        if (warnings.Count > 0) parsed.AddWarnings(warnings);
    }
}

/// <summary>The nodes and templates of every package of one parse, shared by the package's parse contexts.</summary>
internal sealed class ParsedNodes
{
    readonly Dictionary<(string Package, string Name, string? Version), Node> _byName = [];

    public Dictionary<string, Node> Nodes { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, CompiledTemplate> Templates { get; } = new(StringComparer.Ordinal);

    /// <summary>Models whose parse-render printed their compiled SQL, by unique id (<see cref="LoadedProject.ParseOutputs"/>).</summary>
    public ConcurrentDictionary<string, string> Outputs { get; } = new(StringComparer.Ordinal);

    /// <summary>The saved parse to reuse (null: partial parsing is off).</summary>
    public PartialParseCache? PartialParse { get; init; }

    /// <summary>
    /// Each unversioned model's config and relation as its parse-render saw them (before its config() call), by unique id:
    /// what a later command needs to render the file again alone (<see cref="SavedParseEdits"/>).
    /// </summary>
    public ConcurrentDictionary<string, ModelInputs> ModelInputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether a render read a global that differs between commands: the whole parse is then not saved.</summary>
    public bool ReadVolatile { get; set; }

    /// <summary>Models, seeds, snapshots and sources with <c>enabled: false</c>: not nodes, but a ref() to one is told apart from a typo.</summary>
    public List<Node> Disabled { get; } = [];

    /// <summary>Mistakes that spoil one node only (a test entry), reported with the config checks once everything is parsed.</summary>
    public List<XformException> Errors { get; } = [];

    readonly List<Warning> _warnings = [];

    /// <summary>Warnings of the parallel renders, in file order.</summary>
    public IEnumerable<Warning> Warnings
    {
        get
        {
            lock (_warnings) return _warnings.OrderBy(w => w.Location.File, StringComparer.Ordinal).ThenBy(w => w.Location.Line).ToList();
        }
    }

    public void AddWarnings(IEnumerable<Warning> warnings)
    {
        lock (_warnings) _warnings.AddRange(warnings);
    }

    public void Add(Node node)
    {
        if (node.ResourceType is ResourceType.Model or ResourceType.Seed or ResourceType.Snapshot)
        {
            if (_byName.TryGetValue((node.PackageName, node.Name, node.Version), out var other))
                throw new XformException(
                    $"two resources are named '{node.Name}': {other.OriginalFilePath} and {node.OriginalFilePath}; names of models, seeds and snapshots must be unique",
                    node.Location);
            _byName[(node.PackageName, node.Name, node.Version)] = node;
        }
        Nodes[node.UniqueId] = node;
    }
}
