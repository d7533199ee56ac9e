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

    /// <summary>A note as read back: the command's manifest key, the environment variables it read, the files it wrote and what it reported.</summary>
    internal sealed record Noted(string ManifestKey, IReadOnlyDictionary<string, string?> Env, List<(string Path, long Size, long Modified)> Files,
        IReadOnlyDictionary<string, string> Facts);

    /// <summary>
    /// What the command with <paramref name="key"/> reported the last time, when every output it wrote is still as it left
    /// it; manifest.json is then given this command's metadata. Null: run the command.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Replay(string targetDir, string key, string invocationId) =>
        Current(targetDir, key) is { } noted && ManifestWriter.Refresh(targetDir, noted.ManifestKey, invocationId) ? noted.Facts : null;

    /// <summary>The note of the command with <paramref name="key"/>, when the environment variables it read are unchanged and every file it wrote is as it left it; else null.</summary>
    internal static Noted? Current(string targetDir, string key)
    {
        var path = Path.Combine(targetDir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            Noted noted;
            using (var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8))
            {
                if (r.ReadString() != Format || r.ReadString() != key) return null;
                var manifestKey = r.ReadString();
                var env = CacheCodec.ReadEnv(r);
                if (CacheCodec.ChangedEnv(env) is not null) return null;
                var files = new List<(string Path, long Size, long Modified)>(r.ReadInt32());
                for (var i = files.Capacity; i > 0; i--) files.Add((r.ReadString(), r.ReadInt64(), r.ReadInt64()));
                var facts = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var n = r.ReadInt32(); n > 0; n--) facts[r.ReadString()] = r.ReadString();
                noted = new Noted(manifestKey, env, files, facts);
            }
            var changed = 0;
            Parallel.ForEach(noted.Files, (file, state) =>
            {
                if (CacheCodec.SizeAndTime(Path.Combine(targetDir, file.Path)) == (file.Size, file.Modified)) return;
                Interlocked.Increment(ref changed);
                state.Stop();
            });
            return changed == 0 ? noted : null;
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
        Write(Path.Combine(targetDir, FileName), key, manifestKey, env, stamps, facts);
    }

    static void Write(string path, string key, string manifestKey, IReadOnlyDictionary<string, string?> env,
        IReadOnlyList<(string Path, long Size, long Modified)> stamps, IReadOnlyDictionary<string, string> facts) =>
        CacheCodec.WriteFile(path, w =>
        {
            w.Write(Format);
            w.Write(key);
            w.Write(manifestKey);
            CacheCodec.WriteEnv(w, env);
            w.Write(stamps.Count);
            foreach (var (file, size, modified) in stamps)
            {
                w.Write(file);
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

    /// <summary>
    /// Notes a command that wrote what the command of <paramref name="before"/> (<see cref="Current"/>) wrote but the files of
    /// <paramref name="rewritten"/> (full paths, noted as they are now) and its manifest (of key <paramref name="manifestKey"/>):
    /// a compile that patched that command's outputs. The note is removed when a rewritten file is gone.
    /// </summary>
    public static void Carry(string targetDir, Noted before, string key, string manifestKey, IReadOnlyCollection<string> rewritten)
    {
        var files = before.Files.ToList();
        var now = rewritten.ToDictionary(f => Path.GetRelativePath(targetDir, f), CacheCodec.SizeAndTime, StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            if (!now.TryGetValue(files[i].Path, out var stamp)) continue;
            if (stamp is not var (size, modified))
            {
                Forget(targetDir);
                return;
            }
            files[i] = (files[i].Path, size, modified);
        }
        Write(Path.Combine(targetDir, FileName), key, manifestKey, before.Env, files, before.Facts);
    }

    /// <summary>Removes the note: the command just run wrote outputs another run of it may not write the same.</summary>
    public static void Forget(string targetDir) => CacheCodec.DeleteFile(Path.Combine(targetDir, FileName));
}
