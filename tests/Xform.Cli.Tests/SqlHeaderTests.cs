using System.Text.Json.Nodes;

namespace Xform.Cli.Tests;

/// <summary>
/// <c>{% call set_sql_header(config) %}</c> on DuckDB: the header's statements run before the model's, in the same session,
/// so the session variable it sets is what the model reads, for a table and for an incremental run.
/// </summary>
public class SqlHeaderTests
{
    const string Header = "{% call set_sql_header(config) %}\nset variable region = 'EU';\n{% endcall %}\n";

    [Test]
    public void The_header_runs_before_the_model_in_the_same_session()
    {
        using var p = new TestProject();
        p.Write("models/t.sql", "{{ config(materialized='table') }}\n" + Header + "select getvariable('region') as region");
        p.Write("models/inc.sql", "{{ config(materialized='incremental') }}\n" + Header + "select getvariable('region') as region, 1 as n");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        var again = p.Run("run", "-s", "inc");
        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(p.Scalar("select region from main.t"), Is.EqualTo("EU"));
        Assert.That(p.Query("select region from main.inc").Select(r => r[0]), Is.EqualTo(new[] { "EU", "EU" }), "the first build and the incremental insert");
        var ran = p.Read("target/run/proj/models/t.sql");
        Assert.That(ran.IndexOf("set variable region = 'EU';", StringComparison.Ordinal), Is.LessThan(ran.IndexOf("create", StringComparison.Ordinal)).And.Not.Negative);
        Assert.That(p.Read("target/compiled/proj/models/t.sql"), Does.Not.Contain("set variable"), "the header is not part of the model's SQL");
        var config = JsonNode.Parse(p.Read("target/manifest.json"))!["nodes"]!["model.proj.t"]!["config"]!;
        Assert.That(((string)config["sql_header"]!).Trim(), Is.EqualTo("set variable region = 'EU';"));
    }

    [Test]
    public void Without_the_header_the_variable_is_not_set()
    {
        using var p = new TestProject();
        p.Write("models/t.sql", "{{ config(materialized='table') }}\nselect getvariable('region') as region");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        Assert.That(p.Scalar("select region from main.t"), Is.Null.Or.EqualTo(DBNull.Value));
    }
}
