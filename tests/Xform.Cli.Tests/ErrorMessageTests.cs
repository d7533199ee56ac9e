
namespace Xform.Cli.Tests;

/// <summary>
/// Every error a user can cause: one line naming file:line:col, exit code 2, no stack trace, and the
/// database untouched. Expected messages are golden: a change to one is a change users will see.
/// </summary>
public class ErrorMessageTests
{
    public sealed record Case(string Name, Dictionary<string, string> Files, string[] Args, string Expected)
    {
        public override string ToString() => Name;
    }

    const string Project = "name: proj\nprofile: proj\n";

    public static Case C(string name, string expected, string[] args, params (string Path, string Text)[] files) =>
        new(name, files.ToDictionary(f => f.Path, f => f.Text), args, expected);

    internal static IEnumerable<Case> Cases()
    {
        yield return C("bad YAML names its line", "project.yml:6:1: error: invalid YAML: While parsing a flow sequence, did not find expected ',' or ']'.",
            ["parse"], ("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n   bad: [x\n"));
        yield return C("unknown project key names the closest", "project.yml:3:1: error: unknown key 'model-path' in project.yml. Did you mean 'model-paths'?",
            ["parse"], ("project.yml", Project + "model-path: [models]\n"));
        yield return C("unknown key in model properties", "models/s.yml:4:5: error: unknown key 'descripton' in model properties. Did you mean 'description'?",
            ["parse"], ("models/s.yml", "version: 2\nmodels:\n  - name: a\n    descripton: x\n"), ("models/a.sql", "select 1"));
        yield return C("template syntax error at the original position", "models/a.sql:2:12: error: unexpected '}'",
            ["parse"], ("models/a.sql", "select\n  {{ foo( }}\n"));
        yield return C("undefined variable", "models/a.sql:2:6: error: 'undefined_thing' is undefined",
            ["parse"], ("models/a.sql", "select\n  {{ undefined_thing }} as x\n"));
        yield return C("unknown ref with the closest names", "models/a.sql:1:18: error: a refers to ref('nope'), which is not a model, seed or snapshot of this project. Did you mean 'nape'?",
            ["parse"], ("models/a.sql", "select * from {{ ref('nope') }}\n"), ("models/nape.sql", "select 1"));
        yield return C("unknown source", "models/a.sql:1:18: error: a refers to source('raw', 'orderz'), which is not declared in any sources: block. Did you mean 'raw.orders'?",
            ["parse"], ("models/a.sql", "select * from {{ source('raw', 'orderz') }}"), ("models/src.yml", "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n"));
        yield return C("cycle printed whole", "models/a.sql:1:1: error: dependency cycle: a -> b -> c -> a",
            ["parse"], ("models/a.sql", "select * from {{ ref('c') }}"), ("models/b.sql", "select * from {{ ref('a') }}"), ("models/c.sql", "select * from {{ ref('b') }}"));
        yield return C("duplicate model name", "models/x/a.sql:1:1: error: two resources are named 'a': models/a.sql and models/x/a.sql; names of models, seeds and snapshots must be unique",
            ["parse"], ("models/a.sql", "select 1"), ("models/x/a.sql", "select 2"));
        yield return C("unknown macro", "models/a.sql:2:6: error: 'no_such_macro' is undefined",
            ["parse"], ("models/a.sql", "select\n  {{ no_such_macro(1) }}"));
        yield return C("wrong argument count", "models/a.sql:1:11: error: macro 'm' takes 1 to 2 arguments but was called with 3",
            ["parse"], ("macros/m.sql", "{% macro m(a, b=2) %}{{ a }}{% endmacro %}"), ("models/a.sql", "select {{ m(1, 2, 3) }}"));
        yield return C("raise_compiler_error", "models/a.sql:1:22: error: custom failure",
            ["parse"], ("models/a.sql", "select {{ exceptions.raise_compiler_error('custom failure') }}"));
        yield return C("unsupported materialization", "models/b.sql:1:4: error: model 'b' asks for materialization 'tabel'; supported: view, table, ephemeral, incremental, external. Did you mean 'table'?",
            ["parse"], ("models/b.sql", "{{ config(materialized='tabel') }}select 1"));
        yield return C("undefined var", "models/a.sql:1:12: error: var 'region' is not defined: set it under 'vars' in project.yml, pass --vars, or give var() a default",
            ["parse"], ("models/a.sql", "select '{{ var('region') }}' as r"));
        yield return C("bad --vars", "error: --vars is not valid YAML or JSON: invalid YAML: While parsing a flow sequence, did not find expected ',' or ']'.",
            ["parse", "--vars", "{a: [1"], ("models/a.sql", "select 1"));
        yield return C("--vars not a mapping", "error: --vars must be a mapping of names to values, e.g. '{snapshot_date: 2011-12-10}', not '[1, 2]'",
            ["parse", "--vars", "[1, 2]"], ("models/a.sql", "select 1"));
        yield return C("missing profile", "profiles.yml:1:1: error: profile 'proj' (named by the project file) is not in profiles.yml. Profiles there: other.",
            ["parse"], ("profiles.yml", "other:\n  outputs:\n    dev: {type: duckdb}\n"));
        yield return C("missing target", "profiles.yml:4:5: error: target 'prod' is not an output of profile 'proj'. Targets there: dev.",
            ["parse", "-t", "prod"]);
        yield return C("unset env_var in a profile", "profiles.yml:6:13: error: environment variable 'XFORM_SURELY_UNSET' is not set and env_var() was given no default",
            ["parse"], ("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: \"{{ env_var('XFORM_SURELY_UNSET') }}\"\n"));
        yield return C("unsupported adapter type", "profiles.yml:5:13: error: target 'dev' has type 'oracle', which this build of xform cannot connect to; supported: duckdb, snowflake, postgres",
            ["parse"], ("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n      type: oracle\n"));
        yield return C("no project file", "error: no project.yml (or dbt_project.yml) in '{dir}'; run 'xform init' to start a project or pass --project-dir",
            ["parse"], ("project.yml", "<delete>"));
    }

    /// <summary>Each mistake injected into a built project and then built: the error, and nothing touched.</summary>
    [TestCaseSource(nameof(Cases))]
    public void Reports_one_located_line_and_exits_2(Case c) =>
        CheckBeforeBuild(c.Args[0] == "parse" ? c with { Args = ["build", .. c.Args[1..]] } : c);

    /// <summary>
    /// Runs the case's command in a fresh project: exit 2, exactly the expected error lines (the expectation's lines;
    /// <c>{dir}</c> there and in the arguments is the project folder), no stack trace and no help text.
    /// </summary>
    public static void Check(Case c)
    {
        using var p = new TestProject();
        Write(p, c);
        CheckResult(p, c, p.Run(Args(p, c)));
    }

    /// <summary>
    /// As <see cref="Check"/>, in a project that was built once (table <c>built</c> holds 1): the command, changed to
    /// build 2, must fail before it touches the database, so the table still holds 1 and nothing started.
    /// </summary>
    public static void CheckBeforeBuild(Case c)
    {
        using var p = new TestProject();
        p.Write("models/built.sql", "{{ config(materialized='table') }}select range as v, 'row ' || range as label from range(3)");
        Assert.That(p.Run("build").ExitCode, Is.Zero, "the first build");
        var before = Checksum(p);
        p.Write("models/built.sql", "{{ config(materialized='table') }}select 2 as v, 'changed' as label");
        Write(p, c);
        var r = p.Run(Args(p, c));
        CheckResult(p, c, r);
        Assert.That(r.Out, Does.Not.Contain("START"), "no node started");
        Assert.That(Checksum(p), Is.EqualTo(before), "the database is untouched: same rows, same checksum");
    }

    /// <summary>Row count and an md5 of every row of the built table.</summary>
    static string Checksum(TestProject p) =>
        p.Query("select count(*) || ':' || md5(string_agg(v || '/' || label, '|' order by v)) from built")[0][0]!.ToString()!;

    static string[] Args(TestProject p, Case c) => c.Args.Select(a => a.Replace("{dir}", p.Dir)).ToArray();

    static void Write(TestProject p, Case c)
    {
        foreach (var (path, text) in c.Files)
        {
            if (text == "<delete>") File.Delete(Path.Combine(p.Dir, path));
            else p.Write(path, text);
        }
    }

    static void CheckResult(TestProject p, Case c, CliResult r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var errorLines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ConsoleText.Untimed).ToList();
        Assert.That(errorLines, Is.EqualTo(c.Expected.Replace("{dir}", p.Dir).Split('\n')), r.ToString());
        Assert.That(r.All, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(r.All, Does.Not.Contain("internal error"));
        Assert.That(r.All, Does.Not.Contain("Usage:").And.Not.Contain("Options:"), "no help text");
    }

    [Test]
    public void Keys_dbt_accepts_but_xform_does_not_use_warn_once_each()
    {
        using var p = new TestProject();
        p.Write("project.yml", Project + "require-dbt-version: '>=1.0'\nmodels:\n  proj:\n    +labels: {team: finance}\n");
        p.Write("models/a.sql", "select 1");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var warnings = r.Out.Split('\n').Where(l => l.Contains("warning:")).Select(ConsoleText.Untimed).ToList();
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "project.yml:3:1: warning: 'require-dbt-version' in project.yml is accepted but not used by xform yet",
            "project.yml:6:5: warning: config 'labels' is accepted but not used by xform yet",
        }));
    }

    [Test]
    public void A_parse_error_leaves_the_database_untouched()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", "{{ config(materialized='table') }}select 1 as v");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        p.Write("models/a.sql", "{{ config(materialized='table') }}select 2 as v");
        p.Write("models/b.sql", "select * from {{ ref('missing') }}");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(p.Scalar("select v from a"), Is.EqualTo(1));
    }

    [Test]
    public void A_locked_duckdb_file_is_named_plainly()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", "select 1 as v");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        // DuckDB allows one writing process per file: hold it from another process.
        var holder = ChildProcess.Start("run", "--project-dir", p.Dir, "--vars", "{}");
        var lockerDone = false;
        using (var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={p.DatabasePath}"))
        {
            connection.Open();
            holder.WaitForExit(60_000);
            lockerDone = true;
        }
        Assert.That(lockerDone);
        Assert.That(holder.ExitCode, Is.EqualTo(2), holder.StandardOutput.ReadToEnd());
        var err = holder.StandardError.ReadToEnd();
        Assert.That(err, Does.Match(@"error: the DuckDB file 'target/test\.duckdb' is in use by another process \(PID \d+\); DuckDB allows one writer per file: close the other program \(a DuckDB shell, a notebook or another xform\) and retry"));
        Assert.That(err, Does.Not.Contain("   at "));
    }
}
