using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary>
/// Model contracts on DuckDB: the query's columns checked against the declared ones before anything is built (every
/// difference in one error, the old table kept), tables created with the declared columns, order and constraints, and
/// constraints enforced on the rows (a violation fails the build and keeps the old table).
/// </summary>
public class ContractTests
{
    const string Yaml = """
        version: 2
        models:
          - name: customers
            config:
              contract: {enforced: true}
            columns:
              - name: id
                data_type: int
                constraints:
                  - type: not_null
                  - type: primary_key
              - name: name
                data_type: text
              - name: score
                data_type: decimal(10,2)
                constraints:
                  - type: check
                    expression: "score >= 0"
        """;

    static TestProject Project(string sql = "select 1 as id, 'ann' as name, cast(2.5 as decimal(10,2)) as score")
    {
        var p = new TestProject();
        p.Write("models/schema.yml", Yaml);
        p.Write("models/customers.sql", "{{ config(materialized='table') }}\n" + sql);
        return p;
    }

    static void NoCrash(CliResult r)
    {
        Assert.That(r.All, Does.Not.Contain("   at "), r.ToString());
        Assert.That(r.All, Does.Not.Contain("internal error"), r.ToString());
    }

    /// <summary>The lines of <paramref name="expected"/>, in order, each on its own line of the output (which prefixes a time).</summary>
    static void ContainsLines(CliResult r, string expected)
    {
        var output = r.All.ReplaceLineEndings("\n").Split('\n');
        var at = 0;
        foreach (var line in expected.ReplaceLineEndings("\n").Split('\n'))
        {
            while (at < output.Length && !output[at].EndsWith("  " + line, StringComparison.Ordinal)) at++;
            Assert.That(at, Is.LessThan(output.Length), $"line not found in order: {line}\n{r}");
        }
    }

    [Test]
    public void A_matching_model_is_built_with_the_declared_column_order_and_types()
    {
        // the query's order differs from the declared one; int and text are aliases of DuckDB's INTEGER and VARCHAR
        using var p = Project("select 'ann' as name, cast(2.5 as decimal(10,2)) as score, 1 as id");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var columns = p.Query("select column_name, data_type from information_schema.columns where table_name = 'customers' order by ordinal_position")
            .Select(c => $"{c[0]} {c[1]}").ToArray();
        Assert.That(columns, Is.EqualTo(new[] { "id INTEGER", "name VARCHAR", "score DECIMAL(10,2)" }));
        Assert.That(p.Query("select id, name, score from customers").Single(), Is.EqualTo(new object?[] { 1, "ann", 2.5m }));
        var ddl = p.Read("target/run/proj/models/customers.sql");
        Assert.That(ddl, Does.Contain("\"id\" int not null primary key"));
        Assert.That(ddl, Does.Contain("\"score\" decimal(10,2) check (score >= 0)"));
        Assert.That(ddl, Does.Contain("insert into \"main\".\"customers__xform_tmp\" (\"id\", \"name\", \"score\")"));
    }

    [Test]
    public void Every_mismatch_is_one_error_and_the_old_table_stays()
    {
        using var p = Project();
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        // id is now text, score is gone, extra is new
        p.Write("models/customers.sql", "{{ config(materialized='table') }}\nselect 'x' as id, 'bob' as name, 7 as extra");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        NoCrash(r);
        Assert.That(r.All, Does.Contain("models/customers.sql:1:1: error: model 'customers' has an enforced contract that failed."));
        ContainsLines(r, """
            | column_name | definition_type | contract_type | mismatch_reason       |
            | ----------- | --------------- | ------------- | --------------------- |
            | id          | VARCHAR         | INTEGER       | data type mismatch    |
            | extra       | INTEGER         |               | missing in contract   |
            | score       |                 | DECIMAL(10,2) | missing in definition |
            """);
        Assert.That(p.Query("select id, name from customers").Single(), Is.EqualTo(new object?[] { 1, "ann" }), "the old table is intact");
        Assert.That(p.Exists("target/run/proj/models/customers.sql") && p.Read("target/run/proj/models/customers.sql").Contains("'x' as id"), Is.False,
            "nothing of the new version ran");
    }

    [Test]
    public void Size_precision_and_scale_are_not_compared_and_the_declared_ones_are_built()
    {
        using var p = Project("select 1 as id, 'ann' as name, 2.5 as score");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select data_type from information_schema.columns where table_name = 'customers' and column_name = 'score'").Single()[0],
            Is.EqualTo("DECIMAL(10,2)"), "the query's DECIMAL(2,1) is stored as the declared DECIMAL(10,2)");
    }

    [Test]
    public void Without_alias_types_the_declared_names_must_be_the_engines()
    {
        using var p = Project();
        p.Write("models/schema.yml", Yaml.Replace("contract: {enforced: true}", "contract: {enforced: true, alias_types: false}"));
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Contain("| id          | INTEGER         | int           | data type mismatch |"));
        Assert.That(r.All, Does.Contain("| name        | VARCHAR         | text          | data type mismatch |"));
    }

    [TestCase("select cast(null as int) as id, 'ann' as name, cast(2.5 as decimal(10,2)) as score", "NOT NULL constraint failed")]
    [TestCase("select 1 as id, 'ann' as name, cast(-1 as decimal(10,2)) as score", "CHECK constraint failed")]
    [TestCase("select * from (values (1, 'a', cast(1 as decimal(10,2))), (1, 'b', cast(1 as decimal(10,2)))) t(id, name, score)", "PRIMARY KEY or UNIQUE constraint violation: duplicate key \"1\"")]
    public void A_row_breaking_a_constraint_fails_the_build_and_the_old_table_stays(string sql, string expected)
    {
        using var p = Project();
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        p.Write("models/customers.sql", "{{ config(materialized='table') }}\n" + sql);
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        NoCrash(r);
        Assert.That(r.All, Does.Contain("models/customers.sql: database error:"));
        Assert.That(r.All, Does.Contain(expected));
        Assert.That(p.Query("select id, name from customers").Single(), Is.EqualTo(new object?[] { 1, "ann" }));
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "customers" }), "no staging table left");
    }

    [Test]
    public void Model_level_constraints_and_a_foreign_key_DuckDB_cannot_keep()
    {
        using var p = Project();
        p.Write("models/orders.sql", "{{ config(materialized='table') }}\nselect 1 as order_id, 1 as line, 1 as customer_id");
        p.Write("models/orders.yml", """
            version: 2
            models:
              - name: orders
                config:
                  contract: {enforced: true}
                constraints:
                  - type: primary_key
                    columns: [order_id, line]
                  - type: foreign_key
                    columns: [customer_id]
                    to: ref('customers')
                    to_columns: [id]
                columns:
                  - {name: order_id, data_type: integer}
                  - {name: line, data_type: integer}
                  - {name: customer_id, data_type: integer}
            """);
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Contain("models/orders.yml:9:9: warning: the engine does not enforce every constraint of model 'orders': not supported, so not written: foreign_key"));
        Assert.That(r.All.Split("warning:").Length - 1, Is.EqualTo(1), "one warning");
        var ddl = p.Read("target/run/proj/models/orders.sql");
        Assert.That(ddl, Does.Contain("primary key (\"order_id\", \"line\")"));
        Assert.That(ddl, Does.Not.Contain("references"));
        p.Write("models/orders.sql", "{{ config(materialized='table') }}\nselect 1 as order_id, 1 as line, 1 as customer_id union all select 1, 1, 2");
        var again = p.Run("run", "-s", "orders");
        Assert.That(again.ExitCode, Is.EqualTo(1), again.ToString());
        Assert.That(again.All, Does.Contain("PRIMARY KEY or UNIQUE constraint violation: duplicate key \"1, 1\""));
        Assert.That(p.Scalar("select count(*) from orders"), Is.EqualTo(1L));
    }

    [Test]
    public void A_view_has_its_columns_checked_and_its_constraints_warned_about()
    {
        using var p = Project();
        p.Write("models/customers.sql", "{{ config(materialized='view') }}\nselect 1 as id, 'ann' as name, cast(2.5 as decimal(10,2)) as score");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Contain("models/schema.yml:10:13: warning: model 'customers' is a view, which has no constraints: its constraints (not_null, primary_key, check) are not applied"));
        p.Write("models/customers.sql", "{{ config(materialized='view') }}\nselect 1 as id, 'ann' as name");
        var bad = p.Run("run");
        Assert.That(bad.ExitCode, Is.EqualTo(1), bad.ToString());
        Assert.That(bad.All, Does.Contain("| score       |                 | DECIMAL(10,2) | missing in definition |"));
        Assert.That(p.Query("select score from customers").Single()[0], Is.EqualTo(2.5m), "the old view stays");
    }

    [Test]
    public void An_incremental_model_is_created_with_its_contract_and_checked_on_every_run()
    {
        using var p = Project();
        p.Write("models/customers.sql", "{{ config(materialized='incremental', unique_key='id') }}\nselect 1 as id, 'ann' as name, cast(2.5 as decimal(10,2)) as score");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        Assert.That(p.Read("target/run/proj/models/customers.sql"), Does.Contain("\"id\" int not null primary key"));
        p.Write("models/customers.sql", "{{ config(materialized='incremental', unique_key='id') }}\nselect 2 as id, 'bob' as name, 2.5::double as score");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Contain("| score       | DOUBLE          | DECIMAL(10,2) | data type mismatch |"));
        Assert.That(p.Scalar("select count(*) from customers"), Is.EqualTo(1L));
    }

    [TestCase("- type: not_null", "- type: not_nul",
        "models/schema.yml:10:19: error: constraint type 'not_nul' is not one of not_null, unique, primary_key, foreign_key, check, custom. Did you mean 'not_null'?")]
    [TestCase("\n        data_type: text", "",
        "models/schema.yml:12:9: error: model 'customers' has an enforced contract, which needs a data_type for every column; missing for: name")]
    [TestCase("\n            expression: \"score >= 0\"", "", "models/schema.yml:17:13: error: a check constraint needs an expression")]
    [TestCase("contract: {enforced: true}", "contract: {enforced: yes please}",
        "models/schema.yml:5:17: error: contract.enforced of model 'customers' must be true or false, not 'yes please'")]
    public void Contract_mistakes_are_located_errors_before_anything_runs(string from, string to, string expected)
    {
        using var p = Project();
        var yaml = Yaml.ReplaceLineEndings("\n");
        Assert.That(yaml, Does.Contain(from));
        p.Write("models/schema.yml", yaml.Replace(from, to));
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        NoCrash(r);
        Assert.That(r.Err, Does.Contain(expected));
        Assert.That(p.Exists("target/test.duckdb") && p.Relations().Count > 0, Is.False, "nothing was built");
    }

    [Test]
    public void The_manifest_records_the_contract_and_state_modified_contract_sees_a_change()
    {
        using var p = Project();
        Assert.That(p.Run("parse").ExitCode, Is.Zero);
        var node = JsonNode.Parse(p.Read("target/manifest.json"))!["nodes"]!["model.proj.customers"]!;
        Assert.That(node["contract"]!["enforced"]!.GetValue<bool>(), Is.True);
        Assert.That(node["contract"]!["checksum"]!.GetValue<string>(), Has.Length.EqualTo(64));
        Assert.That(node["columns"]!["id"]!["data_type"]!.GetValue<string>(), Is.EqualTo("int"));
        Assert.That(node["columns"]!["id"]!["constraints"]!.AsArray().Select(c => c!["type"]!.GetValue<string>()), Is.EqualTo(new[] { "not_null", "primary_key" }));
        Assert.That(node["columns"]!["score"]!["constraints"]![0]!["expression"]!.GetValue<string>(), Is.EqualTo("score >= 0"));
        var state = Path.Combine(p.Dir, "state");
        Directory.CreateDirectory(state);
        File.Copy(Path.Combine(p.Dir, "target/manifest.json"), Path.Combine(state, "manifest.json"));
        Assert.That(p.Run("ls", "-s", "state:modified.contract", "--state", state, "-o", "name").Out, Does.Not.Contain("customers"));
        p.Write("models/schema.yml", Yaml.Replace("expression: \"score >= 0\"", "expression: \"score > 0\""));
        var ls = p.Run("ls", "-s", "state:modified.contract", "--state", state, "-o", "name");
        Assert.That(ls.ExitCode, Is.Zero, ls.ToString());
        Assert.That(ls.Out.Trim(), Is.EqualTo("customers"));
    }

    [TestCase("unique_key=''")]
    [TestCase("unique_key=[]")]
    public void An_empty_unique_key_appends_as_in_dbt(string key)
    {
        using var p = new TestProject();
        p.Write("models/events.sql", "{{ config(materialized='incremental', " + key + ") }}\nselect 1 as id");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Scalar("select count(*) from events"), Is.EqualTo(2L), "the second run appended its row");
        Assert.That(p.Read("target/run/proj/models/events.sql"), Does.Contain("insert into \"main\".\"events\"").And.Not.Contain("merge"));

        p.Write("models/events.sql", "{{ config(materialized='incremental', incremental_strategy='merge', " + key + ") }}\nselect 1 as id");
        var merge = p.Run("run");
        Assert.That(merge.ExitCode, Is.EqualTo(2), merge.ToString());
        Assert.That(merge.Err, Does.Contain("models/events.sql:1:"));
        Assert.That(merge.Err, Does.Contain("uses merge, which needs a unique_key"));
    }
}
