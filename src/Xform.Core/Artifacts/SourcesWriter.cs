using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xform.Core.Execution;
using Xform.Core.Project;
using Xform.Core.Runtime;

namespace Xform.Core.Artifacts;

/// <summary>target/sources.json (dbt's sources v3 shape): what <c>xform source freshness</c> found for each source.</summary>
public static class SourcesWriter
{
    public static void Write(string targetDir, IReadOnlyList<FreshnessResult> results, DateTime generatedAt, double elapsed, string? invocationId = null)
    {
        Directory.CreateDirectory(targetDir);
        File.WriteAllText(Path.Combine(targetDir, "sources.json"), ToJson(results, generatedAt, elapsed, invocationId));
    }

    /// <summary>dbt's sources.json (v3 shape).</summary>
    public static string ToJson(IReadOnlyList<FreshnessResult> results, DateTime generatedAt, double elapsed, string? invocationId = null)
    {
        static JsonObject? Criterion(FreshnessThreshold? t) => t is null ? null : new JsonObject { ["count"] = t.Count, ["period"] = t.Period };
        var doc = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/sources/v3.json",
                ["dbt_version"] = DbtContext.Version,
                ["generated_at"] = generatedAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
                ["invocation_id"] = invocationId ?? Guid.NewGuid().ToString(),
                ["env"] = new JsonObject(),
            },
            ["results"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
            {
                ["unique_id"] = r.Source.UniqueId,
                ["max_loaded_at"] = r.MaxLoadedAt?.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
                ["snapshotted_at"] = r.SnapshottedAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
                ["max_loaded_at_time_ago_in_s"] = r.AgeSeconds,
                ["status"] = r.Status switch { NodeStatus.Pass => "pass", NodeStatus.Warn => "warn", NodeStatus.Fail => "error", _ => "runtime error" },
                ["criteria"] = new JsonObject { ["warn_after"] = Criterion(r.WarnAfter), ["error_after"] = Criterion(r.ErrorAfter), ["filter"] = null },
                ["adapter_response"] = new JsonObject(),
                ["timing"] = new JsonArray(),
                ["thread_id"] = r.ThreadId,
                ["execution_time"] = r.Elapsed.TotalSeconds,
                ["message"] = r.Message,
            }).ToArray()),
            ["elapsed_time"] = elapsed,
        };
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
