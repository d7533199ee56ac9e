using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>One entry of packages.yml / dependencies.yml: where a package comes from.</summary>
public abstract record PackageSpec(SourceLocation Location)
{
    /// <summary>How the entry reads in package-lock.yml and in messages.</summary>
    public abstract string Describe();
}

/// <summary><c>local: ../path</c>, relative to the project that declares it.</summary>
public sealed record LocalPackage(string Path, SourceLocation Location) : PackageSpec(Location)
{
    public override string Describe() => $"local: {Path}";
}

/// <summary>
/// <c>git: url</c> with an optional <c>revision</c> (branch, tag or commit) and <c>subdirectory</c>. The url is
/// rendered (<c>env_var</c> for credentials, as in dbt); messages and the lock file show it as written.
/// </summary>
public sealed record GitPackage(string Url, string? Revision, string? Subdirectory, SourceLocation Location, string? UrlAsWritten = null) : PackageSpec(Location)
{
    public string Shown => UrlAsWritten ?? Url;

    public override string Describe() => $"git: {Shown}" + (Revision is null ? "" : $" @ {Revision}") + (Subdirectory is null ? "" : $" ({Subdirectory})");
}

/// <summary><c>package: owner/name</c> from the dbt package hub, with the version requirements written for it.</summary>
public sealed record HubPackage(string Name, IReadOnlyList<string> Versions, bool InstallPrerelease, SourceLocation Location) : PackageSpec(Location)
{
    /// <summary>The name it installs under when the hub cannot say (its last part, as dbt's own packages are named).</summary>
    public string ShortName => Name[(Name.LastIndexOf('/') + 1)..];

    public override string Describe() => $"package: {Name}" + (Versions.Count == 0 ? "" : $" [{string.Join(", ", Versions)}]");
}

/// <summary><c>tarball: url</c> with the <c>name</c> the package installs under.</summary>
public sealed record TarballPackage(string Url, string Name, SourceLocation Location, string? UrlAsWritten = null) : PackageSpec(Location)
{
    public string Shown => UrlAsWritten ?? Url;

    public override string Describe() => $"tarball: {Shown}";
}

/// <summary>
/// Reads a project's <c>packages.yml</c> (or <c>dependencies.yml</c>, dbt's newer name): its <c>packages:</c> list,
/// each value rendered as dbt renders this file (<c>env_var</c>, e.g. a git token kept out of the file).
/// </summary>
public static class PackagesFile
{
    public static readonly string[] Names = ["packages.yml", "dependencies.yml"];

    /// <param name="shownAs">the project's folder as messages name it ("" for the root project)</param>
    public static IReadOnlyList<PackageSpec> Read(string projectDir, string shownAs = "")
    {
        var found = Names.Select(n => System.IO.Path.Combine(projectDir, n)).Where(File.Exists).ToList();
        if (found.Count == 0) return [];
        if (found.Count > 1)
            throw new XformException($"both packages.yml and dependencies.yml declare packages in '{shownAs}'; keep one of them",
                new SourceLocation(shownAs + "dependencies.yml", 1, 1));
        var file = shownAs + System.IO.Path.GetFileName(found[0]);
        if (Yaml.LoadFile(found[0], file) is not { } root) return [];
        var map = new YamlMap(root, file, file);
        var specs = new List<PackageSpec>();
        foreach (var entry in map.Maps("packages", "an entry of 'packages'"))
        {
            var at = entry.Location;
            string? Text(string key) => entry.Get(key) is { } node
                ? Convert.ToString(ProfileReader.RenderEnvVars(entry.String(key), node, file), System.Globalization.CultureInfo.InvariantCulture)
                : null;
            if (Text("local") is { } local) specs.Add(new LocalPackage(local, at));
            else if (Text("git") is { } git)
                specs.Add(new GitPackage(git, Revision(entry, Text), Text("subdirectory"), at, entry.String("git")));
            else if (Text("tarball") is { } tarball)
                specs.Add(new TarballPackage(tarball, Text("name") ?? throw new XformException(
                    "a tarball package needs a 'name': the name its folder takes under the install path", at), at, entry.String("tarball")));
            else if (Text("package") is { } hub)
                specs.Add(new HubPackage(hub, Versions(entry), entry.Get("install-prerelease") is { } pre && Yaml.ToValue(pre) is true, at));
            else
                throw new XformException("a package entry needs one of 'local', 'git', 'tarball' or 'package'", at);
        }
        return specs;
    }

    /// <summary>A hub package's <c>version</c>: one requirement or a list (<c>[">=1.0.0", "<2.0.0"]</c>), each checked here.</summary>
    static IReadOnlyList<string> Versions(YamlMap entry)
    {
        if (entry.Get("version") is not { } node) return [];
        var values = node is YamlSequence list ? list.Items : [node];
        var versions = new List<string>();
        foreach (var item in values)
        {
            var text = Convert.ToString(Yaml.ToValue(item), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            if (VersionRequirement.Parse(text) is null)
                throw new XformException($"'{text}' is not a version requirement: write one like '1.3.0', '>=1.0.0' or '<2.0.0'", item.At(entry.File));
            versions.Add(text.Trim());
        }
        return versions;
    }

    /// <summary>
    /// The names the declared packages will likely install under (a hub package's name, a git repository's or a
    /// local folder's), for the error a template gets when it uses one that is not installed.
    /// </summary>
    public static IReadOnlySet<string> LikelyNames(string projectDir)
    {
        try
        {
            return Read(projectDir).Select(spec => spec switch
            {
                HubPackage h => h.ShortName,
                TarballPackage t => t.Name,
                GitPackage g => System.IO.Path.GetFileNameWithoutExtension(g.Subdirectory ?? g.Url.TrimEnd('/')),
                LocalPackage l => System.IO.Path.GetFileName(l.Path.TrimEnd('/', '\\')),
                _ => "",
            }).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
        }
        catch (XformException)
        {
            return new HashSet<string>(); // a broken packages.yml is deps' to report
        }
    }

    /// <summary>A revision may be written as a number (a tag like 1.0): taken as text.</summary>
    static string? Revision(YamlMap entry, Func<string, string?> text) =>
        entry.Get("revision") is YamlScalar ? text("revision") : null;
}
