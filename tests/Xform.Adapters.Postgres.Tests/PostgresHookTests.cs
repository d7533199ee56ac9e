using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>Hooks and seed reloads on the real server, where transactions and dependent views behave as in production.</summary>
public class PostgresHookTests
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

    [Test]
    public void A_hook_outside_the_transaction_can_vacuum_where_one_inside_cannot()
    {
        var p = Project();
        p.Write("models/m.sql", "{{ config(materialized='table', post_hook=after_commit('vacuum analyze {{ this }}')) }}\nselect 1 as id");
        var ok = p.Run("run");
        Assert.That(ok.ExitCode, Is.Zero, ok.ToString());
        Assert.That(p.Long($"select count(*) from {p.Rel("m")}"), Is.EqualTo(1));

        p.Write("models/m.sql", "{{ config(materialized='table', post_hook='vacuum analyze {{ this }}') }}\nselect 2 as id");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Not.Contain("   at "));
        Assert.That(r.Err, Does.Contain("models/m.sql: database error: post-hook 1 of model 'm' failed:"));
        Assert.That(r.Err, Does.Contain("VACUUM cannot run inside a transaction block"));
        Assert.That(p.Long($"select id from {p.Rel("m")}"), Is.EqualTo(1), "the previous table stays");
    }

    [Test]
    public void A_seed_post_hook_column_is_seen_by_its_tests_and_on_run_end_sees_the_results()
    {
        var p = Project();
        p.Write("project.yml", "name: proj\nprofile: proj\non-run-end: \"create table if not exists {{ schemas[0] }}.ran as select {{ results | length }} as n\"\n" +
                               "seeds:\n  proj:\n    +post-hook: \"alter table {{ this }} add column region varchar default 'EU'\"\n");
        p.Write("seeds/s.csv", "id,name\n1,a\n");
        p.Write("seeds/props.yml", "models:\n  - name: s\n    columns:\n      - name: region\n        data_tests: [not_null]\n");
        var built = p.Run("build");
        Assert.That(built.ExitCode, Is.Zero, built.ToString());
        Assert.That(built.Out, Does.Contain("PASS not_null_s_region"), "the test on the hook's column ran and passed");
        Assert.That(p.Long($"select n from {p.Rel("ran")}"), Is.EqualTo(2), "on-run-end saw the seed's and the test's results");
    }

    [Test]
    public void The_views_on_a_reloaded_seed_get_its_new_columns()
    {
        var p = Project();
        p.Write("seeds/s.csv", "id,name\n1,a\n");
        p.Write("models/v.sql", "select * from {{ ref('s') }}");
        p.Write("models/v2.sql", "select * from {{ ref('v') }}");
        var built = p.Run("build");
        Assert.That(built.ExitCode, Is.Zero, built.ToString());
        p.Write("seeds/s.csv", "id,name,extra\n1,a,x\n2,b,y\n");
        var r = p.Run("seed", "--full-refresh");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.QueryRows($"select count(*), max(extra) from {p.Rel("v2")}")[0].Select(v => v?.ToString()),
            Is.EqualTo(new[] { "2", "y" }).AsCollection, "the views are rebuilt from their models, not only recreated with their old columns");
    }
}
