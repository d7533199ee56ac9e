using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>
/// A load half done (<see cref="ProjectLoader.Prepare"/>): the project file and the macros' files are read, and the saved
/// parse is known to hold or not, but no template is compiled and no node parsed or read back yet (<see cref="ProjectLoader.Load(ProjectLoad)"/>).
/// </summary>
public sealed class ProjectLoad : IDisposable
{
    string? _current;
    bool _currentKnown;

    internal ProjectLoad(LoadOptions options, ProjectConfig project, List<Warning> warnings, DateTime started, IReadOnlyList<ProjectLoader.PackageFiles> sources,
        IReadOnlyList<ProjectConfig> packages, IReadOnlyList<MacroPackage> macroPackages, string? key, string? snapshotPath, ParseSnapshot.SavedParse? saved, string why)
    {
        (Options, Project, Warnings, Started, Sources, Packages, MacroPackages, Key, SnapshotPath, Saved, Why) =
            (options, project, warnings, started, sources, packages, macroPackages, key, snapshotPath, saved, why);
    }

    internal LoadOptions Options { get; }
    public ProjectConfig Project { get; }
    internal List<Warning> Warnings { get; }
    internal DateTime Started { get; }
    internal IReadOnlyList<ProjectLoader.PackageFiles> Sources { get; }
    internal IReadOnlyList<ProjectConfig> Packages { get; }
    internal IReadOnlyList<MacroPackage> MacroPackages { get; }
    internal string? Key { get; }
    internal string? SnapshotPath { get; }
    internal ParseSnapshot.SavedParse? Saved { get; }
    internal string Why { get; }

    /// <summary>
    /// Which saved parse the project is (<see cref="LoadedProject.SavedParseGeneration"/>) when that is known without reading it:
    /// the saved parse with no file changed, or with exactly the edited model files the command before applied (the same
    /// texts); null when the load will parse or render anything.
    /// </summary>
    public string? Current
    {
        get
        {
            if (_currentKnown) return _current;
            _currentKnown = true;
            return _current = Saved is not { } saved ? null
                : saved.Changed.Count == 0 ? saved.Generation
                : SavedParseEdits.Unchanged(SnapshotPath!, saved.Generation, saved.Changed, Project.RootDir);
        }
    }

    /// <summary>Closes the saved parse when the command did not read it back.</summary>
    public void Dispose() => Saved?.Dispose();
}
