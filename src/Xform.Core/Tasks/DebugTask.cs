using System.Diagnostics;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary>One line of <c>xform debug</c>'s report; <paramref name="Failure"/> is the failed check's summary, shown again at the end.</summary>
public sealed record DebugLine(string Text, string? Failure = null);

/// <summary>
/// <c>xform debug</c>, as dbt's debug: where profiles and the project file are read from, then each check with
/// <c>[OK ...]</c> or <c>[ERROR ...]</c> and its reason: the profiles file, the project file, the profile and target,
/// git, the packages of packages.yml installed, and a <c>select 1</c> on the connection. Every check runs even when
/// one before it failed (a broken project file does not hide a broken profile). Secrets are masked by the target.
/// </summary>
public static class DebugTask
{
    /// <summary>Where profiles.yml is read from, and why there (dbt's <c>--config-dir</c>).</summary>
    public static string ConfigDir(Workspace workspace)
    {
        var options = workspace.Options;
        var dir = ProfileReader.ResolveDir(options.ProfilesDir, workspace.ProjectDir);
        var why = options.ProfilesDir is { Length: > 0 } ? "--profiles-dir"
            : Environment.GetEnvironmentVariable("XFORM_PROFILES_DIR") is { Length: > 0 } ? "XFORM_PROFILES_DIR"
            : dir == workspace.ProjectDir ? "the project folder has a profiles.yml"
            : "the default: no --profiles-dir, no XFORM_PROFILES_DIR, no profiles.yml in the project folder";
        return $"profiles.yml is read from {dir} ({why})";
    }

    /// <param name="connectionOnly">dbt's <c>--connection</c>: skip the configuration and dependency checks</param>
    public static IEnumerable<DebugLine> Run(Workspace workspace, string version, bool connectionOnly = false)
    {
        var profilesDir = ProfileReader.ResolveDir(workspace.Options.ProfilesDir, workspace.ProjectDir);
        var profilesFile = Path.Combine(profilesDir, ProfileReader.FileName);
        yield return new($"xform version: {version}");
        yield return new($".NET version: {Environment.Version}");
        yield return new($"os info: {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        yield return new($"Using profiles dir at {profilesDir}");
        yield return new($"Using profiles.yml file at {profilesFile}");

        var (project, projectError) = Try(() => workspace.Project);
        var projectFile = project is null ? ProjectFilePath(workspace.ProjectDir) : Path.Combine(workspace.ProjectDir, project.FilePath);
        yield return new($"Using project file at {projectFile}");
        // The profile's name comes from the project file unless --profile names it.
        var (target, targetError) = project is null && workspace.Options.Profile is null
            ? (null, "no profile name: the project file could not be read (or pass --profile)")
            : Try(() => workspace.Target);
        if (target is not null) yield return new($"adapter type: {target.Type}");

        if (!connectionOnly)
        {
            yield return new("Configuration:");
            yield return File.Exists(profilesFile)
                ? Check("  profiles.yml file", target is null ? null : "found and valid", "invalid", targetError, "profiles.yml")
                : Check("  profiles.yml file", null, "not found", $"no profiles.yml in {profilesDir}; {ConfigDir(workspace)}", "profiles.yml");
            yield return File.Exists(projectFile)
                ? Check("  project file", project is null ? null : "found and valid", "invalid", projectError, "the project file")
                : Check("  project file", null, "not found", projectError, "the project file");
            if (target is not null)
            {
                yield return new($"  profile: {target.ProfileName} [OK found]");
                yield return new($"  target: {target.Name} [OK found]");
            }
            yield return new("Required dependencies:");
            yield return GitCheck();
            if (project is not null) yield return PackagesCheck(project);
        }

        if (target is null)
        {
            // Skipped, not failed, as in dbt: the profile's own check has failed already.
            yield return new("Connection test skipped: no profile was found");
            yield break;
        }
        yield return new("Connection:");
        foreach (var (key, value) in target.Describe()) yield return new($"  {key}: {value}");
        string? error = null;
        try
        {
            using var connection = workspace.Adapter.Open();
            connection.Query("select 1");
        }
        catch (Exception e) when (e is XformException or DatabaseException)
        {
            error = e.Message;
        }
        yield return error is null
            ? new($"  Connection test: [OK connection ok] {workspace.Adapter.Describe()}")
            : new($"  Connection test: [ERROR] {error}", $"xform could not connect to {workspace.Adapter.Describe()}: {error}");
    }

    static string ProjectFilePath(string projectDir)
    {
        try
        {
            return ProjectFileReader.Locate(projectDir);
        }
        catch (XformException)
        {
            return Path.Combine(projectDir, "project.yml");
        }
    }

    /// <summary>One configuration line: <c>[OK found and valid]</c>, or the error with its reason.</summary>
    static DebugLine Check(string label, string? ok, string problem, string? reason, string what) => ok is not null
        ? new($"{label} [OK {ok}]")
        : new($"{label} [ERROR {problem}] {reason}", $"{what}: {reason}");

    static (T? Value, string? Error) Try<T>(Func<T> read) where T : class
    {
        try
        {
            return (read(), null);
        }
        catch (XformException e)
        {
            return (null, e.Format());
        }
    }

    static DebugLine GitCheck()
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--version");
        try
        {
            using var git = Process.Start(start)!;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0
                ? new($" - git [OK found] {output}")
                : new($" - git [ERROR] git --version exited with {git.ExitCode}", "git --version failed: git packages cannot be installed");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new(" - git [ERROR not found]", "git is not installed or not on the PATH: packages from git cannot be installed");
        }
    }

    /// <summary>The packages of packages.yml (or dependencies.yml) against those installed under packages-install-path.</summary>
    static DebugLine PackagesCheck(ProjectConfig project)
    {
        IReadOnlyList<PackageSpec> declared;
        IReadOnlyList<ProjectConfig> installed;
        try
        {
            declared = PackagesFile.Read(project.RootDir);
            installed = InstalledPackages.Find(project, []);
        }
        catch (XformException e)
        {
            return new($" - packages [ERROR invalid] {e.Format()}", $"packages: {e.Format()}");
        }
        if (declared.Count == 0)
            return new($" - packages [OK none declared]{(installed.Count > 0 ? $" ({installed.Count} under {project.PackagesInstallPath}/)" : "")}");
        if (installed.Count >= declared.Count)
            return new($" - packages [OK installed] {string.Join(", ", installed.Select(p => p.Name))}");
        var have = installed.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var likelyMissing = PackagesFile.LikelyNames(project.RootDir).Where(n => !have.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var reason = $"packages.yml lists {declared.Count}, {installed.Count} installed under {project.PackagesInstallPath}/" +
            (likelyMissing.Count > 0 ? $" (missing: {string.Join(", ", likelyMissing)})" : "") + "; run 'xform deps'";
        return new($" - packages [ERROR not installed] {reason}", $"packages: {reason}");
    }
}
