using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Runtime;

namespace Xform.Core.Packages;

/// <summary>A package <c>deps</c> put in place: its name, where it came from, the git commit or hub version it was taken at.</summary>
public sealed record InstalledPackage(string Name, PackageSpec Spec, string? Commit, string? Version = null);

/// <summary>
/// <c>xform deps</c>: installs the root project's packages and theirs (transitively) under packages-install-path,
/// as dbt lays them out: a local package as a symbolic link to its folder, a git package as a copy of the
/// repository (or its subdirectory) at the revision asked for, a hub package at the newest version every project
/// that declares it accepts, a tarball unpacked. While packages.yml is unchanged, package-lock.yml's commits and
/// versions are installed instead. Everything is fetched into a staging folder first and checked (one project
/// per name) before the install path is touched, so a failed deps leaves the installed packages as they were.
/// </summary>
public static class PackageInstaller
{
    public const string LockFile = "package-lock.yml";

    /// <summary>A package fetched and not yet placed: the folder to copy (or link, for a local package).</summary>
    sealed record Fetched(InstalledPackage Package, string Folder, bool Link);

    public static IReadOnlyList<InstalledPackage> Install(ProjectConfig root, Action<string> log, PackageHub? hub = null)
    {
        hub ??= PackageHub.FromEnvironment();
        var specs = PackagesFile.Read(root.RootDir);
        var installDir = Path.Combine(root.RootDir, root.PackagesInstallPath);
        var hash = PackagesHash(root.RootDir);
        var locked = PackageLock.Read(root.RootDir, hash);
        var staging = Path.Combine(Path.GetTempPath(), $"xform-deps-{Guid.NewGuid():N}");
        try
        {
            var fetched = new List<Fetched>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var demands = new Dictionary<string, List<HubPackage>>(StringComparer.OrdinalIgnoreCase);
            var queue = new Queue<(PackageSpec Spec, string DeclaredIn)>(specs.Select(s => (s, root.RootDir)));
            while (queue.TryDequeue(out var item))
            {
                var (spec, declaredIn) = item;
                if (spec is HubPackage h)
                {
                    // Every requirement on a hub package counts; its dependencies come from the release chosen when it
                    // is first met, as in dbt.
                    var first = !demands.ContainsKey(h.Name);
                    if (first) demands[h.Name] = [];
                    demands[h.Name].Add(h);
                    if (first && Choose(hub, demands[h.Name], locked, installDir) is { } release)
                        foreach (var dep in release.Packages) queue.Enqueue((dep, installDir));
                    continue;
                }
                if (!seen.Add(spec.Describe())) continue;
                var f = spec switch
                {
                    LocalPackage local => FetchLocal(local, declaredIn),
                    GitPackage git => FetchGit(git, locked, Path.Combine(staging, fetched.Count.ToString())),
                    TarballPackage tarball => FetchTarball(tarball, Path.Combine(staging, fetched.Count.ToString())),
                    _ => throw new UnreachableException(),
                };
                fetched.Add(f);
                foreach (var child in PackagesFile.Read(f.Folder, $"{root.PackagesInstallPath}/{f.Package.Name}/"))
                    queue.Enqueue((child, f.Folder));
            }
            foreach (var wanted in demands.Values)
                fetched.Add(FetchHub(hub, wanted, locked, installDir, Path.Combine(staging, fetched.Count.ToString())));

            CheckOneProjectPerName(fetched);
            if (fetched.Count > 0) Directory.CreateDirectory(installDir);
            foreach (var f in fetched) Place(f, installDir, log);
            var installed = fetched.Select(f => f.Package).ToList();
            if (specs.Count > 0) PackageLock.Write(root.RootDir, installed, hash);
            return installed;
        }
        finally
        {
            if (Directory.Exists(staging)) ForceDelete(staging);
        }
    }

    static Fetched FetchLocal(LocalPackage spec, string declaredIn)
    {
        var source = Path.GetFullPath(Path.Combine(declaredIn, spec.Path));
        return new Fetched(new InstalledPackage(PackageName(source, spec), spec, null), source, Link: true);
    }

    static Fetched FetchGit(GitPackage spec, PackageLock? locked, string checkout)
    {
        Git(spec, null, "clone", "--quiet", spec.Url, checkout);
        var revision = locked?.CommitOf(spec) ?? spec.Revision;
        if (revision is not null) Git(spec, checkout, "checkout", "--quiet", revision);
        var commit = Git(spec, checkout, "rev-parse", "HEAD").Trim();
        var source = spec.Subdirectory is { } sub ? Path.Combine(checkout, sub) : checkout;
        return new Fetched(new InstalledPackage(PackageName(source, spec), spec, commit), source, Link: false);
    }

    static Fetched FetchTarball(TarballPackage spec, string into)
    {
        var folder = PackageHub.DownloadPackage(spec.Url, spec.Shown, spec, into);
        PackageName(folder, spec); // a dbt project, or say so
        return new Fetched(new InstalledPackage(spec.Name, spec, null), folder, Link: false);
    }

    /// <summary>
    /// The release of a hub package to install: the locked version, else the newest every requirement accepts among
    /// the releases that support this dbt version; null when the hub cannot be reached and a copy is in place.
    /// </summary>
    static HubRelease? Choose(PackageHub hub, IReadOnlyList<HubPackage> wanted, PackageLock? locked, string installDir)
    {
        var spec = wanted[0];
        IReadOnlyList<HubRelease> releases;
        try
        {
            releases = hub.Releases(spec);
        }
        catch (PackageSourceUnreachable) when (Vendored(spec, installDir) is not null)
        {
            return null;
        }
        if (locked?.VersionOf(spec) is { } pinned && SemanticVersion.Parse(pinned) is { } lockedVersion)
            return releases.FirstOrDefault(r => r.Version.CompareTo(lockedVersion) == 0)
                ?? throw new XformException($"{LockFile} pins '{spec.Name}' at {pinned}, which the package hub does not list; delete {LockFile} and run 'xform deps' again", spec.Location);
        var requirements = wanted.SelectMany(w => w.Versions).Select(v => VersionRequirement.Parse(v)!).ToList();
        if (!VersionResolution.Compatible(requirements))
            throw new XformException(
                $"version error for package '{spec.Name}': no version can meet every requirement on it: " +
                string.Join("; ", wanted.Select(w => $"[{string.Join(", ", w.Versions)}] at {w.Location}")), spec.Location);
        var dbt = SemanticVersion.Parse(DbtContext.Version)!;
        var supported = releases.Where(r => r.RequireDbtVersion.Select(VersionRequirement.Parse).All(q => q is null || q.Admits(dbt))).ToList();
        var newest = VersionResolution.Newest(requirements, supported.Select(r => r.Version), wanted.Any(w => w.InstallPrerelease));
        if (newest is null)
            throw new XformException(
                $"no version of '{spec.Name}' meets [{string.Join(", ", requirements)}]; versions on the hub that support dbt {DbtContext.Version}: " +
                string.Join(", ", supported.Select(r => r.Version).Order().TakeLast(10)), spec.Location);
        return supported.First(r => r.Version.CompareTo(newest) == 0);
    }

    static Fetched FetchHub(PackageHub hub, IReadOnlyList<HubPackage> wanted, PackageLock? locked, string installDir, string into)
    {
        var spec = wanted[0];
        if (Choose(hub, wanted, locked, installDir) is not { } release)
        {
            // Offline with a copy in place: keep it, as the offline error would tell the user to do.
            var folder = Vendored(spec, installDir)!;
            return new Fetched(new InstalledPackage(PackageName(folder, spec), spec, null, ProjectVersion(folder)), folder, Link: false);
        }
        var downloaded = PackageHub.DownloadPackage(release.Tarball, release.Tarball, spec, into);
        PackageName(downloaded, spec);
        return new Fetched(new InstalledPackage(release.ProjectName, spec, null, release.Version.Text), downloaded, Link: false);
    }

    static string? Vendored(HubPackage spec, string installDir) =>
        Path.Combine(installDir, spec.ShortName) is var folder && File.Exists(Path.Combine(folder, "dbt_project.yml")) ? folder : null;

    /// <summary>The <c>version:</c> a package's dbt_project.yml declares, if any.</summary>
    static string? ProjectVersion(string folder) =>
        File.ReadLines(Path.Combine(folder, "dbt_project.yml")).FirstOrDefault(l => l.StartsWith("version:", StringComparison.Ordinal)) is { } line
        && line["version:".Length..].Trim().Trim('\'', '"') is { Length: > 0 } v ? v : null;

    /// <summary>dbt refuses two different sources for one project name; the same source twice is one package.</summary>
    static void CheckOneProjectPerName(IReadOnlyList<Fetched> fetched)
    {
        foreach (var group in fetched.GroupBy(f => f.Package.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var (a, b) = (group.First().Package.Spec, group.Skip(1).First().Package.Spec);
            throw new XformException(
                $"two packages install as '{group.Key}': {a.Describe()} (at {a.Location}) and {b.Describe()} (at {b.Location}); keep one of them", b.Location);
        }
    }

    static void Place(Fetched f, string installDir, Action<string> log)
    {
        var p = f.Package;
        var target = Path.Combine(installDir, p.Name);
        if (Path.GetFullPath(target) != Path.GetFullPath(f.Folder))
        {
            Remove(target);
            if (f.Link) Directory.CreateSymbolicLink(target, f.Folder);
            else Copy(f.Folder, target);
        }
        var at = p.Commit is { } c ? $" at {c[..Math.Min(12, c.Length)]}" : p.Version is { } v ? $" at version {v}" : "";
        log($"Installed {p.Name} from {p.Spec.Describe()}{at}");
    }

    static string PackageName(string folder, PackageSpec spec)
    {
        if (!File.Exists(Path.Combine(folder, "dbt_project.yml")))
            throw new XformException($"'{spec.Describe()}' is not a dbt package: no dbt_project.yml in {folder}", spec.Location);
        return ProjectFileReader.Read(folder, [], isPackage: true).Name;
    }

    static string Git(GitPackage spec, string? workDir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workDir is not null) start.WorkingDirectory = workDir;
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new XformException($"cannot install '{spec.Describe()}': git is not installed on this machine", spec.Location);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new XformException(
                    $"cannot install '{spec.Describe()}': git {args[0]} failed: {stderr.Result.Trim().Replace(spec.Url, spec.Shown)}. If this machine is offline, vendor the package under the install path",
                    spec.Location);
            return stdout;
        }
    }

    static void Remove(string path)
    {
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null) info.Delete();
        else if (info.Exists) ForceDelete(path);
        else if (File.Exists(path)) File.Delete(path);
    }

    /// <summary>Deletes a folder, read-only files (git's objects) included.</summary>
    static void ForceDelete(string dir)
    {
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)) File.SetAttributes(file, FileAttributes.Normal);
        Directory.Delete(dir, recursive: true);
    }

    static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            if (IsGitFolder(source, dir)) continue;
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        }
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            if (!IsGitFolder(source, file)) File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
    }

    static bool IsGitFolder(string root, string path) =>
        Path.GetRelativePath(root, path).Replace('\\', '/') is var rel && (rel == ".git" || rel.StartsWith(".git/", StringComparison.Ordinal));

    /// <summary>SHA-1 of the packages file's text: the lock file is honoured while it is unchanged.</summary>
    static string PackagesHash(string projectDir) =>
        PackagesFile.Names.Select(n => Path.Combine(projectDir, n)).FirstOrDefault(File.Exists) is { } path
            ? Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(File.ReadAllText(path).ReplaceLineEndings("\n"))))
            : "";
}
