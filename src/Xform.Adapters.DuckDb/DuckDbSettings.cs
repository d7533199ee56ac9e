using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Adapters.DuckDb;

/// <summary>
/// A duckdb target of profiles.yml: <c>path</c>, the database file relative to the project folder, or <c>:memory:</c>
/// (the default), and dbt-duckdb's <c>attach</c> (other databases every connection attaches), <c>extensions</c> and
/// <c>settings</c> (loaded and set on every connection).
/// </summary>
public sealed record DuckDbSettings(string Path, string? FullPath)
{
    /// <summary>The databases attached to every connection, the profile's first.</summary>
    public IReadOnlyList<DuckDbAttachment> Attachments { get; init; } = [];

    /// <summary>dbt-duckdb's <c>extensions</c>: loaded on every connection, before the settings (which may be theirs).</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    /// <summary>dbt-duckdb's <c>settings</c>: DuckDB options set on every connection (<c>threads</c>, <c>memory_limit</c>, ...).</summary>
    public IReadOnlyList<(string Name, string Value)> Options { get; init; } = [];

    /// <summary>Reads the target; a relative path is resolved against <paramref name="projectRoot"/>.</summary>
    public static DuckDbSettings From(TargetConfig target, string projectRoot)
    {
        var path = target.Get("path") ?? ":memory:";
        var settings = path is ":memory:" or ""
            ? new DuckDbSettings(":memory:", null)
            : new DuckDbSettings(path, System.IO.Path.GetFullPath(System.IO.Path.Combine(projectRoot, path)));
        // dbt-duckdb keys xform does not act on yet: said, not ignored (a model relying on them would fail later, unclearly).
        if (NotSupported.FirstOrDefault(target.Settings.ContainsKey) is { } unsupported)
            throw new XformException($"'{unsupported}' of a duckdb output (dbt-duckdb) is not supported yet; xform reads path, threads, attach, extensions and settings",
                target.At(unsupported));
        settings = settings with
        {
            Attachments = ReadAttach(target, projectRoot), Extensions = ReadExtensions(target), Options = ReadOptions(target),
        };
        // dbt-duckdb: the catalog is the file's stem; a 'database' that names neither it nor an attached alias is a mistake.
        var catalog = ProfileReader.DuckDbCatalog(path);
        if (target.Get("database") is { Length: > 0 } database && !string.Equals(database, catalog, StringComparison.Ordinal))
            throw new XformException(settings.Attachments.Any(a => a.Alias == database)
                ? $"'database: {database}' names an attached database; using one as the target's database is not supported yet: set 'path' to that file instead"
                : $"'database: {database}' does not match 'path' ({path}): a DuckDB file's database is its name without the extension, '{catalog}'; remove 'database' or set it to '{catalog}'",
                target.At("database"));
        return settings;
    }

    static readonly string[] NotSupported = ["filesystems", "plugins", "secrets", "module_paths", "remote", "use_credential_provider"];

    static readonly string[] AttachKeys = ["path", "alias", "read_only", "type"];

    /// <summary>dbt-duckdb's <c>attach: [{path, alias, read_only, type}]</c>; a relative path is the project folder's.</summary>
    static List<DuckDbAttachment> ReadAttach(TargetConfig target, string projectRoot)
    {
        var result = new List<DuckDbAttachment>();
        if (!target.Settings.TryGetValue("attach", out var value) || value is null) return result;
        var at = target.At("attach");
        if (value is not List<object?> items)
            throw new XformException("'attach' must be a list of databases to attach, e.g. [{path: target/prod.duckdb, alias: prod, read_only: true}]", at);
        foreach (var item in items)
        {
            if (item is not IReadOnlyDictionary<string, object?> entry || entry.GetValueOrDefault("path") is not string { Length: > 0 } path)
                throw new XformException("each 'attach' entry needs 'path', e.g. {path: target/prod.duckdb, alias: prod, read_only: true}", at);
            if (entry.Keys.FirstOrDefault(k => !AttachKeys.Contains(k)) is { } unknown)
                throw new XformException($"'attach' key '{unknown}' is not supported yet; xform reads {string.Join(", ", AttachKeys)}", at);
            var alias = entry.GetValueOrDefault("alias") is { } a ? Convert.ToString(a, CultureInfo.InvariantCulture)! : ProfileReader.DuckDbCatalog(path);
            var readOnly = entry.GetValueOrDefault("read_only") is true;
            var type = entry.GetValueOrDefault("type") as string;
            if (type is not null && !type.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                throw new XformException($"'attach' type '{type}' is not a DuckDB database type such as duckdb, sqlite or postgres", at);
            var full = path.Contains("://", StringComparison.Ordinal) || path.StartsWith("md:", StringComparison.Ordinal)
                ? path : System.IO.Path.GetFullPath(System.IO.Path.Combine(projectRoot, path));
            result.Add(new DuckDbAttachment(path, full, alias, readOnly, type, at));
        }
        return result;
    }

    static bool IsName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary><c>extensions: [httpfs, {name: spatial}]</c>: names, or dbt-duckdb's entries with a name.</summary>
    static List<string> ReadExtensions(TargetConfig target)
    {
        if (!target.Settings.TryGetValue("extensions", out var value) || value is null) return [];
        const string Example = "e.g. [json, parquet]";
        if (value is not List<object?> items) throw new XformException($"'extensions' must be a list of DuckDB extension names, {Example}", target.At("extensions"));
        return items.Select(item => (item is IReadOnlyDictionary<string, object?> entry ? entry.GetValueOrDefault("name") : item) is string { } name && IsName(name)
            ? name
            : throw new XformException($"each 'extensions' entry must be an extension's name (letters, digits, _), {Example}", target.At("extensions"))).ToList();
    }

    /// <summary><c>settings: {threads: 4, memory_limit: 4GB}</c>: DuckDB option names, each with a text, number or true/false.</summary>
    static List<(string, string)> ReadOptions(TargetConfig target)
    {
        if (!target.Settings.TryGetValue("settings", out var value) || value is null) return [];
        var at = target.At("settings");
        if (value is not IReadOnlyDictionary<string, object?> options)
            throw new XformException("'settings' must map DuckDB options to values, e.g. {threads: 4, memory_limit: 4GB}", at);
        var result = new List<(string, string)>();
        foreach (var (name, option) in options)
        {
            if (!IsName(name)) throw new XformException($"'settings' key '{name}' is not a DuckDB option name (letters, digits, _)", at);
            result.Add((name, option switch
            {
                bool b => b ? "true" : "false",
                string text => DuckDbSql.Literal(text),
                long or int or double => Convert.ToString(option, CultureInfo.InvariantCulture)!,
                null => throw new XformException($"'settings' option '{name}' has no value", at),
                _ => throw new XformException($"'settings' option '{name}' must be a text, a number or true/false", at),
            }));
        }
        return result;
    }

    public bool InMemory => FullPath is null;

    /// <summary>
    /// A named in-memory database is shared by every worker connection of the process; a file is opened in place.
    /// </summary>
    public string ConnectionString => InMemory ? "Data Source=:memory:?cache=shared" : $"Data Source={FullPath}";

    /// <summary>The path as the profile wrote it, for messages.</summary>
    public override string ToString() => $"duckdb database {Path}";
}

/// <summary>A database attached to every connection: the profile's <c>attach</c>, or production's file read by <c>--defer</c>.</summary>
public sealed record DuckDbAttachment(string Path, string FullPath, string Alias, bool ReadOnly, string? Type, SourceLocation At)
{
    public string Sql =>
        $"attach if not exists {DuckDbSql.Literal(FullPath)} as \"{Alias.Replace("\"", "\"\"")}\"" +
        (ReadOnly || Type is not null ? $" ({string.Join(", ", new[] { Type is null ? null : $"type {Type}", ReadOnly ? "read_only" : null }.Where(o => o is not null))})" : "");
}
