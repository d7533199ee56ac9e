using Npgsql;
using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>
/// The grants config on the real server, with two real login roles: after each build, the role the config lists can
/// select from the relation and the one it no longer lists cannot, whether the relation was rebuilt (a table, a view, a
/// seed: new objects with no grants) or kept (an incremental model, a snapshot: the old grants are read and revoked).
/// </summary>
[NonParallelizable]
public class PostgresGrantsTests
{
    ConformanceProject? _project;
    readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    string Reporter => "reporter_" + _suffix;
    string Bi => "bi_" + _suffix;
    const string RolePassword = "role-pw";

    [SetUp]
    public void CreateRoles()
    {
        var server = ServerFixture.Require();
        using var c = server.Connect();
        foreach (var role in new[] { Reporter, Bi })
            new NpgsqlCommand($"create role {role} login password '{RolePassword}'", c).ExecuteNonQuery();
    }

    [TearDown]
    public void DropRoles()
    {
        var schema = _project?.Schema;
        _project?.Dispose();
        if (ServerFixture.Server is not { } server) return;
        using var c = server.Connect();
        if (schema is not null) new NpgsqlCommand($"drop schema if exists \"{schema}\" cascade", c).ExecuteNonQuery();
        foreach (var role in new[] { Reporter, Bi })
            new NpgsqlCommand($"drop owned by {role}; drop role if exists {role}", c).ExecuteNonQuery();
    }

    /// <summary>Whether <paramref name="role"/>, connected as itself, can select from the relation.</summary>
    bool CanSelect(string role, string relation)
    {
        var server = ServerFixture.Require();
        var cs = new NpgsqlConnectionStringBuilder(server.ConnectionString()) { Username = role, Password = RolePassword }.ConnectionString;
        using var c = new NpgsqlConnection(cs);
        c.Open();
        try
        {
            new NpgsqlCommand($"select count(*) from {_project!.Rel(relation)}", c).ExecuteScalar();
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return false;
        }
    }

    ConformanceProject Project()
    {
        ServerFixture.Require();
        _project = new ConformanceProject(PostgresTarget.Instance);
        _project.Write("project.yml", "name: proj\nprofile: proj\n" +
                                      "models:\n  proj:\n    +grants:\n      select: ['" + Reporter + "']\n" +
                                      "seeds:\n  proj:\n    +grants:\n      select: ['" + Reporter + "']\n");
        return _project;
    }

    [Test]
    public void The_listed_role_can_select_and_a_role_no_longer_listed_cannot()
    {
        var p = Project();
        p.Write("models/t.sql", "{{ config(materialized='table') }}\nselect 1 as id");
        p.Write("models/v.sql", "select * from {{ ref('t') }}");
        p.Write("models/inc.sql", "{{ config(materialized='incremental', grants={'+select': ['" + Bi + "']}) }}\nselect 1 as id");
        p.Write("seeds/s.csv", "id\n1\n");
        p.Ok("build");
        // the roles reach the schema; which relations they may read is the grants config's business
        using (var c = ServerFixture.Require().Connect())
            new NpgsqlCommand($"grant usage on schema \"{p.Schema}\" to {Reporter}, {Bi}", c).ExecuteNonQuery();
        Assert.Multiple(() =>
        {
            foreach (var r in new[] { "t", "v", "s" })
            {
                Assert.That(CanSelect(Reporter, r), Is.True, $"{r}: reporter is listed");
                Assert.That(CanSelect(Bi, r), Is.False, $"{r}: bi is not");
            }
            Assert.That(CanSelect(Reporter, "inc") && CanSelect(Bi, "inc"), Is.True, "'+select' adds bi to the inherited reporter");
        });

        // bi replaces reporter everywhere; the incremental model keeps its table, so reporter's grant must be revoked
        p.Write("project.yml", p.Read("project.yml").Replace("select: ['" + Reporter + "']", "select: ['" + Bi + "']"));
        p.Write("models/inc.sql", "{{ config(materialized='incremental') }}\nselect 2 as id");
        var r2 = p.Ok("build");
        Assert.Multiple(() =>
        {
            foreach (var r in new[] { "t", "v", "s", "inc" })
            {
                Assert.That(CanSelect(Bi, r), Is.True, $"{r}: bi is listed now");
                Assert.That(CanSelect(Reporter, r), Is.False, $"{r}: reporter is not any more");
            }
        });
        Assert.That(p.Long($"select count(*) from {p.Rel("inc")}"), Is.EqualTo(2), "the incremental run appended");
        Assert.That(p.Read("target/run/proj/models/inc.sql"), Does.Contain("revoke SELECT on ").And.Contain($"from \"{Reporter}\""), "the old grant is read and revoked");
        Assert.That(r2.All, Does.Not.Contain("grants are skipped"));
    }
}
