using System.Text;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>What a parse found, as the saved parse keeps it: enough to make the manifest without reading any YAML or rendering any file.</summary>
internal sealed record ParsedContents(
    IReadOnlyList<Node> Nodes,
    IReadOnlyList<Node> Disabled,
    IReadOnlyList<ProjectObject> Objects,
    IReadOnlyList<KeyValuePair<string, DocsBlock>> Docs,
    IReadOnlyList<Warning> Warnings,
    IReadOnlyDictionary<string, CompiledTemplate> Templates,
    IReadOnlyList<ProjectFile> Files,
    int ModelFiles,
    string Generation)
{
    /// <summary>The saved parse these contents were read from (its generation), under <see cref="Edited"/>; null: this parse is that one.</summary>
    public string? Base { get; init; }

    /// <summary>The nodes of model files edited on top of <see cref="Base"/>, with the checksum of each file's text.</summary>
    public IReadOnlyDictionary<string, string> Edited { get; init; } = new Dictionary<string, string>();
}

/// <summary>A project file as a saved parse stamps it: size and time, and the checksum of its text when the parse read it (else empty).</summary>
internal sealed record FileStamp(string Path, long Size, long Modified, string Checksum);

/// <summary>
/// dbt's partial parsing, whole: the saved result of the last parse (<c>target/partial_parse_manifest.bin</c>), used as it is when
/// nothing it depends on changed. It depends on what the model-render cache's key holds (<see cref="PartialParseCache.KeyOf"/>:
/// xform's build, project files, macros, target, --vars), on the environment variables templates read, and on every file
/// in every folder the parse listed. Files are checked cheaply: the folders are listed again and each file's size and
/// modification time compared with its stamp; only a file whose stamp moved is read, and it is unchanged when its text
/// is. A file modified since the parse began reading, or within <see cref="RacyWindow"/> before, is always read (it may
/// have changed after it was read, or change again within the clock's resolution, unseen). A parse that read the clock,
/// the invocation or the log is not saved; nor one with a model's deprecation_date (its warning depends on today's
/// date). Unreadable or stale: a full parse, never an error.
/// </summary>
internal static class ParseSnapshot
{
    const string Format = "xform parse snapshot 6";

    /// <summary>The file's first bytes, outside the pooled texts: another format (or another file) is told apart before reading it.</summary>
    static ReadOnlySpan<byte> Magic => "xform parse snapshot\n"u8;
    internal static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    /// <summary>The saved parse's file, next to the model-render cache.</summary>
    public static string PathBeside(string partialParsePath) => Path.Combine(Path.GetDirectoryName(partialParsePath)!, "partial_parse_manifest.bin");

    /// <summary>Writes the parse; a value it cannot hold leaves the file out (the next command parses in full): then says why.</summary>
    /// <param name="folders">every folder the parse listed, its files (null: no such folder), and the checksum of a file's text as the parse read it</param>
    /// <param name="readFrom">when the parse began reading files: one modified since (or just before) is stamped to be read next time</param>
    public static string? Save(string path, string key, IReadOnlyDictionary<string, string?> env,
        IEnumerable<(string Dir, string[]? Files, Func<string, string?> TextChecksum)> folders, ParsedContents contents, DateTime readFrom)
    {
        var racy = readFrom - RacyWindow;
        CacheCodec.DeleteFile(Restamps.PathBeside(path)); // the stamps of the parse saved before
        try
        {
            var stamps = folders.Select(f => (f.Dir, f.Files?.Select(file => Stamp(file, racy, f.TextChecksum)).ToList())).ToList();
            using var buffer = new MemoryStream();
            buffer.Write(Magic);
            using (var w = new PooledWriter(buffer)) Write(w, key, env, stamps, contents);
            CacheCodec.WriteFile(path, w => w.Write(buffer.GetBuffer(), 0, (int)buffer.Length));
            return null;
        }
        catch (NotSupportedException e)
        {
            CacheCodec.DeleteFile(path);
            return $"it holds {e.Message}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CacheCodec.DeleteFile(path);
            return "a file of the project could not be stamped (deleted or changed while the command ran)";
        }
    }

    static FileStamp Stamp(string file, DateTime racy, Func<string, string?> textChecksum)
    {
        var info = new FileInfo(file);
        var modified = info.LastWriteTimeUtc;
        return new FileStamp(file, info.Length, modified >= racy ? 0 : modified.Ticks, textChecksum(file) ?? "");
    }

    static void Write(BinaryWriter w, string key, IReadOnlyDictionary<string, string?> env, List<(string Dir, List<FileStamp>? Files)> folders, ParsedContents c)
    {
        w.Write(Format);
        w.Write(key);
        CacheCodec.WriteEnv(w, env);
        w.Write(folders.Count);
        foreach (var (dir, files) in folders)
        {
            w.Write(dir);
            w.Write(files?.Count ?? -1);
            foreach (var f in files ?? [])
            {
                w.Write(f.Path);
                w.Write(f.Size);
                w.Write(f.Modified);
                w.Write(f.Checksum);
            }
        }
        w.Write(c.Generation);
        w.Write(c.ModelFiles);
        Write(w, c.Nodes, (w, n) => ParseSnapshotCodec.WriteNode(w, n, dependsOn: false));
        Write(w, c.Disabled, (w, n) => ParseSnapshotCodec.WriteNode(w, n, dependsOn: false));
        Write(w, c.Objects, ParseSnapshotCodec.WriteObject);
        Write(w, c.Docs, (w, d) =>
        {
            w.Write(d.Key);
            ParseSnapshotCodec.WriteDocs(w, d.Value);
        });
        Write(w, c.Warnings, CacheCodec.WriteWarning);
        w.Write(c.Templates.Count);
        foreach (var (id, template) in c.Templates)
        {
            w.Write(id);
            ParseSnapshotCodec.WriteTemplate(w, template);
        }
        Write(w, c.Files, ParseSnapshotCodec.WriteFile);
    }

    static void Write<T>(BinaryWriter w, IReadOnlyList<T> items, Action<BinaryWriter, T> write)
    {
        w.Write(items.Count);
        foreach (var item in items) write(w, item);
    }

    /// <summary>
    /// The saved parse, when nothing it depends on changed but the files <paramref name="editable"/> accepts (<paramref name="why"/>:
    /// what changed, when it did): its generation and those files, its body not read yet (<see cref="SavedParse.Read"/>).
    /// </summary>
    /// <param name="shownFrom">the folder paths in <paramref name="why"/> are shown from (the project's)</param>
    /// <param name="editable">whether a changed file (full path) may be re-rendered on top of the saved parse (<see cref="SavedParseEdits"/>)
    /// rather than parsed again with everything else; such files are in <see cref="SavedParse.Changed"/>, with their text</param>
    public static SavedParse? Open(string path, string key, string shownFrom, Func<string, bool> editable, out string why)
    {
        if (!File.Exists(path))
        {
            why = "no saved parse";
            return null;
        }
        FileStream? file = null;
        try
        {
            // Only the header and the stamps are read now, the body (nodes, ...) when the command needs it: from this same
            // file, open till then, whatever replaces it meanwhile.
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1 << 16);
            var magic = new byte[Magic.Length];
            if (file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !magic.AsSpan().SequenceEqual(Magic))
                return Closed(file, "the saved parse is of another format", out why);
            var r = new PooledReader(file);
            if (r.ReadString() != Format || r.ReadString() != key)
                return Closed(file, "xform, project.yml, a macro, the target or --vars changed", out why);
            var env = CacheCodec.ReadEnv(r);
            if (CacheCodec.ChangedEnv(env) is { } variable)
                return Closed(file, $"environment variable {variable} changed", out why);
            var changed = new List<ChangedFile>();
            // the stamps kept for this very file (its size and time as opened), whatever replaces it meanwhile
            var stamps = new Restamps(path, $"{file.Length} {File.GetLastWriteTimeUtc(file.SafeFileHandle).Ticks}");
            if (FirstChange(r, editable, changed, stamps) is { } other)
                return Closed(file, $"{Path.GetRelativePath(shownFrom, other).Replace('\\', '/')} changed", out why);
            var (generation, models) = (r.ReadString(), r.ReadInt32());
            stamps.Save();
            why = "";
            return new SavedParse(generation, models, changed, env, file, r) { Rechecked = stamps.Unchanged, Restamped = stamps.Confirmed.Count };
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return Closed(file, "the saved parse could not be read", out why);
        }
    }

    static SavedParse? Closed(FileStream? file, string reason, out string why)
    {
        file?.Dispose();
        why = reason;
        return null;
    }

    /// <summary>A saved parse found current (<see cref="Open"/>): which one it is, the changed files to apply on top, and its body, read on demand.</summary>
    /// <param name="file">the saved parse, read up to its body</param>
    /// <param name="header">the reader of the header, whose texts the body's refer to</param>
    internal sealed class SavedParse(string generation, int modelFiles, IReadOnlyList<ChangedFile> changed, IReadOnlyDictionary<string, string?> env,
        FileStream file, PooledReader header) : IDisposable
    {
        public string Generation => generation;

        public IReadOnlyList<ChangedFile> Changed => changed;

        /// <summary>The environment variables the saved parse's templates read, with their values then (and now).</summary>
        public IReadOnlyDictionary<string, string?> Env => env;

        /// <summary>Files whose time was too close to the saved parse's to trust, read and found unchanged.</summary>
        public int Rechecked { get; init; }

        /// <summary>Of those, the files found unchanged and old enough now to be known by their time from the next command on.</summary>
        public int Restamped { get; init; }

        /// <summary>
        /// The nodes, objects, docs, warnings, templates and files; null when the body cannot be read (a full parse then). The
        /// environment variables templates read are added to <paramref name="envReads"/>, so the next save keeps them.
        /// </summary>
        public ParsedContents? Read(TemplateEngine engine, IDictionary<string, string?> envReads)
        {
            try
            {
                using (file)
                {
                    // in memory first: decoding from a MemoryStream is faster than through the file's buffer
                    var bytes = new byte[file.Length - file.Position];
                    file.ReadExactly(bytes);
                    using var r = header.Continue(new MemoryStream(bytes));
                    foreach (var (name, value) in env) envReads[name] = value;
                    var origins = new Dictionary<string, ConfigValues>(ReferenceEqualityComparer.Instance);
                    return new ParsedContents(CacheCodec.ReadList(r, r => ParseSnapshotCodec.ReadNode(r, origins)), CacheCodec.ReadList(r, r => ParseSnapshotCodec.ReadNode(r, origins)),
                        CacheCodec.ReadList(r, ParseSnapshotCodec.ReadObject), CacheCodec.ReadList(r, r => KeyValuePair.Create(r.ReadString(), ParseSnapshotCodec.ReadDocs(r))),
                        CacheCodec.ReadList(r, CacheCodec.ReadWarning), ParseSnapshot.ReadTemplates(r, engine), CacheCodec.ReadList(r, ParseSnapshotCodec.ReadFile), modelFiles, generation);
                }
            }
            catch (Exception e) when (CacheCodec.Unreadable(e))
            {
                return null;
            }
        }

        public void Dispose() => file.Dispose();
    }

    static Dictionary<string, CompiledTemplate> ReadTemplates(BinaryReader r, TemplateEngine engine)
    {
        var n = r.ReadInt32();
        var templates = new Dictionary<string, CompiledTemplate>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++) templates[r.ReadString()] = ParseSnapshotCodec.ReadTemplate(r, engine);
        return templates;
    }

    /// <summary>
    /// The first file changed (its path), or folder whose files were added or deleted (its path), of those the saved parse
    /// listed; or null. A changed file that <paramref name="editable"/> accepts is added to <paramref name="changed"/> instead.
    /// The folders are listed and the files compared on every core (50,000 files: a stat each), then judged in order.
    /// </summary>
    static string? FirstChange(BinaryReader r, Func<string, bool> editable, List<ChangedFile> changed, Restamps stamps)
    {
        // a folder the parse found missing has no files (null)
        var folders = new (string Dir, FileStamp[]? Files)[r.ReadInt32()];
        for (var f = 0; f < folders.Length; f++)
        {
            var dir = r.ReadString();
            var count = r.ReadInt32();
            var files = count < 0 ? null : new FileStamp[count];
            for (var i = 0; i < count; i++) files![i] = new FileStamp(r.ReadString(), r.ReadInt64(), r.ReadInt64(), r.ReadString());
            folders[f] = (dir, files);
        }
        var listed = new string[]?[folders.Length];
        var unlisted = new bool[folders.Length];
        Parallel.For(0, folders.Length, f =>
        {
            try
            {
                listed[f] = ProjectFiles.List(folders[f].Dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unlisted[f] = true; // gone or unreadable while listed: changed
            }
        });
        var all = folders.SelectMany(f => f.Files ?? []).ToArray();
        var compared = new (bool Same, string? Text)[all.Length];
        Parallel.For(0, all.Length, i =>
        {
            try
            {
                compared[i] = Compare(all[i], stamps);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                compared[i] = (false, null); // gone or unreadable since the listing: a full parse
            }
        });
        var at = 0;
        for (var f = 0; f < folders.Length; f++)
        {
            var (dir, files) = folders[f];
            var now = listed[f];
            if (unlisted[f] || (now?.Length ?? -1) != (files?.Length ?? -1)) return dir;
            for (var i = 0; i < (files?.Length ?? 0); i++, at++)
            {
                if (now![i] != files![i].Path) return dir;
                var (same, text) = compared[at];
                if (same) continue;
                if (text is null || !editable(files[i].Path)) return files[i].Path;
                changed.Add(new ChangedFile(files[i].Path, text, FileIndex.Checksum(text)));
            }
        }
        return null;
    }

    /// <summary>
    /// Whether a file is as the saved parse read it (the same size and time, else the same text: a touch); when not, its
    /// text now, or null when that is not known (gone since the listing, or a file the parse did not read).
    /// </summary>
    static (bool Same, string? Text) Compare(FileStamp stamp, Restamps stamps)
    {
        var info = new FileInfo(stamp.Path);
        if (!info.Exists) return (false, null);
        var (size, modified) = (info.Length, info.LastWriteTimeUtc.Ticks);
        if (stamp.Modified != 0 && size == stamp.Size && modified == stamp.Modified) return (true, null);
        if (stamp.Modified == 0 && stamps.Holds(stamp.Path, size, modified)) return (true, null);
        if (stamp.Checksum.Length == 0) return (false, null);
        var text = TextFile.Read(stamp.Path);
        if (FileIndex.Checksum(text) != stamp.Checksum) return (false, text);
        if (stamp.Modified == 0) stamps.Checked(stamp.Path, size, modified);
        return (true, null);
    }

    /// <summary>
    /// Git's racy-clean refresh for the saved parse: a file the parse stamped without its time (modified just before the parse
    /// read it) is read by every command to compare its text. Once a command finds it unchanged and its time old enough
    /// (<see cref="RacyWindow"/> before the check began: any later change gives it a later time), its size and time are kept
    /// in <c>partial_parse_stamps.bin</c>, tied to this saved parse's file, and the next commands trust them. Without it, a
    /// checkout or copy just before a parse made every later command read every file (10,000 files: 115 ms).
    /// </summary>
    sealed class Restamps
    {
        const string Format = "xform parse stamps 1";
        readonly string _path;
        readonly string _identity;
        readonly Dictionary<string, (long Size, long Modified)> _known = new(StringComparer.Ordinal);
        readonly long _trustedBefore = (DateTime.UtcNow - RacyWindow).Ticks;

        public static string PathBeside(string snapshotPath) => Path.Combine(Path.GetDirectoryName(snapshotPath)!, "partial_parse_stamps.bin");

        /// <param name="identity">the saved parse's file as opened (its size and time): a parse saved again makes these stamps another's</param>
        public Restamps(string snapshotPath, string identity)
        {
            _identity = identity;
            _path = PathBeside(snapshotPath);
            try
            {
                if (!File.Exists(_path)) return;
                using var r = new BinaryReader(File.OpenRead(_path), Encoding.UTF8);
                if (r.ReadString() != Format || r.ReadString() != _identity) return;
                for (var n = r.ReadInt32(); n > 0; n--) _known[r.ReadString()] = (r.ReadInt64(), r.ReadInt64());
            }
            catch (Exception e) when (CacheCodec.Unreadable(e))
            {
                _known.Clear();
            }
        }

        public bool Holds(string file, long size, long modified) => _known.TryGetValue(file, out var known) && known == (size, modified);

        /// <summary>Racy files read and found unchanged this time (their count; <see cref="Confirmed"/>: those with a time old enough to keep).</summary>
        public int Unchanged => Volatile.Read(ref _unchanged);

        int _unchanged;

        public System.Collections.Concurrent.ConcurrentDictionary<string, (long Size, long Modified)> Confirmed { get; } = new(StringComparer.Ordinal);

        /// <summary>A racy file whose text was read and found as the parse read it.</summary>
        public void Checked(string file, long size, long modified)
        {
            Interlocked.Increment(ref _unchanged);
            if (modified < _trustedBefore) Confirmed[file] = (size, modified);
        }

        /// <summary>Keeps the stamps confirmed this time with those kept before (nothing written when none is new).</summary>
        public void Save()
        {
            if (Confirmed.IsEmpty) return;
            foreach (var (file, stamp) in Confirmed) _known[file] = stamp;
            CacheCodec.WriteFile(_path, w =>
            {
                w.Write(Format);
                w.Write(_identity);
                w.Write(_known.Count);
                foreach (var (file, (size, modified)) in _known)
                {
                    w.Write(file);
                    w.Write(size);
                    w.Write(modified);
                }
            });
        }
    }
}

/// <summary>A file changed since the saved parse: its full path, its text now and that text's checksum.</summary>
internal sealed record ChangedFile(string Path, string Text, string Checksum)
{
    /// <summary>The file's path inside the project (<paramref name="projectRoot"/>), with forward slashes, as nodes name their files.</summary>
    public string RelativeTo(string projectRoot) => System.IO.Path.GetRelativePath(projectRoot, Path).Replace('\\', '/');
}

/// <summary>
/// Writes each distinct text once: a repeated one (a file path in every location, a config key, a schema) is written as
/// its number. Thousands of nodes repeat the same few hundred texts, so the file is smaller and reading it allocates less.
/// </summary>
internal sealed class PooledWriter(Stream output) : BinaryWriter(output, Encoding.UTF8, leaveOpen: true)
{
    readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _configValues = new(StringComparer.Ordinal);

    /// <summary>The number of a node config's values written before (by their encoding), or null: these are numbered next.</summary>
    public int? ValuesSeen(string encoded)
    {
        if (_configValues.TryGetValue(encoded, out var number)) return number;
        _configValues[encoded] = _configValues.Count;
        return null;
    }

    public override void Write(string value)
    {
        if (_seen.TryGetValue(value, out var number))
        {
            Write7BitEncodedInt(number + 1);
            return;
        }
        _seen[value] = _seen.Count;
        Write7BitEncodedInt(0);
        base.Write(value);
    }
}

/// <summary>Reads what <see cref="PooledWriter"/> wrote: a text the first time, its number afterwards.</summary>
internal sealed class PooledReader(Stream input, List<string>? seen = null, List<IReadOnlyDictionary<string, object?>>? configValues = null)
    : BinaryReader(input, Encoding.UTF8)
{
    readonly List<string> _seen = seen ?? [];

    /// <summary>The node configs' values read so far, by number (<see cref="PooledWriter.ValuesSeen"/>).</summary>
    public List<IReadOnlyDictionary<string, object?>> ConfigValues { get; } = configValues ?? [];

    /// <summary>Reads on from <paramref name="next"/>, with the texts and config values read so far (the rest of a file, read into memory).</summary>
    public PooledReader Continue(Stream next) => new(next, _seen, ConfigValues);

    public override string ReadString()
    {
        var number = Read7BitEncodedInt();
        if (number > 0) return _seen[number - 1];
        var value = base.ReadString();
        _seen.Add(value);
        return value;
    }
}
