using System.Text;
using Xform.Core.Parsing;

namespace Xform.Core.Artifacts;

/// <summary>
/// A command's outputs kept whole when it is run again on the same project with the same flags: <c>xform parse</c> and
/// <c>xform compile</c> of an unchanged project (or of the same edits) write what they wrote the time before, so they
/// check that and stop. <c>target/command_memo.bin</c> holds the last such command's key (its name, the saved parse it
/// used, its flags and selection), the environment variables its templates read, each file it wrote (size and time, so a
/// file deleted or changed since is noticed), the key of its manifest.json (<see cref="ManifestReuse"/>: the file must be
/// the one it wrote) and what it reported (counts). Written only after a command whose output depends on nothing else:
/// no render read the database, the clock, the invocation or the log, and nothing was warned or logged.
/// </summary>
internal static class CommandMemo
{
    const string FileName = "command_memo.bin";
    const string Format = "xform command memo 1";

    /// <summary>The key of a command: what it is and everything its outputs depend on, but the project (<paramref name="generation"/>).</summary>
    public static string Key(string command, string generation, IEnumerable<string?> inputs) =>
        CacheCodec.KeyOf(new[] { command, generation }.Concat(inputs));

    /// <summary>
    /// What the command with <paramref name="key"/> reported the last time, when every output it wrote is still as it left
    /// it; manifest.json is then given this command's metadata. Null: run the command.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Replay(string targetDir, string key, string invocationId)
    {
        var path = Path.Combine(targetDir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (r.ReadString() != Format || r.ReadString() != key) return null;
            var manifestKey = r.ReadString();
            if (CacheCodec.ChangedEnv(CacheCodec.ReadEnv(r)) is not null) return null;
            var files = new List<(string Path, long Size, long Modified)>(r.ReadInt32());
            for (var i = files.Capacity; i > 0; i--) files.Add((r.ReadString(), r.ReadInt64(), r.ReadInt64()));
            var facts = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var n = r.ReadInt32(); n > 0; n--) facts[r.ReadString()] = r.ReadString();
            var changed = 0;
            Parallel.ForEach(files, (file, state) =>
            {
                if (CacheCodec.SizeAndTime(Path.Combine(targetDir, file.Path)) == (file.Size, file.Modified)) return;
                Interlocked.Increment(ref changed);
                state.Stop();
            });
            return changed == 0 && ManifestWriter.Refresh(targetDir, manifestKey, invocationId) ? facts : null;
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return null;
        }
    }

    /// <summary>Notes the command just run: its key, its manifest's key, the environment variables it read, the files it wrote (full paths under <paramref name="targetDir"/>) and what it reported.</summary>
    public static void Save(string targetDir, string key, string manifestKey, IReadOnlyDictionary<string, string?> env, IReadOnlyCollection<string> files,
        IReadOnlyDictionary<string, string> facts)
    {
        var stamps = new (string Path, long Size, long Modified)[files.Count];
        var gone = 0;
        Parallel.ForEach(files.Select((file, i) => (file, i)), item =>
        {
            if (CacheCodec.SizeAndTime(item.file) is var (size, modified)) stamps[item.i] = (Path.GetRelativePath(targetDir, item.file), size, modified);
            else Interlocked.Increment(ref gone);
        });
        if (gone > 0)
        {
            Forget(targetDir); // a file gone already (another command at work): nothing to keep
            return;
        }
        CacheCodec.WriteFile(Path.Combine(targetDir, FileName), w =>
        {
            w.Write(Format);
            w.Write(key);
            w.Write(manifestKey);
            CacheCodec.WriteEnv(w, env);
            w.Write(stamps.Length);
            foreach (var (path, size, modified) in stamps)
            {
                w.Write(path);
                w.Write(size);
                w.Write(modified);
            }
            w.Write(facts.Count);
            foreach (var (name, value) in facts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(name);
                w.Write(value);
            }
        });
    }

    /// <summary>Removes the note: the command just run wrote outputs another run of it may not write the same.</summary>
    public static void Forget(string targetDir) => CacheCodec.DeleteFile(Path.Combine(targetDir, FileName));
}
