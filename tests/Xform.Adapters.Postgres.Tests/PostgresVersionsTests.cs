using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>Versioned models on PostgreSQL: relations named &lt;model&gt;_v&lt;v&gt;, refs to the latest version and to a pinned one.</summary>
public class PostgresVersionsTests
{
    [Test]
    public void Versions_are_built_as_name_v_version_and_refs_resolve_to_them()
    {
        ServerFixture.Require();
        using var p = new ConformanceProject(PostgresTarget.Instance);
        p.Write("models/schema.yml", "models:\n  - name: dim\n    versions:\n      - v: 1\n      - v: 2\n        config: {materialized: table}\n");
        p.Write("models/dim_v1.sql", "select 1 as id");
        p.Write("models/dim_v2.sql", "select 2 as id");
        p.Write("models/latest.sql", "select id from {{ ref('dim') }}");
        p.Write("models/pinned.sql", "select id from {{ ref('dim', v=1) }}");
        p.Ok("build");
        var relations = p.Relations();
        Assert.That(relations.Keys, Is.SupersetOf(new[] { "dim_v1", "dim_v2", "latest", "pinned" }));
        Assert.That(relations.Keys, Has.None.EqualTo("dim"));
        Assert.That(p.Long($"select id from {p.Rel("latest")}"), Is.EqualTo(2));
        Assert.That(p.Long($"select id from {p.Rel("pinned")}"), Is.EqualTo(1));
    }
}
