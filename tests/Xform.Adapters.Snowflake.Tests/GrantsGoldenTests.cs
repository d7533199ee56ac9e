using System.Runtime.CompilerServices;
using Xform.Adapters.Conformance;

namespace Xform.Adapters.Snowflake.Tests.Conformance;

/// <summary>
/// The grants statements sent to Snowflake (the loopback stand-in keeps the privileges): a first build grants what is
/// listed, one grantee per statement as dbt-snowflake does; a rebuild with <c>copy_grants: true</c> keeps the old grants,
/// reads them (<c>show grants on</c>) and revokes what is no longer listed; a rebuild without it starts with none.
/// Each model's target/run file is compared with its golden file under <c>GrantsGolden/</c> (schema as <c>&lt;schema&gt;</c>);
/// regenerate with <c>XFORM_UPDATE_GOLDEN=1 dotnet test tests/Xform.Adapters.Snowflake.Tests --filter GrantsGolden</c>.
/// </summary>
[NonParallelizable]
public sealed class GrantsGoldenTests
{
    static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    [Test]
    public void Grants_are_granted_then_revoked_as_dbt_snowflake_does()
    {
        using var p = new ConformanceProject(SnowflakeTarget.Instance);
        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    +grants:\n      select: [reporter, bi]\n");
        p.Write("models/kept.sql", "{{ config(materialized='table', copy_grants=true) }}\nselect 1 as id");
        p.Write("models/fresh.sql", "{{ config(materialized='table') }}\nselect 1 as id");
        p.Write("models/inc.sql", "{{ config(materialized='incremental', grants={'+select': ['auditor']}) }}\nselect 1 as id");
        p.Ok("run");
        var first = Ran(p);
        var grants = FakeSnowflakeFixture.Fake.Grants;
        string Rel(string name) => $"{p.Schema}.{name}";
        Assert.That(grants.On(Rel("kept")), Is.EqualTo(new[] { "SELECT:BI", "SELECT:REPORTER" }));
        Assert.That(grants.On(Rel("inc")), Is.EqualTo(new[] { "SELECT:AUDITOR", "SELECT:BI", "SELECT:REPORTER" }));

        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    +grants:\n      select: [bi]\n");
        p.Ok("run");
        var later = Ran(p);
        Assert.Multiple(() =>
        {
            Assert.That(grants.On(Rel("kept")), Is.EqualTo(new[] { "SELECT:BI" }), "copied, then reporter revoked");
            Assert.That(grants.On(Rel("fresh")), Is.EqualTo(new[] { "SELECT:BI" }), "replaced without copy grants: only bi granted");
            Assert.That(grants.On(Rel("inc")), Is.EqualTo(new[] { "SELECT:AUDITOR", "SELECT:BI" }), "kept table: reporter revoked");
            foreach (var (name, sql) in first) Golden($"{name}.first.sql", sql);
            foreach (var (name, sql) in later) Golden($"{name}.later.sql", sql);
        });
    }

    /// <summary>Each model's SQL as it ran, its schema replaced by a placeholder.</summary>
    static IEnumerable<(string, string)> Ran(ConformanceProject p) => new[] { "kept", "fresh", "inc" }.Select(name => (name,
        p.Read($"target/run/proj/models/{name}.sql").Replace("\r\n", "\n", StringComparison.Ordinal)
            .Replace(p.Schema.ToUpperInvariant(), "<schema>", StringComparison.Ordinal).TrimEnd() + "\n")).ToList();

    static void Golden(string name, string actual)
    {
        if (Environment.GetEnvironmentVariable("XFORM_UPDATE_GOLDEN") is "1" or "true")
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "GrantsGolden", name), actual);
            return;
        }
        var expected = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "GrantsGolden", name)).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.That(actual, Is.EqualTo(expected), $"GrantsGolden/{name}");
    }
}
