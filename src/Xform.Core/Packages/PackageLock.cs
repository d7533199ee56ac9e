using System.Text;
using Xform.Core.Parsing;
using Xform.Core.YamlReading;

namespace Xform.Core.Packages;

/// <summary>
/// dbt's <c>package-lock.yml</c>: each installed package with its name and, for git, the commit it was taken at
/// (for the hub, the version), plus the hash of packages.yml it was made from. While that file is unchanged,
/// deps installs the same commits and versions.
/// </summary>
public sealed class PackageLock
{
    readonly Dictionary<string, string> _commits;
    readonly Dictionary<string, string> _versions;

    PackageLock(Dictionary<string, string> commits, Dictionary<string, string> versions) => (_commits, _versions) = (commits, versions);

    /// <summary>The commit the lock recorded for a git package (by its url and subdirectory).</summary>
    public string? CommitOf(GitPackage spec) => _commits.GetValueOrDefault(Key(spec.Shown, spec.Subdirectory));

    /// <summary>The version the lock recorded for a hub package.</summary>
    public string? VersionOf(HubPackage spec) => _versions.GetValueOrDefault(spec.Name);

    static string Key(string url, string? subdirectory) => subdirectory is null ? url : $"{url}#{subdirectory}";

    /// <summary>The lock file, if there is one made from this packages file.</summary>
    public static PackageLock? Read(string projectDir, string packagesHash)
    {
        var path = Path.Combine(projectDir, PackageInstaller.LockFile);
        if (!File.Exists(path) || Yaml.LoadFile(path, PackageInstaller.LockFile) is not { } root) return null;
        var map = new YamlMap(root, PackageInstaller.LockFile, PackageInstaller.LockFile);
        if (map.String("sha1_hash") != packagesHash) return null;
        var commits = new Dictionary<string, string>(StringComparer.Ordinal);
        var versions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in map.Maps("packages", "an entry of 'packages'"))
        {
            if (entry.String("git") is { } url && entry.String("revision") is { } commit)
                commits[Key(url, entry.String("subdirectory"))] = commit;
            if (entry.String("package") is { } hub && entry.String("version") is { } version)
                versions[hub] = version;
        }
        return new PackageLock(commits, versions);
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
                    text.Append($"  - git: {Quote(g.Shown)}\n    revision: {p.Commit}\n");
                    if (g.Subdirectory is { } sub) text.Append($"    subdirectory: {Quote(sub)}\n");
                    break;
                case HubPackage h:
                    text.Append($"  - package: {Quote(h.Name)}\n");
                    if (p.Version is { } v) text.Append($"    version: {Quote(v)}\n");
                    break;
                case TarballPackage t:
                    text.Append($"  - tarball: {Quote(t.Shown)}\n");
                    break;
            }
            text.Append($"    name: {p.Name}\n");
        }
        text.Append($"sha1_hash: {packagesHash}\n");
        File.WriteAllText(Path.Combine(projectDir, PackageInstaller.LockFile), text.ToString());
    }

    static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
