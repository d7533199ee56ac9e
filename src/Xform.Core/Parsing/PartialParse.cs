using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>How much of a parse partial parsing reused: model files reused and parsed, and why nothing was reused (null: it was).</summary>
public sealed record PartialParseResult(int Reused, int Parsed, string? FullParseReason)
{
    /// <summary>Why the whole saved parse (<see cref="ParseSnapshot"/>) was not used: what changed; null: it was used, nothing was parsed.</summary>
    public string? SavedParse { get; init; }

    /// <summary>Why this parse was not saved whole for the next command (null: it was, or it was used whole).</summary>
    public string? NotSaved { get; init; }
}

/// <summary>What rendering one model file in parse mode found: its refs, sources, config() values, warnings and macro calls.</summary>
internal sealed record ModelParse(string Checksum, string ConfigKey, IReadOnlyList<Reference> Refs, IReadOnlyList<Reference> Sources,
    ConfigValues Config, IReadOnlyList<Warning> Warnings, IReadOnlyList<MacroCall> Calls);

/// <summary>
/// dbt's partial parsing, for the costly part of a parse: the parse-render of each model file. The cache
/// (<c>target/partial_parse.bin</c>) keeps, per model file, what its render found, with the file's checksum and a
/// fingerprint of the config and relation the render saw. Everything else (YAML, tests, seeds, the graph) is read
/// again each time, so adding, deleting or renaming a file needs no bookkeeping. The whole cache is dropped when its
/// key changes: xform's build, project.yml, the packages' project files, every macro file (a macro can change any
/// render), the target, --vars; or when an environment variable a template read has another value now. A render that
/// read the clock, the invocation, flags or the log (<see cref="Volatile"/>) is never kept.
/// </summary>
internal sealed class PartialParseCache
{
    const string Format = "xform partial parse 1";

    /// <summary>Globals whose value differs from one command to the next, or that print: a render that reads one is parsed each time.</summary>
    public static readonly IReadOnlySet<string> Volatile = new HashSet<string>(StringComparer.Ordinal)
    {
        "invocation_id", "run_started_at", "modules", "thread_id", "flags", "log", "print", "exceptions", "graph", "selected_resources",
    };

    readonly string _path;
    readonly string _key;
    readonly Dictionary<string, ModelParse> _previous;
    readonly Dictionary<string, string?> _previousEnv;
    readonly ConcurrentDictionary<string, ModelParse> _current = new(StringComparer.Ordinal);
    int _reused;
    int _parsed;

    PartialParseCache(string path, string key, Dictionary<string, ModelParse> previous, Dictionary<string, string?> env, string? reason)
    {
        _path = path;
        _key = key;
        _previous = previous;
        _previousEnv = env;
        FullParseReason = reason;
    }

    /// <summary>The project-wide key (see <see cref="KeyOf"/>).</summary>
    public string Key => _key;

    /// <summary>Why the previous parse was not reused (null: it was, for every file that did not change).</summary>
    public string? FullParseReason { get; }

    public PartialParseResult Result => new(_reused, _parsed, FullParseReason);

    /// <summary>Reads the cache at <paramref name="path"/>; a missing, stale or unreadable one is a full parse, never an error.</summary>
    public static PartialParseCache Open(string path, string key)
    {
        if (!File.Exists(path)) return new(path, key, [], [], "no saved parse");
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (reader.ReadString() != Format) return new(path, key, [], [], "the saved parse is of another format");
            if (reader.ReadString() != key) return new(path, key, [], [], "xform, project.yml, a macro, the target or --vars changed");
            var env = CacheCodec.ReadEnv(reader);
            if (CacheCodec.ChangedEnv(env) is { } changed) return new(path, key, [], [], $"environment variable {changed} changed");
            var entries = new Dictionary<string, ModelParse>(StringComparer.Ordinal);
            for (var n = reader.ReadInt32(); n > 0; n--)
            {
                var id = reader.ReadString();
                entries[id] = CacheCodec.ReadModel(reader);
            }
            return new(path, key, entries, env, null);
        }
        catch (Exception e) when (CacheCodec.Unreadable(e))
        {
            return new(path, key, [], [], "the saved parse could not be read");
        }
    }

    /// <summary>
    /// The environment variables the saved renders read, with their values (the same now, or the cache would be empty): a
    /// render reused reads none again, so the command must know them to note what its outputs depend on.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Env => _previousEnv;

    static string Id(string package, string path) => package + "\0" + path;

    /// <summary>The file's saved parse, when its text and the config and relation its render saw are unchanged.</summary>
    public bool TryGet(string package, string path, string checksum, string configKey, out ModelParse parse)
    {
        if (_previous.TryGetValue(Id(package, path), out var saved) && saved.Checksum == checksum && saved.ConfigKey == configKey)
        {
            parse = saved;
            _current[Id(package, path)] = saved;
            Interlocked.Increment(ref _reused);
            return true;
        }
        parse = null!;
        Interlocked.Increment(ref _parsed);
        return false;
    }

    /// <summary>Keeps a file's parse for the next command (values of types the cache cannot hold are left out).</summary>
    public void Put(string package, string path, ModelParse parse)
    {
        if (CacheCodec.CanWrite(parse.Config)) _current[Id(package, path)] = parse;
    }

    /// <summary>Writes the cache (through a temporary file, so a reader never sees half of one), unless nothing changed.</summary>
    public void Save(IReadOnlyDictionary<string, string?> envReads)
    {
        var env = new Dictionary<string, string?>(_previousEnv, StringComparer.Ordinal);
        foreach (var (name, value) in envReads) env[name] = value;
        if (FullParseReason is null && _parsed == 0 && _current.Count == _previous.Count && env.Count == _previousEnv.Count) return;
        CacheCodec.WriteFile(_path, writer =>
        {
            writer.Write(Format);
            writer.Write(_key);
            CacheCodec.WriteEnv(writer, env);
            var entries = _current.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
            writer.Write(entries.Count);
            foreach (var (id, parse) in entries)
            {
                writer.Write(id);
                CacheCodec.WriteModel(writer, parse);
            }
        });
    }

    /// <summary>
    /// The key of everything every render depends on: xform's build and its internal macros, the project and package files,
    /// every macro file, the target and its adapter's fields, --vars. Hashed, so no secret of the target is written.
    /// </summary>
    /// <param name="adapter">a type of the adapter's assembly (its build is part of the key: it quotes and names relations)</param>
    public static string? KeyOf(IEnumerable<string> projectFiles, IEnumerable<MacroPackage> macros, TargetConfig target,
        IReadOnlyDictionary<string, object?>? targetFields, IReadOnlyDictionary<string, object?> cliVars, Module? adapter)
    {
        var sb = new StringBuilder(Format).Append('\n');
        var core = typeof(PartialParseCache).Assembly;
        sb.Append(core.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion).Append(' ')
          .Append(core.ManifestModule.ModuleVersionId).Append(' ').Append(adapter?.ModuleVersionId).Append('\n');
        foreach (var file in projectFiles)
            sb.Append(file).Append(' ').Append(File.Exists(file) ? FileIndex.Checksum(File.ReadAllText(file)) : "-").Append('\n');
        foreach (var package in macros)
        {
            sb.Append("macros ").Append(package.Name).Append('\n');
            foreach (var source in package.Files) sb.Append(source.Path).Append(' ').Append(FileIndex.Checksum(source.Text)).Append('\n');
        }
        sb.Append("target ").Append(target.ProfileName).Append(' ').Append(target.Name).Append(' ').Append(target.Type).Append(' ')
          .Append(target.Schema).Append(' ').Append(target.Database).Append(' ').Append(target.Threads).Append('\n');
        if (!CacheCodec.Fingerprint(sb, target.Settings) || !CacheCodec.Fingerprint(sb, targetFields) || !CacheCodec.Fingerprint(sb, cliVars)) return null;
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The config and relation a model's render sees, as text (null: a value the cache cannot compare).</summary>
    public static string? ConfigKey(NodeConfig config, RelationName self)
    {
        var sb = new StringBuilder().Append(self.Database).Append('.').Append(self.Schema).Append('.').Append(self.Identifier).Append('\n');
        return CacheCodec.Fingerprint(sb, config) ? sb.ToString() : null;
    }
}
