using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>
/// Unit tests on PostgreSQL, whose types are strict: the columns not given take the built upstream's types, an absent
/// source is not needed when its rows give what the model reads, and a failing test skips its model in build.
/// </summary>
public class PostgresUnitTestTests
{
    readonly List<ConformanceProject> _projects = [];

    [TearDown]
    public void Cleanup()
    {
        foreach (var p in _projects) p.Dispose();
        _projects.Clear();
    }

    ConformanceProject Project(string expectedDoubled)
    {
        ServerFixture.Require();
        var p = new ConformanceProject(PostgresTarget.Instance);
        _projects.Add(p);
        p.Write("seeds/prices.csv", "id,price,sold_on\n1,2.50,2024-01-01\n");
        p.Write("models/sources.yml", "version: 2\nsources:\n  - name: raw\n    schema: raw_absent\n    tables:\n      - name: orders\n");
        // sold_on + 1 needs a date: a null of unknown type would be text, and text + integer fails on PostgreSQL
        p.Write("models/priced.sql", "{{ config(materialized='table') }}\nselect id, price * 2 as doubled, sold_on + 1 as next_day from {{ ref('prices') }}");
        p.Write("models/due.sql", "select id, ordered_on + 7 as due, amount / 2 as half from {{ source('raw', 'orders') }}");
        p.Write("models/unit_tests.yml", $$"""
            version: 2
            unit_tests:
              - name: doubled
                model: priced
                given:
                  - input: ref('prices')
                    rows:
                      - {id: 1, price: 2.5}
                      - {id: 2, price: 0.25}
                expect:
                  rows:
                    - {id: 1, doubled: {{expectedDoubled}}, next_day: null}
                    - {id: 2, doubled: 0.5}
              - name: due_in_a_week
                model: due
                given:
                  - input: source('raw', 'orders')
                    format: csv
                    rows: |
                      id,ordered_on,amount
                      1,2024-01-01,3.00
                expect:
                  rows:
                    - {id: 1, due: 2024-01-08, half: 1.5}
            """);
        return p;
    }

    [Test]
    public void Unit_tests_pass_with_upstream_types_and_without_the_source_table()
    {
        var p = Project("5.00");
        p.Ok("seed");
        var r = p.Ok("test");
        Assert.That(r.Out, Does.Contain("PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2"), r.ToString());
        Assert.That(p.Relations().Keys, Has.No.Member("priced").And.No.Member("due"));
    }

    [Test]
    public void A_failing_unit_test_shows_the_diff_and_build_skips_its_model()
    {
        var p = Project("4");
        var r = p.Run("build", "--select", "prices", "priced");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Not.Contain("   at "), r.ToString());
        Assert.That(r.Err, Does.Contain("Failure in unit_test doubled (models/unit_tests.yml)"), r.ToString());
        Assert.That(r.Err, Does.Match(@"\+\+\+ \| 1\s+\| 5\s+\| null"), r.ToString());
        Assert.That(r.Err, Does.Match(@"--- \| 1\s+\| 4\s+\| null"), r.ToString());
        Assert.That(p.Relations().Keys, Has.Member("prices").And.No.Member("priced"));
    }
}
