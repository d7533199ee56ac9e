namespace Xform.Adapters.Conformance;

/// <summary>
/// dbt's build-wide switches on every engine: <c>--empty</c> (refs and sources read no rows), where and how data tests
/// store their failures (<c>store_failures</c>, <c>store_failures_as</c>, <c>--store-failures</c>), and <c>persist_docs</c>
/// (descriptions written as the comments of relations and columns, read back from the engine's catalog).
/// </summary>
public abstract class BuildFlagConformance : ConformanceFixture
{
    ConformanceProject EmptyProject()
    {
        var p = NewProject();
        p.Write("seeds/people.csv", "id,name,born\n1,ann,2001-02-03\n2,bob,1999-12-31\n");
        p.Write("models/sources.yml", $"version: 2\nsources:\n  - name: raw\n    schema: {p.Schema}\n    tables:\n      - name: people\n");
        p.Write("models/people_table.sql", "{{ config(materialized='table') }}\nselect id, upper(name) as name, born from {{ ref('people') }}");
        // the source is the seed's table: built after it
        p.Write("models/people_view.sql", "-- depends_on: {{ ref('people') }}\nselect id, name from {{ source('raw', 'people') }}");
        p.Write("models/people_eph.sql", "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('people_table') }}");
        p.Write("models/people_from_eph.sql", "{{ config(materialized='table') }}\nselect id * 10 as id10 from {{ ref('people_eph') }}");
        p.Write("models/people_inc.sql", """
            {{ config(materialized='incremental', unique_key='id') }}
            select id, name from {{ ref('people_table') }}
            {% if is_incremental() %} where id > (select coalesce(max(id), 0) from {{ this }}) {% endif %}
            """);
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: people_table\n    columns:\n      - name: id\n        data_tests: [not_null, unique]\n");
        return p;
    }

    static readonly string[] Built = ["people", "people_table", "people_view", "people_from_eph", "people_inc"];

    [Test]
    public void Empty_builds_every_relation_with_its_columns_and_no_rows()
    {
        var p = EmptyProject();
        var r = p.Ok("build", "--empty");
        Assert.That(r.Out, Does.Contain("PASS=").And.Contain("ERROR=0"), r.ToString());
        var relations = p.Relations();
        foreach (var name in Built)
        {
            Assert.That(relations, Does.ContainKey(name), name);
            Assert.That(p.Long($"select count(*) from {p.Rel(name)}"), Is.Zero, $"{name} has no rows");
        }
        Assert.That(p.Columns("people").Select(c => c.Name), Is.EqualTo(new[] { "id", "name", "born" }));
        Assert.That(p.Columns("people").Single(c => c.Name == "born").DataType.ToLowerInvariant(), Does.StartWith("date"), "the seed keeps its inferred types");
        Assert.That(p.Columns("people_table").Select(c => c.Name), Is.EqualTo(new[] { "id", "name", "born" }));
        Assert.That(p.Columns("people_from_eph").Select(c => c.Name), Is.EqualTo(new[] { "id10" }));
        Assert.That(p.Columns("people_inc").Select(c => c.Name), Is.EqualTo(new[] { "id", "name" }));

        // The compiled SQL shows every input read as an empty subquery, as dbt renders it.
        var compiled = p.Read($"target/compiled/proj/models/people_table.sql");
        Assert.That(compiled, Does.Match(@"(?i)\(select \* from \S+people\S* where false limit 0\)"), compiled);
        Assert.That(p.Read("target/compiled/proj/models/people_view.sql"), Does.Contain("where false limit 0"));
        Assert.That(p.Read("target/compiled/proj/models/people_from_eph.sql"), Does.Contain("from (select * from __dbt__cte__people_eph where false limit 0)"));

        // Without --empty the same project fills them; an incremental run with --empty adds nothing and
        // reads {{ this }} whole (it is not emptied).
        p.Ok("build");
        Assert.That(p.Long($"select count(*) from {p.Rel("people_inc")}"), Is.EqualTo(2));
        p.Ok("run", "--empty", "-s", "people_inc");
        Assert.That(p.Long($"select count(*) from {p.Rel("people_inc")}"), Is.EqualTo(2));
        var incremental = p.Read("target/compiled/proj/models/people_inc.sql");
        Assert.That(incremental, Does.Contain("where false limit 0"));
        Assert.That(incremental, Does.Match(@"(?i)max\(id\), 0\) from [^(]*people_inc[^ ]* *\)"), "this is not emptied: " + incremental);
    }

    [Test]
    public void Compile_and_seed_take_empty()
    {
        var p = EmptyProject();
        var compile = p.Ok("compile", "--empty", "-s", "people_view");
        Assert.That(compile.Out, Does.Contain("where false limit 0"), compile.ToString());
        p.Ok("seed", "--empty");
        Assert.That(p.Relations(), Does.ContainKey("people"));
        Assert.That(p.Long($"select count(*) from {p.Rel("people")}"), Is.Zero);
        p.Ok("seed");
        Assert.That(p.Long($"select count(*) from {p.Rel("people")}"), Is.EqualTo(2));
    }

    const string Orders = "{{ config(materialized='table') }}\nselect * from (values (1, 'placed'), (2, 'lost'), (3, 'lost')) t(id, status)";

    [Test]
    public void Failures_are_stored_where_dbt_stores_them_as_a_table_or_a_view()
    {
        var p = NewProject();
        p.Write("models/orders.sql", Orders);
        const string Yaml = "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: status\n        data_tests:\n" +
                            "          - accepted_values: {values: [placed], config: {store_failures_as: AS, schema: quality, alias: bad_status}}\n";
        p.Write("models/schema.yml", Yaml.Replace("AS", "view"));
        p.Ok("run");
        var audit = $"{p.Schema}_quality";
        var r = p.Run("test");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Err, Does.Contain($"failing rows stored in {audit}.bad_status"));
        Assert.That(p.Relations(audit), Does.ContainKey("bad_status").WithValue("view"));
        Assert.That(p.Long($"select count(*) from {p.Rel("bad_status", audit)}"), Is.EqualTo(1), "accepted_values keeps one row per value: 'lost'");

        // As a table now: the view is replaced.
        p.Write("models/schema.yml", Yaml.Replace("AS", "table"));
        Assert.That(p.Run("test").ExitCode, Is.EqualTo(1));
        Assert.That(p.Relations(audit), Does.ContainKey("bad_status").WithValue("table"));
        Assert.That(p.Long($"select count(*) from {p.Rel("bad_status", audit)}"), Is.EqualTo(1));

        // ephemeral: not stored at all (what is there stays, as in dbt).
        p.Write("models/schema.yml", Yaml.Replace("AS", "ephemeral"));
        var ephemeral = p.Run("test");
        Assert.That(ephemeral.ExitCode, Is.EqualTo(1), ephemeral.ToString());
        Assert.That(ephemeral.Err, Does.Not.Contain("failing rows stored"));
    }

    [Test]
    public void The_store_failures_flag_and_project_config_store_tests_that_do_not_opt_out()
    {
        var p = NewProject();
        p.Write("models/orders.sql", Orders);
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: status\n        data_tests:\n" +
                                     "          - accepted_values: {values: [placed]}\n" +
                                     "          - not_null: {config: {store_failures: false}}\n");
        p.Ok("run");
        var audit = $"{p.Schema}_dbt_test__audit";
        Assert.That(p.Run("test").ExitCode, Is.EqualTo(1));
        Assert.That(p.Relations(audit), Is.Empty, "nothing stored without the flag");

        var r = p.Run("test", "--store-failures");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(p.Relations(audit).Keys, Is.EquivalentTo(new[] { "accepted_values_orders_status__placed" }), "store_failures: false opts out of the flag");
        Assert.That(p.Long($"select count(*) from {p.Rel("accepted_values_orders_status__placed", audit)}"), Is.EqualTo(1), "one failing value, 'lost'");

        var q = NewProject();
        q.Write("project.yml", "name: proj\nprofile: proj\ndata_tests:\n  +store_failures: true\n");
        q.Write("models/orders.sql", Orders);
        q.Write("tests/no_lost_orders.sql", "select * from {{ ref('orders') }} where status = 'lost'");
        q.Ok("run");
        Assert.That(q.Run("test").ExitCode, Is.EqualTo(1));
        Assert.That(q.Long($"select count(*) from {q.Rel("no_lost_orders", $"{q.Schema}_dbt_test__audit")}"), Is.EqualTo(2));
    }

    [Test]
    public void Persist_docs_writes_descriptions_as_comments()
    {
        var p = NewProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    +persist_docs: {relation: true, columns: true}\n" +
                               "seeds:\n  proj:\n    +persist_docs: {relation: true, columns: true}\n");
        p.Write("seeds/codes.csv", "code,label\n1,one\n");
        p.Write("models/docs.md", "{% docs orders_doc %}Every order, one row each{% enddocs %}");
        p.Write("models/orders.sql", "{{ config(materialized='table') }}\nselect code as id, label as status from {{ ref('codes') }}");
        p.Write("models/orders_view.sql", "select id, status from {{ ref('orders') }}");
        p.Write("models/orders_inc.sql", "{{ config(materialized='incremental') }}\nselect id from {{ ref('orders') }}");
        p.Write("snapshots/codes_snap.sql", "{% snapshot codes_snap %}\n{{ config(unique_key='code', strategy='check', check_cols='all', " +
                                            "persist_docs={'relation': true, 'columns': true}) }}\nselect * from {{ ref('codes') }}\n{% endsnapshot %}\n");
        p.Write("models/undocumented.sql", "{{ config(persist_docs={'relation': false, 'columns': false}) }}\nselect 1 as id");
        p.Write("models/schema.yml", """
            version: 2
            models:
              - name: orders
                description: "{{ doc('orders_doc') }}"
                columns:
                  - name: id
                    description: "it's the \"id\" \\ key"
                  - name: status
                  - name: gone
                    description: not built
              - name: orders_view
                description: a view of orders
                columns:
                  - name: status
                    description: the status
              - name: orders_inc
                description: incremental orders
              - name: undocumented
                description: not persisted
            snapshots:
              - name: codes_snap
                description: history of the codes
                columns:
                  - name: label
                    description: the label then
            seeds:
              - name: codes
                description: the codes
                columns:
                  - name: label
                    description: the label
            """);
        for (var i = 0; i < 2; i++) // a rebuilt table gets its comments again
        {
            var r = p.Ok("build");
            Assert.That(r.Out, Does.Contain("The following columns are specified in the schema but are not present in the database: gone"), r.ToString());
        }
        Assert.That(Comments(p, "orders"), Is.EqualTo(new Dictionary<string, string>
        {
            [""] = "Every order, one row each",
            ["id"] = "it's the \"id\" \\ key",
        }));
        Assert.That(Comments(p, "orders_view"), Is.EqualTo(new Dictionary<string, string> { [""] = "a view of orders", ["status"] = "the status" }));
        Assert.That(Comments(p, "orders_inc"), Is.EqualTo(new Dictionary<string, string> { [""] = "incremental orders" }));
        Assert.That(Comments(p, "codes"), Is.EqualTo(new Dictionary<string, string> { [""] = "the codes", ["label"] = "the label" }));
        Assert.That(Comments(p, "codes_snap"), Is.EqualTo(new Dictionary<string, string> { [""] = "history of the codes", ["label"] = "the label then" }));
        Assert.That(Comments(p, "undocumented"), Is.Empty);
        Assert.That(p.Read("target/run/proj/models/orders.sql"), Does.Contain("comment on"));

        // catalog.json carries them, as dbt's does.
        p.Ok("docs", "generate");
        using var catalog = System.Text.Json.JsonDocument.Parse(p.Read("target/catalog.json"));
        var orders = catalog.RootElement.GetProperty("nodes").GetProperty("model.proj.orders");
        Assert.That(orders.GetProperty("metadata").GetProperty("comment").GetString(), Is.EqualTo("Every order, one row each"));
        var columns = orders.GetProperty("columns").EnumerateObject().ToDictionary(c => c.Name.ToLowerInvariant(), c => c.Value.GetProperty("comment"));
        Assert.That(columns["id"].GetString(), Is.EqualTo("it's the \"id\" \\ key"));
        Assert.That(columns["status"].ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
    }

    /// <summary>The comments of a relation, read from the engine's catalog: "" for the relation, else the column.</summary>
    Dictionary<string, string> Comments(ConformanceProject p, string relation) =>
        p.QueryRows(Target.CommentsQuery(p.Schema, relation)).ToDictionary(r => (string?)r[0] ?? "", r => (string)r[1]!);
}
