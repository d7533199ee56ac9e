using System.Diagnostics;
using Xform.Core.Adapters;
using Xform.Core.Project;

namespace Xform.Adapters.Conformance;

/// <summary>
/// A real kill of a child <c>xform</c> in the middle of a table or incremental build leaves the relation at
/// its old version, with no leftovers, and the next run succeeds.
/// </summary>
public abstract class FaultConformance : ConformanceFixture
{
    // About a second or more of work on any engine, so the kill lands mid-build.
    const string Slow = "{% if target.type == 'duckdb' %}select a.range as id, count(*) % 97 as v from range(0, 3000) a, range(0, 300000) b where (a.range + b.range) % 13 = 0 group by a.range" +
                        "{% else %}select x as id, x % 97 as v from generate_series(0, 30000000) as t(x) where x % 1000003 = 0 or x < 1000{% endif %}";

    [TestCase("table")]
    [TestCase("incremental")]
    public void Killing_xform_mid_build_keeps_the_previous_version(string materialization)
    {
        var p = NewProject();
        var config = materialization == "incremental" ? "materialized='incremental', unique_key='id'" : "materialized='table'";
        p.Write("models/big.sql", $"{{{{ config({config}) }}}}\nselect x as id, 1 as v from (select 1 as x union all select 2 union all select 3) t");
        p.Ok("run");
        var before = p.QueryRows($"select count(*), sum(v) from {p.Rel("big")}")[0].Select(ConformanceProject.ToLong).ToArray();

        p.Write("models/big.sql", $"{{{{ config({config}) }}}}\n{Slow}");
        var dll = Path.Combine(AppContext.BaseDirectory, "xform.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "run", "--project-dir", p.Dir, "--threads", "1" }) info.ArgumentList.Add(a);
        using var child = Process.Start(info)!;
        var started = false;
        var watch = Stopwatch.StartNew();
        while (!started && watch.Elapsed < TimeSpan.FromSeconds(60) && child.StandardOutput.ReadLine() is { } line)
            started = line.Contains("START sql", StringComparison.Ordinal);
        if (!started) Assert.Fail("the build never started: " + child.StandardError.ReadToEnd());
        Thread.Sleep(300);
        Assert.That(child.HasExited, Is.False,
            "the build ended before it could be killed; make the slow query heavier:\n" + (child.HasExited ? child.StandardOutput.ReadToEnd() + child.StandardError.ReadToEnd() : ""));
        child.Kill(entireProcessTree: true);
        child.WaitForExit();

        var after = p.QueryRows($"select count(*), sum(v) from {p.Rel("big")}")[0].Select(ConformanceProject.ToLong).ToArray();
        Assert.That(after, Is.EqualTo(before));
        Assert.That(p.Relations().Keys, Has.None.Contains("__xform"));

        // The next run succeeds (with a light version, so the test does not wait for the heavy query).
        p.Write("models/big.sql", $"{{{{ config({config}) }}}}\nselect x as id, 2 as v from (select 10 as x union all select 11) t");
        p.Ok("run");
        Assert.That(p.Long($"select count(*) from {p.Rel("big")}"), Is.EqualTo(materialization == "incremental" ? 5 : 2));
    }

    [Test]
    public void A_transaction_is_all_or_nothing_and_the_connection_goes_on()
    {
        var p = NewProject();
        var (afterFailure, afterSuccess) = p.With((adapter, c) =>
        {
            c.EnsureSchema(p.Schema);
            var t = $"{adapter.Quote(p.Schema)}.{adapter.Quote("atomic")}";
            // Where DDL commits on its own (Snowflake), only the rows are all or nothing: the table exists first.
            var ddlRollsBack = adapter.Dialect.Capabilities.TransactionalDdl;
            IReadOnlyList<string> create = ddlRollsBack ? [$"create table {t} (x integer)"] : [];
            if (!ddlRollsBack) c.Execute($"create table {t} (x integer)");
            Assert.Throws<DatabaseException>(() => c.ExecuteTransaction([.. create, $"insert into {t} values (1)", "select * from no_such_table"]));
            var failed = ddlRollsBack
                ? c.GetColumns(new RelationName(null, p.Schema, "atomic")).Count
                : ConformanceProject.ToLong(c.Query($"select count(*) from {t}").Rows[0][0]);
            c.ExecuteTransaction([.. create, $"insert into {t} values (1)", $"insert into {t} values (2)"]);
            return (failed, ConformanceProject.ToLong(c.Query($"select sum(x) from {t}").Rows[0][0]));
        });
        Assert.That(afterFailure, Is.Zero, "what the transaction did before the failing statement is rolled back");
        Assert.That(afterSuccess, Is.EqualTo(3));
    }
}
