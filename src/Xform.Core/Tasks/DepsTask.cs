using Xform.Core.Packages;

namespace Xform.Core.Tasks;

/// <summary><c>xform deps</c>: installs the packages of packages.yml (and theirs) under packages-install-path; writes package-lock.yml.</summary>
public static class DepsTask
{
    public static IReadOnlyList<InstalledPackage> Run(Workspace workspace, Action<string> log) => PackageInstaller.Install(workspace.Project, log);
}
