using System.Text;
using Xform.Core.Artifacts;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Tasks;

/// <summary>
/// <c>xform compile</c> (or <c>xform parse</c>) after model files were edited, when nothing but their SQL changed: their new
/// text is rendered alone (parse, then compile with the relations their refs name), their compiled files written, their JSON
/// replaced in the last command's manifest.json, and nothing else read back: the project's other nodes, the graph and the
/// other compiled files stay as the last whole-project compile (or parse) left them. The outputs are byte for byte what a full compile writes (a test
/// compares them after random edits). An edit that may reach another node is compiled in full: another config, relation,
/// ref or source; an ephemeral model or one with unit tests (their SQL is inlined elsewhere); a render that reads the
/// database, the clock, an environment variable not read before or that warns. So is any other change: a YAML file, a
/// macro, a new or deleted file, flags or a selection, a project with warnings. <c>target/compile_patch.bin</c> notes
/// what the last compile wrote; <see cref="SavedCompileNodes"/> the nodes it reads.
/// </summary>
internal static class CompilePatch
{
    const string Format = "xform compile patch 1";
    const string FileName = "compile_patch.bin";

    /// <summary>What the last compile (or parse) wrote: from which project (the saved nodes', its own, its saved parse's), with which flags, and its manifest.json's stamp.</summary>
    /// <param name="Digest">its compiled code's <see cref="ManifestReuse.Digest"/>, which the manifest's key is made of</param>
    sealed record Note(string Nodes, string Current, string Base, string Command, long ManifestSize, long ManifestTime, UInt128 Digest);

    /// <summary>Only a compile or parse of the whole project, as itself (no --empty, --defer or --state), is patched or noted.</summary>
    static bool Whole(Workspace workspace) => workspace.Options is { Select.Count: 0, Exclude.Count: 0, Selector: null, Empty: false, Defer: false }
                                              && workspace.Options.StateDir is not { Length: > 0 };

    /// <summary>
    /// Saves the nodes a patch of this compile's outputs reads, on another thread (while manifest.json is written), when they
    /// are not saved for this project yet; <see cref="Remember"/> waits for it.
    /// </summary>
    public static Task SaveNodes(Workspace workspace)
    {
        var target = workspace.TargetDir;
        if (!Whole(workspace) || workspace.Loaded.SavedParseGeneration is not { } current || SavedCompileNodes.Generation(target) == current)
            return Task.CompletedTask;
        var graph = workspace.Graph;
        return Task.Run(() => SavedCompileNodes.Save(target, current, graph));
    }

    /// <summary>
    /// After a compile or parse, once <paramref name="kept"/> says whether it noted its outputs (<see cref="CommandOutputs.Keep"/>):
    /// what the next one needs to patch them, or, when they cannot be patched (not noted, a selection, warnings, no saved
    /// parse), no note. Either way after the saved nodes are written.
    /// </summary>
    public static void Remember(Workspace workspace, CommandOutputs outputs, bool kept, IReadOnlyDictionary<string, string> compiledCode, Task nodesSaved)
    {
        var target = workspace.TargetDir;
        var loaded = workspace.Loaded;
        nodesSaved.GetAwaiter().GetResult();
        if (!kept || !Whole(workspace) || loaded is not { SavedParseGeneration: { } current, SavedParseBase: { } parseBase, Manifest.Warnings.Count: 0 }
            || outputs.Key("") is not { } command || CacheCodec.SizeAndTime(Path.Combine(target, "manifest.json")) is not var (size, time)
            || SavedCompileNodes.Generation(target) != current)
        {
            Forget(target);
            return;
        }
        Write(target, new Note(current, current, parseBase, command, size, time, ManifestReuse.Digest(compiledCode)));
    }

    /// <summary>
    /// After a compile or parse found its outputs current (<see cref="CommandOutputs.Replay"/>), which gave manifest.json this
    /// command's metadata: the note of the same command that wrote them is given the file's new stamp.
    /// </summary>
    public static void Replayed(Workspace workspace, CommandOutputs outputs)
    {
        var target = workspace.TargetDir;
        if (Whole(workspace) && Read(target) is { } note && note.Current == workspace.Prepared.Current && note.Command == outputs.Key("")
            && CacheCodec.SizeAndTime(Path.Combine(target, "manifest.json")) is var (size, time))
            Write(target, note with { ManifestSize = size, ManifestTime = time });
    }

    /// <summary>Removes the note: the outputs are not to be patched.</summary>
    static void Forget(string targetDir) => CacheCodec.DeleteFile(Path.Combine(targetDir, FileName));

    /// <summary>The edited models rendered, with what writing them needs: the last command's note and outputs, the saved parse's edits.</summary>
    /// <param name="Sql">the edited models' compiled SQL, by unique id (null: a parse)</param>
    sealed record Patch(Note Note, CommandMemo.Noted Last, string SnapshotPath, string SavedParse, Dictionary<string, SavedParseEdits.Edit> Edits,
        Dictionary<string, SavedParseEdits.Edit> Patched, LoadedProject Loaded, DependencyGraph Graph, Dictionary<string, Node> Models, Dictionary<string, string>? Sql);

    /// <summary>
    /// The command done by patching the last one's outputs (<paramref name="compile"/>: a compile, else a parse, which writes
    /// no compiled code): what it reported, as the last one's note holds it; null when it cannot be (nothing written then).
    /// </summary>
    public static IReadOnlyDictionary<string, string>? TryRun(Workspace workspace, CommandOutputs outputs, bool compile) =>
        // no file changed since the saved parse (or none saved): nothing to patch, and no timing to print
        workspace.Prepared is { Saved.Changed.Count: > 0 }
        && workspace.Timed("patch: edits rendered", () => Prepare(workspace, outputs, compile)) is { } patch
            ? workspace.Timed("patch: outputs written", () => Apply(workspace, outputs, patch))
            : null;

    static Patch? Prepare(Workspace workspace, CommandOutputs outputs, bool compile)
    {
        var load = workspace.Prepared;
        var target = workspace.TargetDir;
        if (!Whole(workspace) || load is not { Saved: { Changed.Count: > 0 } saved, SnapshotPath: { } snapshotPath }) return null;
        if (Read(target) is not { } note || note.Base != saved.Generation || outputs.Key("") != note.Command
            || CacheCodec.SizeAndTime(Path.Combine(target, "manifest.json")) != (note.ManifestSize, note.ManifestTime)
            || outputs.Key(note.Current) is not { } lastKey)
            return Declined(workspace, "no note of the same command before, or its manifest.json changed since");
        // Every file the last compile wrote must be as it left it (its note, which a repeated compile replays): checked on
        // the other cores while the edits are rendered.
        var written = Task.Run(() => CommandMemo.Current(target, lastKey));
        var (engine, session) = ProjectLoader.NewSession(load);
        if (ProjectLoader.MaterializationWarnings(engine).Any()) return Declined(workspace, "the macros warn");
        foreach (var (name, value) in saved.Env) session.EnvReads[name] = value;
        // The project the last compile wrote: the saved parse with the edits it applied. Every file changed since the saved
        // parse is one of those edits (the same text) or an edit to patch in now.
        var (edits, editedGeneration) = SavedParseEdits.ReadEdits(snapshotPath, saved.Generation, engine);
        if ((editedGeneration ?? saved.Generation) != note.Current) return Declined(workspace, "the edits on top of the saved parse are not those of the command before");
        var root = load.Project.RootDir;
        var changed = saved.Changed.ToDictionary(c => c.RelativeTo(root), StringComparer.Ordinal);
        if (edits.Keys.Any(file => !changed.ContainsKey(file))) return Declined(workspace, "an edit was undone");
        var fresh = changed.Where(c => !(edits.TryGetValue(c.Key, out var e) && e.Checksum == c.Value.Checksum)).ToList();
        if (fresh.Count == 0) return null;

        using var nodes = SavedCompileNodes.Open(target, note.Nodes);
        if (nodes is null || SavedParseEdits.ReadInputs(snapshotPath, saved.Generation, fresh.Select(f => f.Key).ToList()) is not { } inputs)
            return Declined(workspace, "the last compile's nodes or the models' inputs could not be read");
        var patched = new Dictionary<string, SavedParseEdits.Edit>(StringComparer.Ordinal);
        var models = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var (relative, file) in fresh)
        {
            if (nodes.Model(relative) is not { } stored || inputs.GetValueOrDefault(relative) is not ({ } id, { } input) || id != stored.UniqueId)
                return Declined(workspace, $"{relative} may not be patched (a new model, or another package's, versioned, ephemeral or unit-tested one)");
            var old = edits.TryGetValue(relative, out var before) ? before.Node : stored;
            // (no unit tests read a model that may be patched, and its refs must stay the same: SameShape)
            if (SavedParseEdits.Render(old, input, file, relative, load.Project, session, refsGuarded: false, unitTested: false) is not { } edit
                || !SameShape(old, edit.Node)) return Declined(workspace, $"{relative} changed in a way that can reach other nodes");
            patched[relative] = edit with { Node = edit.Node with { DependsOn = [] } };
            models[id] = edit.Node with { DependsOn = stored.DependsOn };
        }

        // The edited models and what they read: the saved nodes, as relations to name (what those read is not needed).
        var project = new Dictionary<string, Node>(models, StringComparer.Ordinal);
        foreach (var model in models.Values)
            foreach (var parent in model.DependsOn)
            {
                if (project.ContainsKey(parent)) continue;
                if (nodes.Node(parent) is not { } read || read.Materialized == "ephemeral") return Declined(workspace, $"{model.UniqueId} reads an ephemeral model");
                project[parent] = read with { Refs = [], SourceRefs = [], DependsOn = [] };
            }
        var manifest = new Manifest(load.Project, project, engine.Macros, new Dictionary<string, DocsBlock>(), []);
        var loaded = new LoadedProject(manifest, session, patched.Values.ToDictionary(e => e.Node.UniqueId, e => e.Template, StringComparer.Ordinal), new MacroIndex(engine));
        var sql = compile ? new Dictionary<string, string>(StringComparer.Ordinal) : null;
        DependencyGraph graph;
        CommandMemo.Noted last;
        try
        {
            // what the last compile resolved, kept before the graph resolves the same nodes in place
            var lastParents = models.ToDictionary(m => m.Key, m => m.Value.DependsOn, StringComparer.Ordinal);
            graph = DependencyGraph.Build(manifest);
            if (models.Keys.Any(id => !graph.Manifest.Nodes[id].DependsOn.SequenceEqual(lastParents[id], StringComparer.Ordinal))) return Declined(workspace, "a ref resolves elsewhere");
            var compiler = new Compiler(loaded, graph, workspace.Adapter.External, null, () => workspace.Connect()) { WatchOutside = true };
            if (sql is not null) foreach (var id in models.Keys) sql[id] = compiler.Compile(graph.Manifest.Nodes[id]).Sql;
            if (compiler.ReadOutside || !outputs.Quiet || written.GetAwaiter().GetResult() is not { } noted)
                return Declined(workspace, "a render read the database, the clock or the log, or an output of the last compile changed since");
            // the note carried over keeps the variables the last command read: one read now for the first time must be noted
            if (session.EnvReads.Keys.Any(name => !noted.Env.ContainsKey(name) && !saved.Env.ContainsKey(name)))
                return Declined(workspace, "a render read an environment variable the command before did not");
            last = noted;
        }
        catch (Exception e) when (e is XformException or JinjaError)
        {
            return Declined(workspace, "a template error, which the full compile reports");
        }

        return new Patch(note, last, snapshotPath, saved.Generation, edits, patched, loaded, graph, models, sql);
    }

    /// <summary>Writes the patch; null when manifest.json turns out not to be the one its index describes (nothing written then).</summary>
    static IReadOnlyDictionary<string, string>? Apply(Workspace workspace, CommandOutputs outputs, Patch patch)
    {
        var (note, last, graph, sql, target) = (patch.Note, patch.Last, patch.Graph, patch.Sql, workspace.TargetDir);
        var ids = patch.Models.Keys.ToList();
        // The note goes first: a patch cut short leaves the next compile to compile in full.
        Forget(target);
        var generation = Guid.NewGuid().ToString("N");
        var fragments = ids.ToDictionary(id => id, id =>
        {
            var node = graph.Manifest.Nodes[id];
            var checksum = patch.Patched[node.OriginalFilePath].Checksum;
            var code = sql?[id];
            return (ManifestFragments.Fingerprint(checksum, code, node.DependsOn), ManifestWriter.NodeFragment(patch.Loaded, node, code));
        }, StringComparer.Ordinal);
        // (the compiled files' stamps are left: an edited model's no longer holds, so the next full compile reads the file)
        var files = new SqlFileWriter(target, patch.Loaded.Manifest.Project.Name);
        // The manifest's key, of the compiled code of every node: the last one's with these nodes' code replaced (their
        // files, which the last compile's note vouches for, hold their code before).
        var digest = note.Digest;
        foreach (var (id, code) in sql ?? [])
            digest = digest - ManifestReuse.NodeDigest(id, File.ReadAllText(files.CompiledPath(graph.Manifest.Nodes[id]))) + ManifestReuse.NodeDigest(id, code);
        if (ManifestFragments.Replace(target, note.Base, fragments, ManifestWriter.Now(), workspace.InvocationId) is not { } oldManifestClosed)
        {
            workspace.Debug("not patched, done in full: manifest.json's index is not of the file");
            return null;
        }
        var manifestKey = ManifestReuse.Key(generation, patch.Loaded.Session.Invocation.Flags, digest);
        ManifestReuse.Remember(target, manifestKey);
        foreach (var (id, code) in sql ?? []) files.WriteCompiled(graph.Manifest.Nodes[id], code);
        var applied = new Dictionary<string, SavedParseEdits.Edit>(patch.Edits, StringComparer.Ordinal);
        foreach (var (file, edit) in patch.Patched) applied[file] = edit;
        SavedParseEdits.SaveEdits(patch.SnapshotPath, patch.SavedParse, generation, applied);
        if (outputs.Key(generation) is { } key)
            CommandMemo.Carry(target, last, key, manifestKey, sql is null ? [] : sql.Keys.Select(id => files.CompiledPath(graph.Manifest.Nodes[id])).ToList());
        if (CacheCodec.SizeAndTime(Path.Combine(target, "manifest.json")) is var (size, time))
            Write(target, note with { Current = generation, ManifestSize = size, ManifestTime = time, Digest = digest });
        oldManifestClosed.GetAwaiter().GetResult();
        workspace.Debug($"{(sql is null ? "parse" : "compile")}: {ids.Count} edited model{(ids.Count == 1 ? "" : "s")} patched into the last {(sql is null ? "parse" : "compile")}'s outputs");
        return last.Facts;
    }

    static Patch? Declined(Workspace workspace, string why)
    {
        workspace.Debug($"not patched, done in full: {why}");
        return null;
    }

    /// <summary>Whether an edit left everything other nodes see of the model as it was: its config, relation, refs and sources.</summary>
    static bool SameShape(Node old, Node edited)
    {
        var (a, b) = (new StringBuilder(), new StringBuilder());
        return CacheCodec.Fingerprint(a, old.Config) && CacheCodec.Fingerprint(b, edited.Config) && a.ToString() == b.ToString()
               && old.Relation == edited.Relation && SavedParseEdits.ReadsTheSame(old, edited);
    }

    static Note? Read(string targetDir)
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(Path.Combine(targetDir, FileName)), Encoding.UTF8);
            return r.ReadString() != Format ? null
                : new Note(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), r.ReadInt64(), r.ReadInt64(), new UInt128(r.ReadUInt64(), r.ReadUInt64()));
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return null;
        }
    }

    static void Write(string targetDir, Note note) => CacheCodec.WriteFile(Path.Combine(targetDir, FileName), w =>
    {
        w.Write(Format);
        w.Write(note.Nodes);
        w.Write(note.Current);
        w.Write(note.Base);
        w.Write(note.Command);
        w.Write(note.ManifestSize);
        w.Write(note.ManifestTime);
        w.Write((ulong)(note.Digest >> 64));
        w.Write((ulong)note.Digest);
    });
}
