using System.Text.Json;
using System.Text.RegularExpressions;

namespace Xform.Adapters.Conformance;

/// <summary>Every generic test (pass and fail, with counts), store_failures, build gating, source freshness.</summary>
public abstract class DataTestConformance : ConformanceFixture
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

    ConformanceProject WithModels()
    {
        var p = NewProject();
        p.Write("models/orders.sql", Orders);
        p.Write("models/customers.sql", Customers);
        p.Write("models/empty.sql", "select 1 as id where 1 = 0");
        return p;
    }

    (string Status, int Failures, CliResult Result) One(string model, string? column, string testYaml)
    {
        var p = WithModels();
        var yaml = column is null
            ? $"version: 2\nmodels:\n  - name: {model}\n    data_tests:\n      - {testYaml}\n"
            : $"version: 2\nmodels:\n  - name: {model}\n    columns:\n      - name: {column}\n        data_tests:\n          - {testYaml}\n";
        p.Write("models/schema.yml", yaml);
        p.Ok("run");
        var r = p.Run("test");
        var m = Regex.Match(r.Out, @"1 of 1 (PASS|FAIL|WARN)(?: (\d+))? ");
        Assert.That(m.Success, r.ToString());
        var status = m.Groups[1].Value;
        Assert.That(r.ExitCode, Is.EqualTo(status == "FAIL" ? 1 : 0), r.ToString());
        return (status, m.Groups[2].Success ? int.Parse(m.Groups[2].Value) : 0, r);
    }

    [TestCase("orders", "customer_id", "not_null", "FAIL", 1)]
    [TestCase("customers", "id", "not_null", "PASS", 0)]
    [TestCase("orders", "id", "unique", "FAIL", 1)]
    [TestCase("customers", "id", "unique", "PASS", 0)]
    [TestCase("orders", "status", "accepted_values: {values: [placed, shipped]}", "FAIL", 2)]
    [TestCase("orders", "status", "accepted_values: {values: [placed, shipped, lost, returned]}", "PASS", 0)]
    [TestCase("orders", "id", "accepted_values: {values: [1, 2, 3, 5], quote: false}", "PASS", 0)]
    [TestCase("orders", "customer_id", "relationships: {to: \"ref('customers')\", field: id}", "FAIL", 1)]
    [TestCase("orders", "customer_id", "relationships: {to: \"ref('customers')\", field: id, config: {where: \"customer_id <> 99\"}}", "PASS", 0)]
    [TestCase("orders", "amount", "accepted_range: {min_value: 0}", "FAIL", 1)]
    [TestCase("orders", "amount", "dbt_utils.accepted_range: {min_value: -1, max_value: 300}", "PASS", 0)]
    [TestCase("orders", "amount", "accepted_range: {min_value: -1, max_value: 300, inclusive: false}", "FAIL", 2)]
    [TestCase("orders", null, "expression_is_true: {expression: 'amount < 100'}", "FAIL", 1)]
    [TestCase("orders", "amount", "expression_is_true: {expression: '> -5'}", "PASS", 0)]
    [TestCase("orders", null, "unique_combination_of_columns: {combination_of_columns: [id, status]}", "PASS", 0)]
    [TestCase("orders", null, "unique_combination_of_columns: {combination_of_columns: [id]}", "FAIL", 1)]
    [TestCase("empty", null, "not_empty", "FAIL", 1)]
    [TestCase("orders", null, "not_empty", "PASS", 0)]
    [TestCase("orders", "customer_id", "at_least_one", "PASS", 0)]
    [TestCase("empty", "id", "at_least_one", "FAIL", 1)]
    [TestCase("orders", null, "equal_rowcount: {compare_model: \"ref('customers')\"}", "FAIL", 1)]
    [TestCase("orders", null, "equal_rowcount: {compare_model: \"ref('orders')\"}", "PASS", 0)]
    [TestCase("orders", null, "recency: {field: ordered_on, datepart: day, interval: 1}", "FAIL", 1)]
    [TestCase("orders", null, "recency: {field: ordered_on, datepart: year, interval: 100}", "PASS", 0)]
    [TestCase("orders", "customer_id", "not_null: {config: {severity: warn}}", "WARN", 1)]
    [TestCase("orders", "customer_id", "not_null: {config: {error_if: '>1'}}", "WARN", 1)]
    [TestCase("orders", "status", "accepted_values: {values: [x], limit: 2}", "FAIL", 2)]
    public void Generic_test(string model, string? column, string test, string status, int failures)
    {
        var (s, f, r) = One(model, column, test);
        Assert.That((s, f), Is.EqualTo((status, failures)), r.ToString());
    }

    /// <summary>What <see cref="Generic_test"/> finds for each alone, all in one project, so the tests are counted together.</summary>
    const string ManyTests = """
        version: 2
        models:
          - name: orders
            data_tests:
              - unique_combination_of_columns: {combination_of_columns: [id]}
              - expression_is_true: {expression: 'amount < 100'}
              - not_empty
            columns:
              - name: id
                data_tests: [unique]
              - name: customer_id
                data_tests:
                  - not_null: {config: {severity: warn}}
                  - relationships: {to: "ref('customers')", field: id, config: {where: "customer_id <> 99"}}
              - name: status
                data_tests:
                  - accepted_values: {values: [x], limit: 2}
                  - accepted_values: {values: [placed, shipped, lost, returned]}
              - name: amount
                data_tests:
                  - accepted_range: {min_value: -1, max_value: 300, inclusive: false}
          - name: customers
            columns:
              - name: id
                data_tests: [unique, not_null]
        """;

    static readonly Dictionary<string, string> ManyTestsResults = new()
    {
        ["unique_combination_of_columns_orders_id"] = "FAIL 1",
        ["expression_is_true_orders_amount_100"] = "FAIL 1",
        ["not_empty_orders_"] = "PASS",
        ["unique_orders_id"] = "FAIL 1",
        ["not_null_orders_customer_id"] = "WARN 1",
        ["relationships_orders_customer_id__id__ref_customers_"] = "PASS",
        ["accepted_values_orders_status__x"] = "FAIL 2",
        ["accepted_values_orders_status__placed__shipped__lost__returned"] = "PASS",
        ["accepted_range_orders_amount__False__300___1"] = "FAIL 2",
        ["unique_customers_id"] = "PASS",
        ["not_null_customers_id"] = "PASS",
    };

    static Dictionary<string, string> Statuses(CliResult r) =>
        Regex.Matches(r.Out, @"\d+ of \d+ (PASS|FAIL|WARN|ERROR)( \d+)?(?: creating test)? (\S+) ").ToDictionary(m => m.Groups[3].Value, m => m.Groups[1].Value + m.Groups[2].Value);

    [Test]
    public void Tests_counted_in_one_query_keep_each_its_own_result()
    {
        var p = WithModels();
        p.Write("models/schema.yml", ManyTests);
        p.Ok("run");
        // one worker takes every ready test at once
        var r = p.Run("test", "--threads", "1", "--debug");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("11 data tests in one query"), r.ToString());
        var statuses = Statuses(r);
        Assert.That(statuses.Keys.Select(k => ManyTestsResults.Keys.FirstOrDefault(k.StartsWith) ?? k), Is.EquivalentTo(ManyTestsResults.Keys), r.ToString());
        foreach (var (name, status) in statuses)
            Assert.That(status, Is.EqualTo(ManyTestsResults[ManyTestsResults.Keys.First(name.StartsWith)]), name);
        Assert.That(r.Out, Does.Contain("Done. PASS=5 WARN=1 ERROR=5 SKIP=0"), r.ToString());
    }

    [Test]
    public void A_test_that_fails_to_run_among_others_gets_its_own_error_and_the_others_their_results()
    {
        var p = WithModels();
        p.Write("models/schema.yml", ManyTests + "\n      - name: no_such_column\n        data_tests: [not_null]\n");
        p.Ok("run");
        var r = p.Run("test", "--threads", "1");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        var statuses = Statuses(r);
        Assert.That(statuses.ContainsKey("not_null_customers_no_such_column"), r.ToString());
        Assert.That(statuses["not_null_customers_id"], Is.EqualTo("PASS"), r.ToString());
        Assert.That(statuses["unique_orders_id"], Is.EqualTo("FAIL 1"), r.ToString());
        Assert.That(statuses["not_null_customers_no_such_column"], Is.EqualTo("ERROR"), r.ToString());
        Assert.That(r.Out + r.Err, Does.Contain("no_such_column"), r.ToString());
        Assert.That(r.Out, Does.Contain("Done. PASS=5 WARN=1 ERROR=6 SKIP=0"), r.ToString());
    }

    [Test]
    public void Store_failures_keeps_the_failing_rows_and_says_where()
    {
        var p = WithModels();
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: status\n        data_tests:\n          - accepted_values: {values: [placed], config: {store_failures: true}}\n");
        p.Ok("run");
        var audit = $"{p.Schema}_dbt_test__audit";
        for (var i = 0; i < 2; i++) // the second run replaces the stored rows
        {
            var r = p.Run("test");
            Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
            Assert.That(r.Err, Does.Contain($"failing rows stored in {audit}.accepted_values_orders_status__placed"));
            var stored = p.QueryRows($"select value_field from {p.Rel("accepted_values_orders_status__placed", audit)} order by 1").Select(x => x[0]);
            Assert.That(stored, Is.EqualTo(new[] { "lost", "returned", "shipped" }));
        }
    }

    [Test]
    public void Singular_tests_select_failing_rows()
    {
        var p = WithModels();
        p.Write("tests/big_orders.sql", "select * from {{ ref('orders') }} where amount > 100");
        p.Write("tests/fine.sql", "{{ config(severity='warn') }}\nselect * from {{ ref('orders') }} where amount > 1000");
        p.Ok("run");
        var r = p.Run("test");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Match(@"FAIL 1 big_orders "));
        Assert.That(r.Out, Does.Match(@"PASS fine "));
    }

    [Test]
    public void Build_skips_exactly_the_descendants_of_a_failing_test()
    {
        var p = NewProject();
        p.Write("models/raw.sql", "{{ config(materialized='table') }}select * from (values (1), (1), (2)) t(id)");
        p.Write("models/child.sql", "select * from {{ ref('raw') }}");
        p.Write("models/grandchild.sql", "select * from {{ ref('child') }}");
        p.Write("models/other.sql", "select 1 as id");
        p.Write("models/other_child.sql", "select * from {{ ref('other') }}");
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: raw\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n  - name: other\n    columns:\n      - name: id\n        data_tests: [unique]\n");
        var r = p.Run("build", "--threads", "2");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "raw", "other", "other_child" }), r.ToString());
        Assert.That(r.Out, Does.Match($@"SKIP sql view model {p.Schema}\.child "), r.ToString());
        Assert.That(r.Out, Does.Match($@"SKIP sql view model {p.Schema}\.grandchild "), r.ToString());
        Assert.That(r.Out, Does.Match(@"PASS not_null_raw_id "), r.ToString());
        Assert.That(r.Out, Does.Contain("Done. PASS=5 WARN=0 ERROR=1 SKIP=2 TOTAL=8"), r.ToString());
    }

    [Test]
    public void Source_freshness_passes_warns_and_errors_with_a_fixed_clock()
    {
        var p = NewProject();
        p.Write("models/loaders.sql", "{{ config(materialized='table', alias='fresh') }}select 1 as id, timestamp '2024-01-10 11:30:00' as loaded_at");
        p.Write("models/loader2.sql", "{{ config(materialized='table', alias='warm') }}select 1 as id, timestamp '2024-01-10 09:00:00' as loaded_at");
        p.Write("models/loader3.sql", "{{ config(materialized='table', alias='stale') }}select 1 as id, timestamp '2024-01-08 12:00:00' as loaded_at union all select 2, timestamp '2024-01-10 11:00:00' where 1 = 0");
        p.Write("models/src.yml", $$"""
            version: 2
            sources:
              - name: app
                schema: {{p.Schema}}
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
        p.Ok("run");
        CliResult r = null!;
        WithClock("2024-01-10T12:00:00Z", () => r = p.Run("source", "freshness"));
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
        Assert.That(t.Out, Does.Match(@"1 of 1 PASS source_unique_app_fresh_id "), t.ToString());
    }
}
