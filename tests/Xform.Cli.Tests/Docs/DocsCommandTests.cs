using System.Text.Json.Nodes;

namespace Xform.Cli.Tests.Docs;

/// <summary><c>docs generate</c> on small projects: docs blocks, ephemeral models, snapshots, an unbuilt project.</summary>
public sealed class DocsCommandTests
{
    static TestProject Project()
    {
        var p = new TestProject("docsproj");
        p.Write("seeds/raw_orders.csv", "id,customer_id,amount,updated_at\n1,10,5.5,2024-01-01\n2,11,7.25,2024-01-02\n");
        p.Write("models/docs.md", "{% docs orders_doc %}\nOne row per **order**, cleaned.\n{% enddocs %}\n");
        p.Write("models/eph.sql", "{{ config(materialized='ephemeral') }}\nselect id, amount * 100 as cents from {{ ref('raw_orders') }}\n");
        p.Write("models/orders.sql", "{{ config(materialized='table', tags=['core']) }}\nselect o.id, o.customer_id, e.cents from {{ ref('raw_orders') }} o join {{ ref('eph') }} e using (id)\n");
        p.Write("models/schema.yml", """
            version: 2
            models:
              - name: orders
                description: "{{ doc('orders_doc') }}"
                columns:
                  - name: id
                    description: The order.
                    data_tests: [unique, not_null]
                  - name: cents
                    description: Amount in cents.
            """);
        p.Write("snapshots/orders_snap.sql", "{% snapshot orders_snap %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at') }}\nselect * from {{ ref('raw_orders') }}\n{% endsnapshot %}\n");
        return p;
    }

    internal static JsonNode PageData(TestProject p)
    {
        var html = p.Read("target/index.html");
        const string open = "<script id=\"xform-data\" type=\"application/json\">";
        var start = html.IndexOf(open, StringComparison.Ordinal) + open.Length;
        return JsonNode.Parse(html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)])!;
    }

    [Test]
    public void Generate_renders_docs_blocks_tests_types_and_lineage_through_ephemeral_models()
    {
        using var p = Project();
        var build = p.Run("build");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.ToString());
        var r = p.Run("docs", "generate");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Out, Does.Contain("Wrote target/catalog.json and target/index.html"));
        var nodes = PageData(p)["nodes"]!.AsArray().ToDictionary(n => (string)n!["id"]!);
        var orders = nodes["model.docsproj.orders"]!;
        Assert.That((string?)orders["description"], Is.EqualTo("One row per **order**, cleaned."));
        Assert.That(orders["tags"]!.AsArray().Select(t => (string)t!), Is.EqualTo(new[] { "core" }));
        Assert.That((string?)orders["compiled_sql"], Does.Contain("__dbt__cte__eph"));
        var id = orders["columns"]!.AsArray().First(c => (string?)c!["name"] == "id")!;
        Assert.That(id["tests"]!.AsArray().Select(t => (string)t!), Is.EquivalentTo(new[] { "unique", "not_null" }));
        Assert.That((string?)id["type"], Is.EqualTo("BIGINT"), "seed ids are inferred as bigint");
        var cents = orders["columns"]!.AsArray().First(c => (string?)c!["name"] == "cents")!;
        Assert.That(cents["lineage"]!["sources"]!.AsArray().Select(s => $"{s!["node"]}.{s["column"]}"), Is.EqualTo(new[] { "model.docsproj.eph.cents" }));
        var eph = nodes["model.docsproj.eph"]!;
        Assert.That(eph["columns"]!.AsArray().First(c => (string?)c!["name"] == "cents")!["lineage"]!["sources"]![0]!["column"]!.GetValue<string>(), Is.EqualTo("amount"));
        Assert.That((string?)eph["relation"], Is.Null, "an ephemeral model has no relation");
        var snap = nodes["snapshot.docsproj.orders_snap"]!;
        Assert.That(snap["columns"]!.AsArray().Select(c => (string)c!["name"]!), Does.Contain("dbt_valid_from"));
        var validFrom = snap["columns"]!.AsArray().First(c => (string?)c!["name"] == "dbt_valid_from")!["lineage"]!;
        Assert.That((string?)validFrom["unknown"]![0], Does.Contain("snapshot metadata column"));
        var snapAmount = snap["columns"]!.AsArray().First(c => (string?)c!["name"] == "amount")!["lineage"]!;
        Assert.That((string?)snapAmount["sources"]![0]!["node"], Is.EqualTo("seed.docsproj.raw_orders"));
        Assert.That(nodes.Keys, Does.Contain("test.docsproj.unique_orders_id").Or.Some.StartsWith("test.docsproj.unique_orders_id"));

        var catalog = JsonNode.Parse(p.Read("target/catalog.json"))!;
        Assert.That(catalog["nodes"]!.AsObject().Select(kv => kv.Key),
            Is.EquivalentTo(new[] { "model.docsproj.orders", "seed.docsproj.raw_orders", "snapshot.docsproj.orders_snap" }));
    }

    [Test]
    public void Markdown_around_the_docs_blocks_is_ignored_as_dbt_ignores_it()
    {
        using var p = Project();
        // A README-like .md under the model paths: code samples with template syntax, outside any docs block.
        p.Write("models/overview.md", "# How to use\n\nWrite `{{ ref('orders') }}`; never `{{ ref(`.\n{% if %} is not a block here.\n\n" +
                                      "{% docs cents_doc %}\nAmount * 100, in cents.\n{% enddocs %}\n");
        p.Write("models/schema.yml", p.Read("models/schema.yml").Replace("description: Amount in cents.", "description: \"{{ doc('cents_doc') }}\"", StringComparison.Ordinal));
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var manifest = JsonNode.Parse(p.Read("target/manifest.json"))!;
        Assert.That(manifest["docs"]!["doc.docsproj.cents_doc"]!["block_contents"]!.GetValue<string>().Trim(), Is.EqualTo("Amount * 100, in cents."));
        Assert.That(p.Run("docs", "generate").ExitCode, Is.Zero);
        Assert.That(p.Read("target/index.html"), Does.Contain("Amount * 100, in cents."), "the column's doc() resolves to the block");
    }

    [Test]
    public void Generate_works_before_anything_is_built()
    {
        using var p = Project();
        var r = p.Run("docs", "generate");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var catalog = JsonNode.Parse(p.Read("target/catalog.json"))!;
        Assert.That(catalog["nodes"]!.AsObject(), Is.Empty);
        var orders = PageData(p)["nodes"]!.AsArray().First(n => (string?)n!["id"] == "model.docsproj.orders")!;
        // Without a catalog, the columns come from the YAML and the SQL.
        Assert.That(orders["columns"]!.AsArray().Select(c => (string)c!["name"]!), Is.SupersetOf(new[] { "id", "cents", "customer_id" }));
    }

    [Test]
    public void Serve_without_a_generated_page_says_what_to_run()
    {
        using var p = Project();
        var r = p.Run("docs", "serve", "--port", "0");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("run 'xform docs generate' first"));
    }

    [Test]
    public void Snapshot_metadata_columns_are_found_under_their_configured_names()
    {
        using var p = Project();
        p.Write("snapshots/orders_snap.sql", "{% snapshot orders_snap %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', " +
                                             "snapshot_meta_column_names={'dbt_valid_from': 'valid_from', 'dbt_scd_id': 'version_id'}) }}\n" +
                                             "select * from {{ ref('raw_orders') }}\n{% endsnapshot %}\n");
        Assert.That(p.Run("build").ExitCode, Is.Zero);
        var r = p.Run("docs", "generate");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var snap = PageData(p)["nodes"]!.AsArray().First(n => (string?)n!["id"] == "snapshot.docsproj.orders_snap")!;
        var columns = snap["columns"]!.AsArray().ToDictionary(c => (string)c!["name"]!);
        Assert.That(columns.Keys, Is.SupersetOf(new[] { "valid_from", "version_id", "dbt_valid_to" }).And.No.EqualTo("dbt_valid_from"));
        foreach (var name in new[] { "valid_from", "version_id", "dbt_valid_to" })
            Assert.That((string?)columns[name]!["lineage"]!["unknown"]![0], Does.Contain("snapshot metadata column"), name);
    }
}
