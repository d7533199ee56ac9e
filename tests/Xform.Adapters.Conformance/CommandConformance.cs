using System.Text.Json.Nodes;

namespace Xform.Adapters.Conformance;

/// <summary>
/// The commands that report rather than build, on every engine: <c>debug</c> (each check, a real <c>select 1</c>, no
/// secret printed) and <c>show</c> (dbt's appended limit, a query with its own limit, JSON output, a seed and a snapshot
/// read from their relations).
/// </summary>
public abstract class CommandConformance : ConformanceFixture
{
    [Test]
    public void Debug_checks_the_configuration_and_the_connection()
    {
        var p = NewProject();
        var r = p.Ok("debug");
        Assert.That(r.Out, Does.Contain("  profiles.yml file [OK found and valid]").And.Contain("  project file [OK found and valid]")
            .And.Contain($"adapter type: {Target.Type}").And.Contain("  Connection test: [OK connection ok]").And.Contain("All checks passed!"));
        foreach (var secret in new[] { "password", "private_key" })
            if (Target.Output(p.Dir, p.Schema).TryGetValue(secret, out var value) && value.Length > 0)
                Assert.That(r.All, Does.Not.Contain(value), $"the {secret} is never printed");
    }

    [Test]
    public void Show_limits_wraps_a_query_with_its_own_limit_and_reads_seeds_and_snapshots()
    {
        var p = NewProject();
        p.Write("seeds/nums.csv", "n,label\n1,a\n2,b\n3,c\n4,d\n5,e\n6,f\n7,g\n");
        p.Write("models/desc_nums.sql", "select n, label from {{ ref('nums') }} order by n desc");
        p.Write("snapshots/nums_snap.sql", $"{{% snapshot nums_snap %}}\n{{{{ config(target_schema='{p.Schema}', unique_key='n', strategy='check', check_cols='all') }}}}\nselect * from {{{{ ref('nums') }}}}\n{{% endsnapshot %}}\n");
        p.Ok("build");

        var model = p.Ok("show", "-s", "desc_nums", "--limit", "3");
        Assert.That(model.Out, Does.Contain("Previewing node 'desc_nums':").And.Contain("first 3 rows (--limit)"));
        Assert.That(Rows(p, "show", "-s", "desc_nums", "--limit", "3"), Is.EqualTo(new[] { 7L, 6L, 5L }), "the model's order by holds");
        Assert.That(Rows(p, "show", "--inline", "select n from {{ ref('nums') }} order by n limit 3", "--limit", "2"), Is.EqualTo(new[] { 1L, 2L }));
        Assert.That(Rows(p, "show", "--inline", "select n from {{ ref('nums') }} order by n limit 3", "--limit", "5"), Is.EqualTo(new[] { 1L, 2L, 3L }));
        Assert.That(Rows(p, "show", "-s", "nums", "--limit", "-1").Order(), Is.EqualTo(new[] { 1L, 2L, 3L, 4L, 5L, 6L, 7L }));
        var snapshot = JsonNode.Parse(p.Ok("show", "-s", "nums_snap", "-o", "json").Out)!;
        Assert.That((string)snapshot["node"]!, Is.EqualTo("nums_snap"));
        Assert.That(snapshot["show"]!.AsArray(), Has.Count.EqualTo(5));
        Assert.That(snapshot["show"]![0]!.AsObject().Select(kv => kv.Key.ToLowerInvariant()), Does.Contain("dbt_valid_from"));
    }

    /// <summary>The column <c>n</c> of each row of <c>show -o json</c>, whatever case the engine gives the column.</summary>
    static long[] Rows(ConformanceProject p, params string[] args) =>
        JsonNode.Parse(p.Ok([.. args, "-o", "json"]).Out)!["show"]!.AsArray()
            .Select(row => row!.AsObject().Single(kv => kv.Key.Equals("n", StringComparison.OrdinalIgnoreCase)).Value!.GetValue<long>()).ToArray();
}
