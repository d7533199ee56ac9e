using System.Globalization;
using System.Text.RegularExpressions;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
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
        var (warnIf, errorIf, severity, failCalc, limit) = (settings.WarnIf, settings.ErrorIf, settings.Severity, settings.FailCalc, settings.Limit);

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

        var sql = $"select\n    {failCalc} as failures,\n    ({failCalc}) {warnIf} as should_warn,\n    ({failCalc}) {errorIf} as should_error\nfrom (\n{body}\n{(limit is null ? "" : $"limit {limit}\n")}) dbt_internal_test";
        executed.Add(sql);
        var row = connection.Query(sql).Rows.Single();
        // fail_calc may be any aggregate: sum() is a 128-bit integer on DuckDB, a numeric on PostgreSQL.
        var failures = row[0] switch
        {
            null => 0,
            System.Numerics.BigInteger big => (long)big,
            var value => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        };
        var shouldWarn = row[1] is true;
        var shouldError = row[2] is true;
        var status = severity == "error" && shouldError ? NodeStatus.Fail
            : shouldWarn || (severity == "warn" && shouldError) ? NodeStatus.Warn
            : NodeStatus.Pass;
        var message = status == NodeStatus.Pass
            ? "PASS"
            : $"Got {failures} result{(failures == 1 ? "" : "s")}, configured to {(status == NodeStatus.Fail ? "fail" : "warn")} if {(status == NodeStatus.Fail ? errorIf : warnIf).Trim()}" +
              (storedIn is null ? "" : $"\nfailing rows stored in {storedIn}");
        return new Outcome(status, failures, message, string.Join(";\n\n", executed) + ";\n");
    }
}
