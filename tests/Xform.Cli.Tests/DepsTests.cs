using System.Diagnostics;

namespace Xform.Cli.Tests;

/// <summary><c>xform deps</c>: local and git packages (a bare repository the test makes), transitive, locked, idempotent.</summary>
[NonParallelizable]
public class DepsTests
{
    static string Git(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "test";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
        return output.Trim();
    }

    /// <summary>A bare repository holding package 'gitpkg' under pkg/, with two commits (v1 then v2 of its macro); returns its url and the first commit.</summary>
    static (string Url, string First) GitPackageRepo(TestProject p)
    {
        var work = Path.Combine(p.Dir, "gitwork");
        Directory.CreateDirectory(Path.Combine(work, "pkg", "macros"));
        File.WriteAllText(Path.Combine(work, "pkg", "dbt_project.yml"), "name: gitpkg\nversion: '1.0.0'\n");
        File.WriteAllText(Path.Combine(work, "pkg", "macros", "v.sql"), "{% macro which() %}'v1'{% endmacro %}");
        Git(work, "init", "--quiet", "-b", "main");
        Git(work, "add", ".");
        Git(work, "commit", "--quiet", "-m", "v1");
        var first = Git(work, "rev-parse", "HEAD");
        File.WriteAllText(Path.Combine(work, "pkg", "macros", "v.sql"), "{% macro which() %}'v2'{% endmacro %}");
        Git(work, "commit", "--quiet", "-am", "v2");
        var bare = work + ".git";
        Git(p.Dir, "clone", "--quiet", "--bare", work, bare);
        return (new Uri(Path.GetFullPath(bare)).AbsoluteUri, first);
    }

    static TestProject Project(string gitUrl, string? revision)
    {
        var p = new TestProject("shop");
        // A local package next to the project, which itself depends on the git package.
        var local = Path.Combine(p.Dir, "vendor", "localpkg");
        p.Write("vendor/localpkg/dbt_project.yml", "name: localpkg\nversion: '1.0.0'\n");
        p.Write("vendor/localpkg/macros/hi.sql", "{% macro hi() %}'hi from local'{% endmacro %}");
        p.Write("vendor/localpkg/packages.yml", $"packages:\n  - git: \"{gitUrl}\"\n    subdirectory: pkg\n" + (revision is null ? "" : $"    revision: {revision}\n"));
        p.Write("packages.yml", "packages:\n  - local: vendor/localpkg\n");
        p.Write("models/m.sql", "select {{ localpkg.hi() }} as hi, {{ gitpkg.which() }} as which");
        return p;
    }

    [Test]
    public void Deps_installs_local_and_git_packages_transitively_and_the_project_builds_with_them()
    {
        using var probe = new TestProject("probe");
        var (url, first) = GitPackageRepo(probe);
        using var p = Project("{{ env_var('SHOP_PACKAGE_REPO') }}", first);
        Environment.SetEnvironmentVariable("SHOP_PACKAGE_REPO", url);
        var r = p.Run("deps");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(new DirectoryInfo(Path.Combine(p.Dir, "dbt_packages", "localpkg")).LinkTarget, Is.Not.Null, "a local package is a link, as dbt makes it");
        Assert.That(p.Exists("dbt_packages/gitpkg/dbt_project.yml"), "the git package's subdirectory is installed under its own name");
        Assert.That(p.Exists("dbt_packages/gitpkg/.git"), Is.False);
        var lockText = p.Read("package-lock.yml");
        Assert.That(lockText, Does.Contain("- git: \"{{ env_var('SHOP_PACKAGE_REPO') }}\"").And.Not.Contain(url), "the url as written, as dbt's lock keeps it");
        Assert.That(lockText, Does.Contain($"revision: {first}").And.Contain("name: gitpkg").And.Contain("name: localpkg").And.Contain("sha1_hash: "));

        var build = p.Run("run");
        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(p.Query("select hi, which from m")[0], Is.EqualTo(new object?[] { "hi from local", "v1" }).AsCollection, "the revision asked for, not the newest");

        var again = p.Run("deps");
        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(p.Read("package-lock.yml"), Is.EqualTo(lockText), "idempotent");
        Environment.SetEnvironmentVariable("SHOP_PACKAGE_REPO", null);
    }

    [Test]
    public void The_lock_file_pins_a_branch_to_the_commit_it_recorded_until_packages_yml_changes()
    {
        using var probe = new TestProject("probe");
        var (url, first) = GitPackageRepo(probe);
        using var p = Project(url, revision: null);
        // A lock made from this very packages.yml that recorded the first commit: deps honours it.
        Assert.That(p.Run("deps").ExitCode, Is.Zero);
        Assert.That(p.Read("package-lock.yml"), Does.Not.Contain(first), "unpinned: the newest commit");
        p.Write("package-lock.yml", p.Read("package-lock.yml").Replace(Git(Path.Combine(p.Dir, "dbt_packages", "..", ".."), "ls-remote", url, "HEAD").Split('\t')[0], first));
        Assert.That(p.Run("deps").ExitCode, Is.Zero);
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        Assert.That(p.Query("select which from m")[0][0], Is.EqualTo("v1"), "the locked commit");

        p.Write("packages.yml", "packages:\n  - local: vendor/localpkg\n# changed\n");
        Assert.That(p.Run("deps").ExitCode, Is.Zero);
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        Assert.That(p.Query("select which from m")[0][0], Is.EqualTo("v2"), "packages.yml changed: the lock no longer applies");
    }

    [Test]
    public void An_unreachable_git_package_and_a_hub_package_say_how_to_vendor_them()
    {
        using var p = new TestProject("shop");
        // A url with a credential from the environment, as dbt renders it: the secret never reaches the output.
        Environment.SetEnvironmentVariable("DBT_ENV_SECRET_GIT_TOKEN", "s3cr3t-token");
        p.Write("packages.yml", "packages:\n  - git: \"file:///nonexistent/{{ env_var('DBT_ENV_SECRET_GIT_TOKEN') }}/repo.git\"\n");
        var r = p.Run("deps");
        Environment.SetEnvironmentVariable("DBT_ENV_SECRET_GIT_TOKEN", null);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("packages.yml:2:").And.Contain("cannot install 'git: file:///nonexistent/{{ env_var('DBT_ENV_SECRET_GIT_TOKEN') }}/repo.git': git clone failed")
            .And.Contain("vendor the package"));
        Assert.That(r.All, Does.Not.Contain("s3cr3t-token"));

        // The hub (here: nothing listening) cannot be reached: say so and how to vendor; a vendored copy is kept.
        p.Write("packages.yml", "packages:\n  - package: dbt-labs/dbt_utils\n    version: [\">=1.0.0\", \"<2.0.0\"]\n");
        Environment.SetEnvironmentVariable("DBT_PACKAGE_HUB_URL", "http://127.0.0.1:9/");
        try
        {
            var hub = p.Run("deps");
            Assert.That(hub.ExitCode, Is.EqualTo(2));
            Assert.That(hub.Err, Does.Contain("cannot be reached").And.Contain("vendor the package"));

            p.Write("dbt_packages/dbt_utils/dbt_project.yml", "name: dbt_utils\nversion: '1.3.0'\n");
            var vendored = p.Run("deps");
            Assert.That(vendored.ExitCode, Is.Zero, vendored.ToString());
            Assert.That(p.Read("package-lock.yml"), Does.Contain("- package: \"dbt-labs/dbt_utils\"").And.Contain("version: \"1.3.0\""));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DBT_PACKAGE_HUB_URL", null);
        }
    }
}
