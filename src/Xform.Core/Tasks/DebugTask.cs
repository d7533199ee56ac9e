using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;

namespace Xform.Core.Tasks;

/// <summary>One line of <c>xform debug</c>: what was checked, and the error when it failed.</summary>
public sealed record DebugCheck(string Line, string? Error = null);

/// <summary>
/// <c>xform debug</c>: the project file, the profile (its settings, secrets masked by the target) and a
/// <c>select 1</c> on the connection. A project or profile error stops it as any command; a connection error is
/// reported as the failed check.
/// </summary>
public static class DebugTask
{
    public static IEnumerable<DebugCheck> Run(Workspace workspace, string version)
    {
        yield return new DebugCheck($"xform version: {version}");
        yield return new DebugCheck($"project dir: {workspace.ProjectDir}");
        var project = workspace.Project;
        yield return new DebugCheck($"project file: {project.FilePath} [OK found and valid], project '{project.Name}'");
        var profilesDir = ProfileReader.ResolveDir(workspace.Options.ProfilesDir, workspace.ProjectDir);
        yield return new DebugCheck($"profiles.yml: {Path.Combine(profilesDir, ProfileReader.FileName)}");
        var target = workspace.Target;
        yield return new DebugCheck($"profile '{target.ProfileName}', target '{target.Name}' [OK found and valid]");
        foreach (var (key, value) in target.Describe()) yield return new DebugCheck($"  {key}: {value}");
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
        var adapter = workspace.Adapter.Describe();
        yield return error is null
            ? new DebugCheck($"connection: {adapter} [OK connection ok]")
            : new DebugCheck($"connection: {adapter} [ERROR] {error}", error);
    }
}
