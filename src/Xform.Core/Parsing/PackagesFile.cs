using Xform.Core.Diagnostics;
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

/// <summary><c>git: url</c> with an optional <c>revision</c> (branch, tag or commit) and <c>subdirectory</c>.</summary>
public sealed record GitPackage(string Url, string? Revision, string? Subdirectory, SourceLocation Location) : PackageSpec(Location)
{
    public override string Describe() => $"git: {Url}" + (Revision is null ? "" : $" @ {Revision}") + (Subdirectory is null ? "" : $" ({Subdirectory})");
}

/// <summary><c>tarball: url</c> or <c>package: owner/name</c> from the package hub: both need the network.</summary>
public sealed record RemotePackage(string Kind, string Name, string? Version, SourceLocation Location) : PackageSpec(Location)
{
    public override string Describe() => $"{Kind}: {Name}" + (Version is null ? "" : $" {Version}");
}

/// <summary>Reads a project's <c>packages.yml</c> (or <c>dependencies.yml</c>, dbt's newer name): its <c>packages:</c> list.</summary>
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
            if (entry.String("local") is { } local) specs.Add(new LocalPackage(local, at));
            else if (entry.String("git") is { } git)
                specs.Add(new GitPackage(git, Revision(entry), entry.String("subdirectory"), at));
            else if (entry.String("tarball") is { } tarball) specs.Add(new RemotePackage("tarball", tarball, null, at));
            else if (entry.String("package") is { } hub)
                specs.Add(new RemotePackage("package", hub, entry.Get("version") is { } v ? Version(Yaml.ToValue(v)) : null, at));
            else
                throw new XformException("a package entry needs one of 'local', 'git', 'tarball' or 'package'", at);
        }
        return specs;
    }

    /// <summary>A version or a list of ranges (<c>[">=1.0.0", "<2.0.0"]</c>), as one text.</summary>
    static string? Version(object? value) => value switch
    {
        null => null,
        string s => s,
        IEnumerable<object?> list => string.Join(", ", list),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };

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
                RemotePackage { Kind: "package" } r => r.Name[(r.Name.LastIndexOf('/') + 1)..],
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

    static string? Revision(YamlMap entry)
    {
        if (entry.Get("revision") is not { } v) return null;
        return Yaml.ToValue(v) is { } value ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
