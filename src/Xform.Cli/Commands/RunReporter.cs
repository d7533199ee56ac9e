using System.Diagnostics;
using System.Globalization;
using Xform.Core.Execution;
using Xform.Core.Project;

namespace Xform.Cli.Commands;

/// <summary>dbt-style progress lines (<c>3 of 9 OK created sql table model main.x .... [OK in 0.41s]</c>) and the summary.</summary>
/// <param name="clone">clone's lines: <c>OK clone model main.x: view over "prod"."main"."x"</c></param>
sealed class RunReporter(Output output, bool clone = false) : IRunListener
{
    const int Width = 80;
    readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The header line of a command that runs nodes: in JSON the <c>run_started</c> event.</summary>
    public static void Started(CommandContext context, string command, string message) =>
        context.Output.Event("run_started", message, new Dictionary<string, object?>
        {
            ["command"] = command, ["version"] = Version.Text, ["target"] = context.Target.Name, ["adapter_type"] = context.Target.Type,
            ["threads"] = context.Threads, ["invocation_id"] = context.Workspace.InvocationId,
        });

    public void Waiting(string message) => output.Event("waiting", message);

    public void Warn(Xform.Core.Diagnostics.Warning warning) => output.Warn(warning.ToString());

    public void NodeStarted(int index, int total, Node node) =>
        output.Event("node_started", Dots($"{index} of {total} START {Describe(node)}", "[RUN]"), NodeFields(node, index, total));

    public void NodeFinished(int index, int total, NodeResult r)
    {
        var seconds = r.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        var (verb, tag) = r.Status switch
        {
            NodeStatus.Success => (clone ? "OK" : r.Node.ResourceType switch { ResourceType.Seed => "OK loaded", ResourceType.Operation => "OK", _ => "OK created" },
                output.Paint("OK", "32") + $" in {seconds}s"),
            NodeStatus.Skipped => ("SKIP", output.Paint("SKIP", "33")),
            NodeStatus.Pass when r.Node.ResourceType == ResourceType.Source => ("PASS", output.Paint("PASS", "32") + $" in {seconds}s"),
            NodeStatus.Warn when r.Node.ResourceType == ResourceType.Source => ("WARN", output.Paint("WARN", "33") + $" in {seconds}s"),
            NodeStatus.Fail when r.Node.ResourceType == ResourceType.Source => ("ERROR STALE", output.Paint("ERROR STALE", "31") + $" in {seconds}s"),
            NodeStatus.Error when r.Node.ResourceType == ResourceType.Source => ("ERROR", output.Paint("ERROR", "31") + $" in {seconds}s"),
            NodeStatus.Pass => ("PASS", output.Paint("PASS", "32") + $" in {seconds}s"),
            NodeStatus.Warn => ($"WARN {r.Failures}", output.Paint($"WARN {r.Failures}", "33") + $" in {seconds}s"),
            NodeStatus.Fail => ($"FAIL {r.Failures}", output.Paint($"FAIL {r.Failures}", "31") + $" in {seconds}s"),
            _ => ("ERROR creating", output.Paint("ERROR", "31") + $" in {seconds}s"),
        };
        var what = r.Node.ResourceType is ResourceType.Test or ResourceType.UnitTest && r.Status != NodeStatus.Error && r.Status != NodeStatus.Skipped
            ? r.Node.Name : Describe(r.Node);
        if (clone && r.Status == NodeStatus.Success) what += $": {r.Message}";
        if (r.Node.ResourceType == ResourceType.Source && r.Status is NodeStatus.Pass or NodeStatus.Warn or NodeStatus.Fail)
            what += $": {r.Message.Split('\n')[0]}";
        var fields = NodeFields(r.Node, index, total);
        fields["status"] = r.StatusText;
        fields["elapsed"] = Math.Round(r.Elapsed.TotalSeconds, 3);
        fields["timing"] = r.Timing.Select(t => new Dictionary<string, object?>
            { ["name"] = t.Name, ["started_at"] = t.StartedAt.UtcDateTime, ["completed_at"] = t.CompletedAt.UtcDateTime }).ToList();
        // what went wrong (the text output prints it in the summary)
        if (r.Status is not (NodeStatus.Success or NodeStatus.Pass)) fields["message"] = r.Message;
        // in text the failures are printed again in the summary, so the progress line stays info
        var level = !output.Json ? "info" : r.IsFailure ? "error" : r.Status == NodeStatus.Warn ? "warn" : "info";
        output.Event("node_finished", Dots($"{index} of {total} {verb} {what}", $"[{tag}]"), fields, level);
    }

    static Dictionary<string, object?> NodeFields(Node node, int index, int total) => new()
    {
        ["node"] = node.UniqueId, ["resource_type"] = node.TypeName, ["name"] = node.Name, ["index"] = index, ["total"] = total,
    };

    string Describe(Node node) => clone ? $"clone {node.ResourceType.ToString().ToLowerInvariant()} {node.Relation}" : node.ResourceType switch
    {
        ResourceType.Source => $"freshness of {node.Source!.SourceName}.{node.Name}",
        ResourceType.Seed => $"seed file {node.Relation}",
        ResourceType.Test => $"test {node.Name}",
        ResourceType.UnitTest => $"unit_test {node.Fqn[^2]}::{node.Name}",
        ResourceType.Snapshot => $"snapshot {node.Relation}",
        ResourceType.Operation => $"hook: {node.Name}",
        _ => $"sql {node.Materialized} model {node.Relation}",
    };

    static string Dots(string left, string right)
    {
        var dots = Math.Max(3, Width - left.Length - 1);
        return $"{left} {new string('.', dots)} {right}";
    }

    /// <summary>Prints the summary and returns the exit code: 1 when anything failed.</summary>
    public int Summarize(IReadOnlyList<NodeResult> results)
    {
        var counts = results.GroupBy(r => r.Node.ResourceType switch
            {
                ResourceType.Model => $"{r.Node.Materialized} model",
                ResourceType.Test => "data test",
                ResourceType.Operation => "hook",
                ResourceType.UnitTest => "unit test",
                _ => r.Node.ResourceType.ToString().ToLowerInvariant(),
            })
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}{(g.Count() == 1 ? "" : "s")}");
        var seconds = _clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        var errors = results.Where(r => r.IsFailure).ToList();
        var warns = results.Count(r => r.Status == NodeStatus.Warn);
        var skipped = results.Count(r => r.Status == NodeStatus.Skipped);
        var pass = results.Count(r => r.Status is NodeStatus.Success or NodeStatus.Pass);
        var done = $"Done. PASS={pass} WARN={warns} ERROR={errors.Count} SKIP={skipped} TOTAL={results.Count}";
        var exitCode = errors.Count > 0 ? XformCli.NodeFailure : XformCli.Success;
        if (output.Json)
        {
            // each failure's message is already in its node_finished event
            output.Event("run_finished", done, new Dictionary<string, object?>
            {
                ["pass"] = pass, ["warn"] = warns, ["error"] = errors.Count, ["skip"] = skipped, ["total"] = results.Count,
                ["elapsed"] = Math.Round(_clock.Elapsed.TotalSeconds, 3), ["exit_code"] = exitCode,
            }, exitCode == XformCli.Success ? "info" : "error");
            return exitCode;
        }
        output.Info("");
        output.Info($"Finished running {(results.Count == 0 ? "nothing" : string.Join(", ", counts))} in {seconds}s.");
        output.Info("");
        if (errors.Count == 0)
        {
            output.Info(output.Paint(warns > 0 ? $"Completed with {warns} warning{(warns == 1 ? "" : "s")}" : "Completed successfully", "32"));
        }
        else
        {
            output.Error($"Completed with {errors.Count} error{(errors.Count == 1 ? "" : "s")}:");
            foreach (var e in errors)
            {
                output.Error("");
                output.Error($"{(e.Status == NodeStatus.Fail ? e.Node.ResourceType == ResourceType.Source ? "Stale" : "Failure" : "Error")} in {e.Node.TypeName} {e.Node.Name} ({e.Node.OriginalFilePath})");
                foreach (var line in e.Message.Split('\n')) output.Error("  " + line.TrimEnd());
            }
        }
        foreach (var w in results.Where(r => r.Status == NodeStatus.Warn))
        {
            output.Warn("");
            output.Warn($"Warning in {w.Node.TypeName} {w.Node.Name} ({w.Node.OriginalFilePath})");
            foreach (var line in w.Message.Split('\n')) output.Warn("  " + line.TrimEnd());
        }
        output.Info("");
        output.Info(done);
        return exitCode;
    }
}
