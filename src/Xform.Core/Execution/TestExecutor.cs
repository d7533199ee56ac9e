using System.Globalization;
using System.Text.RegularExpressions;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>
/// Runs a compiled data test the way dbt does: counts the failing rows (<c>fail_calc</c>), compares the
/// count with <c>warn_if</c>/<c>error_if</c>, and honours <c>severity</c>, <c>limit</c> and <c>store_failures</c>.
/// </summary>
/// <param name="storeFailuresFlag">--store-failures: tests that do not say otherwise keep their failing rows</param>
public sealed class TestExecutor(Func<string, string> quote, bool storeFailuresFlag = false)
{
    public sealed record Outcome(NodeStatus Status, long Failures, string Message, string ExecutedSql);

    /// <param name="existing">what is at the test's audit relation now (a stored failure table or view is replaced)</param>
    public Outcome Run(IAdapterConnection connection, CompiledNode test, RelationKind? existing = null)
    {
        var node = test.Node;
        var settings = TestSettings.Of(node, storeFailuresFlag);

        var body = test.Sql.TrimEnd().TrimEnd(';');
        var executed = new List<string>();
        string? storedIn = null;
        if (settings.StoreFailures)
        {
            var audit = node.Relation.Render(quote);
            connection.EnsureSchema(node.Relation.Schema);
            // The previous failures are dropped whatever they were stored as, then stored as this run says (dbt's test materialization).
            var store = new List<string>();
            if (existing is { } kind) store.Add($"drop {(kind == RelationKind.View ? "view" : "table")} if exists {audit}");
            store.Add($"create {settings.StoreFailuresAs} {audit} as (\n{body}\n)");
            connection.ExecuteTransaction(store);
            executed.AddRange(store);
            storedIn = node.Relation.ToString();
            body = $"select * from {audit}";
        }

        var sql = CountingQuery(body, settings);
        executed.Add(sql);
        return Judge(connection.Query(sql).Rows.Single(), settings, storedIn, string.Join(";\n\n", executed) + ";\n");
    }

    /// <summary>Whether a test can run in one query with others: one that stores no failures (it runs a single select).</summary>
    public bool CanBatch(Node node)
    {
        if (node.ResourceType != ResourceType.Test || node.Config.GetString("sql_header") is not null || node.Config.GetString("query_tag") is not null)
            return false;
        try
        {
            return !TestSettings.Of(node, storeFailuresFlag).StoreFailures;
        }
        catch (XformException)
        {
            return false; // run alone, where the error becomes the test's result
        }
    }

    /// <summary>
    /// Tests that store no failures counted in one query: each test's own counting query (what it runs alone) is a branch of a
    /// <c>union all</c>, numbered, so one round trip and one plan serve them all. Null when a branch did not give exactly one
    /// row (a <c>fail_calc</c> that is no aggregate): the caller then runs each alone, as a database error asks too, so that
    /// every test gets the result and message it gets alone.
    /// </summary>
    public IReadOnlyList<Outcome>? RunBatch(IAdapterConnection connection, IReadOnlyList<CompiledNode> tests)
    {
        var settings = tests.Select(t => TestSettings.Of(t.Node, storeFailuresFlag)).ToList();
        var queries = tests.Select((t, i) => CountingQuery(t.Sql.TrimEnd().TrimEnd(';'), settings[i])).ToList();
        var sql = new System.Text.StringBuilder("-- ").Append(tests.Count).Append(" data tests in one query: ")
            .AppendJoin(", ", tests.Select(t => t.Node.Name.ReplaceLineEndings(" "))).Append('\n');
        for (var i = 0; i < tests.Count; i++)
        {
            if (i > 0) sql.Append("\nunion all\n");
            sql.Append("select ").Append(i).Append(" as xform_test_index, failures, should_warn, should_error from (\n")
                .Append(queries[i]).Append("\n) xform_test_").Append(i);
        }
        var rows = new object?[]?[tests.Count];
        foreach (var row in connection.Query(sql.ToString()).Rows)
        {
            var i = Convert.ToInt32(row[0], CultureInfo.InvariantCulture);
            if (rows[i] is not null) return null;
            rows[i] = row[1..];
        }
        if (rows.Any(r => r is null)) return null;
        return tests.Select((_, i) => Judge(rows[i]!, settings[i], null, queries[i] + ";\n")).ToList();
    }

    /// <summary>dbt's test query: the failing rows counted (<c>fail_calc</c>) and compared with the thresholds, one row.</summary>
    static string CountingQuery(string body, TestSettings settings) =>
        $"select\n    {settings.FailCalc} as failures,\n    ({settings.FailCalc}) {settings.WarnIf} as should_warn,\n    ({settings.FailCalc}) {settings.ErrorIf} as should_error\nfrom (\n{body}\n{(settings.Limit is null ? "" : $"limit {settings.Limit}\n")}) dbt_internal_test";

    /// <summary>A test's status from its counting query's row (failures, should_warn, should_error).</summary>
    static Outcome Judge(object?[] row, TestSettings settings, string? storedIn, string executedSql)
    {
        // fail_calc may be any aggregate: sum() is a 128-bit integer on DuckDB, a numeric on PostgreSQL.
        var failures = row[0] switch
        {
            null => 0,
            System.Numerics.BigInteger big => (long)big,
            var value => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        };
        var shouldWarn = row[1] is true;
        var shouldError = row[2] is true;
        var status = settings.Severity == "error" && shouldError ? NodeStatus.Fail
            : shouldWarn || (settings.Severity == "warn" && shouldError) ? NodeStatus.Warn
            : NodeStatus.Pass;
        var message = status == NodeStatus.Pass
            ? "PASS"
            : $"Got {failures} result{(failures == 1 ? "" : "s")}, configured to {(status == NodeStatus.Fail ? "fail" : "warn")} if {(status == NodeStatus.Fail ? settings.ErrorIf : settings.WarnIf).Trim()}" +
              (storedIn is null ? "" : $"\nfailing rows stored in {storedIn}");
        return new Outcome(status, failures, message, executedSql);
    }
}
