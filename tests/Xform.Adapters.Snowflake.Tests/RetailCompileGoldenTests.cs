using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Xform.Cli;

namespace Xform.Adapters.Snowflake.Tests;

/// <summary>
/// <c>xform compile -t snowflake</c> of the retail project in the repository root, with the committed
/// profiles.yml and nothing set in the environment: SQL for every model, each the same as its golden file under
/// <c>Golden/</c> (model path under models/, e.g. <c>Golden/staging/stg_transaction_logs.sql</c>), and not one
/// network request. Regenerate the golden files after an intended change with
/// <c>XFORM_UPDATE_GOLDEN=1 dotnet test tests/Xform.Adapters.Snowflake.Tests --filter RetailCompileGolden</c>
/// (they are written into the source tree; review the diff before committing it).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class RetailCompileGoldenTests
{
    const string UpdateVariable = "XFORM_UPDATE_GOLDEN";
    static readonly string[] ProjectPaths = ["project.yml", "profiles.yml", "models", "macros", "seeds", "data/sample", "tests/sql"];

    static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    static string RepositoryRoot
    {
        get
        {
            foreach (var start in new[] { TestContext.CurrentContext.TestDirectory, SourceDirectory() })
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "Transform.sln")) && File.Exists(Path.Combine(dir.FullName, "project.yml")))
                        return dir.FullName;
            throw new InvalidOperationException("the repository root (Transform.sln + project.yml) is not above the test directory");
        }
    }

    /// <summary>Golden files as copied next to the test assembly (read), and in the source tree (written on update).</summary>
    static string GoldenOutputDir => Path.Combine(TestContext.CurrentContext.TestDirectory, "Golden");
    static string GoldenSourceDir => Path.Combine(RepositoryRoot, "tests", "Xform.Adapters.Snowflake.Tests", "Golden");

    string _dir = "";
    TcpListener? _sentinel;
    Dictionary<string, string> _compiled = [];
    string _output = "";

    [OneTimeSetUp]
    public void Compile()
    {
        _dir = Directory.CreateTempSubdirectory("xform-retail-snowflake-").FullName;
        foreach (var path in ProjectPaths)
        {
            var source = Path.Combine(RepositoryRoot, path);
            var destination = Path.Combine(_dir, path);
            if (File.Exists(source))
            {
                File.Copy(source, destination);
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(destination, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        // The committed profile, with two changes so that the result cannot depend on the machine: every
        // env_var('SNOWFLAKE_...') reads a variable nobody sets (so the profile's own defaults apply), and the
        // endpoint defaults point at a loopback socket that counts connections (a request would reach it
        // instead of the internet).
        _sentinel = new TcpListener(IPAddress.Loopback, 0);
        _sentinel.Start();
        var port = ((IPEndPoint)_sentinel.LocalEndpoint).Port;
        var profiles = File.ReadAllText(Path.Combine(_dir, "profiles.yml"));
        Assert.That(profiles, Does.Contain("env_var('SNOWFLAKE_HOST', '')").And.Contain("env_var('SNOWFLAKE_PORT', '')").And.Contain("env_var('SNOWFLAKE_PROTOCOL', '')"),
            "profiles.yml: the snowflake output takes host, port and protocol from SNOWFLAKE_HOST/PORT/PROTOCOL with empty defaults");
        profiles = profiles
            .Replace("env_var('SNOWFLAKE_HOST', '')", "env_var('SNOWFLAKE_HOST', '127.0.0.1')", StringComparison.Ordinal)
            .Replace("env_var('SNOWFLAKE_PORT', '')", $"env_var('SNOWFLAKE_PORT', '{port}')", StringComparison.Ordinal)
            .Replace("env_var('SNOWFLAKE_PROTOCOL', '')", "env_var('SNOWFLAKE_PROTOCOL', 'http')", StringComparison.Ordinal)
            .Replace("env_var('SNOWFLAKE_", "env_var('XFORM_GOLDEN_UNSET_SNOWFLAKE_", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "profiles.yml"), profiles);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = XformCli.Run(["compile", "-t", "snowflake", "--project-dir", _dir], stdout, stderr);
        _output = $"exit {code}\n--- stdout\n{stdout}\n--- stderr\n{stderr}";
        Assert.That(code, Is.Zero, _output);

        var compiledRoot = Path.Combine(_dir, "target", "compiled", "retail", "models");
        _compiled = Directory.Exists(compiledRoot)
            ? Directory.EnumerateFiles(compiledRoot, "*.sql", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(compiledRoot, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal)
            : [];
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        _sentinel?.Stop();
        try { if (_dir.Length > 0) Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Test]
    public void Compile_makes_no_network_request()
    {
        Assert.That(_sentinel!.Pending(), Is.False, "xform compile -t snowflake connected to the Snowflake endpoint");
        Assert.That(_output, Does.Not.Contain("snowflakecomputing.com"));
    }

    [Test]
    public void Every_model_compiles_to_snowflake_sql()
    {
        var models = Directory.EnumerateFiles(Path.Combine(_dir, "models"), "*.sql", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(_dir, "models"), f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        Assert.That(models, Has.Count.GreaterThanOrEqualTo(25), "the retail project's models");
        Assert.That(_compiled.Keys.Order(StringComparer.Ordinal), Is.EqualTo(models), "a compiled file for every model");
        Assert.Multiple(() =>
        {
            foreach (var (path, sql) in _compiled)
            {
                Assert.That(sql.Trim(), Is.Not.Empty, path);
                Assert.That(sql, Does.Not.Contain("{{").And.Not.Contain("{%"), $"{path}: unrendered template");
                // PostgreSQL or DuckDB only: must have gone through a snowflake__ variant
                Assert.That(PostgresOrDuckDbOnly().Matches(sql).Select(m => m.Value), Is.Empty, $"{path}: SQL Snowflake does not have");
            }
            // the raw source is the table POS.TRANSACTION_LOGS, not a file reader
            Assert.That(_compiled["staging/stg_transaction_logs.sql"], Does.Contain("from \"POS\".\"TRANSACTION_LOGS\"").And.Not.Contain("read_csv"));
        });
    }

    [GeneratedRegex(@" ~ '|as numeric\)|\bhugeint\b|\bread_csv\b|\bread_parquet\b|\bread_blob\b|\bgenerate_series\b|\btry_strptime\b", RegexOptions.IgnoreCase)]
    private static partial Regex PostgresOrDuckDbOnly();

    [Test]
    public void Every_compiled_model_matches_its_golden_file()
    {
        var update = Environment.GetEnvironmentVariable(UpdateVariable) is "1" or "true";
        if (update)
        {
            if (Directory.Exists(GoldenSourceDir))
                foreach (var stale in Directory.EnumerateFiles(GoldenSourceDir, "*.sql", SearchOption.AllDirectories))
                    File.Delete(stale);
            foreach (var (path, sql) in _compiled)
            {
                var file = Path.Combine(GoldenSourceDir, path);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(file, Normalise(sql));
            }
            TestContext.Progress.WriteLine($"{UpdateVariable}=1: wrote {_compiled.Count} golden files to {GoldenSourceDir}; review them with git diff");
            Assert.Pass($"golden files rewritten in {GoldenSourceDir}");
        }

        var golden = Directory.Exists(GoldenOutputDir)
            ? Directory.EnumerateFiles(GoldenOutputDir, "*.sql", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(GoldenOutputDir, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal)
            : [];
        var report = new StringBuilder();
        foreach (var path in _compiled.Keys.Order(StringComparer.Ordinal))
        {
            if (!golden.TryGetValue(path, out var expected))
            {
                report.AppendLine($"--- {path}: no golden file (a new model?)");
                continue;
            }
            if (Normalise(expected) != Normalise(_compiled[path]))
                report.Append(Diff(path, Normalise(expected), Normalise(_compiled[path])));
        }
        foreach (var path in golden.Keys.Where(k => !_compiled.ContainsKey(k)).Order(StringComparer.Ordinal))
            report.AppendLine($"--- {path}: golden file of a model that no longer compiles (removed or renamed?)");
        if (report.Length > 0)
            Assert.Fail($"xform compile -t snowflake of the retail project differs from tests/Xform.Adapters.Snowflake.Tests/Golden/:\n{report}\n" +
                        $"If the change is intended, regenerate with: {UpdateVariable}=1 dotnet test tests/Xform.Adapters.Snowflake.Tests --filter RetailCompileGolden, then review git diff.");
    }

    /// <summary>
    /// <c>compile --empty</c>: every ref() and source() of two models read as dbt-snowflake's unaliased zero-row subquery,
    /// the same as <c>GoldenEmpty/</c> (rewritten with the golden files by <c>XFORM_UPDATE_GOLDEN=1</c>).
    /// </summary>
    [Test]
    public void Compile_with_empty_matches_its_golden_files()
    {
        string[] models = ["staging/stg_transaction_logs.sql", "intermediate/int_sales_lines.sql"];
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = XformCli.Run(["compile", "-t", "snowflake", "--empty", "-s", "stg_transaction_logs", "int_sales_lines",
            "--target-path", "target-empty", "--project-dir", _dir], stdout, stderr);
        Assert.That(code, Is.Zero, $"{stdout}\n{stderr}");
        var update = Environment.GetEnvironmentVariable(UpdateVariable) is "1" or "true";
        foreach (var model in models)
        {
            var sql = Normalise(File.ReadAllText(Path.Combine(_dir, "target-empty", "compiled", "retail", "models", model)));
            Assert.That(sql, Does.Contain("where false limit 0)").And.Not.Contain("_dbt_limit_subq"), model);
            if (update)
            {
                var file = Path.Combine(RepositoryRoot, "tests", "Xform.Adapters.Snowflake.Tests", "GoldenEmpty", model);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(file, sql);
                continue;
            }
            var expected = Normalise(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "GoldenEmpty", model)));
            Assert.That(sql, Is.EqualTo(expected), Diff(model, expected, sql));
        }
    }

    static string Normalise(string sql) => sql.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";

    /// <summary>A line diff (longest common subsequence), '-' golden, '+' compiled (line numbers of their own file), with 2 lines of context.</summary>
    static string Diff(string path, string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var lines = new List<(char Op, int Line, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { lines.Add((' ', y + 1, a[x])); x++; y++; }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1])) { lines.Add(('-', x + 1, a[x])); x++; }
            else { lines.Add(('+', y + 1, b[y])); y++; }
        }
        var text = new StringBuilder($"--- Golden/{path}\n+++ compiled {path}\n");
        var shown = -1;
        for (var k = 0; k < lines.Count; k++)
        {
            if (lines[k].Op == ' ' && !Enumerable.Range(Math.Max(0, k - 2), Math.Min(lines.Count, k + 3) - Math.Max(0, k - 2)).Any(n => lines[n].Op != ' '))
                continue;
            if (shown >= 0 && k > shown + 1) text.AppendLine("  ...");
            text.AppendLine($"{lines[k].Op} {lines[k].Line,4}: {lines[k].Text}");
            shown = k;
        }
        return text.ToString();
    }
}
