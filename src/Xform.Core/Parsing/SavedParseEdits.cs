using System.Text;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>A model's file, and the config and relation its parse-render saw (before its own config() call).</summary>
internal sealed record ModelInputs(string Path, NodeConfig Config, RelationName Self);

/// <summary>
/// dbt's partial parsing of edited model files: when the only files changed since the saved parse (<see cref="ParseSnapshot"/>)
/// are model files of the root project, each is rendered again alone, with the config and relation its last render saw
/// (<c>partial_parse_models.bin</c>, written with the saved parse), and its node replaced; YAML, tests and every other file
/// come from the saved parse. An edit whose effect may reach beyond its own node is parsed in full instead: a model turned
/// off or given another access or group, a new ref to a disabled or private model, other refs in a model with unit tests,
/// warnings in the file, a render that reads the clock, the invocation, flags or the log, or an environment variable the
/// saved parse did not read. The edited nodes are kept in <c>partial_parse_edits.bin</c> (a few kilobytes), so the commands
/// after it apply them without rendering, and the saved parse itself is not written again (at 10,000 models that costs
/// nearly a second of CPU).
/// </summary>
internal static class SavedParseEdits
{
    const string InputsFormat = "xform model inputs 1";
    const string EditsFormat = "xform parse edits 3";

    public static string InputsPath(string snapshotPath) => Path.Combine(Path.GetDirectoryName(snapshotPath)!, "partial_parse_models.bin");

    public static string EditsPath(string snapshotPath) => Path.Combine(Path.GetDirectoryName(snapshotPath)!, "partial_parse_edits.bin");

    /// <summary>
    /// Writes each model's inputs for the saved parse <paramref name="generation"/>: an index of files, then one record per
    /// model, so that a later command reads only the records of the files it renders again.
    /// </summary>
    public static void SaveInputs(string snapshotPath, string generation, IReadOnlyDictionary<string, ModelInputs> inputs)
    {
        var path = InputsPath(snapshotPath);
        CacheCodec.DeleteFile(EditsPath(snapshotPath));
        try
        {
            using var records = new MemoryStream();
            var index = new List<(string Path, long Offset)>(inputs.Count);
            using (var w = new BinaryWriter(records, Encoding.UTF8, leaveOpen: true))
                foreach (var (id, input) in inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.Flush();
                    index.Add((input.Path, records.Position));
                    w.Write(id);
                    ParseSnapshotCodec.Config(w, input.Config);
                    ParseSnapshotCodec.Relation(w, input.Self);
                }
            CacheCodec.WriteFile(path, w =>
            {
                w.Write(InputsFormat);
                w.Write(generation);
                w.Write(index.Count);
                foreach (var (file, offset) in index)
                {
                    w.Write(file);
                    w.Write(offset);
                }
                w.Write(records.GetBuffer(), 0, (int)records.Length);
            });
        }
        catch (NotSupportedException)
        {
            CacheCodec.DeleteFile(path); // a config value the codec cannot hold: edits are parsed in full
        }
    }

    /// <summary>The inputs of the models of <paramref name="files"/> (project-relative paths), by path: (unique id, inputs); null when unreadable or of another parse.</summary>
    internal static Dictionary<string, (string Id, ModelInputs Inputs)>? ReadInputs(string snapshotPath, string generation, IReadOnlyCollection<string> files)
    {
        try
        {
            using var stream = File.OpenRead(InputsPath(snapshotPath));
            using var r = new BinaryReader(stream, Encoding.UTF8);
            if (r.ReadString() != InputsFormat || r.ReadString() != generation) return null;
            var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var n = r.ReadInt32(); n > 0; n--) offsets[r.ReadString()] = r.ReadInt64();
            var start = stream.Position;
            var found = new Dictionary<string, (string, ModelInputs)>(StringComparer.Ordinal);
            var origins = new Dictionary<string, ConfigValues>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                if (!offsets.TryGetValue(file, out var offset)) return null;
                stream.Position = start + offset;
                var id = r.ReadString();
                found[file] = (id, new ModelInputs(file, ParseSnapshotCodec.ReadConfig(r, origins), ParseSnapshotCodec.ReadRelation(r)));
            }
            return found;
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return null;
        }
    }

    /// <summary>An edited model file as the last command that rendered it left it: its text's checksum, its node and template.</summary>
    internal sealed record Edit(string Checksum, Node Node, CompiledTemplate Template);

    /// <summary>The edits saved on top of the saved parse <paramref name="generation"/>, by project-relative path, and the generation they make.</summary>
    internal static (Dictionary<string, Edit> Edits, string? Generation) ReadEdits(string snapshotPath, string generation, TemplateEngine engine)
    {
        var path = EditsPath(snapshotPath);
        if (!File.Exists(path)) return ([], null);
        try
        {
            using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (ReadIndex(r, generation) is not ({ } edited, { } files)) return ([], null);
            var edits = new Dictionary<string, Edit>(StringComparer.Ordinal);
            var origins = new Dictionary<string, ConfigValues>(StringComparer.Ordinal);
            foreach (var (file, checksum) in files)
                edits[file] = new Edit(checksum, ParseSnapshotCodec.ReadNode(r, origins), ParseSnapshotCodec.ReadTemplate(r, engine));
            return (edits, edited);
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return ([], null);
        }
    }

    /// <summary>The edits file's generation and its files with their checksums, in the order of the records after them; null: of another saved parse.</summary>
    static (string Generation, List<(string File, string Checksum)> Files)? ReadIndex(BinaryReader r, string generation)
    {
        if (r.ReadString() != EditsFormat || r.ReadString() != generation) return null;
        var edited = r.ReadString();
        var files = new List<(string, string)>(r.ReadInt32());
        for (var i = files.Capacity; i > 0; i--) files.Add((r.ReadString(), r.ReadString()));
        return (edited, files);
    }

    /// <summary>
    /// The project the saved edits make, when the files changed since the saved parse are exactly the edited files as the
    /// edits hold them (what <see cref="Apply"/> would find without rendering anything): its generation; else null. Reads
    /// only the edits' index, not their nodes.
    /// </summary>
    public static string? Unchanged(string snapshotPath, string generation, IReadOnlyList<ChangedFile> changed, string projectRoot)
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(EditsPath(snapshotPath)), Encoding.UTF8);
            if (ReadIndex(r, generation) is not ({ } edited, { } files) || files.Count != changed.Count) return null;
            var saved = files.ToDictionary(f => f.File, f => f.Checksum, StringComparer.Ordinal);
            return changed.All(c => saved.GetValueOrDefault(c.RelativeTo(projectRoot)) == c.Checksum) ? edited : null;
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return null;
        }
    }

    internal static void SaveEdits(string snapshotPath, string generation, string edited, IReadOnlyDictionary<string, Edit> edits)
    {
        try
        {
            using var buffer = new MemoryStream();
            using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(EditsFormat);
                w.Write(generation);
                w.Write(edited);
                var ordered = edits.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
                // the index first: whether the files changed are these edits is told without reading a node
                w.Write(ordered.Count);
                foreach (var (file, edit) in ordered)
                {
                    w.Write(file);
                    w.Write(edit.Checksum);
                }
                foreach (var (_, edit) in ordered)
                {
                    ParseSnapshotCodec.WriteNode(w, edit.Node);
                    ParseSnapshotCodec.WriteTemplate(w, edit.Template);
                }
            }
            CacheCodec.WriteFile(EditsPath(snapshotPath), w => w.Write(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        catch (NotSupportedException)
        {
            CacheCodec.DeleteFile(EditsPath(snapshotPath)); // the next command renders the files again
        }
    }

    /// <summary>
    /// The saved parse with the changed model files applied (from the saved edits, or rendered again now), or null with
    /// <paramref name="why"/> the project must be parsed in full. <paramref name="rendered"/>: the files rendered now.
    /// </summary>
    public static ParsedContents? Apply(ParsedContents saved, IReadOnlyList<ChangedFile> changed, ProjectConfig project, CompileSession session,
        string snapshotPath, out int rendered, out string why)
    {
        rendered = 0;
        var models = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < saved.Nodes.Count; i++)
            if (saved.Nodes[i] is { ResourceType: ResourceType.Model, Version: null } n && n.PackageName == project.Name) models[n.OriginalFilePath] = i;
        var (edits, editedGeneration) = ReadEdits(snapshotPath, saved.Generation, session.Engine);
        var applied = new Dictionary<string, Edit>(StringComparer.Ordinal);
        var toRender = new List<(ChangedFile File, string Relative, Node Old)>();
        foreach (var file in changed)
        {
            var relative = file.RelativeTo(project.RootDir);
            if (!models.TryGetValue(relative, out var at))
            {
                why = $"{relative} changed";
                return null;
            }
            if (edits.TryGetValue(relative, out var edit) && edit.Checksum == file.Checksum) applied[relative] = edit;
            else toRender.Add((file, relative, saved.Nodes[at]));
        }
        if (toRender.Count > 0)
        {
            var inputs = ReadInputs(snapshotPath, saved.Generation, toRender.Select(t => t.Relative).ToList());
            var refsGuarded = saved.Disabled.Count > 0 || saved.Nodes.Any(n => n.Access == "private");
            var unitTested = saved.Nodes.Where(n => n.UnitTest is not null).Select(n => n.UnitTest!.ModelId).ToHashSet(StringComparer.Ordinal);
            foreach (var (file, relative, old) in toRender)
            {
                if (inputs?.GetValueOrDefault(relative) is not ({ } id, { } input) || id != old.UniqueId)
                {
                    why = $"{relative} changed (the saved parse holds no inputs to render it alone)";
                    return null;
                }
                // a file with warnings is parsed in full: its warnings would have to be replaced in order
                if (saved.Warnings.Any(w => w.Location.File == relative)
                    || Render(old, input, file, relative, project, session, refsGuarded, unitTested.Contains(old.UniqueId)) is not { } edit)
                {
                    why = $"{relative} changed, in a way that can reach other nodes";
                    return null;
                }
                applied[relative] = edit;
            }
            rendered = toRender.Count;
        }

        // Every change came from the saved edits, all of them: the project the command before had, so its manifest holds.
        var same = toRender.Count == 0 && editedGeneration is not null && applied.Count == edits.Count;
        var generation = same ? editedGeneration! : Guid.NewGuid().ToString("N");
        if (!same) SaveEdits(snapshotPath, saved.Generation, generation, applied);
        why = "";
        return Edited(saved, applied, generation, models);
    }

    /// <summary>The saved parse with each edit's node, template and file checksum in place of the saved ones.</summary>
    static ParsedContents Edited(ParsedContents saved, Dictionary<string, Edit> applied, string generation, Dictionary<string, int> models)
    {
        var nodes = saved.Nodes.ToArray();
        var templates = new Dictionary<string, CompiledTemplate>(saved.Templates, StringComparer.Ordinal);
        foreach (var (file, edit) in applied)
        {
            nodes[models[file]] = edit.Node;
            templates[edit.Node.UniqueId] = edit.Template;
        }
        var files = saved.Files.Select(f => applied.TryGetValue(f.Path, out var edit) && f.Package == edit.Node.PackageName ? f with { Checksum = edit.Checksum } : f).ToList();
        return saved with
        {
            Nodes = nodes, Templates = templates, Files = files, Generation = generation, Base = saved.Generation,
            Edited = applied.Values.ToDictionary(e => e.Node.UniqueId, e => e.Checksum, StringComparer.Ordinal),
        };
    }

    /// <summary>Whether two versions of a node name the same refs and sources, in the same order (wherever in the text).</summary>
    internal static bool ReadsTheSame(Node old, Node edited) =>
        old.Refs.Select(r => (r.Name, r.Package, r.Version)).SequenceEqual(edited.Refs.Select(r => (r.Name, r.Package, r.Version)))
        && old.SourceRefs.Select(r => (r.SourceName, r.Name)).SequenceEqual(edited.SourceRefs.Select(r => (r.SourceName, r.Name)));

    /// <summary>
    /// The file rendered again alone, as its node; null when the edit may reach other nodes. <paramref name="refsGuarded"/>:
    /// the project has disabled or private nodes (a new ref may read one); <paramref name="unitTested"/>: the model has unit
    /// tests (which copy its refs).
    /// </summary>
    internal static Edit? Render(Node old, ModelInputs input, ChangedFile file, string relative, ProjectConfig project, CompileSession session,
        bool refsGuarded, bool unitTested)
    {
        var envRead = session.EnvReads.Keys.ToHashSet(StringComparer.Ordinal);
        try
        {
            var template = session.Engine.Parse(new TemplateSource(relative, file.Text), null);
            var capture = new ParseCapture(session, input.Config, project.Name);
            var globals = capture.Globals(input.Self);
            globals.Watch(PartialParseCache.Volatile);
            session.Engine.Render(template, globals);
            if (globals.ReadWatched || capture.Warnings.Count > 0) return null;
            var config = input.Config.With(capture.Config);
            var node = old with
            {
                Config = config, Relation = new RelationNaming(session).For(config, old.Name, ResourceType.Model, old.Fqn, relative, project.Name, null),
                RawCode = file.Text, Refs = capture.Refs, SourceRefs = capture.Sources,
            };
            // the render and the relation's naming macros read only environment variables the saved parse checks
            if (session.EnvReads.Keys.Any(name => !envRead.Contains(name))) return null;
            if (!config.Enabled || node.Access != old.Access || node.Group != old.Group) return null;
            var readsOther = !ReadsTheSame(old, node);
            // A new ref may read a disabled or private node (errors a full parse reports); unit tests copy their model's refs.
            if (readsOther && refsGuarded) return null;
            if ((!node.Refs.SequenceEqual(old.Refs) || !node.SourceRefs.SequenceEqual(old.SourceRefs)) && unitTested) return null;
            if (BuildSettings.Check(node, session.Engine).Any()) return null; // a full parse reports it with the others
            return new Edit(file.Checksum, node, template);
        }
        catch (Exception e) when (e is Diagnostics.XformException or JinjaError)
        {
            return null; // the full parse reports it where it is
        }
    }
}
