using System.Diagnostics;
using System.Security.Cryptography;
using NUnit.Framework;
using Xform.Cli.Tests.Retail;

namespace Xform.Cli.Tests.Pipeline;

/// <summary>
/// The workflow's steps, run for real as the workflow runs them: scripts/ci/production.sh on the main branch, then, on a
/// fresh runner (no target/, only the kept artifacts), scripts/ci/pull-request.sh after one model changed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CiScriptsTests
{
    static readonly string Scripts = Path.Combine(TestProject.RepositoryRoot, "scripts", "ci");

    static CliResult Script(TestProject project, string script, string artifacts)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(Scripts, script), artifacts])
        {
            WorkingDirectory = project.Dir, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.Environment["XFORM"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "xform.dll")}";
        info.Environment["XFORM_PROD_DUCKDB"] = "target/retail.duckdb";
        info.Environment["XFORM_ARGS"] = "--threads 1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(600_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} ran over 10 minutes");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    static string Checksum(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    [Test]
    public void Production_keeps_the_artifacts_and_a_pull_request_builds_only_what_it_changed()
    {
        using var p = RetailProjectTests.CopyRetailProject("retail");
        var prod = Script(p, "production.sh", "prod-artifacts");
        Assert.That(prod.ExitCode, Is.Zero, prod.ToString());
        foreach (var file in new[] { "manifest.json", "run_results.json", "sources.json", "catalog.json", "retail.duckdb", "site/index.html", "site/catalog.json" })
            Assert.That(p.Exists($"prod-artifacts/{file}"), $"production keeps {file}");
        Assert.That(Directory.GetFiles(Path.Combine(p.Dir, "prod-artifacts", "site")).Select(Path.GetFileName),
            Has.None.EndsWith(".duckdb"), "the published site holds no database");
        var kept = Checksum(Path.Combine(p.Dir, "prod-artifacts", "retail.duckdb"));

        // A pull request on a fresh runner: the checkout plus the restored artifacts, nothing built.
        Directory.Delete(Path.Combine(p.Dir, "target"), recursive: true);
        var changed = "models/intermediate/int_customer_aov.sql";
        p.Write(changed, p.Read(changed) + "\n-- reviewed\n");
        var expected = p.Run("ls", "-s", "int_customer_aov+", "--resource-type", "model", "-o", "name").Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
        Assert.That(expected, Has.Length.GreaterThan(2));

        var pr = Script(p, "pull-request.sh", "prod-artifacts");
        Assert.That(pr.ExitCode, Is.Zero, pr.ToString());
        Assert.That(pr.Out, Does.Contain("+ xform build -s state:modified+ --defer --state ").And.Contain("ERROR=0"));
        var ciFile = Path.Combine(p.Dir, "target", "ci.duckdb");
        var built = p.Query("select table_name from information_schema.tables where table_schema = 'main' order by 1", ciFile)
            .Select(r => (string)r[0]!).ToArray();
        Assert.That(built, Is.EqualTo(expected), "the pull request builds the changed model and its descendants, nothing else");
        Assert.That(Checksum(Path.Combine(p.Dir, "target", "retail.duckdb")), Is.EqualTo(kept), "production's file is read, never written");
    }

    [Test]
    public void A_pull_request_without_production_artifacts_builds_everything_and_says_so()
    {
        using var p = RetailProjectTests.CopyRetailProject("retail");
        var pr = Script(p, "pull-request.sh", "prod-artifacts");
        Assert.That(pr.ExitCode, Is.Zero, pr.ToString());
        Assert.That(pr.Out, Does.Contain("no production artifacts in ").And.Contain("building everything"));
        var models = p.Run("ls", "--resource-type", "model", "-o", "name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var built = p.Query("select count(*) from information_schema.tables where table_schema = 'main'", Path.Combine(p.Dir, "target", "ci.duckdb"))[0][0];
        Assert.That(built, Is.EqualTo((long)(models.Length + 6)), "every model and the 6 seeds");
    }
}
