using System.Text.RegularExpressions;

namespace Xform.Cli.Tests;

/// <summary>
/// A DuckDB file that cannot be opened: exit 2 and one line at the output in profiles.yml saying why and to check
/// 'path'; never "internal error". Commands that need no database (parse, compile) do not touch the path at all.
/// </summary>
public class ConnectionErrorTests
{
    static string Profile(string path) => $"proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: '{path}'\n";

    static ErrorMessageTests.Case Case(string name, string path, string reason) =>
        ErrorMessageTests.C(name, $"profiles.yml:4:5: error: cannot open the DuckDB database '{path}' of output 'dev': {reason}",
            ["run"], ("profiles.yml", Profile(path)), ("models/a.sql", "select 1 as v"), ("notes.txt", "not a database\n"), ("data/.keep", ""));

    internal static IEnumerable<ErrorMessageTests.Case> Cases()
    {
        yield return Case("a file where its directory should be", "notes.txt/dev.duckdb",
            "its directory cannot be created: '{dir}/notes.txt' is a file: check 'path'");
        yield return Case("a path that is a directory", "data",
            "that is a directory: check 'path', which names the database file (e.g. target/dev.duckdb)");
        yield return Case("a file that is not a DuckDB database", "notes.txt",
            "the file exists but is not a DuckDB database: check 'path'");
    }

    [TestCaseSource(nameof(Cases))]
    public void Reports_one_line_at_the_output_and_exits_2(ErrorMessageTests.Case c) => ErrorMessageTests.Check(c);

    [Test]
    public void A_directory_that_cannot_be_written()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes");
            return;
        }
        // root writes anywhere whatever the mode bits; sysfs refuses new files even to root
        var root = Environment.UserName == "root";
        if (root && !Directory.Exists("/sys/kernel")) Assert.Ignore("running as root without sysfs: no unwritable directory to use");
        using var p = new TestProject();
        var locked = root ? "/sys" : Path.Combine(p.Dir, "locked");
        if (!root)
        {
            Directory.CreateDirectory(locked);
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var path = Path.Combine(locked, "dev.duckdb");
        p.Write("profiles.yml", Profile(path));
        p.Write("models/a.sql", "select 1 as v");
        try
        {
            var r = p.Run("run");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ConsoleText.Untimed);
            Assert.That(lines, Is.EqualTo(new[]
            {
                $"profiles.yml:4:5: error: cannot open the DuckDB database '{path}' of output 'dev': permission denied: " +
                $"check that the file and its directory '{locked}' are writable, or 'path'",
            }), r.ToString());
            Assert.That(r.All, Does.Not.Contain("   at ").And.Not.Contain("internal error"));
        }
        finally
        {
            if (!root) File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [TestCase("parse")]
    [TestCase("compile")]
    public void Commands_without_a_database_do_not_touch_the_path(string command)
    {
        using var p = new TestProject();
        p.Write("notes.txt", "not a database\n");
        p.Write("profiles.yml", Profile("notes.txt/dev.duckdb"));
        p.Write("models/a.sql", "select 1 as v");
        var r = p.Run(command);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("notes.txt"), Is.EqualTo("not a database\n"));
    }

    /// <summary>
    /// DuckDB allows one writing process per file: of two builds started together, the second either finds the
    /// file free (the first has finished) or is refused plainly; at least one builds, and the result is whole.
    /// </summary>
    [Test]
    public void Two_builds_at_once_on_one_file_never_fail_obscurely()
    {
        using var p = new TestProject();
        p.Write("seeds/s.csv", "id\n1\n2\n3\n");
        for (var i = 0; i < 6; i++) p.Write($"models/m{i}.sql", $"{{{{ config(materialized='table') }}}}select id + {i} as v from {{{{ ref('s') }}}}");
        for (var trial = 1; trial <= 3; trial++)
        {
            using var a = CliProcess.Start("build", "--project-dir", p.Dir);
            using var b = CliProcess.Start("build", "--project-dir", p.Dir);
            var codes = new[] { a.Finish(TimeSpan.FromMinutes(2)), b.Finish(TimeSpan.FromMinutes(2)) };
            Assert.That(codes, Has.Some.Zero, $"{a}\n{b}");
            foreach (var (code, run) in codes.Zip(new[] { a, b }))
            {
                if (code == 0) continue;
                Assert.That(code, Is.EqualTo(2), run.ToString());
                Assert.That(Regex.IsMatch(run.Err, @"profiles\.yml:4:5: error: the DuckDB file 'target/test\.duckdb' is in use by another process \(PID \d+\); DuckDB allows one writer per file"), run.ToString());
                Assert.That(run.Err, Does.Not.Contain("internal error").And.Not.Contain("   at "));
            }
        }
        Assert.That(p.Scalar("select sum(v)::bigint from m5"), Is.EqualTo(21L));
    }
}
