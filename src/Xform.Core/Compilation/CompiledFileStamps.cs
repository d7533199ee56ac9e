using System.Collections.Concurrent;
using System.Text;
using Xform.Core.Parsing;

namespace Xform.Core.Compilation;

/// <summary>
/// The compiled files a compile wrote or found current (<c>target/compiled_files.bin</c>): each one's size, time and a
/// fingerprint of the SQL it holds. A later compile with the same SQL for a file finds it current by its size and time
/// alone, as git finds a file clean, instead of reading it back (10,000 files: about 90 ms of a compile after one edit).
/// A file whose time is within the saved parse's racy window (<see cref="ParseSnapshot.RacyWindow"/>, 2 s) of the note is
/// not known by its time (it could change again within the clock's resolution, unseen): the next compile reads it.
/// Missing, stale or unreadable: every file is read. A note outlives its file (a deleted model): a few bytes, gone with
/// <c>xform clean</c>.
/// </summary>
internal sealed class CompiledFileStamps
{
    const string FileName = "compiled_files.bin";
    const string Format = "xform compiled files 1";

    /// <summary>A file as last noted: <see cref="Modified"/> is 0 when it was too recent to be known by its time.</summary>
    readonly record struct Stamp(long Size, long Modified, ulong Sql);

    readonly string _targetDir;
    readonly Dictionary<string, Stamp> _known;
    readonly ConcurrentDictionary<string, Stamp> _noted = new(StringComparer.Ordinal);

    CompiledFileStamps(string targetDir, Dictionary<string, Stamp> known) => (_targetDir, _known) = (targetDir, known);

    public static CompiledFileStamps Open(string targetDir)
    {
        var known = new Dictionary<string, Stamp>(StringComparer.Ordinal);
        var path = Path.Combine(targetDir, FileName);
        try
        {
            if (File.Exists(path))
            {
                using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
                if (r.ReadString() == Format)
                    for (var n = r.ReadInt32(); n > 0; n--) known[r.ReadString()] = new Stamp(r.ReadInt64(), r.ReadInt64(), r.ReadUInt64());
            }
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            known.Clear();
        }
        return new CompiledFileStamps(targetDir, known);
    }

    /// <summary>Whether the file at <paramref name="path"/> holds <paramref name="sql"/> as far as its size and time tell.</summary>
    public bool Holds(string path, string sql)
    {
        var relative = Path.GetRelativePath(_targetDir, path);
        if (!_known.TryGetValue(relative, out var stamp) || stamp.Modified == 0) return false;
        if (CacheCodec.SizeAndTime(path) != (stamp.Size, stamp.Modified) || Fingerprint(sql) != stamp.Sql) return false;
        _noted[relative] = stamp;
        return true;
    }

    /// <summary>Notes that the file at <paramref name="path"/> holds <paramref name="sql"/> at this size and time (just written, or read and found the same).</summary>
    public void Note(string path, string sql, long size, long modified) =>
        _noted[Path.GetRelativePath(_targetDir, path)] = new Stamp(size, modified, Fingerprint(sql));

    /// <summary>
    /// Writes the notes over the ones read (a compile of a selection keeps the others'), the files too recent to trust
    /// marked to be read; nothing is written when nothing changed.
    /// </summary>
    public void Save()
    {
        var racy = (DateTime.UtcNow - ParseSnapshot.RacyWindow).Ticks;
        var stamps = new Dictionary<string, Stamp>(_known, StringComparer.Ordinal);
        var changed = false;
        foreach (var (file, noted) in _noted)
        {
            var stamp = noted.Modified >= racy ? noted with { Modified = 0 } : noted;
            if (stamps.TryGetValue(file, out var before) && before == stamp) continue;
            stamps[file] = stamp;
            changed = true;
        }
        if (!changed) return;
        CacheCodec.WriteFile(Path.Combine(_targetDir, FileName), w =>
        {
            w.Write(Format);
            w.Write(stamps.Count);
            foreach (var (file, (size, modified, sql)) in stamps)
            {
                w.Write(file);
                w.Write(size);
                w.Write(modified);
                w.Write(sql);
            }
        });
    }

    static ulong Fingerprint(string sql) => CacheCodec.Fnv(CacheCodec.FnvBasis, sql);
}
