using System.Text.Json.Nodes;

namespace Xform.Adapters.Conformance;

/// <summary>
/// <c>xform clone --state</c> on each engine, as dbt's clone: production built by the <c>prod</c> output, then its relations
/// put in the <c>ci</c> target (DuckDB: another file, so copies that outlive the run's attachment; PostgreSQL: another
/// schema, so views over production). Relations the target has are kept unless <c>--full-refresh</c>.
/// </summary>
public abstract class CloneConformance : ConformanceFixture
{
    ConformanceProject Shop()
    {
        var p = NewProject();
        p.UseProdAndCi();
        p.Write("seeds/raw_orders.csv", "id,customer_id,amount\n1,1,10.50\n2,1,5.25\n3,2,7.00\n");
        p.Write("models/stg_orders.sql", "select id as order_id, customer_id, amount from {{ ref('raw_orders') }}\n");
        p.Write("models/orders_eph.sql", "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('stg_orders') }}\n");
        p.Write("models/customer_totals.sql",
            "{{ config(materialized='table') }}\nselect customer_id, sum(amount) as revenue from {{ ref('orders_eph') }} group by customer_id\n");
        p.Write("models/orders_inc.sql", "{{ config(materialized='incremental', unique_key='order_id') }}\nselect * from {{ ref('stg_orders') }}\n");
        return p;
    }

    static string BuildProduction(ConformanceProject p)
    {
        p.Ok("build", "-t", "prod");
        var state = Path.Combine(p.Dir, "prod-artifacts");
        Directory.CreateDirectory(state);
        File.Copy(Path.Combine(p.Dir, "target", "manifest.json"), Path.Combine(state, "manifest.json"));
        return state;
    }

    string Rows(ConformanceProject p, string name, string schema) =>
        string.Join("\n", p.QueryRows($"select * from {p.Rel(name, schema)}")
            .Select(r => string.Join("|", r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))
            .OrderBy(x => x, StringComparer.Ordinal));

    T InCi<T>(ConformanceProject p, Func<T> read)
    {
        p.Output = "ci";
        try { return read(); }
        finally { p.Output = null; }
    }

    /// <summary>What clone makes of a production relation on this engine: a copy of another DuckDB file, else a view over it.</summary>
    string Cloned => Target.Type == "duckdb" ? "table" : "view";

    [Test]
    public void Clone_puts_every_production_relation_in_the_ci_target()
    {
        var p = Shop();
        var state = BuildProduction(p);
        var ci = Target.CiSchema(p.Schema);
        var r = p.Ok("clone", "--state", state, "-t", "ci");
        Assert.That(r.Out, Does.Contain("OK clone model ").And.Contain("Done. PASS=4 "), r.ToString());

        var relations = InCi(p, () => p.Relations(ci));
        Assert.That(relations, Is.EqualTo(new Dictionary<string, string>
        {
            ["customer_totals"] = Cloned, ["orders_inc"] = Cloned, ["raw_orders"] = Cloned, ["stg_orders"] = Cloned,
        }), "every model, seed and snapshot with a relation; the ephemeral model has none");
        foreach (var name in relations.Keys)
            Assert.That(InCi(p, () => Rows(p, name, ci)), Is.EqualTo(Rows(p, name, p.Schema)), $"{name} has production's rows");

        var results = JsonNode.Parse(p.Read("target/run_results.json"))!["results"]!.AsArray();
        Assert.That(results.Select(x => x!["unique_id"]!.GetValue<string>()).Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { "model.proj.customer_totals", "model.proj.orders_inc", "model.proj.stg_orders", "seed.proj.raw_orders" }));
        Assert.That(results.Select(x => x!["status"]!.GetValue<string>()), Is.All.EqualTo("success"));
    }

    [Test]
    public void A_relation_the_target_has_is_kept_unless_full_refresh()
    {
        var p = Shop();
        var state = BuildProduction(p);
        var ci = Target.CiSchema(p.Schema);
        // The pull request built its own customer_totals (a changed model) before cloning the rest.
        p.Write("models/customer_totals.sql", "{{ config(materialized='table') }}\nselect customer_id, 0 as revenue from {{ ref('orders_eph') }} group by customer_id\n");
        p.Ok("build", "-t", "ci");
        var own = InCi(p, () => Rows(p, "customer_totals", ci));

        var kept = p.Ok("clone", "--state", state, "-t", "ci", "-s", "customer_totals");
        Assert.That(kept.Out, Does.Contain("already exists: kept (--full-refresh replaces it)"), kept.ToString());
        Assert.That(InCi(p, () => Rows(p, "customer_totals", ci)), Is.EqualTo(own));

        p.Ok("clone", "--state", state, "-t", "ci", "-s", "customer_totals", "--full-refresh");
        Assert.That(InCi(p, () => Rows(p, "customer_totals", ci)), Is.EqualTo(Rows(p, "customer_totals", p.Schema)), "production's version replaced it");
        Assert.That(InCi(p, () => p.Relations(ci))["customer_totals"], Is.EqualTo(Cloned));
    }

    [Test]
    public void A_model_production_never_built_is_left_alone_and_a_missing_relation_is_named_before_anything_runs()
    {
        var p = Shop();
        var state = BuildProduction(p);
        p.Write("models/brand_new.sql", "select 1 as id\n");
        var r = p.Ok("clone", "--state", state, "-t", "ci", "-s", "brand_new");
        Assert.That(r.Out, Does.Contain("no relation in the --state manifest: nothing to clone"), r.ToString());

        p.With((a, c) => { c.Execute($"drop table {a.Quote(p.Schema)}.{a.Quote("customer_totals")}"); return 0; });
        var missing = p.Run("clone", "--state", state, "-t", "ci");
        Assert.That(missing.ExitCode, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Err, Does.Contain("clone copies a relation of the --state run").And.Contain("customer_totals (model.proj.customer_totals)"), missing.ToString());
        Assert.That(missing.Out, Does.Not.Contain("START"), "nothing ran");

        var noState = p.Run("clone", "-t", "ci");
        Assert.That(noState.ExitCode, Is.EqualTo(2), noState.ToString());
        Assert.That(noState.Err, Does.Contain("clone needs --state DIR"));
    }
}
