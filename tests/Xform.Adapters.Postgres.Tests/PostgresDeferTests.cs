using System.Text.Json.Nodes;
using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>--defer on PostgreSQL: production's relations are read from another schema of the same database, never another database.</summary>
public class PostgresDeferTests
{
    [Test]
    public void Relations_in_another_database_are_refused_before_anything_runs()
    {
        ServerFixture.Require();
        using var p = new ConformanceProject(PostgresTarget.Instance);
        p.UseProdAndCi();
        p.Write("models/a.sql", "select 1 as id");
        p.Write("models/b.sql", "select id from {{ ref('a') }}");
        p.Ok("build", "-t", "prod");
        var state = Path.Combine(p.Dir, "prod-artifacts");
        Directory.CreateDirectory(state);
        // production as if it had been built on another database of the server
        var manifest = JsonNode.Parse(p.Read("target/manifest.json"))!;
        Assert.That(manifest["nodes"]!["model.proj.a"]!["database"]!.GetValue<string>(), Is.EqualTo(PostgresServer.Database), "relations carry their database");
        manifest["nodes"]!["model.proj.a"]!["database"] = "warehouse_prod";
        File.WriteAllText(Path.Combine(state, "manifest.json"), manifest.ToJsonString());
        p.Write("models/b.sql", "select id + 1 as id from {{ ref('a') }}");

        var r = p.Run("build", "-s", "state:modified+", "--defer", "--state", state, "-t", "ci");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain($"error: --defer reads relations the --state run built in PostgreSQL database 'warehouse_prod', but output 'ci' " +
            $"connects to database '{PostgresServer.Database}', and PostgreSQL reads only the database it is connected to"), r.ToString());
        Assert.That(r.Out, Does.Not.Contain("START"));
    }
}
