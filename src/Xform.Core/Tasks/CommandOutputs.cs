using Xform.Core.Artifacts;
using Xform.Core.Selection;

namespace Xform.Core.Tasks;

/// <summary>
/// A parse's or compile's outputs as <see cref="CommandMemo"/> notes them: found current before anything is read back
/// (<see cref="Replay"/>), and noted after a run whose outputs came from the project and this command's flags alone
/// (<see cref="Keep"/>). Not with --state or --defer, which read another project's artifacts.
/// </summary>
/// <param name="inputs">what the command's outputs depend on beyond the project and its flags (its selection)</param>
internal sealed class CommandOutputs(Workspace workspace, string command, IEnumerable<string?> inputs)
{
    IReadOnlyList<string?>? _inputs;
    int _told;

    /// <summary>What the same command printed the time before, when all it wrote is as it left it (manifest.json then gets this command's metadata); null: run it.</summary>
    public IReadOnlyDictionary<string, string>? Replay()
    {
        var key = Key(workspace.Prepared.Current);
        _told = workspace.Told; // from here on, what the command prints is what a replay would leave out
        return key is null ? null : workspace.Timed("outputs check", () => CommandMemo.Replay(workspace.TargetDir, key, workspace.InvocationId));
    }

    /// <summary>
    /// Notes the command just run (the files it wrote, its manifest's key, what it printed), when nothing but the project and
    /// its flags made them: <paramref name="pure"/> (no render read the database, the clock, ...) and nothing warned or
    /// logged since <see cref="Replay"/>. Otherwise removes the note.
    /// </summary>
    /// <returns>whether the command was noted</returns>
    public bool Keep(string? manifestKey, bool pure, IReadOnlyCollection<string> files, IReadOnlyDictionary<string, string> reported)
    {
        if (Key(workspace.Loaded.SavedParseGeneration) is { } key && manifestKey is not null && pure && Quiet)
        {
            CommandMemo.Save(workspace.TargetDir, key, manifestKey, workspace.Loaded.Session.EnvReads, files, reported);
            return true;
        }
        CommandMemo.Forget(workspace.TargetDir);
        return false;
    }

    /// <summary>Whether nothing was warned or logged since <see cref="Replay"/>.</summary>
    public bool Quiet => workspace.Told == _told;

    /// <summary>The key of this command on the saved parse <paramref name="generation"/> (null: none, nothing to note).</summary>
    public string? Key(string? generation)
    {
        if (workspace.Options.StateDir is { Length: > 0 } || workspace.Options.Defer || generation is null) return null;
        if (_inputs is null)
        {
            var selectors = Path.Combine(workspace.ProjectDir, SelectorsFile.FileName);
            _inputs = [ManifestReuse.Flags(workspace.Invocation.Flags), File.Exists(selectors) ? File.ReadAllText(selectors) : null, .. inputs];
        }
        return CommandMemo.Key(command, generation, _inputs);
    }
}
