using System.Text.Json;

namespace Xform.Cli.Tests;

/// <summary>
/// dbt's unit tests (<c>unit_tests:</c> in YAML) end to end on DuckDB: dict, csv (inline and fixture file) and sql rows for
/// sources and refs, incremental models with <c>this</c> and an is_incremental override, var and env_var overrides, the diff
/// of a failing test and the model it skips in build, test_type selection, ls and manifest.json.
/// </summary>
public class UnitTestTests
{
    const string Sources = """
        version: 2
        sources:
          - name: raw
            tables:
              - name: orders
                # declared columns not given in a unit test's rows are nulls (typed where data_type says)
                columns:
                  - name: id
                  - name: customer_id
                  - name: amount
                  - name: ordered_on
                    data_type: date
        """;

    // Reads a source whose table does not exist: unit tests must not need it.
    const string StgOrders = """
        select
            id,
            customer_id,
            case when amount >= 100 then 'large' when amount > 0 then 'small' else 'refund' end as size,
            amount,
            ordered_on
        from {{ source('raw', 'orders') }}
        """;

    const string Customers = "{{ config(materialized='table') }}\nselect * from (values (10, 'ann'), (11, 'bob')) t(id, name)";

    const string Totals = """
        {{ config(materialized='table') }}
        select c.name, count(*) as orders, sum(o.amount) as total
        from {{ ref('stg_orders') }} o
        join {{ ref('customers') }} c on c.id = o.customer_id
        group by c.name
        """;

    static TestProject Project(string unitTests)
    {
        var p = new TestProject();
        p.Write("models/sources.yml", Sources);
        p.Write("models/stg_orders.sql", StgOrders);
        p.Write("models/customers.sql", Customers);
        p.Write("models/totals.sql", Totals);
        p.Write("models/unit_tests.yml", "version: 2\nunit_tests:\n" + unitTests);
        return p;
    }

    static void NoCrash(CliResult r)
    {
        Assert.That(r.All, Does.Not.Contain("   at "), r.ToString());
        Assert.That(r.All, Does.Not.Contain("internal error"), r.ToString());
    }

    const string DictTests = """
          - name: sizes
            description: amounts fall into three sizes
            model: stg_orders
            given:
              - input: source('raw', 'orders')
                rows:
                  - {id: 1, amount: 150}
                  - {id: 2, amount: 5.5}
                  - {id: 3, amount: -2}
            expect:
              rows:
                - {id: 1, size: large}
                - {id: 2, size: small}
                - {id: 3, size: refund}
          - name: totals_per_customer
            model: totals
            config:
              tags: [money]
            given:
              - input: ref('stg_orders')
                rows:
                  - {id: 1, customer_id: 10, amount: 5}
                  - {id: 2, customer_id: 10, amount: 7}
                  - {id: 3, customer_id: 11, amount: 1}
              - input: ref('customers')
                rows:
                  - {id: 10, name: ann}
                  - {id: 11, name: bob}
            expect:
              rows:
                - {name: ann, orders: 2, total: 12}
                - {name: bob, orders: 1, total: 1}

        """;

    [Test]
    public void Dict_rows_for_a_source_and_refs_pass_without_any_upstream_table()
    {
        using var p = Project(DictTests);
        var r = p.Run("test", "--select", "test_type:unit");
        NoCrash(r);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2"), r.ToString());
        Assert.That(r.Out, Does.Contain("unit_test stg_orders::sizes").Or.Contain("sizes"), r.ToString());
        // nothing was built, and no input table was needed
        Assert.That(p.Relations().Keys, Has.None.AnyOf("stg_orders", "totals", "customers", "orders"));
    }

    [Test]
    public void Unit_tests_are_listed_selected_by_test_type_and_written_to_the_manifest()
    {
        using var p = Project(DictTests);
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: customers\n    columns:\n      - name: id\n        data_tests: [unique]\n");
        var units = p.Run("ls", "--select", "test_type:unit", "--output", "name");
        Assert.That(units.ExitCode, Is.Zero, units.ToString());
        Assert.That(units.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EquivalentTo(new[] { "sizes", "totals_per_customer" }));
        var data = p.Run("ls", "--select", "test_type:data", "--output", "name");
        Assert.That(data.Out.Trim(), Is.EqualTo("unique_customers_id"), data.ToString());
        var byType = p.Run("ls", "--resource-type", "unit_test", "--output", "json");
        Assert.That(byType.Out, Does.Contain("\"resource_type\":\"unit_test\"").And.Contain("unit_test.proj.totals.totals_per_customer"), byType.ToString());
        var tagged = p.Run("ls", "--select", "tag:money", "--output", "name");
        Assert.That(tagged.Out.Trim(), Is.EqualTo("totals_per_customer"), tagged.ToString());

        // `test --select test_type:data` runs the data test only
        Assert.That(p.Run("run", "--select", "customers").ExitCode, Is.Zero);
        var onlyData = p.Run("test", "--select", "test_type:data");
        Assert.That(onlyData.Out, Does.Contain("TOTAL=1").And.Contain("unique_customers_id"), onlyData.ToString());

        using var manifest = JsonDocument.Parse(p.Read("target/manifest.json"));
        var unit = manifest.RootElement.GetProperty("unit_tests").GetProperty("unit_test.proj.stg_orders.sizes");
        Assert.That(unit.GetProperty("model").GetString(), Is.EqualTo("stg_orders"));
        Assert.That(unit.GetProperty("resource_type").GetString(), Is.EqualTo("unit_test"));
        Assert.That(unit.GetProperty("depends_on").GetProperty("nodes")[0].GetString(), Is.EqualTo("model.proj.stg_orders"));
        Assert.That(unit.GetProperty("given")[0].GetProperty("input").GetString(), Is.EqualTo("source('raw', 'orders')"));
        Assert.That(unit.GetProperty("description").GetString(), Is.EqualTo("amounts fall into three sizes"));
        Assert.That(manifest.RootElement.GetProperty("nodes").TryGetProperty("unit_test.proj.stg_orders.sizes", out _), Is.False);
    }

    [Test]
    public void State_modified_selects_a_unit_test_whose_definition_changed()
    {
        using var p = Project(DictTests);
        var compile = p.Run("compile");
        Assert.That(compile.ExitCode, Is.Zero, compile.ToString());
        var state = Path.Combine(p.Dir, "prod-artifacts");
        Directory.CreateDirectory(state);
        File.Copy(Path.Combine(p.Dir, "target", "manifest.json"), Path.Combine(state, "manifest.json"));
        var unchanged = p.Run("ls", "-s", "state:modified", "--state", state, "-o", "name");
        Assert.That(unchanged.ExitCode, Is.Zero, unchanged.ToString());
        Assert.That(unchanged.Out, Does.Contain("'state:modified' does not match any enabled nodes"), unchanged.ToString());
        p.Write("models/unit_tests.yml", p.Read("models/unit_tests.yml").Replace("- {id: 3, size: refund}", "- {id: 3, size: small}"));
        var changed = p.Run("ls", "-s", "state:modified", "--state", state, "-o", "name");
        Assert.That(changed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "sizes" }), changed.ToString());
    }

    [Test]
    public void Csv_inline_csv_fixture_and_sql_rows()
    {
        using var p = Project("""
              - name: inline_csv
                model: stg_orders
                given:
                  - input: source('raw', 'orders')
                    format: csv
                    rows: |
                      id,amount,ordered_on
                      1,150,2024-01-05
                      2,,2024-01-06
                expect:
                  format: csv
                  rows: |
                    id,size,ordered_on
                    1,large,2024-01-05
                    2,refund,2024-01-06
              - name: fixture_csv
                model: stg_orders
                given:
                  - input: source('raw', 'orders')
                    format: csv
                    fixture: raw_orders
                expect:
                  format: csv
                  fixture: sizes_expected
              - name: sql_rows
                model: totals
                given:
                  - input: ref('stg_orders')
                    format: sql
                    rows: |
                      select 1 as id, 10 as customer_id, 2.5 as amount
                      union all select 2, 10, 2.5
                  - input: ref('customers')
                    format: sql
                    rows: select 10 as id, 'ann' as name
                expect:
                  format: sql
                  rows: select 'ann' as name, 5.0 as total

            """);
        p.Write("tests/fixtures/raw_orders.csv", "id,customer_id,amount\n7,10,100\n8,10,0.5\n");
        p.Write("tests/fixtures/sizes_expected.csv", "id,size\n7,large\n8,small\n");
        var r = p.Run("test");
        NoCrash(r);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3"), r.ToString());
        // the compiled SQL of a unit test reads its rows from CTEs, not from the source
        var compiled = p.Read("target/compiled/proj/models/unit_tests.yml/stg_orders/fixture_csv.sql");
        Assert.That(compiled, Does.Contain("__dbt__cte__raw_orders").And.Not.Contain("\"raw\".\"orders\""));
    }

    [Test]
    public void A_failing_unit_test_prints_the_differing_rows_and_build_skips_its_model_and_children()
    {
        using var p = Project("""
              - name: wrong_sizes
                model: stg_orders
                given:
                  - input: source('raw', 'orders')
                    rows:
                      - {id: 1, amount: 150}
                      - {id: 2, amount: 5}
                expect:
                  rows:
                    - {id: 1, size: large}
                    - {id: 2, size: large}

            """);
        var r = p.Run("build");
        NoCrash(r);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Err, Does.Contain("Failure in unit_test wrong_sizes (models/unit_tests.yml)"), r.ToString());
        Assert.That(r.Err, Does.Contain("actual differs from expected"), r.ToString());
        Assert.That(r.Err, Does.Match(@"\+\+\+ \| 2\s+\| small"), r.ToString());
        Assert.That(r.Err, Does.Match(@"--- \| 2\s+\| large"), r.ToString());
        Assert.That(r.Err, Does.Match(@"@@\s+\| id \| size"), r.ToString());
        // the matching row is not part of the diff
        Assert.That(r.Err, Does.Not.Match(@"\| 1\s+\| large"), r.ToString());
        Assert.That(r.Out, Does.Contain("FAIL 2"), r.ToString());
        // stg_orders and totals (built on it) are skipped; customers, which does not read it, is built
        Assert.That(r.Out, Does.Contain("SKIP=2"), r.ToString());
        Assert.That(p.Relations().Keys, Has.Member("customers").And.No.Member("stg_orders").And.No.Member("totals"));
    }

    [Test]
    public void Incremental_model_with_this_and_the_is_incremental_override()
    {
        using var p = new TestProject();
        p.Write("models/sources.yml", Sources);
        p.Write("models/events.sql", """
            {{ config(materialized='incremental', unique_key='id') }}
            select id, amount, ordered_on from {{ source('raw', 'orders') }}
            {% if is_incremental() %}
            where ordered_on > (select max(ordered_on) from {{ this }})
            {% endif %}
            """);
        p.Write("models/unit_tests.yml", """
            version: 2
            unit_tests:
              - name: only_new_rows
                model: events
                overrides:
                  macros:
                    is_incremental: true
                given:
                  - input: source('raw', 'orders')
                    rows:
                      - {id: 1, ordered_on: 2024-01-01}
                      - {id: 2, ordered_on: 2024-01-03}
                  - input: this
                    rows:
                      - {id: 1, ordered_on: 2024-01-02}
                expect:
                  rows:
                    - {id: 2, ordered_on: 2024-01-03}
              - name: full_refresh
                model: events
                overrides:
                  macros:
                    is_incremental: false
                given:
                  - input: source('raw', 'orders')
                    rows:
                      - {id: 1, ordered_on: 2024-01-01}
                      - {id: 2, ordered_on: 2024-01-03}
                expect:
                  rows:
                    - {id: 1}
                    - {id: 2}
            """);
        var r = p.Run("test");
        NoCrash(r);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("PASS=2"), r.ToString());

        // expecting the old row too fails: the incremental branch really filtered it out
        var yaml = p.Read("models/unit_tests.yml");
        var changed = yaml.Replace("    expect:\n      rows:\n        - {id: 2, ordered_on: 2024-01-03}\n",
            "    expect:\n      rows:\n        - {id: 1, ordered_on: 2024-01-01}\n        - {id: 2, ordered_on: 2024-01-03}\n");
        Assert.That(changed, Is.Not.EqualTo(yaml));
        p.Write("models/unit_tests.yml", changed);
        var failing = p.Run("test", "--select", "only_new_rows");
        Assert.That(failing.ExitCode, Is.EqualTo(1), failing.ToString());
        Assert.That(failing.Err, Does.Match(@"--- \| 1\s+\| 2024-01-01"), failing.ToString());
    }

    [Test]
    public void Vars_and_env_vars_overrides()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nvars:\n  region: eu\n");
        p.Write("models/sources.yml", Sources);
        p.Write("models/tagged.sql",
            "select id, '{{ var(\"region\") }}' as region, '{{ env_var(\"XFORM_UNIT_TEST_ENV\", \"none\") }}' as env from {{ source('raw', 'orders') }}");
        p.Write("models/unit_tests.yml", """
            version: 2
            unit_tests:
              - name: overridden
                model: tagged
                overrides:
                  vars: {region: us}
                  env_vars: {XFORM_UNIT_TEST_ENV: staging}
                given:
                  - input: source('raw', 'orders')
                    rows: [{id: 1}]
                expect:
                  rows: [{id: 1, region: us, env: staging}]
              - name: defaults
                model: tagged
                given:
                  - input: source('raw', 'orders')
                    rows: [{id: 1}]
                expect:
                  rows: [{id: 1, region: eu, env: none}]
            """);
        var r = p.Run("test");
        NoCrash(r);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("PASS=2"), r.ToString());
    }

    [Test]
    public void Columns_not_given_take_the_existing_upstream_types()
    {
        // month() needs a date: the rows give no ordered_on, so its null must be typed as the built upstream's column
        using var p = new TestProject();
        p.Write("models/base.sql", "{{ config(materialized='table') }}\nselect 1 as id, date '2024-01-01' as ordered_on");
        p.Write("models/months.sql", "select id, month(ordered_on) as m from {{ ref('base') }}");
        p.Write("models/unit_tests.yml", """
            version: 2
            unit_tests:
              - name: month_of_null
                model: months
                given:
                  - input: ref('base')
                    rows: [{id: 5}]
                expect:
                  rows: [{id: 5, m: null}]
            """);
        var run = p.Run("run", "--select", "base");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var r = p.Run("test");
        NoCrash(r);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("target/compiled/proj/models/unit_tests.yml/months/month_of_null.sql"), Does.Contain("cast(null as DATE)"));
    }

    [TestCase("""
          - name: t
            model: totals
            given:
              - input: ref('stg_orders')
                rows: [{id: 1}]
            expect:
              rows: []
        """, "models/unit_tests.yml:3:5: error: unit test 't' gives no rows for ref('customers'), which model 'totals' reads: add it under 'given'")]
    [TestCase("""
          - name: t
            model: totalz
            given: []
            expect:
              rows: []
        """, "models/unit_tests.yml:4:12: error: unit test 't' tests model 'totalz', which is not a model of this project. Did you mean 'totals'?")]
    [TestCase("""
          - name: t
            model: stg_orders
            given:
              - input: source('raw', 'orders')
                format: csv
                fixture: nowhere
            expect:
              rows: []
        """, "models/unit_tests.yml:8:18: error: fixture 'nowhere' of input source('raw', 'orders') of unit test 't' is not a file")]
    [TestCase("""
          - name: t
            model: stg_orders
            given:
              - input: ref('customers')
                rows: []
            expect:
              rows: []
        """, "models/unit_tests.yml:6:16: error: unit test 't' gives rows for ref('customers'), which model 'stg_orders' does not read")]
    public void Mistakes_are_located_errors(string yaml, string message)
    {
        using var p = Project(yaml);
        var r = p.Run("test");
        NoCrash(r);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain(message), r.ToString());
    }
}
