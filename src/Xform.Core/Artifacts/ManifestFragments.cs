using System.Text;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Artifacts;

/// <summary>
/// Where each node's JSON lies in the manifest.json written last (<c>target/manifest.json.nodes</c>), so the next manifest
/// copies a node's bytes instead of writing them again when nothing they are made of changed: the node comes from the same
/// saved parse (<see cref="LoadedProject.SavedParseBase"/>) and is not an edited model's (or the same edit), with the same
/// compiled code and parents. After one model file is edited, every other node of a 10,000-model manifest is copied.
/// </summary>
internal sealed class ManifestFragments : IDisposable
{
    const string Format = "xform manifest nodes 4";
    const string FileName = "manifest.json.nodes";

    // each node of the last file: its fingerprint, where its JSON lies, and its place among the nodes written (Seq)
    readonly Dictionary<string, (ulong Fingerprint, long Offset, int Length, int Seq)> _previous;
    readonly FileStream? _manifest;
    readonly List<(string Id, ulong Fingerprint, long Offset, int Length)> _written = [];
    readonly IReadOnlyDictionary<string, string> _edited;

    ManifestFragments(Dictionary<string, (ulong, long, int, int)> previous, FileStream? manifest, IReadOnlyDictionary<string, string> edited,
        (ulong Edges, long Offset, int ParentLength, int Length) maps = default)
    {
        _previousMaps = maps;
        _previous = previous;
        _manifest = manifest;
        _edited = edited;
    }

    /// <summary>
    /// The fragments of the manifest.json in <paramref name="targetDir"/> when it was written from the same saved parse (else
    /// none to copy, but this manifest's are noted for the next); null when the project is of no saved parse: nothing to note.
    /// </summary>
    public static ManifestFragments? Open(string targetDir, LoadedProject loaded)
    {
        if (loaded.SavedParseBase is not { } parseBase) return null;
        var none = new ManifestFragments([], null, loaded.EditedNodes);
        var index = Path.Combine(targetDir, FileName);
        var manifest = new FileInfo(Path.Combine(targetDir, "manifest.json"));
        if (!File.Exists(index) || !manifest.Exists) return none;
        try
        {
            if (ReadIndex(index, parseBase, manifest.Length) is not var (entries, maps)) return none;
            var previous = new Dictionary<string, (ulong, long, int, int)>(entries.Count, StringComparer.Ordinal);
            for (var seq = 0; seq < entries.Count; seq++) previous[entries[seq].Id] = (entries[seq].Fingerprint, entries[seq].Offset, entries[seq].Length, seq);
            return new ManifestFragments(previous, new FileStream(manifest.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20), loaded.EditedNodes, maps);
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return none;
        }
    }

    /// <summary>What a node's JSON is made of beyond its saved parse: an edit of its file, its compiled code, its parents.</summary>
    public ulong Fingerprint(Node node, string? compiledCode) => Fingerprint(_edited.GetValueOrDefault(node.UniqueId), compiledCode, node.DependsOn);

    /// <param name="edit">the checksum of the node's file when it is an edited model's (null: the saved parse's own node)</param>
    internal static ulong Fingerprint(string? edit, string? compiledCode, IReadOnlyList<string> parents)
    {
        // One 64-bit FNV-1a over the parts, each closed by a zero: no text built per node (30,000 nodes' texts and their
        // checksums cost 90 to 100 ms of a compile after one edit).
        var hash = CacheCodec.Fnv(CacheCodec.FnvBasis, edit ?? "\u0001");
        hash = CacheCodec.Fnv(hash, compiledCode ?? "\u0001");
        foreach (var parent in parents) hash = CacheCodec.Fnv(hash, parent);
        return hash;
    }

    /// <summary>Nodes written, and copied from the last manifest.json.</summary>
    public int Nodes => _written.Count;

    public int Copied { get; private set; }

    /// <summary>Where the node's JSON lies in the last manifest.json, when made of the same; else null.</summary>
    public (long Offset, int Length)? Find(string id, ulong fingerprint) =>
        _manifest is not null && _previous.TryGetValue(id, out var at) && at.Fingerprint == fingerprint ? (at.Offset, at.Length) : null;

    /// <summary>
    /// Whether node <paramref name="next"/> came right after node <paramref name="id"/> in the last manifest.json: the bytes
    /// between them there (a comma and the next node's name) are then the ones this manifest
    /// writes between them, and both can be copied with them in one piece.
    /// </summary>
    public bool Follows(string id, string next) =>
        _previous.TryGetValue(id, out var a) && _previous.TryGetValue(next, out var b) && b.Seq == a.Seq + 1;

    byte[] _scratch = [];

    /// <summary>
    /// The bytes at <paramref name="offset"/> of the last manifest.json, in a buffer reused by the next call (the nodes are
    /// copied one after another, in the order they were written, so the reads run forward through the file); null when unreadable.
    /// </summary>
    /// <param name="nodes">how many nodes the bytes hold (a run of nodes that follow one another, <see cref="Follows"/>)</param>
    public ReadOnlyMemory<byte>? Copy(long offset, int length, int nodes = 1)
    {
        try
        {
            if (_scratch.Length < length) _scratch = new byte[Math.Max(length, 1 << 16)];
            _manifest!.Position = offset;
            _manifest.ReadExactly(_scratch, 0, length);
            Copied += nodes;
            return _scratch.AsMemory(0, length);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>Notes where a node's JSON was written in the new file.</summary>
    public void Written(string id, ulong fingerprint, long offset, int length) => _written.Add((id, fingerprint, offset, length));

    /// <summary>
    /// The fingerprint of the graph's edges: each node of <paramref name="order"/> and what it reads, which is all that
    /// manifest.json's <c>parent_map</c> and <c>child_map</c> are made of.
    /// </summary>
    public static ulong EdgesFingerprint(IReadOnlyList<Node> order)
    {
        var hash = CacheCodec.FnvBasis;
        foreach (var node in order)
        {
            hash = CacheCodec.Fnv(hash, node.UniqueId);
            foreach (var parent in node.DependsOn) hash = CacheCodec.Fnv(hash, parent);
            hash = CacheCodec.Fnv(hash, "");
        }
        return hash;
    }

    readonly (ulong Edges, long Offset, int ParentLength, int Length) _previousMaps;
    (ulong Edges, long Offset, int ParentLength, int Length) _maps;

    /// <summary>
    /// Where the last manifest.json's <c>parent_map</c> value starts, how long it is, and how long it is with <c>child_map</c>
    /// after it, when its graph had the same edges; else null.
    /// </summary>
    public (long Offset, int ParentLength, int Length)? FindMaps(ulong edges) =>
        _manifest is not null && _previousMaps.Length > 0 && _previousMaps.Edges == edges
            ? (_previousMaps.Offset, _previousMaps.ParentLength, _previousMaps.Length) : null;

    /// <summary>Notes where the maps were written in the new file: from <c>parent_map</c>'s value to the end of <c>child_map</c>'s.</summary>
    public void WrittenMaps(ulong edges, long offset, int parentLength, int length, bool copied)
    {
        _maps = (edges, offset, parentLength, length);
        MapsCopied = copied;
    }

    /// <summary>Whether the maps were copied from the last manifest.json.</summary>
    public bool MapsCopied { get; private set; }

    /// <summary>Saves the index of the manifest.json just written (moved into place); none when its nodes were not noted.</summary>
    public static void Save(string targetDir, LoadedProject loaded, ManifestFragments? fragments)
    {
        var index = Path.Combine(targetDir, FileName);
        if (loaded.SavedParseBase is not { } parseBase || fragments is null || fragments._written.Count == 0)
        {
            CacheCodec.DeleteFile(index);
            return;
        }
        WriteIndex(index, parseBase, new FileInfo(Path.Combine(targetDir, "manifest.json")).Length, fragments._written, fragments._maps);
    }

    /// <summary>The index of a manifest.json of <paramref name="length"/> bytes written from the saved parse <paramref name="parseBase"/>; null when it is another's (or unreadable: the caller catches).</summary>
    static (List<(string Id, ulong Fingerprint, long Offset, int Length)> Entries, (ulong Edges, long Offset, int ParentLength, int Length) Maps)? ReadIndex(
        string path, string parseBase, long length)
    {
        using var r = new BinaryReader(new MemoryStream(File.ReadAllBytes(path)), Encoding.UTF8);
        if (r.ReadString() != Format || r.ReadString() != parseBase || r.ReadInt64() != length) return null;
        var count = r.ReadInt32();
        var entries = new List<(string, ulong, long, int)>(count);
        for (var i = 0; i < count; i++) entries.Add((r.ReadString(), r.ReadUInt64(), r.ReadInt64(), r.ReadInt32()));
        return (entries, (r.ReadUInt64(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32()));
    }

    static void WriteIndex(string path, string parseBase, long length, IReadOnlyList<(string Id, ulong Fingerprint, long Offset, int Length)> entries,
        (ulong Edges, long Offset, int ParentLength, int Length) maps) => CacheCodec.WriteFile(path, w =>
    {
        w.Write(Format);
        w.Write(parseBase);
        w.Write(length);
        w.Write(entries.Count);
        foreach (var (id, fingerprint, offset, size) in entries)
        {
            w.Write(id);
            w.Write(fingerprint);
            w.Write(offset);
            w.Write(size);
        }
        w.Write(maps.Edges);
        w.Write(maps.Offset);
        w.Write(maps.ParentLength);
        w.Write(maps.Length);
    });

    /// <summary>
    /// Replaces the JSON of <paramref name="nodes"/> (by unique id: its new fingerprint and bytes, at its depth) in the
    /// manifest.json this index describes, and gives it this command's metadata: the bytes between them are copied file to
    /// file (by the kernel where it can), into a new file moved over the old, and the index is shifted to match. Null, with
    /// nothing changed, when the index is not of this manifest.json and saved parse, or does not hold one of the nodes; else
    /// the old file's closing, which frees its blocks (20 ms for 90 MB) while the command goes on: wait for it before ending.
    /// </summary>
    public static Task? Replace(string targetDir, string parseBase, IReadOnlyDictionary<string, (ulong Fingerprint, byte[] Json)> nodes,
        string generatedAt, string invocationId)
    {
        var manifestPath = Path.Combine(targetDir, "manifest.json");
        var indexPath = Path.Combine(targetDir, FileName);
        List<(string Id, ulong Fingerprint, long Offset, int Length)> entries;
        (ulong Edges, long Offset, int ParentLength, int Length) maps;
        long length;
        try
        {
            length = new FileInfo(manifestPath).Length;
            if (ReadIndex(indexPath, parseBase, length) is not var (read, readMaps)) return null;
            (entries, maps) = (read, readMaps);
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return null;
        }
        // the nodes in the file's order, each replaced run of bytes after the one before
        var replaced = entries.Select((e, i) => (Entry: e, Position: i)).Where(x => nodes.ContainsKey(x.Entry.Id)).OrderBy(x => x.Entry.Offset).ToList();
        if (replaced.Count != nodes.Count) return null;
        var temp = manifestPath + ".tmp";
        FileStream? from = null;
        try
        {
            // held open till the new file takes its place: its blocks are freed when it closes, on another thread
            from = new FileStream(manifestPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            // a new file, not one truncated: ext4 writes a truncated file's data back when it is closed (30 ms for 90 MB)
            CacheCodec.DeleteFile(temp);
            using (var to = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                long read = 0, written = 0;
                foreach (var (entry, _) in replaced)
                {
                    FileRanges.Copy(from, read, to, written, entry.Offset - read);
                    written += entry.Offset - read;
                    var json = nodes[entry.Id].Json;
                    RandomAccess.Write(to.SafeFileHandle, json, written);
                    written += json.Length;
                    read = entry.Offset + entry.Length;
                }
                FileRanges.Copy(from, read, to, written, length - read);
                if (!ManifestReuse.Restamp(to, generatedAt, invocationId)) throw new InvalidDataException("manifest.json has no metadata to restamp");
            }
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            from?.Dispose();
            CacheCodec.DeleteFile(temp);
            return null;
        }
        var closing = FileRanges.Replace(temp, manifestPath).ContinueWith(_ => from.Dispose(), TaskScheduler.Default);
        // every node after a replaced one moves by what the replaced ones grew or shrank
        long shift = 0;
        var next = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var (id, fingerprint, offset, size) = entries[i];
            if (next < replaced.Count && replaced[next].Position == i)
            {
                var (newFingerprint, json) = nodes[id];
                entries[i] = (id, newFingerprint, offset + shift, json.Length);
                shift += json.Length - size;
                next++;
            }
            else entries[i] = (id, fingerprint, offset + shift, size);
        }
        var newLength = length + shift;
        // the maps follow the nodes section
        maps = maps.Length > 0 ? (maps.Edges, maps.Offset + shift, maps.ParentLength, maps.Length) : maps;
        WriteIndex(indexPath, parseBase, newLength, entries, maps);
        return closing;
    }

    public void Dispose() => _manifest?.Dispose();
}
