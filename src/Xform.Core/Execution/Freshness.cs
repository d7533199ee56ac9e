using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>What one freshness check found.</summary>
public sealed record FreshnessResult(Node Source, NodeStatus Status, DateTime? MaxLoadedAt, DateTime SnapshottedAt, double? AgeSeconds,
    FreshnessThreshold? WarnAfter, FreshnessThreshold? ErrorAfter, string Message, TimeSpan Elapsed, string ThreadId);

/// <summary>
/// <c>xform source freshness</c>: the newest <c>loaded_at_field</c> of each source table, compared with its
/// warn_after / error_after. The clock is the host's unless <c>now</c> is given (tests).
/// </summary>
public sealed class FreshnessChecker(DependencyGraph graph, Compiler compiler, Func<IAdapterConnection> open, int threads, DateTime nowUtc)
{
    public static bool HasFreshness(Node n) =>
        n.ResourceType == ResourceType.Source && n.Source?.Freshness is { } f && (f.ContainsKey("warn_after") || f.ContainsKey("error_after"));

    public IReadOnlyList<FreshnessResult> Run(IReadOnlyCollection<string> sourceIds, IRunListener listener)
    {
        var details = new ConcurrentDictionary<string, FreshnessResult>(StringComparer.Ordinal);
        var scheduler = new Scheduler(graph, open, threads, failFast: false);
        var results = scheduler.Run(sourceIds, (node, connection, thread) =>
        {
            var r = Check(node, connection, thread);
            details[node.UniqueId] = r;
            return new NodeResult(node, r.Status, r.Message, r.Elapsed, thread, []);
        }, listener);
        return results.Select(r => details.TryGetValue(r.Node.UniqueId, out var d) ? d
            : new FreshnessResult(r.Node, r.Status, null, nowUtc, null, null, null, r.Message, r.Elapsed, r.ThreadId)).ToList();
    }

    FreshnessResult Check(Node source, IAdapterConnection connection, string thread)
    {
        var watch = Stopwatch.StartNew();
        var freshness = source.Source!.Freshness!;
        var warn = FreshnessThreshold.Read(freshness, "warn_after", source);
        var error = FreshnessThreshold.Read(freshness, "error_after", source);
        var field = source.Source.LoadedAtField
            ?? throw new XformException($"source {source.Source.SourceName}.{source.Name} has freshness but no loaded_at_field", source.Location);
        var filter = freshness.TryGetValue("filter", out var f) && f is string s && s.Length > 0 ? $" where {s}" : "";
        var sql = $"select max({field}) as max_loaded_at from {compiler.SourceRelation(source)}{filter}";
        try
        {
            var value = connection.Query(sql).Rows[0][0];
            if (value is null)
                return new FreshnessResult(source, NodeStatus.Error, null, nowUtc, null, warn, error,
                    $"no rows with a {field}: cannot tell how fresh the source is", watch.Elapsed, thread);
            var max = value switch
            {
                DateTime d => d,
                DateTimeOffset o => o.UtcDateTime,
                DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                _ => DateTime.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
            };
            var age = nowUtc - DateTime.SpecifyKind(max, DateTimeKind.Utc);
            if (age < -ClockSkew)
                return new FreshnessResult(source, NodeStatus.Warn, max, nowUtc, age.TotalSeconds, warn, error,
                    $"newest {field} is {Describe(-age)} in the future ({max.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} " +
                    $"against {nowUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC here): the clock of this machine or " +
                    $"the data is off (a time zone, or a wrong {field}), so freshness cannot be judged", watch.Elapsed, thread);
            if (age < TimeSpan.Zero) age = TimeSpan.Zero; // within the skew two clocks may have
            // Stale is a failed check (Fail); Error is kept for checks that could not run.
            var status = error is not null && age > error.Span ? NodeStatus.Fail
                : warn is not null && age > warn.Span ? NodeStatus.Warn
                : NodeStatus.Pass;
            var limit = status == NodeStatus.Fail ? error : warn;
            var message = $"newest {field} is {Describe(age)} old" +
                (status == NodeStatus.Pass ? "" : $" (more than {limit!.Count} {limit.Period}{(limit.Count == 1 ? "" : "s")})");
            return new FreshnessResult(source, status, max, nowUtc, age.TotalSeconds, warn, error, message, watch.Elapsed, thread);
        }
        catch (DatabaseException e)
        {
            return new FreshnessResult(source, NodeStatus.Error, null, nowUtc, null, warn, error, $"database error: {e.Message}", watch.Elapsed, thread);
        }
    }

    /// <summary>How far the newest row may be ahead of this machine's clock (the database's clock, or the loader's, may differ a
    /// little) before the check warns that a clock or the data is off.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    static string Describe(TimeSpan age) =>
        age.TotalDays >= 2 ? $"{age.TotalDays:0.#} days" : age.TotalHours >= 2 ? $"{age.TotalHours:0.#} hours" : $"{age.TotalMinutes:0} minutes";
}
