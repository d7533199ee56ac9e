using Xform.Core.Project;

namespace Xform.Adapters.DuckDb;

/// <summary>
/// A duckdb target of profiles.yml: <c>path</c>, the database file relative to the project folder, or <c>:memory:</c>
/// (the default). DuckDB takes no credentials, so nothing here is secret.
/// </summary>
public sealed record DuckDbSettings(string Path, string? FullPath)
{
    /// <summary>Reads the target; a relative path is resolved against <paramref name="projectRoot"/>.</summary>
    public static DuckDbSettings From(TargetConfig target, string projectRoot)
    {
        var path = target.Get("path") ?? ":memory:";
        return path is ":memory:" or ""
            ? new DuckDbSettings(":memory:", null)
            : new DuckDbSettings(path, System.IO.Path.GetFullPath(System.IO.Path.Combine(projectRoot, path)));
    }

    public bool InMemory => FullPath is null;

    /// <summary>
    /// A named in-memory database is shared by every worker connection of the process; a file is opened in place.
    /// </summary>
    public string ConnectionString => InMemory ? "Data Source=:memory:?cache=shared" : $"Data Source={FullPath}";

    /// <summary>The path as the profile wrote it, for messages.</summary>
    public override string ToString() => $"duckdb database {Path}";
}
