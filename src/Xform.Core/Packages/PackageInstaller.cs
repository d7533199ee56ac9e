using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Packages;

/// <summary>A package <c>deps</c> put in place: its name, where it came from, and the git commit it was taken at.</summary>
public sealed record InstalledPackage(string Name, PackageSpec Spec, string? Commit);

/// <summary>
/// <c>xform deps</c>: installs the root project's packages and theirs (transitively) under packages-install-path,
/// as dbt lays them out: a local package as a symbolic link to its folder, a git package as a copy of the
/// repository (or its subdirectory) at the revision asked for, or at the commit package-lock.yml recorded while
/// packages.yml is unchanged. Running it twice gives the same folders. Hub and tarball packages need the network.
/// </summary>
public static class PackageInstaller
{
    public const string LockFile = "package-lock.yml";

    public static IReadOnlyList<InstalledPackage> Install(ProjectConfig root, Action<string> log)
    {
        var specs = PackagesFile.Read(root.RootDir);
        var installDir = Path.Combine(root.RootDir, root.PackagesInstallPath);
        var hash = PackagesHash(root.RootDir);
        var locked = PackageLock.Read(root.RootDir, hash);
        var installed = new List<InstalledPackage>();
        var byName = new Dictionary<string, InstalledPackage>(StringComparer.Ordinal);
        var queue = new Queue<(PackageSpec Spec, string DeclaredIn)>(specs.Select(s => (s, root.RootDir)));
        if (queue.Count > 0) Directory.CreateDirectory(installDir);
        while (queue.TryDequeue(out var item))
        {
            var (spec, declaredIn) = item;
            var package = spec switch
            {
                LocalPackage local => InstallLocal(local, declaredIn, installDir),
                GitPackage git => InstallGit(git, locked, installDir),
                RemotePackage remote => Vendored(remote, installDir, root),
                _ => throw new UnreachableException(),
            };
            if (byName.TryGetValue(package.Name, out var first))
            {
                if (first.Spec.Describe() != spec.Describe())
                    log($"package '{package.Name}' is declared twice ({first.Spec.Describe()} and {spec.Describe()}); keeping the first");
                continue;
            }
            byName[package.Name] = package;
            installed.Add(package);
            log($"Installed {package.Name} from {spec.Describe()}" + (package.Commit is { } c ? $" at {c[..Math.Min(12, c.Length)]}" : ""));
            // Its own packages, declared relative to its folder.
            var folder = Path.Combine(installDir, package.Name);
            foreach (var child in PackagesFile.Read(folder, $"{root.PackagesInstallPath}/{package.Name}/"))
                queue.Enqueue((child, spec is LocalPackage l ? Path.GetFullPath(Path.Combine(declaredIn, l.Path)) : folder));
        }
        if (specs.Count > 0) PackageLock.Write(root.RootDir, installed, hash);
        return installed;
    }

    static InstalledPackage InstallLocal(LocalPackage spec, string declaredIn, string installDir)
    {
        var source = Path.GetFullPath(Path.Combine(declaredIn, spec.Path));
        var name = PackageName(source, spec);
        var target = Path.Combine(installDir, name);
        if (Path.GetFullPath(target) == source) return new InstalledPackage(name, spec, null);
        Remove(target);
        Directory.CreateSymbolicLink(target, source);
        return new InstalledPackage(name, spec, null);
    }

    static InstalledPackage InstallGit(GitPackage spec, PackageLock? locked, string installDir)
    {
        var checkout = Path.Combine(Path.GetTempPath(), $"xform-deps-{Guid.NewGuid():N}");
        try
        {
            Git(spec, null, "clone", "--quiet", spec.Url, checkout);
            var revision = locked?.CommitOf(spec) ?? spec.Revision;
            if (revision is not null) Git(spec, checkout, "checkout", "--quiet", revision);
            var commit = Git(spec, checkout, "rev-parse", "HEAD").Trim();
            var source = spec.Subdirectory is { } sub ? Path.Combine(checkout, sub) : checkout;
            var name = PackageName(source, spec);
            var target = Path.Combine(installDir, name);
            Remove(target);
            Copy(source, target);
            return new InstalledPackage(name, spec, commit);
        }
        finally
        {
            if (Directory.Exists(checkout)) ForceDelete(checkout);
        }
    }

    /// <summary>A hub or tarball package: installed only if a copy is already in place (vendored), since they need the network.</summary>
    static InstalledPackage Vendored(RemotePackage spec, string installDir, ProjectConfig root)
    {
        var name = spec.Kind == "package" ? spec.Name[(spec.Name.LastIndexOf('/') + 1)..] : Path.GetFileNameWithoutExtension(spec.Name);
        var folder = Path.Combine(installDir, name);
        if (File.Exists(Path.Combine(folder, "dbt_project.yml"))) return new InstalledPackage(PackageName(folder, spec), spec, null);
        throw new XformException(
            $"cannot install '{spec.Describe()}': xform does not download {(spec.Kind == "package" ? "hub" : "tarball")} packages yet. " +
            $"Vendor it: put the package's folder (with its dbt_project.yml) at {root.PackagesInstallPath}/{name}, or declare it as a git: or local: package",
            spec.Location);
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
                    $"cannot install '{spec.Describe()}': git {args[0]} failed: {stderr.Result.Trim()}. If this machine is offline, vendor the package under the install path",
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
