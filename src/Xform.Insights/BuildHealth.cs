using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xform.Insights;

/// <summary>
/// Whether the marts can be trusted, from what the last command left in target/run_results.json and the
/// raw data's modification time: the page must not present the marts of a failed build, or of data that
/// changed since, as if they were current.
/// </summary>
public static class BuildHealth
{
    static readonly string[] Failed = ["error", "fail", "runtime error"];

    public static IReadOnlyList<string> Check(string targetDir, string projectRoot, string? rawDataPath)
    {
        var warnings = new List<string>();
        var path = Path.Combine(targetDir, "run_results.json");
        if (!File.Exists(path)) return warnings;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            warnings.Add($"{Path.GetRelativePath(projectRoot, path)} is not valid JSON: whether the last build succeeded is unknown");
            return warnings;
        }
        var which = root?["args"]?["which"]?.GetValue<string>() ?? "build";
        var failed = (root?["results"] as JsonArray ?? [])
            .Where(r => r?["status"]?.GetValue<string>() is { } s && Failed.Contains(s))
            .Select(r => r!["unique_id"]?.GetValue<string>() ?? "?")
            .ToList();
        if (failed.Count > 0)
            warnings.Add($"the last 'xform {which}' failed ({failed.Count} node{(failed.Count == 1 ? "" : "s")} with an error or failure: " +
                         string.Join(", ", failed.Take(3)) + (failed.Count > 3 ? ", ..." : "") + "); the marts may be stale or partly rebuilt");

        // The run's time: when its run_results.json was written (generated_at is when it started).
        var runAt = File.GetLastWriteTimeUtc(path);
        if (root?["metadata"]?["generated_at"]?.GetValue<string>() is { } generated &&
            DateTime.TryParse(generated, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var started) &&
            started < runAt)
            runAt = started;
        if (rawDataPath is not null && NewestWrite(rawDataPath) is { } rawAt && rawAt > runAt)
            warnings.Add($"the raw data {Path.GetRelativePath(projectRoot, rawDataPath)} changed at {rawAt:yyyy-MM-dd HH:mm} UTC, after the last " +
                         $"'xform {which}' ({runAt:yyyy-MM-dd HH:mm} UTC): the marts do not include it yet; run 'xform build'");
        return warnings;
    }

    /// <summary>The newest modification time of a file, or of the files in a folder (daily files).</summary>
    static DateTime? NewestWrite(string path)
    {
        if (File.Exists(path)) return File.GetLastWriteTimeUtc(path);
        if (!Directory.Exists(path)) return null;
        var times = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Select(File.GetLastWriteTimeUtc).ToList();
        return times.Count > 0 ? times.Max() : null;
    }
}
