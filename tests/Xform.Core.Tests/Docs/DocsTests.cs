using System.Text.Json.Nodes;
using Xform.Core.Artifacts;
using Xform.Core.Diagnostics;
using Xform.Core.Docs;
using Xform.Core.Graph;
using Xform.Core.Templating;

namespace Xform.Core.Tests.Docs;

/// <summary>The docs pieces that need no engine: descriptions, lineage export formats, the catalog's JSON, the page's data.</summary>
public sealed class DocsTests
{
    static readonly DependencyGraph Graph = DependencyGraph.Build(TestManifests.Of(
        ("a", "models/staging/a.sql", []),
        ("b", "models/marts/b.sql", ["a"]),
        ("c", "models/marts/c.sql", ["b"])));

    static readonly Dictionary<string, NodeLineage> Lineage = new()
    {
        ["model.proj.b"] = new NodeLineage("model.proj.b", [new ColumnLineage("x", [new ColumnRef("model.proj.a", "x")], true, [])], null),
        ["model.proj.c"] = new NodeLineage("model.proj.c", [
            new ColumnLineage("y", [new ColumnRef("model.proj.b", "x")], false, []),
            new ColumnLineage("z", [], false, ["table function read_csv(...)"]),
        ], null),
    };

    [Test]
    public void Descriptions_render_docs_blocks_by_name()
    {
        var docs = new Dictionary<string, DocsBlock>
        {
            ["orders"] = new("orders", "\nOne row per **order**.\n", new SourceLocation("models/docs.md", 1, 1)),
        };
        Assert.That(DocsSite.RenderDescription("See: {{ doc('orders') }}", docs), Is.EqualTo("See: One row per **order**."));
        Assert.That(DocsSite.RenderDescription("{{doc(\"orders\")}}", docs), Is.EqualTo("One row per **order**."));
        Assert.That(DocsSite.RenderDescription("{{ doc('proj', 'orders') }}", docs), Is.EqualTo("One row per **order**."));
        Assert.That(DocsSite.RenderDescription("{{ doc('nope') }}", docs), Does.Contain("missing docs block 'nope'"));
    }

    [Test]
    public void Mermaid_prints_nodes_and_edges_between_the_chosen_nodes()
    {
        var text = LineageExport.Write("mermaid", Graph, ["model.proj.a", "model.proj.b"], null);
        Assert.That(text, Is.EqualTo("flowchart LR\n  model_proj_a[\"a (model)\"]\n  model_proj_b[\"b (model)\"]\n  model_proj_a --> model_proj_b\n"));
    }

    [Test]
    public void Dot_with_columns_draws_column_edges()
    {
        var text = LineageExport.Write("dot", Graph, ["model.proj.a", "model.proj.b", "model.proj.c"], Lineage);
        Assert.That(text, Does.StartWith("digraph lineage {"));
        Assert.That(text, Does.Contain("\"model.proj.a.x\" -> \"model.proj.b.x\";"));
        Assert.That(text, Does.Contain("\"model.proj.b.x\" -> \"model.proj.c.y\";"));
        Assert.That(text, Does.Contain("subgraph \"cluster_model.proj.a\""), "a's column x appears because b reads it");
    }

    [Test]
    public void Json_lists_nodes_edges_and_unknown_parts()
    {
        var json = JsonNode.Parse(LineageExport.Write("json", Graph, ["model.proj.b", "model.proj.c"], Lineage))!;
        Assert.That(json["edges"]!.AsArray().Select(e => $"{e!["from"]}->{e["to"]}"), Is.EqualTo(new[] { "model.proj.b->model.proj.c" }));
        var c = json["nodes"]![1]!;
        Assert.That((string?)c["depends_on"]![0], Is.EqualTo("model.proj.b"));
        Assert.That((string?)c["columns"]!["z"]!["unknown"]![0], Is.EqualTo("table function read_csv(...)"));
        Assert.That((bool)c["columns"]!["y"]!["direct"]!, Is.False);
    }

    [Test]
    public void Catalog_json_has_dbts_v1_shape()
    {
        var catalog = new Catalog(
            new Dictionary<string, CatalogEntry>
            {
                ["model.proj.b"] = new("model.proj.b", "BASE TABLE", null, "main", "b", [new CatalogColumn("x", "INTEGER", 1)], 42),
                ["model.proj.a"] = new("model.proj.a", "VIEW", null, "main", "a", [new CatalogColumn("x", "INTEGER", 1)], null),
            },
            new Dictionary<string, CatalogEntry>(), []);
        var json = JsonNode.Parse(CatalogBuilder.ToJson(catalog, new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), "abc", "1.0.0"))!;
        Assert.That((string?)json["metadata"]!["generated_at"], Is.EqualTo("2024-01-02T03:04:05.000000Z"));
        Assert.That((string?)json["metadata"]!["invocation_id"], Is.EqualTo("abc"));
        var b = json["nodes"]!["model.proj.b"]!;
        Assert.That((string?)b["metadata"]!["type"], Is.EqualTo("BASE TABLE"));
        Assert.That((string?)b["columns"]!["x"]!["type"], Is.EqualTo("INTEGER"));
        Assert.That((int?)b["columns"]!["x"]!["index"], Is.EqualTo(1));
        Assert.That((long?)b["stats"]!["row_count"]!["value"], Is.EqualTo(42));
        Assert.That((bool?)json["nodes"]!["model.proj.a"]!["stats"]!["has_stats"]!["value"], Is.False);
        Assert.That(json["sources"]!.AsObject(), Is.Empty);
        Assert.That(json["errors"], Is.Null);
    }

    [Test]
    public void The_page_embeds_its_data_without_breaking_out_of_the_script_element()
    {
        var graph = DependencyGraph.Build(TestManifests.Of(TestManifests.Model("a", "models/a.sql", []) with
        {
            Description = "closing tag </script><script>alert(1)</script>",
        }));
        var html = DocsSite.Html(DocsSite.Data(graph, Catalog.Empty, _ => "select 1", new Dictionary<string, NodeLineage>(), DateTime.UtcNow));
        Assert.That(html, Does.Not.Contain("</script><script>alert"));
        Assert.That(html.Split("</script>").Length - 1, Is.EqualTo(2), "only the data and the script elements close");
        Assert.That(html, Does.Not.Contain("/*__DATA__*/"));
    }
}
