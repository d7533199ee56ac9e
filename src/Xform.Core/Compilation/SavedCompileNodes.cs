using System.Text;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Compilation;

/// <summary>
/// The nodes a compile patch reads (<see cref="Tasks.CompilePatch"/>), each readable alone: every node but the tests, as
/// the graph of a whole-project compile left them (what each reads filled in), by unique id, and the model files an edit
/// may be patched into, by project-relative path. <c>target/compile_patch_nodes.bin</c>, tied to the project it was
/// written from (<see cref="LoadedProject.SavedParseGeneration"/>) and written again only for another one. A model may be
/// patched when it is the root project's, unversioned, not ephemeral (its SQL would be inlined into its readers') and
/// without unit tests (which inline its SQL too).
/// </summary>
internal sealed class SavedCompileNodes : IDisposable
{
    const string Format = "xform compile patch nodes 1";
    const string FileName = "compile_patch_nodes.bin";

    readonly FileStream _file;
    readonly BinaryReader _reader;
    readonly Dictionary<string, long> _models;
    readonly Dictionary<string, long> _nodes;
    readonly long _records;
    readonly Dictionary<string, ConfigValues> _origins = new(StringComparer.Ordinal);

    SavedCompileNodes(FileStream file, BinaryReader reader, Dictionary<string, long> models, Dictionary<string, long> nodes, long records)
    {
        (_file, _reader, _models, _nodes, _records) = (file, reader, models, nodes, records);
    }

    /// <summary>Which project the saved nodes are of; null when there are none.</summary>
    public static string? Generation(string targetDir)
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(Path.Combine(targetDir, FileName)), Encoding.UTF8);
            return r.ReadString() == Format ? r.ReadString() : null;
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return null;
        }
    }

    /// <summary>
    /// Saves the nodes of <paramref name="graph"/>, the project <paramref name="generation"/>: streamed to the file (80 MB at
    /// 50,000 models), then the indexes of where each lies, then where the indexes start.
    /// </summary>
    public static void Save(string targetDir, string generation, DependencyGraph graph)
    {
        var path = Path.Combine(targetDir, FileName);
        var manifest = graph.Manifest;
        var unitTested = manifest.Nodes.Values.Where(n => n.UnitTest is not null).Select(n => n.UnitTest!.ModelId).ToHashSet(StringComparer.Ordinal);
        try
        {
            CacheCodec.WriteFile(path, w =>
            {
                w.Write(Format);
                w.Write(generation);
                var start = w.BaseStream.Position;
                var nodes = new List<(string Id, long Offset)>();
                var models = new List<(string Path, long Offset)>();
                foreach (var node in graph.OrderedNodes)
                {
                    if (node.ResourceType is ResourceType.Test or ResourceType.UnitTest or ResourceType.Operation) continue;
                    // (a BinaryWriter keeps no bytes back: the stream's position is the record's, no flush needed)
                    var offset = w.BaseStream.Position - start;
                    nodes.Add((node.UniqueId, offset));
                    if (node is { ResourceType: ResourceType.Model, Version: null } && node.PackageName == manifest.Project.Name
                        && node.Materialized != "ephemeral" && !unitTested.Contains(node.UniqueId))
                        models.Add((node.OriginalFilePath, offset));
                    ParseSnapshotCodec.WriteNode(w, node);
                }
                var indexes = w.BaseStream.Position;
                Index(w, models);
                Index(w, nodes);
                w.Write(indexes);
            });
        }
        catch (NotSupportedException)
        {
            CacheCodec.DeleteFile(path); // a config value the codec cannot hold: no compile is patched
        }
    }

    static void Index(BinaryWriter w, List<(string Key, long Offset)> entries)
    {
        w.Write(entries.Count);
        foreach (var (key, offset) in entries)
        {
            w.Write(key);
            w.Write(offset);
        }
    }

    static Dictionary<string, long> ReadIndex(BinaryReader r)
    {
        var n = r.ReadInt32();
        var index = new Dictionary<string, long>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++) index[r.ReadString()] = r.ReadInt64();
        return index;
    }

    /// <summary>The nodes saved for the project <paramref name="generation"/>; null when there are none for it.</summary>
    public static SavedCompileNodes? Open(string targetDir, string generation)
    {
        FileStream? file = null;
        try
        {
            file = new FileStream(Path.Combine(targetDir, FileName), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var r = new BinaryReader(file, Encoding.UTF8);
            if (r.ReadString() != Format || r.ReadString() != generation)
            {
                file.Dispose();
                return null;
            }
            var records = file.Position;
            file.Position = file.Length - sizeof(long);
            file.Position = r.ReadInt64();
            var models = ReadIndex(r);
            var nodes = ReadIndex(r);
            return new SavedCompileNodes(file, r, models, nodes, records);
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            file?.Dispose();
            return null;
        }
    }

    /// <summary>The node of a model file that may be patched (project-relative path); null: it may not, or is not a model's.</summary>
    public Node? Model(string relativePath) => _models.TryGetValue(relativePath, out var at) ? Read(at) : null;

    /// <summary>A saved node by its unique id; null when not saved (a test) or unreadable.</summary>
    public Node? Node(string uniqueId) => _nodes.TryGetValue(uniqueId, out var at) ? Read(at) : null;

    Node? Read(long offset)
    {
        try
        {
            _file.Position = _records + offset;
            return ParseSnapshotCodec.ReadNode(_reader, _origins);
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
