using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>The query comment as the real server receives it: <c>current_query()</c> is the text of the statement running.</summary>
public class PostgresQueryCommentTests
{
    [Test]
    public void The_server_receives_each_nodes_statements_with_its_comment()
    {
        ServerFixture.Require();
        using var p = new ConformanceProject(PostgresTarget.Instance);
        p.Write("project.yml", "name: proj\nprofile: proj\nquery-comment: \"xform {{ node.unique_id if node else 'run' }} {{ target.name }}\"\n");
        p.Write("models/t.sql", "{{ config(materialized='table') }}\nselect current_query() as q");
        p.Write("models/inc.sql", "{{ config(materialized='incremental') }}\nselect current_query() as q");
        p.Ok("run");
        p.Ok("run");
        Assert.That((string)p.Scalar($"select q from {p.Rel("t")}")!, Does.StartWith("/* xform model.proj.t dev */\n"));
        var incremental = p.QueryRows($"select q from {p.Rel("inc")}").Select(r => (string)r[0]!).ToList();
        Assert.That(incremental, Has.Count.EqualTo(2).And.All.StartWith("/* xform model.proj.inc dev */\n"), "the first build and the incremental insert");
    }

    [Test]
    public void Default_comment_is_dbts_json()
    {
        ServerFixture.Require();
        using var p = new ConformanceProject(PostgresTarget.Instance);
        p.Write("models/v.sql", "select current_query() as q");
        p.Write("models/t.sql", "{{ config(materialized='table') }}\nselect * from {{ ref('v') }}");
        p.Ok("run");
        // the view's query text is the table's build, which read it
        Assert.That((string)p.Scalar($"select q from {p.Rel("t")}")!, Does.StartWith("""/* {"app": "dbt", "dbt_version": "1.10.0", "profile_name": "proj", "target_name": "dev", "node_id": "model.proj.t"} */"""));
    }
}
