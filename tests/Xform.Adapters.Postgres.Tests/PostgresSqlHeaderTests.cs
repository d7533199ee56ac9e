using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary><c>set_sql_header</c> on the real server: the header's <c>set</c> is in the model's session when its query runs.</summary>
public class PostgresSqlHeaderTests
{
    [Test]
    public void The_header_sets_what_the_model_reads()
    {
        ServerFixture.Require();
        using var p = new ConformanceProject(PostgresTarget.Instance);
        const string header = "{% call set_sql_header(config) %}\nset xform.region = 'EU';\n{% endcall %}\n";
        p.Write("models/t.sql", "{{ config(materialized='table') }}\n" + header + "select current_setting('xform.region') as region");
        p.Write("models/inc.sql", "{{ config(materialized='incremental') }}\n" + header + "select current_setting('xform.region') as region");
        p.Ok("run");
        p.Ok("run", "-s", "inc");
        Assert.That(p.Scalar($"select region from {p.Rel("t")}"), Is.EqualTo("EU"));
        Assert.That(p.QueryRows($"select region from {p.Rel("inc")}").Select(r => r[0]), Is.EqualTo(new[] { "EU", "EU" }));
    }
}
