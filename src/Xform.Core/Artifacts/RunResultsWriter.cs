using System.Globalization;
using System.Text.Json.Nodes;
using Xform.Core.Diagnostics;
using Xform.Core.Execution;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Artifacts;

/// <summary>target/run_results.json in dbt's v6 shape; <c>args</c> records the command so <c>xform retry</c> can repeat it.</summary>
public static class RunResultsWriter
{
    public const string SchemaVersion = "https://schemas.getdbt.com/dbt/run-results/v6.json";

    public static JsonObject Build(IReadOnlyList<NodeResult> results, LoadedProject loaded, string invocationId, double elapsed, JsonObject args) => new()
    {
        ["metadata"] = ManifestWriter.Metadata(SchemaVersion, invocationId, loaded),
        ["results"] = new JsonArray(results.Select(r => (JsonNode)Result(r, loaded)).ToArray()),
        ["elapsed_time"] = elapsed,
        ["args"] = args,
    };

    static JsonObject Result(NodeResult r, LoadedProject loaded) => new()
    {
        ["status"] = Status(r),
        ["timing"] = new JsonArray(r.Timing.Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.Name,
            ["started_at"] = t.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            ["completed_at"] = t.CompletedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
        }).ToArray()),
        ["thread_id"] = r.ThreadId,
        ["execution_time"] = r.Elapsed.TotalSeconds,
        ["adapter_response"] = r.RowsAffected is { } rows ? new JsonObject { ["rows_affected"] = rows } : new JsonObject(),
        // dbt's show and run-operation leave a success's message null.
        ["message"] = r.Message.Length == 0 && IsCommandNode(r.Node) ? null : r.Message,
        ["failures"] = r.Failures,
        ["unique_id"] = r.Node.UniqueId,
        ["compiled"] = r.CompiledSql is not null,
        ["compiled_code"] = r.CompiledSql,
        ["relation_name"] = r.Node.ResourceType is ResourceType.Test or ResourceType.Operation or ResourceType.Analysis || IsCommandNode(r.Node)
            ? null : r.Node.Relation.Render(loaded.Session.Quote),
        ["batch_results"] = null,
    };

    /// <summary>What a command runs that is no node of the project: show's --inline SQL, run-operation's macro.</summary>
    static bool IsCommandNode(Node node) =>
        node.UniqueId.StartsWith("sql_operation.", StringComparison.Ordinal) || node.ResourceType == ResourceType.Operation && node.UniqueId.StartsWith("macro.", StringComparison.Ordinal);

    /// <summary>dbt's words: models and seeds succeed, error or skip; tests pass, warn, fail or error.</summary>
    public static string Status(NodeResult r) => r.StatusText;

    public static void Write(string targetDir, JsonObject runResults)
    {
        Directory.CreateDirectory(targetDir);
        var tmp = Path.Combine(targetDir, "run_results.json.tmp");
        ManifestWriter.WriteJson(tmp, runResults);
        File.Move(tmp, Path.Combine(targetDir, "run_results.json"), overwrite: true);
    }
}

/// <summary>What <c>xform retry</c> needs of the last run: its command and the nodes that did not succeed.</summary>
public sealed record PreviousRun(string Command, IReadOnlyList<string> NotSucceeded);

/// <summary>Reads target/run_results.json back (the shape <see cref="RunResultsWriter"/> writes).</summary>
public static class RunResultsReader
{
    static readonly string[] Unfinished = ["error", "fail", "skipped", "runtime error"];

    public static PreviousRun Read(string path, string projectDir)
    {
        if (!File.Exists(path))
            throw new Diagnostics.XformException($"nothing to retry: {Path.GetRelativePath(projectDir, path)} does not exist");
        JsonNode root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) ?? throw new System.Text.Json.JsonException("empty document");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new Diagnostics.XformException($"{Path.GetRelativePath(projectDir, path)} is not valid JSON: {e.Message}; run the command again instead of retrying");
        }
        var which = root["args"]?["which"]?.GetValue<string>() ?? "build";
        var ids = (root["results"] as JsonArray ?? [])
            .Where(r => r?["status"]?.GetValue<string>() is { } s && Unfinished.Contains(s))
            .Select(r => r!["unique_id"]?.GetValue<string>())
            .OfType<string>()
            .ToList();
        return new PreviousRun(which, ids);
    }
}
