using System.Text.Json;
using System.Text.RegularExpressions;

namespace Xform.Cli.Tests;

/// <summary>
/// Test configs, custom and unknown tests, warnings in build and freshness details, end to end on DuckDB. Every
/// generic test type (pass and fail with counts), store_failures, singular tests and build skipping run in the
/// adapter conformance suite (tests/Xform.Adapters.Conformance), on DuckDB and PostgreSQL.
/// </summary>
public class DataTestTests
{
    const string Orders = """
        {{ config(materialized='table') }}
        select * from (values
            (1, 10, 'placed', 5.00, date '2024-01-01'),
            (2, 11, 'shipped', 7.50, date '2024-01-02'),
            (3, 99, 'lost', -1.00, date '2024-01-03'),
            (3, null, 'placed', 2.00, date '2024-01-04'),
            (5, 10, 'returned', 300.00, date '2024-01-05')
        ) t(id, customer_id, status, amount, ordered_on)
        """;

    const string Customers = "{{ config(materialized='table') }}\nselect * from (values (10, 'a'), (11, 'b'), (12, 'c')) t(id, name)";

    static TestProject WithModels()
    {
        var p = new TestProject();
        p.Write("models/orders.sql", Orders);
        p.Write("models/customers.sql", Customers);
        p.Write("models/empty.sql", "select 1 as id where false");
        return p;
    }

    /// <summary>Runs one test declared on a model or column; returns (status word, failures).</summary>
    static (string Status, int Failures, CliResult Result) One(string model, string? column, string testYaml, Action<TestProject>? extra = null)
    {
        using var p = WithModels();
        extra?.Invoke(p);
        var yaml = column is null
            ? $"version: 2\nmodels:\n  - name: {model}\n    data_tests:\n      - {testYaml}\n"
            : $"version: 2\nmodels:\n  - name: {model}\n    columns:\n      - name: {column}\n        data_tests:\n          - {testYaml}\n";
        p.Write("models/schema.yml", yaml);
        var build = p.Run("run");
        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        var r = p.Run("test");
        var m = Regex.Match(r.Out, @"1 of 1 (PASS|FAIL|WARN)(?: (\d+))? ");
        Assert.That(m.Success, r.ToString());
        var status = m.Groups[1].Value;
        Assert.That(r.ExitCode, Is.EqualTo(status == "FAIL" ? 1 : 0), r.ToString());
        return (status, m.Groups[2].Success ? int.Parse(m.Groups[2].Value) : 0, r);
    }

    [Test]
    public void Custom_generic_test_from_the_project()
    {
        var (s, f, _) = One("orders", "amount", "is_positive", p => p.Write("tests/generic/is_positive.sql",
            "{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}"));
        Assert.That((s, f), Is.EqualTo(("FAIL", 1)));
        var (s2, f2, _) = One("orders", "amount", "positive_ish", p => p.Write("macros/tests.sql",
            "{% test positive_ish(model, column_name, floor=-10) %}select * from {{ model }} where {{ column_name }} <= {{ floor }}{% endtest %}"));
        Assert.That((s2, f2), Is.EqualTo(("PASS", 0)));
    }

    [TestCase("{severity: warn}", "WARN", 1)]
    [TestCase("{error_if: '>1'}", "WARN", 1)]
    [TestCase("{error_if: '>1', warn_if: '>5'}", "PASS", 0)]
    [TestCase("{warn_if: '>=1', error_if: '>=1'}", "FAIL", 1)]
    [TestCase("{where: \"customer_id <> 99\"}", "PASS", 0)]
    public void Test_configs(string config, string status, int failures)
    {
        // not_null on customer_id fails on one row (the null); the where clause removes... the 99 row, not the null.
        var test = config.Contains("where")
            ? $"relationships: {{to: \"ref('customers')\", field: id, config: {config}}}"
            : $"not_null: {{config: {config}}}";
        var (s, f, r) = One("orders", "customer_id", test);
        Assert.That((s, f), Is.EqualTo((status, failures)), r.ToString());
    }

    [Test]
    public void Limit_caps_the_failures_counted()
    {
        var (s, f, _) = One("orders", "status", "accepted_values: {values: [x], limit: 2}");
        Assert.That((s, f), Is.EqualTo(("FAIL", 2)));
    }

    [Test]
    public void Tests_without_store_failures_create_no_audit_schema()
    {
        var (s, _, _) = One("orders", "id", "unique");
        Assert.That(s, Is.EqualTo("FAIL"));
        using var p = WithModels();
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests: [unique]\n");
        Assert.That(p.Run("build").ExitCode, Is.EqualTo(1));
        Assert.That(p.Query("select count(*) from information_schema.schemata where schema_name like '%dbt_test__audit'")[0][0], Is.EqualTo(0L));
    }

    [Test]
    public void Stored_failures_go_where_the_schema_macro_says_under_the_short_name_of_a_long_test()
    {
        using var p = WithModels();
        p.Write("macros/schema.sql", "{% macro generate_schema_name(custom, node) %}{{ 'qa_' ~ custom if custom else target.schema }}{% endmacro %}");
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: status\n        data_tests:\n" +
                                     "          - accepted_values: {values: [placed, shipped, returned, cancelled, refunded_in_full], config: {store_failures: true}}\n" +
                                     "          - not_null\n");
        Assert.That(p.Run("build").ExitCode, Is.EqualTo(1));
        using var manifest = JsonDocument.Parse(p.Read("target/manifest.json"));
        var tests = manifest.RootElement.GetProperty("nodes").EnumerateObject().Where(n => n.Name.StartsWith("test.", StringComparison.Ordinal))
            .ToDictionary(n => n.Value.GetProperty("name").GetString()!, n => n.Value);
        var stored = tests.Single(t => t.Key.StartsWith("accepted_values_", StringComparison.Ordinal)).Value;
        var alias = stored.GetProperty("alias").GetString()!;
        Assert.That(stored.GetProperty("name").GetString()!.Length, Is.GreaterThan(63));
        Assert.That(alias, Does.Match("^accepted_values_orders_[0-9a-f]{32}$"), "dbt's short name: the test and model names (30 characters at most) and an md5");
        Assert.That(stored.GetProperty("schema").GetString(), Is.EqualTo("qa_dbt_test__audit"));
        Assert.That(stored.GetProperty("relation_name").GetString(), Is.EqualTo($"\"qa_dbt_test__audit\".\"{alias}\""));
        Assert.That(tests["not_null_orders_status"].GetProperty("relation_name").ValueKind, Is.EqualTo(JsonValueKind.Null), "a test that stores nothing has no relation");
        Assert.That(p.Query($"select value_field from qa_dbt_test__audit.\"{alias}\"").Select(r => r[0]), Is.EqualTo(new[] { "lost" }));
    }

    [Test]
    public void A_wrong_store_failures_as_is_a_config_error_at_its_line()
    {
        using var p = WithModels();
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: status\n        data_tests:\n" +
                                     "          - not_null:\n              config:\n                store_failures_as: temporary\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("models/schema.yml:7:").And.Contain("'temporary' is not a valid value for `store_failures_as`"));
        Assert.That(!p.Exists("target/test.duckdb") || p.Relations().Count == 0, Is.True, "nothing was built");
    }

    [Test]
    public void Excluding_a_model_excludes_its_tests()
    {
        using var p = WithModels();
        p.Write("models/schema.yml", """
            version: 2
            models:
              - name: orders
                columns:
                  - name: customer_id
                    data_tests: [not_null, {relationships: {to: ref('customers'), field: id}}]
              - name: customers
                columns:
                  - name: id
                    data_tests: [unique]
            """);
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        // As dbt documents: `test --exclude orders` runs every test but those associated with orders.
        var r = p.Run("test", "--exclude", "orders");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("unique_customers_id"));
        Assert.That(r.Out, Does.Not.Contain("not_null_orders_customer_id").And.Not.Contain("relationships_orders_customer_id"));
        Assert.That(r.Out, Does.Contain("TOTAL=1"));
    }

    [Test]
    public void Tags_and_enabled_select_tests()
    {
        using var p = WithModels();
        p.Write("models/schema.yml", """
            version: 2
            models:
              - name: orders
                columns:
                  - name: id
                    data_tests:
                      - unique: {config: {tags: [keys]}}
                      - not_null: {config: {enabled: false}}
            """);
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        var ls = p.Run("ls", "--resource-type", "test", "-o", "name");
        Assert.That(ls.Out.Trim(), Is.EqualTo("unique_orders_id"));
        Assert.That(p.Run("ls", "-s", "tag:keys", "-o", "name").Out.Trim(), Is.EqualTo("unique_orders_id"));
    }

    [Test]
    public void Unknown_test_and_unknown_argument_are_user_errors()
    {
        using var p = WithModels();
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - uniqe\n");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("models/schema.yml:7:13: error: unknown test 'uniqe'. Did you mean 'unique'?"));
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - accepted_values: {valuez: [1]}\n");
        r = p.Run("parse");
        Assert.That(r.Err, Does.Contain("models/schema.yml:7:13: error: test 'accepted_values' has no argument 'valuez'"));
    }

    [Test]
    public void A_warning_test_does_not_stop_build()
    {
        using var p = new TestProject();
        p.Write("models/raw.sql", "{{ config(materialized='table') }}select * from (values (1), (1)) t(id)");
        p.Write("models/child.sql", "select * from {{ ref('raw') }}");
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: raw\n    columns:\n      - name: id\n        data_tests:\n          - unique: {config: {severity: warn}}\n");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "raw", "child" }));
        Assert.That(r.Out, Does.Contain("Done. PASS=2 WARN=1 ERROR=0 SKIP=0 TOTAL=3"));
    }

    [Test]
    public void Source_tests_and_freshness_pass_warn_and_error_with_a_fixed_clock()
    {
        using var p = new TestProject();
        p.Write("models/loaders.sql", "{{ config(materialized='table', alias='fresh') }}select 1 as id, timestamp '2024-01-10 11:30:00' as loaded_at");
        p.Write("models/loader2.sql", "{{ config(materialized='table', alias='warm') }}select 1 as id, timestamp '2024-01-10 09:00:00' as loaded_at");
        p.Write("models/loader3.sql", "{{ config(materialized='table', alias='stale') }}select 1 as id, timestamp '2024-01-08 12:00:00' as loaded_at where true union all select 2, timestamp '2024-01-10 11:00:00' where false");
        p.Write("models/src.yml", """
            version: 2
            sources:
              - name: app
                schema: main
                loaded_at_field: loaded_at
                freshness:
                  warn_after: {count: 2, period: hour}
                  error_after: {count: 1, period: day}
                tables:
                  - name: fresh
                    columns:
                      - name: id
                        data_tests: [unique]
                  - name: warm
                  - name: stale
                  - name: filtered
                    identifier: stale
                    freshness:
                      error_after: {count: 1, period: day}
                      filter: "id > 1"
                  - name: unchecked
                    identifier: stale
                    freshness: null
            """);
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        var r = FreshnessClockTests.FreshnessAt(p, "2024-01-10T12:00:00Z");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Match(@"PASS freshness of app\.fresh: newest loaded_at is 30 minutes old"));
        Assert.That(r.Out, Does.Match(@"WARN freshness of app\.warm: newest loaded_at is 3 hours old \(more than 2 hours\)"));
        Assert.That(r.Out, Does.Match(@"ERROR STALE freshness of app\.stale: newest loaded_at is 2 days old \(more than 1 day\)"));
        Assert.That(r.Out, Does.Match(@"ERROR freshness of app\.filtered"));
        Assert.That(r.Out, Does.Not.Contain("unchecked"));
        var json = JsonDocument.Parse(p.Read("target/sources.json")).RootElement.GetProperty("results");
        var status = json.EnumerateArray().ToDictionary(e => e.GetProperty("unique_id").GetString()!, e => e.GetProperty("status").GetString());
        Assert.That(status, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["source.proj.app.fresh"] = "pass", ["source.proj.app.warm"] = "warn", ["source.proj.app.stale"] = "error", ["source.proj.app.filtered"] = "runtime error",
        }));
        var fresh = json.EnumerateArray().Single(e => e.GetProperty("unique_id").GetString() == "source.proj.app.fresh");
        Assert.That(fresh.GetProperty("max_loaded_at_time_ago_in_s").GetDouble(), Is.EqualTo(1800));

        var t = p.Run("test", "-s", "source:app.fresh");
        Assert.That(t.Out, Does.Match(@"1 of 1 PASS source_unique_app_fresh_id "));
    }
}

public class FreshnessClockTests
{
    /// <summary><c>xform source freshness</c> with the clock set by XFORM_NOW.</summary>
    internal static CliResult FreshnessAt(TestProject p, string nowUtc)
    {
        Environment.SetEnvironmentVariable("XFORM_NOW", nowUtc);
        try { return p.Run("source", "freshness"); }
        finally { Environment.SetEnvironmentVariable("XFORM_NOW", null); }
    }

    [Test]
    public void A_newest_row_in_the_future_warns_that_the_clock_or_the_data_is_off()
    {
        using var p = new TestProject();
        p.Write("models/ahead.sql", "{{ config(materialized='table') }}select timestamp '2024-01-11 12:00:00' as loaded_at");
        p.Write("models/skewed.sql", "{{ config(materialized='table') }}select timestamp '2024-01-10 12:03:00' as loaded_at");
        p.Write("models/src.yml", """
            version: 2
            sources:
              - name: app
                schema: main
                loaded_at_field: loaded_at
                freshness:
                  error_after: {count: 1, period: day}
                tables:
                  - name: ahead
                  - name: skewed
            """);
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        var r = FreshnessClockTests.FreshnessAt(p, "2024-01-10T12:00:00Z");
        Assert.That(r.ExitCode, Is.Zero, "a warning, as dbt's warn, does not fail the command: " + r);
        Assert.That(r.Out, Does.Match(@"WARN freshness of app\.ahead: newest loaded_at is 24 hours in the future \(2024-01-11 12:00:00 against 2024-01-10 12:00:00 UTC here\): the clock of this machine or the data is off"));
        Assert.That(r.Out, Does.Not.Contain("-1440"));
        Assert.That(r.Out, Does.Match(@"PASS freshness of app\.skewed: newest loaded_at is 0 minutes old"), "a few minutes ahead is clock skew");
        Assert.That(r.Out, Does.Contain("Done. PASS=1 WARN=1 ERROR=0 SKIP=0 TOTAL=2"));
        var results = JsonDocument.Parse(p.Read("target/sources.json")).RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(e => e.GetProperty("unique_id").GetString()!, e => e.GetProperty("status").GetString());
        Assert.That(results["source.proj.app.ahead"], Is.EqualTo("warn"));
    }
}

public class BuildGateTests
{
    [Test]
    public void A_test_reading_a_model_and_its_ancestor_does_not_deadlock_build()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", "select 1 as id");
        p.Write("models/b.sql", "select * from {{ ref('a') }}");
        p.Write("models/c.sql", "select * from {{ ref('b') }}");
        p.Write("tests/c_matches_a.sql", "select * from {{ ref('c') }} where id not in (select id from {{ ref('a') }})");
        var run = Task.Run(() => p.Run("build", "--threads", "2"));
        Assert.That(run.Wait(TimeSpan.FromSeconds(60)), "build hung");
        Assert.That(run.Result.ExitCode, Is.Zero, run.Result.ToString());
        Assert.That(run.Result.Out, Does.Contain("Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4"));
    }
}
