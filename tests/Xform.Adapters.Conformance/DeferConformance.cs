using System.Text.Json.Nodes;

namespace Xform.Adapters.Conformance;

/// <summary>
/// The CI recipe of the README on each engine: production built by the <c>prod</c> output, its artifacts kept, one
/// intermediate model changed, then <c>build -s state:modified+ --defer --state ... -t ci</c> into the pull request's own
/// target (DuckDB: a file of its own; PostgreSQL: a schema of its own).
/// </summary>
public abstract class DeferConformance : ConformanceFixture
{
    const string ChangedTotals = "{{ config(materialized='table') }}\nselect customer_id, sum(amount) as revenue from {{ ref('stg_orders') }}\n" +
                                 "where status in ('done', 'shipped') group by customer_id\n";

    ConformanceProject Shop()
    {
        var p = NewProject();
        p.UseProdAndCi();
        p.Write("seeds/raw_orders.csv", "id,customer_id,amount,status\n1,1,10.50,done\n2,1,5.25,shipped\n3,2,7.00,done\n4,3,3.10,cancelled\n5,3,8.40,shipped\n");
        p.Write("seeds/raw_customers.csv", "id,name\n1,Ann\n2,Bob\n3,Cid\n");
        p.Write("models/staging/stg_orders.sql", "select id as order_id, customer_id, amount, status from {{ ref('raw_orders') }}\n");
        p.Write("models/staging/stg_customers.sql", "select id as customer_id, name from {{ ref('raw_customers') }}\n");
        p.Write("models/intermediate/int_customer_totals.sql",
            "{{ config(materialized='table') }}\nselect customer_id, sum(amount) as revenue from {{ ref('stg_orders') }}\nwhere status = 'done' group by customer_id\n");
        p.Write("models/intermediate/int_order_counts.sql",
            "{{ config(materialized='table') }}\nselect customer_id, count(*) as orders from {{ ref('stg_orders') }} group by customer_id\n");
        p.Write("models/marts/fct_customers.sql", """
            {{ config(materialized='table') }}
            select c.customer_id, c.name, coalesce(t.revenue, 0) as revenue, coalesce(n.orders, 0) as orders
            from {{ ref('stg_customers') }} c
            left join {{ ref('int_customer_totals') }} t on t.customer_id = c.customer_id
            left join {{ ref('int_order_counts') }} n on n.customer_id = c.customer_id
            """);
        p.Write("models/marts/rpt_revenue.sql",
            "{{ config(materialized='table') }}\nselect sum(revenue) as revenue, count(*) as customers from {{ ref('fct_customers') }}\n");
        p.Write("models/schema.yml", """
            models:
              - name: int_customer_totals
                columns:
                  - name: customer_id
                    data_tests: [unique]
              - name: fct_customers
                columns:
                  - name: customer_id
                    data_tests: [unique, not_null, {relationships: {to: ref('stg_customers'), field: customer_id}}]
            """);
        return p;
    }

    /// <summary>Builds production and keeps its artifacts, as CI restores them from main's last run.</summary>
    static string BuildProduction(ConformanceProject p)
    {
        p.Ok("build", "-t", "prod");
        var state = Path.Combine(p.Dir, "prod-artifacts");
        Directory.CreateDirectory(state);
        foreach (var file in new[] { "manifest.json", "run_results.json" })
            File.Copy(Path.Combine(p.Dir, "target", file), Path.Combine(state, file));
        return state;
    }

    /// <summary>Every relation of a schema with its rows, as text in a stable order: to see that nothing in it changed.</summary>
    static SortedDictionary<string, string> Contents(ConformanceProject p, string? output, string schema)
    {
        p.Output = output;
        try
        {
            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in p.Relations(schema).Keys)
                result[name] = Rows(p, name, schema);
            return result;
        }
        finally
        {
            p.Output = null;
        }
    }

    static string Rows(ConformanceProject p, string name, string schema) =>
        string.Join("\n", p.QueryRows($"select * from {p.Rel(name, schema)}")
            .Select(r => string.Join("|", r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))
            .OrderBy(x => x, StringComparer.Ordinal));

    static string[] Executed(ConformanceProject p) =>
        JsonNode.Parse(p.Read("target/run_results.json"))!["results"]!.AsArray()
            .Select(r => r!["unique_id"]!.GetValue<string>()).OrderBy(x => x, StringComparer.Ordinal).ToArray();

    [Test]
    public void A_pull_request_builds_what_changed_in_its_own_target_and_reads_the_rest_from_production()
    {
        var p = Shop();
        var state = BuildProduction(p);
        var ciSchema = Target.CiSchema(p.Schema);
        var production = Contents(p, null, p.Schema);
        Assert.That(production.Keys, Is.EqualTo(new[] { "fct_customers", "int_customer_totals", "int_order_counts", "raw_customers", "raw_orders", "rpt_revenue", "stg_customers", "stg_orders" }));

        p.Write("models/intermediate/int_customer_totals.sql", ChangedTotals);
        p.Ok("build", "-s", "state:modified+", "--defer", "--state", state, "-t", "ci");

        var executed = Executed(p);
        Assert.That(executed.Where(id => !id.StartsWith("test.", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "model.proj.fct_customers", "model.proj.int_customer_totals", "model.proj.rpt_revenue" }), "the changed model and its descendants");
        Assert.That(executed.Count(id => id.StartsWith("test.", StringComparison.Ordinal)), Is.EqualTo(4), "their tests: " + string.Join(", ", executed));
        var pullRequest = Contents(p, "ci", ciSchema);
        Assert.That(pullRequest.Keys, Is.EqualTo(new[] { "fct_customers", "int_customer_totals", "rpt_revenue" }), "nothing else is built in the ci target");

        // The unchanged parent is named fully, where production's manifest says it is.
        var prodManifest = JsonNode.Parse(File.ReadAllText(Path.Combine(state, "manifest.json")))!;
        var database = prodManifest["nodes"]!["model.proj.stg_orders"]!["database"]!.GetValue<string>();
        var quoted = p.With((a, _) => $"{a.Quote(database)}.{a.Quote(p.Schema)}.{a.Quote("stg_orders")}");
        Assert.That(p.Read("target/compiled/proj/models/intermediate/int_customer_totals.sql"), Does.Contain(quoted));

        Assert.That(Contents(p, null, p.Schema), Is.EqualTo(production), "production is untouched");

        // The pull request's results are those of a full build of the changed project.
        p.Ok("build", "-t", "ci", "--full-refresh");
        var full = Contents(p, "ci", ciSchema);
        Assert.That(pullRequest["fct_customers"], Is.EqualTo(full["fct_customers"]));
        Assert.That(pullRequest["rpt_revenue"], Is.EqualTo(full["rpt_revenue"]));
        Assert.That(pullRequest["int_customer_totals"], Is.EqualTo(full["int_customer_totals"]));
        Assert.That(pullRequest["fct_customers"], Is.Not.EqualTo(production["fct_customers"]), "the change shows");
        Assert.That(Contents(p, null, p.Schema), Is.EqualTo(production), "production is still untouched");
    }

    [Test]
    public void A_production_relation_that_is_missing_is_named_before_anything_runs()
    {
        var p = Shop();
        var state = BuildProduction(p);
        p.With((a, c) => { c.Execute($"drop table {a.Quote(p.Schema)}.{a.Quote("int_order_counts")}"); return 0; });
        p.Write("models/intermediate/int_customer_totals.sql", ChangedTotals);

        var r = p.Run("build", "-s", "state:modified+", "--defer", "--state", state, "-t", "ci");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("--defer reads a relation of the --state run").And.Contain("that does not exist: ")
            .And.Contain($".{p.Schema}.int_order_counts (model.proj.int_order_counts) in "), r.ToString());
        Assert.That(r.Out, Does.Not.Contain("START"), "nothing ran");
        Assert.That(Contents(p, "ci", Target.CiSchema(p.Schema)), Is.Empty);
    }
}
