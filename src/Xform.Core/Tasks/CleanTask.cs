using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary><c>xform clean</c>: deletes the folders listed in clean-targets, never anything outside the project.</summary>
public static class CleanTask
{
    /// <summary>Checks every entry first, then deletes; returns the entries that existed and were deleted.</summary>
    public static IReadOnlyList<string> Run(ProjectConfig project)
    {
        var root = project.RootDir;
        var folders = project.CleanTargets.Select(target =>
        {
            var full = Path.GetFullPath(Path.Combine(root, target));
            return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                ? (target, full)
                : throw new XformException($"clean-targets entry '{target}' is outside the project folder; xform only deletes inside it",
                    new SourceLocation(project.FilePath, 0, 0));
        }).ToList();
        var deleted = new List<string>();
        foreach (var (target, full) in folders.Where(f => Directory.Exists(f.full)))
        {
            Directory.Delete(full, recursive: true);
            deleted.Add(target);
        }
        return deleted;
    }
}
