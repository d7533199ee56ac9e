using System.Text;
using Xform.Core.Parsing;
using Xform.Core.YamlReading;

namespace Xform.Core.Packages;

/// <summary>
/// dbt's <c>package-lock.yml</c>: each installed package with its name and, for git, the commit it was taken at,
/// plus the hash of packages.yml it was made from. While that file is unchanged, deps installs the same commits.
/// </summary>
public sealed class PackageLock
{
    readonly Dictionary<string, string> _commits;

    PackageLock(Dictionary<string, string> commits) => _commits = commits;

    /// <summary>The commit the lock recorded for a git package (by its url and subdirectory).</summary>
    public string? CommitOf(GitPackage spec) => _commits.GetValueOrDefault(Key(spec.Url, spec.Subdirectory));

    static string Key(string url, string? subdirectory) => subdirectory is null ? url : $"{url}#{subdirectory}";

    /// <summary>The lock file, if there is one made from this packages file.</summary>
    public static PackageLock? Read(string projectDir, string packagesHash)
    {
        var path = Path.Combine(projectDir, PackageInstaller.LockFile);
        if (!File.Exists(path) || Yaml.LoadFile(path, PackageInstaller.LockFile) is not { } root) return null;
        var map = new YamlMap(root, PackageInstaller.LockFile, PackageInstaller.LockFile);
        if (map.String("sha1_hash") != packagesHash) return null;
        var commits = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in map.Maps("packages", "an entry of 'packages'"))
            if (entry.String("git") is { } url && entry.String("revision") is { } commit)
                commits[Key(url, entry.String("subdirectory"))] = commit;
        return new PackageLock(commits);
    }

    public static void Write(string projectDir, IReadOnlyList<InstalledPackage> packages, string packagesHash)
    {
        var text = new StringBuilder("packages:\n");
        foreach (var p in packages)
        {
            switch (p.Spec)
            {
                case LocalPackage l:
                    text.Append($"  - local: {Quote(l.Path)}\n");
                    break;
                case GitPackage g:
                    text.Append($"  - git: {Quote(g.Url)}\n    revision: {p.Commit}\n");
                    if (g.Subdirectory is { } sub) text.Append($"    subdirectory: {Quote(sub)}\n");
                    break;
                case RemotePackage r:
                    text.Append($"  - {r.Kind}: {Quote(r.Name)}\n");
                    if (r.Version is { } v) text.Append($"    version: {Quote(v)}\n");
                    break;
            }
            text.Append($"    name: {p.Name}\n");
        }
        text.Append($"sha1_hash: {packagesHash}\n");
        File.WriteAllText(Path.Combine(projectDir, PackageInstaller.LockFile), text.ToString());
    }

    static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
