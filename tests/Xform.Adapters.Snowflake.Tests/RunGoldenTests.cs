using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Xform.Adapters.Conformance;

namespace Xform.Adapters.Snowflake.Tests.Conformance;

/// <summary>
/// Statements sent to Snowflake (the loopback stand-in), each model's target/run file compared with its golden file under
/// <c>RunGolden/</c> (the schema written as <c>&lt;schema&gt;</c>). Regenerate after an intended change with
/// <c>XFORM_UPDATE_GOLDEN=1 dotnet test tests/Xform.Adapters.Snowflake.Tests --filter RunGolden</c>, then review the diff.
/// </summary>
[NonParallelizable]
public sealed class RunGoldenTests
{
    static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    /// <summary>
    /// Grants: a first build grants what is listed, one grantee per statement as dbt-snowflake does (the stand-in keeps the
    /// privileges); a rebuild with <c>copy_grants: true</c> keeps the old grants, reads them (<c>show grants on</c>) and revokes
    /// what is no longer listed, as does an incremental run; a rebuild without it starts with none.
    /// </summary>
    [Test]
    public void Grants_are_granted_then_revoked_as_dbt_snowflake_does()
    {
        using var p = new ConformanceProject(SnowflakeTarget.Instance);
        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    +grants:\n      select: [reporter, bi]\n");
        p.Write("models/kept.sql", "{{ config(materialized='table', copy_grants=true) }}\nselect 1 as id");
        p.Write("models/fresh.sql", "{{ config(materialized='table') }}\nselect 1 as id");
        p.Write("models/inc.sql", "{{ config(materialized='incremental', grants={'+select': ['auditor']}) }}\nselect 1 as id");
        p.Ok("run");
        var first = Ran(p, "kept", "fresh", "inc");
        var grants = FakeSnowflakeFixture.Fake.Grants;
        string Rel(string name) => $"{p.Schema}.{name}";
        Assert.That(grants.On(Rel("kept")), Is.EqualTo(new[] { "SELECT:BI", "SELECT:REPORTER" }));
        Assert.That(grants.On(Rel("inc")), Is.EqualTo(new[] { "SELECT:AUDITOR", "SELECT:BI", "SELECT:REPORTER" }));

        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    +grants:\n      select: [bi]\n");
        p.Ok("run");
        var later = Ran(p, "kept", "fresh", "inc");
        Assert.Multiple(() =>
        {
            Assert.That(grants.On(Rel("kept")), Is.EqualTo(new[] { "SELECT:BI" }), "copied, then reporter revoked");
            Assert.That(grants.On(Rel("fresh")), Is.EqualTo(new[] { "SELECT:BI" }), "replaced without copy grants: only bi granted");
            Assert.That(grants.On(Rel("inc")), Is.EqualTo(new[] { "SELECT:AUDITOR", "SELECT:BI" }), "kept table: reporter revoked");
            foreach (var (name, sql) in first) Golden($"grants.{name}.first.sql", sql);
            foreach (var (name, sql) in later) Golden($"grants.{name}.later.sql", sql);
        });
    }

    /// <summary>
    /// set_sql_header: the header's statements come first in the model's request (each request is a session), before the
    /// table's <c>create or replace</c> and before the incremental model's staging table.
    /// </summary>
    [Test]
    public void The_sql_header_is_sent_in_the_models_request_before_its_statement()
    {
        using var p = new ConformanceProject(SnowflakeTarget.Instance);
        const string header = "{% call set_sql_header(config) %}\nalter session set week_start = 1;\n{% endcall %}\n";
        p.Write("models/t.sql", "{{ config(materialized='table') }}\n" + header + "select 1 as id");
        p.Write("models/inc.sql", "{{ config(materialized='incremental') }}\n" + header + "select 1 as id");
        var fake = FakeSnowflakeFixture.Fake;
        p.Ok("run");
        p.Ok("run", "-s", "inc");
        var schema = p.Schema.ToUpperInvariant();
        var request = fake.Posts.Select(r => (string)JsonNode.Parse(r.Body)!["statement"]!).Last(s => s.Contains($"table \"{schema}\".\"T\"", StringComparison.Ordinal));
        Assert.That(request.IndexOf("alter session set week_start = 1", StringComparison.Ordinal),
            Is.Not.Negative.And.LessThan(request.IndexOf("create or replace", StringComparison.Ordinal)), "one request: one session");
        Assert.Multiple(() =>
        {
            foreach (var (name, sql) in Ran(p, "t", "inc")) Golden($"sql_header.{name}.sql", sql);
        });
    }

    /// <summary>Each model's SQL as it ran, its schema replaced by a placeholder.</summary>
    static List<(string, string)> Ran(ConformanceProject p, params string[] models) =>
        models.Select(name => (name, RunFile(p, $"models/{name}.sql"))).ToList();

    /// <summary>A node's target/run file, its schema replaced by a placeholder.</summary>
    internal static string RunFile(ConformanceProject p, string path) =>
        p.Read($"target/run/proj/{path}").Replace("\r\n", "\n", StringComparison.Ordinal)
            .Replace(p.Schema.ToUpperInvariant(), "<schema>", StringComparison.Ordinal).TrimEnd() + "\n";

    static void Golden(string name, string actual) => Golden("RunGolden", name, actual, SourceDirectory());

    /// <summary>Compares with the golden file <paramref name="folder"/>/<paramref name="name"/>, or rewrites it with XFORM_UPDATE_GOLDEN=1.</summary>
    internal static void Golden(string folder, string name, string actual, string sourceDirectory)
    {
        if (Environment.GetEnvironmentVariable("XFORM_UPDATE_GOLDEN") is "1" or "true")
        {
            File.WriteAllText(Path.Combine(sourceDirectory, folder, name), actual);
            return;
        }
        var expected = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, folder, name)).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.That(actual, Is.EqualTo(expected), $"{folder}/{name}");
    }
}
