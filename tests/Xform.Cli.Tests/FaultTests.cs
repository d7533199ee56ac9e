using System.Diagnostics;

namespace Xform.Cli.Tests;

/// <summary>
/// A build killed mid-flight (a real SIGKILL of a child xform process) leaves every relation at its
/// old or its new version, never missing, empty or half-written, and the next run succeeds.
/// </summary>
public class FaultTests
{
    // 900 million pairs aggregated: seconds of work even for DuckDB on an idle machine, so the kill lands mid-build.
    const string SlowRows = "select a.range as id, count(*) % 97 as v from range(0, 3000) a, range(0, 300000) b where (a.range + b.range) % 13 = 0 group by a.range";

    [TestCase("table")]
    [TestCase("incremental")]
    public void Killing_the_process_mid_build_keeps_the_previous_version(string materialization)
    {
        using var p = new TestProject();
        var config = materialization == "incremental" ? "materialized='incremental', unique_key='id'" : "materialized='table'";
        // First version: small and fast.
        p.Write("models/big.sql", $"{{{{ config({config}) }}}}\nselect x as id, 1 as v from range(0, 10) t(x)");
        p.Write("models/after.sql", "select count(*) as n from {{ ref('big') }}");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        var before = p.Query("select count(*), sum(v) from big")[0];

        // Second version: slow; kill the process while it builds.
        p.Write("models/big.sql", $"{{{{ config({config}) }}}}\n{SlowRows}");
        using var child = ChildProcess.Start("run", "--project-dir", p.Dir, "--threads", "1");
        var started = WaitForLine(child, "START sql", TimeSpan.FromSeconds(60));
        Assert.That(started, "the build never started");
        Thread.Sleep(300);
        Assert.That(child.HasExited, Is.False, "the build finished before it could be killed; make SlowRows heavier");
        child.Kill(entireProcessTree: true);
        child.WaitForExit();

        // Old version intact, nothing half-made, no leftovers.
        var after = p.Query("select count(*), sum(v) from big")[0];
        Assert.That(after, Is.EqualTo(before));
        Assert.That(p.Relations().Keys, Has.None.Contains("__xform"));

        // And the next run goes through (a light version, so the test does not wait for the heavy query).
        p.Write("models/big.sql", $"{{{{ config({config}) }}}}\nselect x + 100 as id, 2 as v from range(0, 5) t(x)");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select count(*) from big")[0][0], Is.EqualTo(materialization == "incremental" ? 15L : 5L));
    }

    static bool WaitForLine(Process process, string text, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            var line = process.StandardOutput.ReadLine();
            if (line is null) return false;
            if (line.Contains(text, StringComparison.Ordinal) && line.Contains("model main.big", StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
