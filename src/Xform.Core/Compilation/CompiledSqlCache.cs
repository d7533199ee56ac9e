using System.Collections.Concurrent;
using System.Text;
using Xform.Core.Parsing;

namespace Xform.Core.Compilation;

/// <summary>
/// Partial parsing's other half, for <c>xform compile</c>: each model's compiled SQL, kept in
/// <c>target/partial_compile.bin</c> with a key of everything its render read (its text, config and relation, and the
/// relation and materialization of each ref and source; see <see cref="Compiler"/>), under the same project-wide key as
/// the saved parse (xform, project files, macros, target, --vars) and the environment variables templates read. A render
/// that read the database, the graph, the clock or the log is never kept. A render that reads ephemeral models is kept
/// with their ids (in the order it read them): their CTEs are compiled and injected each time, so an edited ephemeral
/// model changes its readers' SQL without their renders.
/// </summary>
public sealed class CompiledSqlCache
{
    const string Format = "xform partial compile 2";

    /// <summary>What a compile render must not read for its SQL to be kept: what partial parsing refuses, and the database.</summary>
    internal static readonly IReadOnlySet<string> Volatile = new HashSet<string>(PartialParseCache.Volatile.Concat(
        ["run_query", "__xform_statement", "load_result", "adapter", "load_relation", "load_cached_relation"]), StringComparer.Ordinal);

    readonly string _path;
    readonly string _key;
    readonly Dictionary<string, Entry> _previous;
    readonly Dictionary<string, string?> _previousEnv;
    readonly ConcurrentDictionary<string, Entry> _current = new(StringComparer.Ordinal);
    int _reused;
    int _rendered;
    int _changed;

    /// <summary>One model's saved render: its key, SQL and the ephemeral models it reads.</summary>
    sealed record Entry(string Key, string Sql, string[] Ephemerals)
    {
        public bool Same(Entry other) => Key == other.Key && Sql == other.Sql && Ephemerals.SequenceEqual(other.Ephemerals, StringComparer.Ordinal);
    }

    CompiledSqlCache(string path, string key, Dictionary<string, Entry> previous, Dictionary<string, string?> env)
    {
        _path = path;
        _key = key;
        _previous = previous;
        _previousEnv = env;
    }

    /// <summary>Models whose SQL was reused and rendered.</summary>
    public (int Reused, int Rendered) Counts => (_reused, _rendered);

    /// <summary>Reads the cache for the parse whose project-wide key is <paramref name="key"/>; a stale or unreadable one is empty.</summary>
    public static CompiledSqlCache Open(string path, string key)
    {
        var empty = new CompiledSqlCache(path, key, [], []);
        if (!File.Exists(path)) return empty;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (reader.ReadString() != Format || reader.ReadString() != key) return empty;
            var env = CacheCodec.ReadEnv(reader);
            if (CacheCodec.ChangedEnv(env) is not null) return empty;
            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            for (var n = reader.ReadInt32(); n > 0; n--)
            {
                var id = reader.ReadString();
                var (entryKey, sql) = (reader.ReadString(), reader.ReadString());
                var ephemerals = new string[reader.ReadInt32()];
                for (var i = 0; i < ephemerals.Length; i++) ephemerals[i] = reader.ReadString();
                entries[id] = new Entry(entryKey, sql, ephemerals);
            }
            return new CompiledSqlCache(path, key, entries, env);
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return empty;
        }
    }

    internal bool TryGet(string id, string key, out string sql, out IReadOnlyList<string> ephemerals)
    {
        if (_previous.TryGetValue(id, out var saved) && saved.Key == key)
        {
            (sql, ephemerals) = (saved.Sql, saved.Ephemerals);
            _current[id] = saved;
            Interlocked.Increment(ref _reused);
            return true;
        }
        (sql, ephemerals) = ("", []);
        Interlocked.Increment(ref _rendered);
        return false;
    }

    internal void Put(string id, string key, string sql, IReadOnlyList<string> ephemerals)
    {
        var entry = new Entry(key, sql, [.. ephemerals]);
        _current[id] = entry;
        if (!_previous.TryGetValue(id, out var saved) || !saved.Same(entry)) Interlocked.Increment(ref _changed);
    }

    /// <summary>
    /// Writes the cache: this compile's SQL over the last one's, for the nodes that still exist (a --select compile keeps
    /// the others' SQL), through a temporary file; nothing is written when nothing changed.
    /// </summary>
    public void Save(IReadOnlyDictionary<string, string?> envReads, IReadOnlySet<string> nodes)
    {
        var env = new Dictionary<string, string?>(_previousEnv, StringComparer.Ordinal);
        foreach (var (name, value) in envReads) env[name] = value;
        if (_changed == 0 && env.Count == _previousEnv.Count && _previous.Keys.All(nodes.Contains)) return;
        var entries = new Dictionary<string, Entry>(_previous, StringComparer.Ordinal);
        foreach (var (id, entry) in _current) entries[id] = entry;
        CacheCodec.WriteFile(_path, writer =>
        {
            writer.Write(Format);
            writer.Write(_key);
            CacheCodec.WriteEnv(writer, env);
            var kept = entries.Where(kv => nodes.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            writer.Write(kept.Count);
            foreach (var (id, entry) in kept)
            {
                writer.Write(id);
                writer.Write(entry.Key);
                writer.Write(entry.Sql);
                writer.Write(entry.Ephemerals.Length);
                foreach (var ephemeral in entry.Ephemerals) writer.Write(ephemeral);
            }
        });
    }
}
