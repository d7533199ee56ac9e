namespace Xform.Core.Parsing;

/// <summary>
/// The files under a project's folders, each folder listed from disk once per load: the loader asks a model
/// folder for its .sql, .yml and .md files, and with thousands of models a listing costs more than a lookup.
/// Used by one thread (the loader lists before it parses in parallel). Paths are shown relative to
/// <c>shownFrom</c>: the root project's folder, also for an installed package's files, so that every error and
/// selector names a package's file from where the user stands (<c>dbt_packages/dbt_utils/macros/star.sql</c>).
/// </summary>
internal sealed class ProjectFiles(string root, string? shownFrom = null)
{
    readonly Dictionary<string, string[]?> _listings = new(StringComparer.Ordinal);

    /// <summary>Files under the given folders with one of the extensions, folder by folder, each folder's in ordinal order.</summary>
    public IEnumerable<(string Full, string Relative, string InFolder)> Of(IEnumerable<string> folders, params string[] extensions)
    {
        foreach (var folder in folders)
        {
            var dir = Path.Combine(root, folder);
            if (Listing(dir) is not { } files) continue;
            foreach (var full in files)
                if (HasExtension(full, extensions))
                    yield return (full, Shown(full), Path.GetRelativePath(dir, full).Replace('\\', '/'));
        }
    }

    // a loop, not extensions.Any(...): that made a closure for every file of every folder listed (10,000s per parse)
    static bool HasExtension(string file, string[] extensions)
    {
        foreach (var extension in extensions)
            if (file.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>Every folder listed so far, with its files (null: the folder did not exist): what a saved parse stamps.</summary>
    public IEnumerable<(string Dir, string[]? Files)> Listed => _listings.Select(kv => (kv.Key, kv.Value));

    /// <summary>A file's path as <see cref="Of"/> shows it.</summary>
    public string Shown(string full) => Path.GetRelativePath(shownFrom ?? root, full).Replace('\\', '/');

    /// <summary>Every file under <paramref name="dir"/>, sorted; null when the folder does not exist.</summary>
    internal static string[]? List(string dir)
    {
        if (!Directory.Exists(dir)) return null;
        var files = Directory.GetFiles(dir, "*", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    string[]? Listing(string dir)
    {
        if (_listings.TryGetValue(dir, out var files)) return files;
        return _listings[dir] = List(dir);
    }
}
