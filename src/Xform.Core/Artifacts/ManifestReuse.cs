using System.Globalization;
using System.Text;
using Xform.Core.Parsing;

namespace Xform.Core.Artifacts;

/// <summary>
/// manifest.json kept from the command before when it would be written the same: the project is the same saved parse
/// (<see cref="LoadedProject.SavedParseGeneration"/>), with the same compiled code and the same flags the manifest shows;
/// then only its metadata differ (<c>generated_at</c>, <c>invocation_id</c>, both of fixed length), and they are written
/// in place. <c>target/manifest.json.reuse</c> holds the key of the file and its size and time as written, so a file
/// changed or replaced since (another command, another parse, an edit) is written in full.
/// </summary>
internal static class ManifestReuse
{
    const string FileName = "manifest.json.reuse";

    /// <summary>Flags that change only what a command prints, not the manifest.</summary>
    static readonly HashSet<string> OutputOnly = new(StringComparer.Ordinal) { "INVOCATION_COMMAND", "DEBUG", "QUIET", "LOG_FORMAT", "USE_COLORS" };

    /// <summary>What the manifest's nodes depend on beyond the saved parse; null when the project is not a saved parse.</summary>
    public static string? Key(LoadedProject loaded, IReadOnlyDictionary<string, string> compiledCode) =>
        loaded.SavedParseGeneration is { } generation ? Key(generation, loaded.Session.Invocation.Flags, compiledCode) : null;

    /// <summary>The key of the saved parse <paramref name="generation"/>'s manifest written with these flags and compiled code.</summary>
    public static string Key(string generation, IReadOnlyDictionary<string, object?> flags, IReadOnlyDictionary<string, string> compiledCode) =>
        Key(generation, flags, Digest(compiledCode));

    /// <summary>The key of a manifest whose compiled code has the <see cref="Digest"/> <paramref name="digest"/>.</summary>
    public static string Key(string generation, IReadOnlyDictionary<string, object?> flags, UInt128 digest) =>
        CacheCodec.KeyOf([generation, Flags(flags), digest.ToString("x32", CultureInfo.InvariantCulture)]);

    /// <summary>
    /// The compiled code of every node as one number: the sum of each node's <see cref="NodeDigest"/>, whatever their order, so
    /// that a compile which patches a few nodes (<see cref="Tasks.CompilePatch"/>) gets the sum of the whole from the last one.
    /// </summary>
    public static UInt128 Digest(IReadOnlyDictionary<string, string> compiledCode)
    {
        var sum = UInt128.Zero;
        foreach (var (id, code) in compiledCode) sum += NodeDigest(id, code);
        return sum;
    }

    /// <summary>The first 128 bits of the SHA-256 of a node's id and compiled code.</summary>
    public static UInt128 NodeDigest(string id, string compiledCode)
    {
        var bytes = Encoding.UTF8.GetBytes(id + "\0" + compiledCode);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(bytes, hash);
        return new UInt128(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash), System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]));
    }

    /// <summary>The flags a command's artifacts show (not those that change only what it prints), as one text.</summary>
    public static string Flags(IReadOnlyDictionary<string, object?> flags) => string.Join("\n", flags.OrderBy(kv => kv.Key, StringComparer.Ordinal)
        .Where(kv => !OutputOnly.Contains(kv.Key)).Select(kv => kv.Key + "=" + Convert.ToString(kv.Value, CultureInfo.InvariantCulture)));

    /// <summary>Gives the manifest written before this command's metadata, when it was written with <paramref name="key"/> and not changed since.</summary>
    public static bool TryReuse(string targetDir, string key, string generatedAt, string invocationId)
    {
        var manifest = new FileInfo(Path.Combine(targetDir, "manifest.json"));
        try
        {
            var sidecar = Path.Combine(targetDir, FileName);
            if (!manifest.Exists || !File.Exists(sidecar)) return false;
            if (File.ReadAllText(sidecar) != Stamp(key, manifest)) return false;
            using (var file = new FileStream(manifest.FullName, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
                if (!Restamp(file, generatedAt, invocationId)) return false;
            manifest.Refresh();
            File.WriteAllText(sidecar, Stamp(key, manifest));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Gives a manifest.json its command's <c>generated_at</c> and <c>invocation_id</c> in place (both of fixed length); false: not found.</summary>
    internal static bool Restamp(FileStream file, string generatedAt, string invocationId)
    {
        var head = new byte[Math.Min(4096, (int)Math.Min(int.MaxValue, file.Length))];
        file.Position = 0;
        file.ReadExactly(head);
        if (ValueAt(head, "\"generated_at\":\""u8, generatedAt.Length) is not { } at
            || ValueAt(head, "\"invocation_id\":\""u8, invocationId.Length) is not { } id || id < at) return false;
        // One write from the first value to the end of the second: a reader sees the old metadata or the new.
        var span = head.AsSpan(at, id + invocationId.Length - at).ToArray();
        Encoding.UTF8.GetBytes(generatedAt).CopyTo(span, 0);
        Encoding.UTF8.GetBytes(invocationId).CopyTo(span, id - at);
        file.Position = at;
        file.Write(span);
        return true;
    }

    /// <summary>Notes the key of the manifest just written (null: it is not to be reused, the note is removed).</summary>
    public static void Remember(string targetDir, string? key)
    {
        var sidecar = Path.Combine(targetDir, FileName);
        try
        {
            if (key is null) File.Delete(sidecar);
            else File.WriteAllText(sidecar, Stamp(key, new FileInfo(Path.Combine(targetDir, "manifest.json"))));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // without the note the next command writes the manifest in full
        }
    }

    static string Stamp(string key, FileInfo manifest) =>
        $"{key}\n{manifest.Length.ToString(CultureInfo.InvariantCulture)}\n{manifest.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}\n";

    /// <summary>Where the value after <paramref name="name"/> starts, when it is a text of <paramref name="length"/> bytes.</summary>
    static int? ValueAt(byte[] head, ReadOnlySpan<byte> name, int length)
    {
        var at = head.AsSpan().IndexOf(name);
        if (at < 0) return null;
        var start = at + name.Length;
        return start + length < head.Length && head[start + length] == (byte)'"' && head.AsSpan(start, length).IndexOf((byte)'"') < 0 ? start : null;
    }
}
