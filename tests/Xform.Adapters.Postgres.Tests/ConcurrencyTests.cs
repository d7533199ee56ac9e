using System.Text.RegularExpressions;
using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>
/// Two xform runs on one schema at once, as two processes of the CLI (two checkouts, or a scheduler and a person):
/// the second waits for the first with a message and then succeeds, or fails at once with that message when told
/// not to wait; never a deadlock. Before the run lock, two builds of this project deadlocked on the swap lock in
/// about one trial in three.
/// </summary>
[NonParallelizable]
public class ConcurrencyTests
{
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    readonly List<ConformanceProject> _projects = [];

    [TearDown]
    public void Cleanup()
    {
        foreach (var p in _projects) p.Dispose();
        _projects.Clear();
    }

    /// <summary>
    /// A seed, eight tables on it, views and tables that join them in pairs and one table over all: parallel swaps
    /// of tables that other models read. <paramref name="sleep"/> seconds of pg_sleep make one model slow.
    /// </summary>
    ConformanceProject Project(double sleep = 0, string? sameSchemaAs = null)
    {
        ServerFixture.Require();
        var p = new ConformanceProject(PostgresTarget.Instance);
        _projects.Add(p);
        if (sameSchemaAs is not null) p.Write("profiles.yml", sameSchemaAs);
        p.Write("seeds/s.csv", "id,v\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i},{i * 3}\n")));
        for (var i = 0; i < 8; i++)
        {
            p.Write($"models/a{i}.sql", $"{{{{ config(materialized='table') }}}}select id, v + {i} as v from {{{{ ref('s') }}}}");
            p.Write($"models/b{i}.sql", $"{{{{ config(materialized='{(i % 2 == 0 ? "table" : "view")}') }}}}" +
                                        $"select x.id, x.v + y.v as v from {{{{ ref('a{i}') }}}} x join {{{{ ref('a{(i + 1) % 8}') }}}} y using (id)");
        }
        p.Write("models/total.sql", "{{ config(materialized='table') }}" +
                                    string.Join(" union all ", Enumerable.Range(0, 8).Select(i => $"select id, v from {{{{ ref('b{i}') }}}}")));
        p.Write("models/slow.sql", $"{{{{ config(materialized='table') }}}}select count(*) as n from {{{{ ref('s') }}}} cross join pg_sleep({sleep.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        return p;
    }

    /// <summary>What the project builds: b_i = (3 id + i) + (3 id + (i + 1) mod 8) over 100 ids, for each of the 8 pairs.</summary>
    static void AssertBuilt(ConformanceProject p)
    {
        Assert.That(p.Long($"select count(*) from {p.Rel("total")}"), Is.EqualTo(800));
        var expected = Enumerable.Range(0, 8).Sum(i => Enumerable.Range(0, 100).Sum(id => 6L * id + i + (i + 1) % 8));
        Assert.That(p.Long($"select sum(v) from {p.Rel("total")}"), Is.EqualTo(expected));
        Assert.That(p.Long($"select n from {p.Rel("slow")}"), Is.EqualTo(100));
        Assert.That(p.Relations().Keys, Has.None.Contains("__xform"), "no leftover of either run");
    }

    static string Waiting(string schema) => $"waiting for another xform run on schema {schema} (pid ";

    [Test]
    public void Two_builds_at_once_on_one_schema_both_succeed_in_every_trial()
    {
        var first = Project(sleep: 1);
        var second = Project(sleep: 1, sameSchemaAs: first.Read("profiles.yml"));
        var waited = 0;
        for (var trial = 1; trial <= 5; trial++)
        {
            using var a = CliProcess.Start("build", "--project-dir", first.Dir);
            using var b = CliProcess.Start("build", "--project-dir", second.Dir);
            var (codeA, codeB) = (a.Finish(Patience), b.Finish(Patience));
            Assert.That((codeA, codeB), Is.EqualTo((0, 0)), $"trial {trial}\n{a}\n{b}");
            Assert.That(a.Out + a.Err + b.Out + b.Err, Does.Not.Contain("deadlock"), $"trial {trial}");
            if ((a.Out + b.Out).Contains(Waiting(first.Schema), StringComparison.Ordinal)) waited++;
            AssertBuilt(first);
        }
        Assert.That(waited, Is.GreaterThan(0), "the runs never overlapped, so the lock was not exercised");
    }

    [Test]
    public void A_second_run_waits_for_the_first_with_a_message_then_succeeds()
    {
        var first = Project(sleep: 3);
        var second = Project(sameSchemaAs: first.Read("profiles.yml"));
        using var a = CliProcess.Start("build", "--project-dir", first.Dir);
        Assert.That(a.WaitForOutput(" START ", Patience), a.ToString());
        var r = second.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Regex.Matches(r.Out, Regex.Escape(Waiting(first.Schema)) + @"\d+\)"), Has.Count.EqualTo(1), r.Out);
        Assert.That(a.Finish(Patience), Is.Zero, a.ToString());
        Assert.That(r.Out.IndexOf(Waiting(first.Schema), StringComparison.Ordinal), Is.LessThan(r.Out.IndexOf(" START ", StringComparison.Ordinal)),
            "the message comes before the second run builds anything");
        AssertBuilt(first);
    }

    [TestCase(0, "is using schema {0} and --lock-timeout is 0: retry when it has finished")]
    [TestCase(1, "still held schema {0} after 1s: retry when it has finished, or raise --lock-timeout")]
    public void With_a_lock_timeout_the_second_run_fails_with_the_message_and_changes_nothing(int seconds, string expected)
    {
        var first = Project(sleep: 4);
        var second = Project(sameSchemaAs: first.Read("profiles.yml"));
        second.Write("seeds/s.csv", "id,v\n1,1\n");
        using var a = CliProcess.Start("build", "--project-dir", first.Dir);
        Assert.That(a.WaitForOutput(" START ", Patience), a.ToString());
        var r = second.Run("build", "--lock-timeout", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = ConsoleText.UntimedLines(r.Err).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), r.ToString());
        Assert.That(lines[0], Does.Match("^error: another xform run \\(pid \\d+\\) " + Regex.Escape(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, first.Schema)) + "$"));
        Assert.That(r.All, Does.Not.Contain("   at ").And.Not.Contain("internal error"));
        Assert.That(a.Finish(Patience), Is.Zero, a.ToString());
        AssertBuilt(first); // the second run's one-row seed never landed
    }

    [Test]
    public void A_run_that_rebuilds_a_schema_waits_for_a_run_reading_it()
    {
        // upstream builds the seed s in its schema; downstream reads it as a source, slowly, into its own schema
        var upstream = Project();
        var downstream = new ConformanceProject(PostgresTarget.Instance, "down");
        _projects.Add(downstream);
        Assert.That(upstream.Run("seed").ExitCode, Is.Zero);
        downstream.Write("models/sources.yml", $"version: 2\nsources:\n  - name: up\n    schema: {upstream.Schema}\n    tables: [{{name: s}}]\n");
        downstream.Write("models/slow.sql", "{{ config(materialized='table') }}select count(*) as n from {{ source('up', 's') }} cross join pg_sleep(3)");
        using var reader = CliProcess.Start("run", "--project-dir", downstream.Dir);
        Assert.That(reader.WaitForOutput(" START ", Patience), reader.ToString());
        var r = upstream.Run("seed");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain(Waiting(upstream.Schema)), "the seed swap waits for the run that reads it");
        Assert.That(reader.Finish(Patience), Is.Zero, reader.ToString());
        Assert.That(downstream.Long($"select n from {downstream.Rel("slow")}"), Is.EqualTo(100));
    }
}
