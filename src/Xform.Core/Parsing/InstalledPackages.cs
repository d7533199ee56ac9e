using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Parsing;

/// <summary>
/// The packages under the project's <c>packages-install-path</c> (<c>dbt_packages/</c>): every folder there with a
/// <c>dbt_project.yml</c> is a package, whether <c>xform deps</c> put it there or the user did (a vendored copy).
/// </summary>
public static class InstalledPackages
{
    public static IReadOnlyList<ProjectConfig> Find(ProjectConfig root, ICollection<Warning> warnings)
    {
        var dir = Path.Combine(root.RootDir, root.PackagesInstallPath);
        if (!Directory.Exists(dir)) return [];
        var packages = new List<ProjectConfig>();
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(dir).Order(StringComparer.Ordinal))
        {
            var shownAs = Path.GetRelativePath(root.RootDir, folder).Replace('\\', '/') + "/";
            if (!File.Exists(Path.Combine(folder, "dbt_project.yml")) && !File.Exists(Path.Combine(folder, "project.yml")))
            {
                warnings.Add(new Warning($"{shownAs} has no dbt_project.yml: not a package, ignored", new SourceLocation(shownAs, 0, 0)));
                continue;
            }
            var package = ProjectFileReader.Read(folder, warnings, shownAs, isPackage: true);
            if (package.Name == root.Name)
                throw new XformException($"the package in {shownAs} is named '{package.Name}', as the project is; a package needs its own name",
                    new SourceLocation(shownAs + "dbt_project.yml", 1, 1));
            if (byName.TryGetValue(package.Name, out var other))
                throw new XformException($"two installed packages are named '{package.Name}': {other} and {shownAs}; remove one (xform deps installs each package once)",
                    new SourceLocation(shownAs + "dbt_project.yml", 1, 1));
            byName[package.Name] = shownAs;
            packages.Add(package);
        }
        return packages;
    }
}
