using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Templating;

namespace Xform.Core.Project;

/// <summary>
/// A node's build configs as typed values, read the same way at parse time (where every mistake is reported
/// before the database is touched) and when the node runs. A wrong value is reported at the line that set it.
/// </summary>
public static class BuildSettings
{
    public static readonly IReadOnlyList<string> Materializations = ["view", "table", "ephemeral", "incremental"];

    /// <summary>The built-in materializations a project's <c>{% materialization %}</c> block may replace (dbt's built-ins that
    /// xform runs in C#); only the root project's block does, as in dbt 1.8+.</summary>
    public static readonly IReadOnlyList<string> Replaceable = ["view", "table", "incremental"];

    /// <summary>Materializations of one adapter, built into it: name and adapter type.</summary>
    public static readonly IReadOnlyDictionary<string, string> AdapterMaterializations = new Dictionary<string, string> { ["external"] = "duckdb" };

    /// <summary>
    /// The <c>{% materialization %}</c> block a model runs instead of a built-in materialization, or null. A block named
    /// like a built-in replaces it only from the root project; <c>ephemeral</c> models are never run, so never replaced.
    /// </summary>
    public static MacroInfo? CustomBlock(Node node, TemplateEngine engine) =>
        node.Materialized == "ephemeral" ? null : engine.FindMaterialization(node.Materialized, Replaceable.Contains(node.Materialized));

    /// <summary>Every config mistake of a node, or none. Models, snapshots, data tests and sources are checked.</summary>
    /// <param name="engine">the project's macros, whose <c>{% materialization %}</c> blocks add materializations; null: built-ins only</param>
    public static IReadOnlyList<XformException> Check(Node node, TemplateEngine? engine = null)
    {
        // no list and no closures for a node whose settings read well (every node of a parse is checked)
        List<XformException>? errors = null;
        switch (node.ResourceType)
        {
            case ResourceType.Model when !Materializations.Contains(node.Materialized) && (engine is null || CustomBlock(node, engine) is null):
                if (engine is not null && AdapterMaterializations.TryGetValue(node.Materialized, out var owner))
                {
                    if (owner == engine.AdapterType) Try(ref errors, node, static n => ExternalSettings.Of(n));
                    else (errors ??= []).Add(Error(node, "materialized",
                        $"model '{node.Name}' asks for materialization '{node.Materialized}': {node.Materialized} is a DuckDB materialization, which the " +
                        $"{engine.AdapterType} target cannot build; use table or view there (or a {{% materialization {node.Materialized}, adapter='{engine.AdapterType}' %}} block)"));
                    break;
                }
                (errors ??= []).Add(Error(node, "materialized", UnknownMaterialization(node, engine)));
                break;
            case ResourceType.Model:
                Try(ref errors, node, static n => ModelContract.Of(n));
                if (node.Materialized == "incremental") Try(ref errors, node, static n => IncrementalSettings.Of(n));
                break;
            case ResourceType.Snapshot:
                Try(ref errors, node, static n => SnapshotSettings.Of(n));
                break;
            case ResourceType.Test:
                Try(ref errors, node, static n => TestSettings.Of(n));
                break;
            case ResourceType.Source when node.Source?.Freshness is { } freshness:
                Try(ref errors, node, n => FreshnessThreshold.Read(freshness, "warn_after", n));
                Try(ref errors, node, n => FreshnessThreshold.Read(freshness, "error_after", n));
                break;
        }
        return errors ?? (IReadOnlyList<XformException>)[];
    }

    /// <summary>Reads a setting of the node; its mistake goes to <paramref name="errors"/>.</summary>
    static void Try(ref List<XformException>? errors, Node node, Action<Node> read)
    {
        try { read(node); }
        catch (XformException e) { (errors ??= []).Add(e); }
    }

    static string UnknownMaterialization(Node node, TemplateEngine? engine)
    {
        var custom = engine?.MaterializationBlocks.Where(b => b.Adapter == engine.AdapterType || b.Adapter == "default").Select(b => b.Name).Distinct().ToList() ?? [];
        var adapterOwn = engine is null ? [] : AdapterMaterializations.Where(kv => kv.Value == engine.AdapterType).Select(kv => kv.Key);
        var known = Materializations.Concat(adapterOwn).Concat(custom).Distinct().ToList();
        var message = $"model '{node.Name}' asks for materialization '{node.Materialized}'; supported: {string.Join(", ", known)}.{Suggestions.DidYouMean(node.Materialized, known)}";
        // A block for another adapter only: say which, since that is the likely mistake.
        var elsewhere = engine?.MaterializationBlocks.Where(b => b.Name == node.Materialized).ToList() ?? [];
        if (elsewhere.Count > 0)
            message += $" A {{% materialization {node.Materialized} %}} block exists only for adapter {string.Join(", ", elsewhere.Select(b => $"'{b.Adapter}' ({b.Macro.Location})"))}, " +
                       $"not for {engine!.AdapterType} or default";
        return message.TrimEnd('.');
    }

    /// <summary>An error about <paramref name="key"/>, at the line that set it (else the node's file).</summary>
    internal static XformException Error(Node node, string key, string message) =>
        new(message, node.Config.OriginOf(key) ?? node.Location);

    /// <summary>An error about a config that is missing: at the line that sets the first of <paramref name="near"/> (where the
    /// missing one belongs, such as the snapshot's config() call), else the node's file.</summary>
    internal static XformException Missing(Node node, string message, params string[] near) =>
        new(message, near.Select(node.Config.OriginOf).FirstOrDefault(o => o is not null) ?? node.Location);

    internal static string OneOf(Node node, string key, string? value, string fallback, IReadOnlyList<string> allowed, string what)
    {
        var v = value ?? fallback;
        return allowed.Contains(v) ? v
            : throw Error(node, key, $"{key} '{v}' of {what} '{node.Name}' is not one of {string.Join(", ", allowed)}.{Suggestions.DidYouMean(v, allowed)}");
    }
}

/// <summary>A microbatch model's batches: <c>event_time</c>, <c>batch_size</c>, <c>lookback</c>, <c>begin</c>.</summary>
public sealed record MicrobatchSettings(string EventTime, string BatchSize, int Lookback, DateTime Begin);

/// <summary>An incremental model's configs, checked together (a strategy and what it requires).</summary>
public sealed record IncrementalSettings(
    string Strategy,
    IReadOnlyList<string> UniqueKey,
    string OnSchemaChange,
    string? PartitionColumn,
    IReadOnlyList<string> MergeUpdateColumns,
    IReadOnlyList<string> MergeExcludeColumns,
    IReadOnlyList<string> Predicates,
    MicrobatchSettings? Microbatch)
{
    public static readonly IReadOnlyList<string> Strategies = ["append", "merge", "delete+insert", "insert_overwrite", "microbatch"];
    public static readonly IReadOnlyList<string> SchemaChanges = ["ignore", "fail", "append_new_columns", "sync_all_columns"];
    static readonly string[] BatchSizes = ["hour", "day", "month", "year"];

    public static IncrementalSettings Of(Node node)
    {
        var config = node.Config;
        // A blank key ('' or [' ']) is no key, as it is falsy to dbt.
        var keys = config.GetStrings("unique_key").Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        var strategy = config.GetString("incremental_strategy") ?? (keys.Count > 0 ? "merge" : "append");
        if (!Strategies.Contains(strategy))
            throw BuildSettings.Error(node, "incremental_strategy",
                $"incremental_strategy '{strategy}' of model '{node.Name}' is not one of {string.Join(", ", Strategies)}.{Suggestions.DidYouMean(strategy, Strategies)}");
        var onSchemaChange = config.GetString("on_schema_change") ?? "ignore";
        if (!SchemaChanges.Contains(onSchemaChange))
            throw BuildSettings.Error(node, "on_schema_change",
                $"on_schema_change '{onSchemaChange}' of model '{node.Name}' is not one of {string.Join(", ", SchemaChanges)}");
        // dbt runs merge without a unique_key as a plain insert (dbt-postgres, dbt-duckdb and dbt-snowflake alike), so
        // every run adds the rows again: a silent duplicate, refused here. Whoever wants that says append.
        if (strategy == "merge" && keys.Count == 0)
            throw BuildSettings.Error(node, "incremental_strategy",
                $"model '{node.Name}' uses merge, which needs a unique_key: without one every run inserts all new rows again, duplicating " +
                "the rows already there (dbt runs it as append). Set unique_key, or incremental_strategy='append' if that is what you want");
        if (strategy == "delete+insert" && keys.Count == 0)
            throw BuildSettings.Error(node, "incremental_strategy", $"model '{node.Name}' uses delete+insert, which needs a unique_key");
        var partition = ReadPartitionColumn(node);
        if (strategy == "insert_overwrite" && partition is null)
            throw BuildSettings.Error(node, "incremental_strategy",
                $"model '{node.Name}' uses insert_overwrite, which needs partition_by (the column whose values are replaced)");
        var include = config.GetStrings("merge_update_columns");
        var exclude = config.GetStrings("merge_exclude_columns");
        if (include.Count > 0 && exclude.Count > 0)
            throw BuildSettings.Error(node, "merge_exclude_columns", $"model '{node.Name}' sets both merge_update_columns and merge_exclude_columns; use one");
        return new IncrementalSettings(strategy, keys, onSchemaChange, partition, include, exclude, config.GetStrings("incremental_predicates"),
            strategy == "microbatch" ? Batches(node) : null);
    }

    static string? ReadPartitionColumn(Node node) => node.Config.TryGetValue("partition_by", out var p) ? p switch
    {
        null => null,
        string s => s,
        IReadOnlyDictionary<string, object?> d when d.TryGetValue("field", out var f) => Convert.ToString(f, CultureInfo.InvariantCulture),
        _ => throw BuildSettings.Error(node, "partition_by", $"partition_by of model '{node.Name}' must be a column name or {{field: column}}"),
    } : null;

    static MicrobatchSettings Batches(Node node)
    {
        var config = node.Config;
        var eventTime = config.GetString("event_time")
            ?? throw BuildSettings.Error(node, "incremental_strategy", $"microbatch model '{node.Name}' needs event_time (its timestamp column)");
        var size = config.GetString("batch_size")
            ?? throw BuildSettings.Error(node, "incremental_strategy", $"microbatch model '{node.Name}' needs batch_size (hour, day, month or year)");
        if (!BatchSizes.Contains(size))
            throw BuildSettings.Error(node, "batch_size", $"batch_size of model '{node.Name}' must be hour, day, month or year, not '{size}'");
        var lookback = int.TryParse(config.GetString("lookback") ?? "1", NumberStyles.Integer, CultureInfo.InvariantCulture, out var lb) && lb >= 0 ? lb
            : throw BuildSettings.Error(node, "lookback", $"lookback of model '{node.Name}' must be a whole number");
        var beginText = config.GetString("begin")
            ?? throw BuildSettings.Error(node, "incremental_strategy", $"microbatch model '{node.Name}' needs begin (the first event time to build)");
        var begin = DateTime.TryParse(beginText, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var b) ? b
            : throw BuildSettings.Error(node, "begin", $"begin of model '{node.Name}' must be a date or timestamp such as '2024-01-01', not '{beginText}'");
        return new MicrobatchSettings(eventTime, size, lookback, begin);
    }
}

/// <summary>A data test's configs: when it warns or fails, how failures are counted, and whether (and as what) its failing
/// rows are kept.</summary>
/// <param name="StoreFailuresAs"><c>table</c> or <c>view</c> when <paramref name="StoreFailures"/></param>
public sealed partial record TestSettings(string Severity, string WarnIf, string ErrorIf, string FailCalc, int? Limit, bool StoreFailures,
    string StoreFailuresAs = "table")
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(==|=|!=|<>|>=|<=|>|<)\s*-?\d+(\.\d+)?\s*$")]
    private static partial System.Text.RegularExpressions.Regex Comparison();

    /// <param name="storeFailuresFlag">--store-failures: tests that set neither store_failures nor store_failures_as store theirs</param>
    public static TestSettings Of(Node node, bool storeFailuresFlag = false)
    {
        var config = node.Config;
        var warnIf = Condition(node, "warn_if");
        var errorIf = Condition(node, "error_if");
        var severity = (config.GetString("severity") ?? "error").ToLowerInvariant();
        if (severity is not ("error" or "warn"))
            throw BuildSettings.Error(node, "severity", $"severity of test '{node.Name}' must be 'error' or 'warn', not '{severity}'");
        var limit = config.GetString("limit") is { } l
            ? int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n
                : throw BuildSettings.Error(node, "limit", $"limit of test '{node.Name}' must be a whole number")
            : (int?)null;
        var (store, storeAs) = StoreFailuresOf(node, storeFailuresFlag);
        return new TestSettings(severity, warnIf, errorIf, config.GetString("fail_calc") ?? "count(*)", limit, store, storeAs);
    }

    /// <summary>
    /// dbt 1.7's rule: <c>store_failures_as</c> (table, view, or ephemeral: not stored) decides when set, at any level;
    /// otherwise <c>store_failures</c> (stored as a table); otherwise the --store-failures flag.
    /// </summary>
    static (bool Store, string As) StoreFailuresOf(Node node, bool flag)
    {
        var config = node.Config;
        if (config.GetString("store_failures_as") is { } given)
        {
            var value = given.Trim().ToLowerInvariant();
            return value switch
            {
                "table" or "view" => (true, value),
                "ephemeral" => (false, "table"),
                _ => throw BuildSettings.Error(node, "store_failures_as",
                    $"'{given}' is not a valid value for `store_failures_as` of test '{node.Name}'. Accepted values are: ['ephemeral', 'table', 'view']"),
            };
        }
        return (config.TryGetValue("store_failures", out var v) && v is not null ? config.GetBool("store_failures", false) : flag, "table");
    }

    /// <summary>A comparison with a number, as dbt's warn_if / error_if take it: <c>!= 0</c>, <c>&gt;=10</c>.</summary>
    static string Condition(Node node, string key)
    {
        var text = node.Config.GetString(key) ?? "!= 0";
        return Comparison().IsMatch(text)
            ? text.Trim()
            : throw BuildSettings.Error(node, key, $"{key} of test '{node.Name}' must be a comparison with a number such as '>0' or '>=10', not '{text}'");
    }
}

/// <summary>A freshness threshold: <c>{count: 12, period: hour}</c>.</summary>
public sealed record FreshnessThreshold(long Count, string Period)
{
    public TimeSpan Span => Period switch
    {
        "minute" => TimeSpan.FromMinutes(Count),
        "hour" => TimeSpan.FromHours(Count),
        "day" => TimeSpan.FromDays(Count),
        _ => throw new InvalidOperationException(Period),
    };

    public static FreshnessThreshold? Read(IReadOnlyDictionary<string, object?> freshness, string key, Node source)
    {
        if (!freshness.TryGetValue(key, out var value) || value is null) return null;
        if (value is not IReadOnlyDictionary<string, object?> d ||
            !d.TryGetValue("count", out var c) || !long.TryParse(Convert.ToString(c, CultureInfo.InvariantCulture), out var count) || count < 0 ||
            !d.TryGetValue("period", out var p) || p is not ("minute" or "hour" or "day"))
            throw new XformException($"freshness '{key}' of source {source.Source!.SourceName}.{source.Name} must be {{count: N, period: minute|hour|day}}", source.Location);
        return new FreshnessThreshold(count, (string)p);
    }
}
