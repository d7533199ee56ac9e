using System.Collections.Concurrent;
using System.Text;
using Xform.Core.Parsing;

namespace Xform.Core.Compilation;

/// <summary>
/// Partial parsing's other half, for <c>xform compile</c>: each model's compiled SQL, kept in
/// <c>target/partial_compile.bin</c> with a key of everything its render read (its text, config and relation, and the
/// relation and materialization of each ref and source; see <see cref="Compiler"/>), under the same project-wide key as
/// the saved parse (xform, project files, macros, target, --vars) and the environment variables templates read. A render
/// that read the database, the graph, the clock or the log, or that inlines an ephemeral model, is never kept.
/// </summary>
public sealed class CompiledSqlCache
{
    const string Format = "xform partial compile 1";

    /// <summary>What a compile render must not read for its SQL to be kept: what partial parsing refuses, and the database.</summary>
    internal static readonly IReadOnlySet<string> Volatile = new HashSet<string>(PartialParseCache.Volatile.Concat(
        ["run_query", "__xform_statement", "load_result", "adapter", "load_relation", "load_cached_relation"]), StringComparer.Ordinal);

    readonly string _path;
    readonly string _key;
    readonly Dictionary<string, (string Key, string Sql)> _previous;
    readonly Dictionary<string, string?> _previousEnv;
    readonly ConcurrentDictionary<string, (string Key, string Sql)> _current = new(StringComparer.Ordinal);
    int _reused;
    int _rendered;
    int _changed;

    CompiledSqlCache(string path, string key, Dictionary<string, (string, string)> previous, Dictionary<string, string?> env)
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
            var entries = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            for (var n = reader.ReadInt32(); n > 0; n--) entries[reader.ReadString()] = (reader.ReadString(), reader.ReadString());
            return new CompiledSqlCache(path, key, entries, env);
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return empty;
        }
    }

    internal bool TryGet(string id, string key, out string sql)
    {
        if (_previous.TryGetValue(id, out var saved) && saved.Key == key)
        {
            sql = saved.Sql;
            _current[id] = saved;
            Interlocked.Increment(ref _reused);
            return true;
        }
        sql = "";
        Interlocked.Increment(ref _rendered);
        return false;
    }

    internal void Put(string id, string key, string sql)
    {
        _current[id] = (key, sql);
        if (!_previous.TryGetValue(id, out var saved) || saved.Key != key || saved.Sql != sql) Interlocked.Increment(ref _changed);
    }

    /// <summary>
    /// Writes the cache: this compile's SQL over the last one's, for the nodes that still exist (a --select compile keeps
    /// the others' SQL), through a temporary file; nothing is written when nothing changed (a model rendered each time,
    /// as one that inlines an ephemeral model, is no change: it is never kept).
    /// </summary>
    public void Save(IReadOnlyDictionary<string, string?> envReads, IReadOnlySet<string> nodes)
    {
        var env = new Dictionary<string, string?>(_previousEnv, StringComparer.Ordinal);
        foreach (var (name, value) in envReads) env[name] = value;
        if (_changed == 0 && env.Count == _previousEnv.Count && _previous.Keys.All(nodes.Contains)) return;
        var entries = new Dictionary<string, (string Key, string Sql)>(_previous, StringComparer.Ordinal);
        foreach (var (id, entry) in _current) entries[id] = entry;
        CacheCodec.WriteFile(_path, writer =>
        {
            writer.Write(Format);
            writer.Write(_key);
            CacheCodec.WriteEnv(writer, env);
            var kept = entries.Where(kv => nodes.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            writer.Write(kept.Count);
            foreach (var (id, (key, sql)) in kept)
            {
                writer.Write(id);
                writer.Write(key);
                writer.Write(sql);
            }
        });
    }
}
