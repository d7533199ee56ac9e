using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary><c>xform run-operation</c> through the CLI on a real DuckDB file: dbt's exit codes, logs and run_results.json.</summary>
public class RunOperationTests
{
    const string Macros = """
        {% macro make_schema(name, fail=false) %}
          {% do run_query("create schema if not exists " ~ name) %}
          {% do log("made " ~ name ~ " in " ~ target.database ~ " as " ~ var('who', 'nobody'), info=True) %}
          {% if fail %}{% do exceptions.raise_compiler_error("asked to fail") %}{% endif %}
        {% endmacro %}

        {% macro drop_schema(name) %}
          {% call statement('drop', fetch_result=false) %}drop schema if exists {{ name }} cascade{% endcall %}
        {% endmacro %}

        {% macro bad_sql() %}
          {% do run_query("select * from no_such_table_anywhere") %}
        {% endmacro %}

        {% macro print_yaml(models) %}
          {% set rows = run_query("select 1 as n union all select 2") %}
          {% do print(toyaml({'models': models, 'rows': rows.columns[0].values() | list})) %}
          {{ return('ignored') }}
        {% endmacro %}
        """;

    static TestProject Project()
    {
        var p = new TestProject();
        p.Write("macros/ops.sql", Macros);
        p.Write("models/m.sql", "select 1 as id");
        return p;
    }

    static JsonObject OnlyResult(TestProject p)
    {
        var results = JsonNode.Parse(p.Read("target/run_results.json"))!["results"]!.AsArray();
        Assert.That(results, Has.Count.EqualTo(1));
        return results[0]!.AsObject();
    }

    List<string> Schemas(TestProject p) =>
        p.Query("select schema_name from information_schema.schemata where catalog_name = 'test'").Select(r => (string)r[0]!).ToList();

    [Test]
    public void A_macro_runs_its_statements_with_args_and_logs_and_writes_one_operation_result()
    {
        using var p = Project();
        var r = p.Run("run-operation", "make_schema", "--args", "{name: ops_made}", "--vars", "{who: ci}");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("made ops_made in test as ci"), "log(..., info=True) is printed; target.database is the file's catalog");
        Assert.That(Schemas(p), Does.Contain("ops_made"), "the statement really ran and stayed");
        var result = OnlyResult(p);
        Assert.That((string)result["unique_id"]!, Is.EqualTo("macro.proj.make_schema"), "dbt's id of the operation is the macro's");
        Assert.That((string)result["status"]!, Is.EqualTo("success"));
        Assert.That(result["message"], Is.Null);
        Assert.That((int)result["failures"]!, Is.Zero);
        Assert.That((string)JsonNode.Parse(p.Read("target/run_results.json"))!["args"]!["which"]!, Is.EqualTo("run-operation"));

        var drop = p.Run("run-operation", "proj.drop_schema", "--args", """{"name": "ops_made"}""");
        Assert.That(drop.ExitCode, Is.Zero, drop.ToString());
        Assert.That(Schemas(p), Does.Not.Contain("ops_made"), "PACKAGE.MACRO, JSON args and a statement block");
    }

    [Test]
    public void A_macro_that_raises_or_whose_statement_fails_exits_1_with_an_error_result()
    {
        using var p = Project();
        var raised = p.Run("run-operation", "make_schema", "--args", "{name: kept, fail: true}");
        Assert.That(raised.ExitCode, Is.EqualTo(1), raised.ToString());
        Assert.That(raised.Err, Does.Contain("macros/ops.sql:4:").And.Contain("asked to fail"));
        Assert.That(raised.All, Does.Not.Contain("   at "));
        Assert.That(Schemas(p), Does.Contain("kept"), "as in dbt, a statement run before the failure is not undone");
        var result = OnlyResult(p);
        Assert.That(((string)result["status"]!, (int)result["failures"]!), Is.EqualTo(("error", 1)));
        Assert.That((string)result["message"]!, Does.Contain("asked to fail"));

        var failed = p.Run("run-operation", "bad_sql");
        Assert.That(failed.ExitCode, Is.EqualTo(1), failed.ToString());
        Assert.That(failed.Err, Does.Contain("no_such_table_anywhere"));
        Assert.That((string)OnlyResult(p)["unique_id"]!, Is.EqualTo("macro.proj.bad_sql"));
    }

    [Test]
    public void A_codegen_macro_prints_what_it_makes_and_its_return_value_is_dropped()
    {
        using var p = Project();
        var r = p.Run("run-operation", "print_yaml", "--args", "{models: [a, b]}");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("models:\n- a\n- b\nrows:\n- 1\n- 2"));
        Assert.That(r.Out, Does.Not.Contain("ignored"));
    }

    [Test]
    public void User_mistakes_exit_2_before_the_database_is_touched()
    {
        using var p = Project();
        var unknown = p.Run("run-operation", "make_schem");
        Assert.That(unknown.ExitCode, Is.EqualTo(2), unknown.ToString());
        Assert.That(unknown.Err, Does.Contain("no macro named 'make_schem'").And.Contain("Did you mean 'make_schema'"));

        var badArgs = p.Run("run-operation", "make_schema", "--args", "{name: [");
        Assert.That(badArgs.ExitCode, Is.EqualTo(2), badArgs.ToString());
        Assert.That(badArgs.Err, Does.Contain("--args is not valid YAML or JSON"));

        var notMapping = p.Run("run-operation", "make_schema", "--args", "[1, 2]");
        Assert.That(notMapping.ExitCode, Is.EqualTo(2), notMapping.ToString());
        Assert.That(notMapping.Err, Does.Contain("--args must be a mapping"));

        var wrongName = p.Run("run-operation", "make_schema", "--args", "{nam: x}");
        Assert.That(wrongName.ExitCode, Is.EqualTo(2), wrongName.ToString());
        Assert.That(wrongName.Err, Does.Contain("macros/ops.sql:1:").And.Contain("has no argument 'nam'").And.Contain("Did you mean 'name'"));

        var selected = p.Run("run-operation", "make_schema", "-s", "m");
        Assert.That(selected.ExitCode, Is.EqualTo(2), "selection flags are not run-operation's");
        Assert.That(p.Exists("target/test.duckdb"), Is.False, "no mistake reached the database");
        Assert.That(p.Exists("target/run_results.json"), Is.False);
    }

    [Test]
    public void A_macro_of_an_installed_package_is_found_by_its_name_or_package_name()
    {
        using var p = Project();
        p.Write("dbt_packages/helpers/dbt_project.yml", "name: helpers\n");
        p.Write("dbt_packages/helpers/macros/h.sql", "{% macro helper_log(word='hi') %}{% do log('helper says ' ~ word, info=True) %}{% endmacro %}");
        var plain = p.Run("run-operation", "helper_log");
        Assert.That(plain.ExitCode, Is.Zero, plain.ToString());
        Assert.That(plain.Out, Does.Contain("helper says hi"));
        Assert.That((string)OnlyResult(p)["unique_id"]!, Is.EqualTo("macro.helpers.helper_log"));
        var qualified = p.Run("run-operation", "helpers.helper_log", "--args", "{word: yo}");
        Assert.That(qualified.Out, Does.Contain("helper says yo"), qualified.ToString());
    }

    [Test]
    public void Retry_after_an_operation_says_to_run_it_again()
    {
        using var p = Project();
        Assert.That(p.Run("run-operation", "bad_sql").ExitCode, Is.EqualTo(1));
        var r = p.Run("retry");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("'run-operation', which retry does not repeat"));
    }
}
