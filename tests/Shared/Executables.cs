namespace Xform.Tests;

/// <summary>
/// Programs a test needs from the machine (a browser, a C compiler), found on PATH. Linked as source into each test
/// project that needs it (internal, so every assembly holds its own copy).
/// </summary>
static class Executables
{
    /// <summary>The full path of the first of <paramref name="names"/> found in a folder of PATH (names in order of preference), or null.</summary>
    public static string? Find(params string[] names)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in names)
            foreach (var dir in dirs)
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }
}
