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
    const string Format = "xform manifest nodes 1";
    const string FileName = "manifest.json.nodes";

    readonly Dictionary<string, (string Fingerprint, long Offset, int Length)> _previous;
    readonly FileStream? _manifest;
    readonly List<(string Id, string Fingerprint, long Offset, int Length)> _written = [];
    readonly IReadOnlyDictionary<string, string> _edited;

    ManifestFragments(Dictionary<string, (string, long, int)> previous, FileStream? manifest, IReadOnlyDictionary<string, string> edited)
    {
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
            using var r = new BinaryReader(File.OpenRead(index), Encoding.UTF8);
            if (r.ReadString() != Format || r.ReadString() != parseBase || r.ReadInt64() != manifest.Length) return none;
            var previous = new Dictionary<string, (string, long, int)>(StringComparer.Ordinal);
            for (var n = r.ReadInt32(); n > 0; n--) previous[r.ReadString()] = (r.ReadString(), r.ReadInt64(), r.ReadInt32());
            return new ManifestFragments(previous, new FileStream(manifest.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20), loaded.EditedNodes);
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return none;
        }
    }

    /// <summary>What a node's JSON is made of beyond its saved parse: an edit of its file, its compiled code, its parents.</summary>
    public string Fingerprint(Node node, string? compiledCode)
    {
        var text = new StringBuilder(_edited.GetValueOrDefault(node.UniqueId) ?? "-").Append('\0')
            .Append(compiledCode is null ? "-" : FileIndex.Checksum(compiledCode)).Append('\0').AppendJoin('\u001f', node.DependsOn);
        return FileIndex.Checksum(text.ToString());
    }

    /// <summary>Nodes written, and copied from the last manifest.json.</summary>
    public int Nodes => _written.Count;

    public int Copied { get; private set; }

    /// <summary>Where the node's JSON lies in the last manifest.json, when made of the same; else null.</summary>
    public (long Offset, int Length)? Find(string id, string fingerprint) =>
        _manifest is not null && _previous.TryGetValue(id, out var at) && at.Fingerprint == fingerprint ? (at.Offset, at.Length) : null;

    byte[] _scratch = [];

    /// <summary>
    /// The bytes at <paramref name="offset"/> of the last manifest.json, in a buffer reused by the next call (the nodes are
    /// copied one after another, in the order they were written, so the reads run forward through the file); null when unreadable.
    /// </summary>
    public ReadOnlyMemory<byte>? Copy(long offset, int length)
    {
        try
        {
            if (_scratch.Length < length) _scratch = new byte[Math.Max(length, 1 << 16)];
            _manifest!.Position = offset;
            _manifest.ReadExactly(_scratch, 0, length);
            Copied++;
            return _scratch.AsMemory(0, length);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>Notes where a node's JSON was written in the new file.</summary>
    public void Written(string id, string fingerprint, long offset, int length) => _written.Add((id, fingerprint, offset, length));

    /// <summary>Saves the index of the manifest.json just written (moved into place); none when its nodes were not noted.</summary>
    public static void Save(string targetDir, LoadedProject loaded, ManifestFragments? fragments)
    {
        var index = Path.Combine(targetDir, FileName);
        if (loaded.SavedParseBase is not { } parseBase || fragments is null || fragments._written.Count == 0)
        {
            CacheCodec.DeleteFile(index);
            return;
        }
        var length = new FileInfo(Path.Combine(targetDir, "manifest.json")).Length;
        CacheCodec.WriteFile(index, w =>
        {
            w.Write(Format);
            w.Write(parseBase);
            w.Write(length);
            w.Write(fragments._written.Count);
            foreach (var (id, fingerprint, offset, size) in fragments._written)
            {
                w.Write(id);
                w.Write(fingerprint);
                w.Write(offset);
                w.Write(size);
            }
        });
    }

    public void Dispose() => _manifest?.Dispose();
}
