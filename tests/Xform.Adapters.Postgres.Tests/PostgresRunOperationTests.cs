using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>run-operation on the real server: the macro's statements are committed, seen from another connection.</summary>
public class PostgresRunOperationTests
{
    readonly List<ConformanceProject> _projects = [];

    [TearDown]
    public void Cleanup()
    {
        foreach (var p in _projects) p.Dispose();
        _projects.Clear();
    }

    ConformanceProject Project()
    {
        ServerFixture.Require();
        var p = new ConformanceProject(PostgresTarget.Instance);
        _projects.Add(p);
        return p;
    }

    long SchemaCount(ConformanceProject p, string name) => p.Long($"select count(*) from pg_namespace where nspname = '{name}'");

    [Test]
    public void A_macro_creates_and_drops_a_schema_with_args()
    {
        var p = Project();
        p.Write("macros/ops.sql", """
            {% macro create_ops_schema(name) %}
              {% do run_query("create schema if not exists " ~ adapter.quote(name)) %}
              {% do log("on " ~ target.type ~ " " ~ target.host ~ ":" ~ target.port ~ " db " ~ target.dbname ~ " as " ~ target.user, info=True) %}
            {% endmacro %}
            {% macro drop_ops_schema(name) %}
              {% call statement('drop') %}drop schema if exists {{ adapter.quote(name) }} cascade{% endcall %}
            {% endmacro %}
            {% macro fail_after_create(name) %}
              {% do run_query("create schema if not exists " ~ adapter.quote(name)) %}
              {% do run_query("select * from no_such_relation") %}
            {% endmacro %}
            """);
        var name = p.Schema + "_ops";
        var made = p.Ok("run-operation", "create_ops_schema", "--args", $"{{name: {name}}}");
        Assert.That(made.Out, Does.Match(@"on postgres \S+:\d+ db \S+ as \S+"), "target has the connection's fields");
        Assert.That(made.All, Does.Not.Contain("password"));
        Assert.That(SchemaCount(p, name), Is.EqualTo(1), "created and committed");

        p.Ok("run-operation", "proj.drop_ops_schema", "--args", $"{{\"name\": \"{name}\"}}");
        Assert.That(SchemaCount(p, name), Is.Zero, "dropped and committed");

        var failed = p.Run("run-operation", "fail_after_create", "--args", $"{{name: {name}}}");
        Assert.That(failed.ExitCode, Is.EqualTo(1), failed.ToString());
        Assert.That(failed.Err, Does.Contain("no_such_relation"));
        Assert.That(SchemaCount(p, name), Is.EqualTo(1), "as in dbt, what ran before the failing statement stays");
        p.Ok("run-operation", "drop_ops_schema", "--args", $"{{name: {name}}}");
        Assert.That(SchemaCount(p, name), Is.Zero);
    }
}
