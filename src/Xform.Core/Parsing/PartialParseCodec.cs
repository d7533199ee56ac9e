using System.Globalization;
using System.Text;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>
/// How the partial-parse cache writes a model's parse, and fingerprints configs. Values are the plain ones configs
/// hold (text, numbers, booleans, lists, lists of text, mappings, a template's dict, a YAML test entry with its position), written with their exact .NET type so that a reused parse gives
/// the same manifest bytes as a fresh one; a value of any other type is not kept (the file is parsed each time).
/// </summary>
internal static class CacheCodec
{
    enum Tag : byte { Null, String, Bool, Long, Int, Double, Decimal, List, Map, Positioned, JinjaDict, StringList }

    public static void WriteNullable(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    public static string? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    /// <summary>Environment variables templates read, with their values (null: unset), in name order.</summary>
    public static void WriteEnv(BinaryWriter w, IReadOnlyDictionary<string, string?> env)
    {
        w.Write(env.Count);
        foreach (var (name, value) in env.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(name);
            WriteNullable(w, value);
        }
    }

    public static Dictionary<string, string?> ReadEnv(BinaryReader r)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            var name = r.ReadString();
            env[name] = ReadNullable(r);
        }
        return env;
    }

    /// <summary>A file's size and time (what tells it changed since it was written); null when it is gone or cannot be read.</summary>
    public static (long Size, long Modified)? SizeAndTime(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The start of a 64-bit FNV-1a hash (<see cref="Fnv"/>): a cheap fingerprint of texts, to tell changed from unchanged.</summary>
    public const ulong FnvBasis = 14695981039346656037UL;
    const ulong FnvPrime = 1099511628211UL;

    /// <summary><paramref name="hash"/> with <paramref name="text"/> and a closing zero added (FNV-1a over its characters).</summary>
    public static ulong Fnv(ulong hash, string text)
    {
        foreach (var c in text) hash = (hash ^ c) * FnvPrime;
        return hash * FnvPrime; // the zero that closes the part
    }

    /// <summary>The first variable whose value is not the saved one now, or null.</summary>
    public static string? ChangedEnv(IReadOnlyDictionary<string, string?> env) =>
        env.FirstOrDefault(kv => Environment.GetEnvironmentVariable(kv.Key) != kv.Value).Key;

    /// <summary>
    /// Writes a cache file through a temporary one, so that a reader (another xform) never sees half of it. A cache that
    /// cannot be written (no target folder, a read-only one) is left out: the command does not depend on it.
    /// </summary>
    public static void WriteFile(string path, Action<BinaryWriter> write)
    {
        var temp = path + ".tmp" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var writer = new BinaryWriter(File.Create(temp), Encoding.UTF8)) write(writer);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeleteFile(temp);
        }
    }

    /// <summary>What reading a saved file cut short or of another layout throws: the file is then not used, never an error.</summary>
    public static bool Unreadable(Exception e) => e is IOException or EndOfStreamException or FormatException or InvalidDataException
        or UnauthorizedAccessException or InvalidCastException or ArgumentException;

    /// <summary>A key of texts, in order (null told apart from any text), as hex: what a saved file is valid for.</summary>
    public static string KeyOf(IEnumerable<string?> texts)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        // Each text's UTF-8 and a zero byte, encoded into one reused buffer: keys over every compiled model's SQL (10,000
        // texts) copied each text twice before.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            foreach (var text in texts)
            {
                var value = text ?? "\u0001";
                var needed = Encoding.UTF8.GetMaxByteCount(value.Length) + 1;
                if (buffer.Length < needed)
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                    buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(needed);
                }
                var length = Encoding.UTF8.GetBytes(value, buffer);
                buffer[length] = 0;
                hash.AppendData(buffer, 0, length + 1);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Deletes a cache file that no longer holds; one that cannot be deleted is told stale by its key or stamps next time.</summary>
    public static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // nothing more to do
        }
    }

    internal static void WriteLocation(BinaryWriter w, SourceLocation at)
    {
        w.Write(at.File ?? "");
        w.Write(at.Line);
        w.Write(at.Column);
    }

    internal static SourceLocation ReadLocation(BinaryReader r) => new(r.ReadString(), r.ReadInt32(), r.ReadInt32());

    internal static void WriteReferences(BinaryWriter w, IReadOnlyList<Reference> refs)
    {
        w.Write(refs.Count);
        foreach (var x in refs)
        {
            w.Write(x.Name);
            WriteNullable(w, x.Package);
            WriteLocation(w, x.Location);
            WriteNullable(w, x.SourceName);
            WriteNullable(w, x.Version);
        }
    }

    internal static IReadOnlyList<Reference> ReadReferences(BinaryReader r) =>
        ReadList(r, r => new Reference(r.ReadString(), ReadNullable(r), ReadLocation(r), ReadNullable(r), ReadNullable(r)));

    /// <summary>
    /// A list written as its count and items, read with <paramref name="read"/>; an empty one as the one empty array: most
    /// nodes have no columns, constraints or refs, and tens of thousands of empty lists slowed the saved parse's decode
    /// (its every object survives, so each collection copies them).
    /// </summary>
    internal static IReadOnlyList<T> ReadList<T>(BinaryReader r, Func<BinaryReader, T> read)
    {
        var count = r.ReadInt32();
        if (count == 0) return [];
        var items = new List<T>(count);
        for (var i = 0; i < count; i++) items.Add(read(r));
        return items;
    }

    public static void WriteModel(BinaryWriter w, ModelParse parse)
    {
        w.Write(parse.Checksum);
        w.Write(parse.ConfigKey);
        WriteReferences(w, parse.Refs);
        WriteReferences(w, parse.Sources);
        w.Write(parse.Config.Count);
        foreach (var (key, value) in parse.Config)
        {
            w.Write(key);
            WriteValue(w, value);
            WriteLocation(w, parse.Config.LocationOf(key)!.Value);
        }
        w.Write(parse.Warnings.Count);
        foreach (var warning in parse.Warnings) WriteWarning(w, warning);
        WriteCalls(w, parse.Calls);
    }

    internal static void WriteWarning(BinaryWriter w, Warning warning)
    {
        w.Write(warning.Message);
        WriteLocation(w, warning.Location);
    }

    internal static Warning ReadWarning(BinaryReader r) => new(r.ReadString(), ReadLocation(r));

    /// <summary>A template's macro calls.</summary>
    internal static void WriteCalls(BinaryWriter w, IReadOnlyList<MacroCall> calls)
    {
        w.Write(calls.Count);
        foreach (var call in calls)
        {
            w.Write(call.Name);
            WriteNullable(w, call.Package);
            w.Write(call.Dispatched);
            WriteNullable(w, call.DispatchNamespace);
        }
    }

    internal static List<MacroCall> ReadCalls(BinaryReader r)
    {
        var calls = new List<MacroCall>(r.ReadInt32());
        for (var i = calls.Capacity; i > 0; i--) calls.Add(new MacroCall(r.ReadString(), ReadNullable(r), r.ReadBoolean(), ReadNullable(r)));
        return calls;
    }

    public static ModelParse ReadModel(BinaryReader r)
    {
        var checksum = r.ReadString();
        var configKey = r.ReadString();
        var refs = ReadReferences(r);
        var sources = ReadReferences(r);
        var config = new ConfigValues();
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            var key = r.ReadString();
            var value = ReadValue(r);
            config.Set(key, value, ReadLocation(r));
        }
        var warnings = new List<Warning>(r.ReadInt32());
        for (var i = warnings.Capacity; i > 0; i--) warnings.Add(ReadWarning(r));
        return new ModelParse(checksum, configKey, refs, sources, config, warnings, ReadCalls(r));
    }

    /// <summary>Whether every value can be written and read back as the same type.</summary>
    public static bool CanWrite(IEnumerable<KeyValuePair<string, object?>> values) => values.All(kv => CanWrite(kv.Value));

    internal static bool CanWrite(object? value) => value switch
    {
        null or string or bool or long or int or double or decimal => true,
        List<object?> list => list.All(CanWrite),
        Dictionary<string, object?> map => IsOrdinal(map) && map.Values.All(CanWrite),
        PositionedValue p => CanWrite(p.Value),
        JDict dict => dict.Values.All(CanWrite),
        List<string> => true,
        _ => false,
    };

    static bool IsOrdinal(Dictionary<string, object?> map) =>
        ReferenceEquals(map.Comparer, StringComparer.Ordinal) || ReferenceEquals(map.Comparer, EqualityComparer<string>.Default);

    internal static void WriteValue(BinaryWriter w, object? value)
    {
        switch (value)
        {
            case null: w.Write((byte)Tag.Null); break;
            case string s: w.Write((byte)Tag.String); w.Write(s); break;
            case bool b: w.Write((byte)Tag.Bool); w.Write(b); break;
            case long l: w.Write((byte)Tag.Long); w.Write(l); break;
            case int i: w.Write((byte)Tag.Int); w.Write(i); break;
            case double d: w.Write((byte)Tag.Double); w.Write(d); break;
            case decimal m: w.Write((byte)Tag.Decimal); w.Write(m); break;
            case List<object?> list:
                w.Write((byte)Tag.List);
                w.Write(list.Count);
                foreach (var item in list) WriteValue(w, item);
                break;
            case Dictionary<string, object?> map:
                w.Write((byte)Tag.Map);
                w.Write(map.Count);
                foreach (var (k, v) in map)
                {
                    w.Write(k);
                    WriteValue(w, v);
                }
                break;
            case List<string> texts:
                w.Write((byte)Tag.StringList);
                w.Write(texts.Count);
                foreach (var text in texts) w.Write(text);
                break;
            case JDict dict:
                w.Write((byte)Tag.JinjaDict);
                w.Write(dict.Count);
                foreach (var (k, v) in dict)
                {
                    w.Write(k);
                    WriteValue(w, v);
                }
                break;
            case PositionedValue p:
                w.Write((byte)Tag.Positioned);
                WriteValue(w, p.Value);
                WriteLocation(w, p.Location);
                break;
            default: throw new InvalidOperationException($"the partial-parse cache cannot hold a {value.GetType().Name}");
        }
    }

    internal static object? ReadValue(BinaryReader r)
    {
        switch ((Tag)r.ReadByte())
        {
            case Tag.Null: return null;
            case Tag.String: return r.ReadString();
            case Tag.Bool: return r.ReadBoolean();
            case Tag.Long: return r.ReadInt64();
            case Tag.Int: return r.ReadInt32();
            case Tag.Double: return r.ReadDouble();
            case Tag.Decimal: return r.ReadDecimal();
            case Tag.List:
                {
                    var list = new List<object?>(r.ReadInt32());
                    for (var i = list.Capacity; i > 0; i--) list.Add(ReadValue(r));
                    return list;
                }
            case Tag.Map:
                {
                    var n = r.ReadInt32();
                    var map = new Dictionary<string, object?>(n, StringComparer.Ordinal);
                    for (var i = 0; i < n; i++) map[r.ReadString()] = ReadValue(r);
                    return map;
                }
            case Tag.StringList:
                {
                    var texts = new List<string>(r.ReadInt32());
                    for (var i = texts.Capacity; i > 0; i--) texts.Add(r.ReadString());
                    return texts;
                }
            case Tag.JinjaDict:
                {
                    var dict = new JDict();
                    for (var n = r.ReadInt32(); n > 0; n--) dict[r.ReadString()] = ReadValue(r);
                    return dict;
                }
            case Tag.Positioned: return new PositionedValue(ReadValue(r), ReadLocation(r));
            default: throw new InvalidDataException("unknown value tag in the partial-parse cache");
        }
    }

    /// <summary>
    /// Appends a text that differs whenever the values differ (type, order and content); false for a value it cannot
    /// describe (then nothing that depends on it is reused).
    /// </summary>
    public static bool Fingerprint(StringBuilder sb, IEnumerable<KeyValuePair<string, object?>>? values)
    {
        if (values is null) return sb.Append("-\n") is not null;
        sb.Append('{');
        foreach (var (key, value) in values)
        {
            sb.Append(key.Length).Append(':').Append(key).Append('=');
            if (!Fingerprint(sb, value)) return false;
        }
        sb.Append("}\n");
        return true;
    }

    static bool Fingerprint(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append('N'); return true;
            case string s: sb.Append('S').Append(s.Length).Append(':').Append(s); return true;
            case bool or long or int or double or decimal or float or short or byte:
                sb.Append(value.GetType().Name).Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append(';');
                return true;
            case IEnumerable<KeyValuePair<string, object?>> map:
                return Fingerprint(sb, map);
            case System.Collections.IEnumerable list:
                sb.Append('[');
                foreach (var item in list)
                    if (!Fingerprint(sb, item)) return false;
                sb.Append(']');
                return true;
            default: return false;
        }
    }
}
