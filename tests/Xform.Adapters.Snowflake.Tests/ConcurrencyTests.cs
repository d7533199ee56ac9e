using Xform.Adapters.Conformance;

namespace Xform.Adapters.Snowflake.Tests.Conformance;

/// <summary>
/// Two runs at once on one Snowflake schema, which has no lock to take (README, "Concurrent runs"): models are each
/// replaced by one atomic statement and each run loads a seed into a staging table of its own, so both runs succeed
/// and the last writer wins, relation by relation; nothing is left half-made. (Before the staging tables were named
/// per run, both loads went into one table and the row-count check failed both. The stand-in runs one statement at
/// a time; Snowflake's own interleaving is finer.)
/// </summary>
[NonParallelizable]
public class SnowflakeConcurrencyTests
{
    readonly List<ConformanceProject> _projects = [];

    [TearDown]
    public void Cleanup()
    {
        foreach (var p in _projects) p.Dispose();
        _projects.Clear();
    }

    /// <summary>A seed, four tables on it, tables and views joining them in pairs, and a table over all.</summary>
    ConformanceProject Project(string? profile = null)
    {
        var p = new ConformanceProject(SnowflakeTarget.Instance);
        _projects.Add(p);
        if (profile is not null) p.Write("profiles.yml", profile);
        p.Write("seeds/s.csv", "id,v\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"{i},{i * 3}\n")));
        for (var i = 0; i < 4; i++)
        {
            p.Write($"models/a{i}.sql", $"{{{{ config(materialized='table') }}}}select id, v + {i} as v from {{{{ ref('s') }}}}");
            p.Write($"models/b{i}.sql", $"{{{{ config(materialized='{(i % 2 == 0 ? "table" : "view")}') }}}}" +
                                        $"select x.id, x.v + y.v as v from {{{{ ref('a{i}') }}}} x join {{{{ ref('a{(i + 1) % 4}') }}}} y on x.id = y.id");
        }
        p.Write("models/total.sql", "{{ config(materialized='table') }}" +
                                    string.Join(" union all ", Enumerable.Range(0, 4).Select(i => $"select id, v from {{{{ ref('b{i}') }}}}")));
        return p;
    }

    static (CliResult A, CliResult B) Together(ConformanceProject first, ConformanceProject second, string command)
    {
        CliResult? a = null, b = null;
        var threads = new[] { new Thread(() => a = first.Run(command)), new Thread(() => b = second.Run(command)) };
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        return (a!, b!);
    }

    static void AssertWhole(ConformanceProject p)
    {
        Assert.That(p.Long($"select count(*) from {p.Rel("s")}"), Is.EqualTo(50));
        Assert.That(p.Long($"select count(*) from {p.Rel("total")}"), Is.EqualTo(200));
        Assert.That(p.Relations().Keys, Has.None.Contains("__xform"), "no staging table left behind");
    }

    [Test]
    public void Two_runs_of_the_models_at_once_both_succeed()
    {
        var first = Project();
        var second = Project(first.Read("profiles.yml"));
        Assert.That(first.Run("build").ExitCode, Is.Zero);
        for (var trial = 1; trial <= 3; trial++)
        {
            var (a, b) = Together(first, second, "run");
            Assert.That((a.ExitCode, b.ExitCode), Is.EqualTo((0, 0)), $"trial {trial}\n{a}\n{b}");
            AssertWhole(first);
        }
    }

    [Test]
    public void Two_builds_at_once_both_succeed_and_leave_nothing_half_made()
    {
        var first = Project();
        var second = Project(first.Read("profiles.yml"));
        // the relations exist: two first builds at once can both find a seed missing and one then fails its rename
        Assert.That(first.Run("build").ExitCode, Is.Zero);
        for (var trial = 1; trial <= 3; trial++)
        {
            var (a, b) = Together(first, second, "build");
            Assert.That((a.ExitCode, b.ExitCode), Is.EqualTo((0, 0)), $"trial {trial}\n{a}\n{b}");
            Assert.That(a.All + b.All, Does.Not.Contain("internal error").And.Not.Contain("   at "));
            AssertWhole(first);
        }
    }
}
