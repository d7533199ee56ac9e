using System.Text.Json.Nodes;
using Xform.Adapters.Conformance;

namespace Xform.Adapters.Snowflake.Tests.Conformance;

/// <summary>
/// What the stand-in receives: dbt's comment after each statement (Snowflake's default, where history keeps it), and a
/// model's <c>query_tag</c> config as the QUERY_TAG of its own requests only (each request is its own session, so the
/// tag ends with it: dbt's set-then-reset).
/// </summary>
[NonParallelizable]
public sealed class QueryCommentTests
{
    [Test]
    public void Each_statement_ends_with_the_comment_and_a_models_query_tag_covers_only_its_requests()
    {
        using var p = new ConformanceProject(SnowflakeTarget.Instance);
        p.Write("models/tagged.sql", "{{ config(materialized='table', query_tag='nightly_orders') }}\nselect 1 as id");
        p.Write("models/plain.sql", "{{ config(materialized='table') }}\nselect 2 as id");
        var fake = FakeSnowflakeFixture.Fake;
        var before = fake.Posts.Count();
        p.Ok("run");
        var schema = p.Schema.ToUpperInvariant();
        var bodies = fake.Posts.Skip(before).Select(r => JsonNode.Parse(r.Body)!).ToList();
        JsonNode Building(string name) => bodies.Single(b => ((string)b["statement"]!).Contains($"table \"{schema}\".\"{name}\"", StringComparison.Ordinal));

        var tagged = Building("TAGGED");
        Assert.That((string?)tagged["parameters"]!["QUERY_TAG"], Is.EqualTo("nightly_orders"));
        Assert.That((string?)Building("PLAIN")["parameters"]!["QUERY_TAG"], Is.Null, "the next node's requests carry no tag: it was reset");
        Assert.That((string)tagged["statement"]!, Does.Contain("select 1 as id\n)\n" +
            """/* {"app": "dbt", "dbt_version": "1.10.0", "profile_name": "proj", "target_name": "dev", "node_id": "model.proj.tagged"} */;"""),
            "after the statement, before its semicolon");
        Assert.That(fake.Executed.Where(s => s.Contains($"\"{schema}\".\"TAGGED\"", StringComparison.Ordinal)),
            Has.All.Contains("\"node_id\": \"model.proj.tagged\"} */"), "every statement of the node, each on its own");
    }
}
