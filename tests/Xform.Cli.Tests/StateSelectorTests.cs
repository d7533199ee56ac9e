namespace Xform.Cli.Tests;

/// <summary>
/// The selectors CI uses beyond <c>state:modified</c>, as dbt's graph/selector_methods.py defines them and its docs use them:
/// <c>result:&lt;status&gt;</c> from the --state run's run_results.json, <c>source_status:fresher</c> from its sources.json
/// against this run's, <c>state:modified.persisted_descriptions</c>, <c>state:old</c> and <c>state:unmodified</c>.
/// </summary>
public class StateSelectorTests
{
    static string[] Names(CliResult r) =>
        r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ConsoleText.Untimed)
            .Where(l => !l.Contains("warning: ", StringComparison.Ordinal)).OrderBy(x => x, StringComparer.Ordinal).ToArray();

    static string[] Ls(TestProject p, string selector, string state, string resourceType = "")
    {
        string[] args = ["ls", "-s", selector, "--state", state, "-o", "name", .. resourceType.Length > 0 ? new[] { "--resource-type", resourceType } : []];
        var r = p.Run(args);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return Names(r);
    }

    /// <summary>The target folder kept as the state, as CI keeps the last run's artifacts.</summary>
    static string Keep(TestProject p, string name = "last-run")
    {
        var dir = Path.Combine(p.Dir, name);
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(p.Dir, "target"), "*.json"))
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)), overwrite: true);
        return dir;
    }

    /// <summary>A run with every status: a model that fails and one skipped after it, a failing, a warning and passing tests.</summary>
    static TestProject Mixed()
    {
        var p = new TestProject();
        p.Write("models/good.sql", "select 1 as id union all select 1");
        p.Write("models/broken.sql", "select no_such_column from (select 1 as id) t");
        p.Write("models/after_broken.sql", "select * from {{ ref('broken') }}");
        p.Write("models/after_good.sql", "select id from {{ ref('good') }}");
        p.Write("models/schema.yml", """
            models:
              - name: good
                columns:
                  - name: id
                    data_tests:
                      - unique
                      - not_null
                      - accepted_values: {values: [2], config: {severity: warn}}
            """);
        return p;
    }

    [Test]
    public void Result_selects_what_had_that_status_in_the_state_run()
    {
        using var p = Mixed();
        var first = p.Run("build");
        Assert.That(first.ExitCode, Is.EqualTo(1), first.ToString());
        var state = Keep(p);

        Assert.That(Ls(p, "result:error", state), Is.EqualTo(new[] { "broken" }));
        Assert.That(Ls(p, "result:fail", state), Is.EqualTo(new[] { "unique_good_id" }));
        Assert.That(Ls(p, "result:warn", state), Is.EqualTo(new[] { "accepted_values_good_id__2" }));
        Assert.That(Ls(p, "result:pass", state), Is.EqualTo(new[] { "not_null_good_id" }));
        // a failing test skips what is built on its model (dbt build)
        Assert.That(Ls(p, "result:skipped", state), Is.EqualTo(new[] { "after_broken", "after_good" }));
        // (ls lists the tests of what it selects, as dbt's: the model alone with --resource-type model)
        Assert.That(Ls(p, "result:success", state, "model"), Is.EqualTo(new[] { "good" }));
        // dbt's docs: 'dbt build --select "1+result:fail"' re-runs the failing tests and what they test
        Assert.That(Ls(p, "1+result:fail", state, "model"), Is.EqualTo(new[] { "good" }));

        // The fix, then dbt's recipe: build what errored or was skipped, and what is downstream of them.
        p.Write("models/good.sql", "select 1 as id union all select 2");
        p.Write("models/broken.sql", "select 1 as id");
        var retry = p.Run("build", "-s", "result:error+", "result:skipped+", "--state", state);
        Assert.That(retry.ExitCode, Is.Zero, retry.ToString());
        Assert.That(retry.Out, Does.Contain("model main.broken").And.Contain("model main.after_broken").And.Contain("model main.after_good"));
        Assert.That(retry.Out, Does.Not.Contain("model main.good "), "good succeeded last time and is not downstream of a failure");
    }

    static TestProject WithSources()
    {
        var p = new TestProject();
        p.Write("seeds/events.csv", "id,loaded_at\n1,2024-01-01 10:00:00\n2,2024-01-02 10:00:00\n");
        p.Write("seeds/users.csv", "id,loaded_at\n1,2024-01-01 09:00:00\n");
        p.Write("models/src.yml", """
            sources:
              - name: app
                schema: main
                loaded_at_field: loaded_at
                freshness: {warn_after: {count: 100000, period: day}}
                tables:
                  - name: events
                  - name: users
            """);
        p.Write("models/stg_events.sql", "select id from {{ source('app', 'events') }}");
        p.Write("models/stg_users.sql", "select id from {{ source('app', 'users') }}");
        p.Write("models/daily.sql", "select count(*) as n from {{ ref('stg_events') }}");
        return p;
    }

    [Test]
    public void Source_status_fresher_selects_sources_with_newer_data_than_at_the_state_run()
    {
        using var p = WithSources();
        Assert.That(p.Run("seed").ExitCode, Is.Zero);
        Assert.That(p.Run("source", "freshness").ExitCode, Is.Zero);
        Assert.That(p.Run("parse").ExitCode, Is.Zero);
        var state = Keep(p, "prod-artifacts");

        // New rows arrive in events only; the CI job checks freshness again, then builds what reads fresher data.
        p.Write("seeds/events.csv", "id,loaded_at\n1,2024-01-01 10:00:00\n2,2024-01-02 10:00:00\n3,2024-01-03 08:00:00\n");
        Assert.That(p.Run("seed").ExitCode, Is.Zero);
        Assert.That(p.Run("source", "freshness").ExitCode, Is.Zero);
        Assert.That(Ls(p, "source_status:fresher", state), Is.EqualTo(new[] { "events" }));
        Assert.That(Ls(p, "source_status:fresher+", state), Is.EqualTo(new[] { "daily", "events", "stg_events" }));
        var build = p.Run("build", "-s", "source_status:fresher+", "--state", state);
        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(build.Out, Does.Contain("model main.stg_events").And.Contain("model main.daily").And.Not.Contain("stg_users"));

        // The same data as at the state run: nothing is fresher (a warning, as for any selector matching nothing).
        File.Copy(Path.Combine(state, "sources.json"), Path.Combine(p.Dir, "target", "sources.json"), overwrite: true);
        Assert.That(Ls(p, "source_status:fresher+", state), Is.Empty);
    }

    [Test]
    public void Source_status_needs_this_runs_freshness_results()
    {
        using var p = WithSources();
        Assert.That(p.Run("seed").ExitCode, Is.Zero);
        Assert.That(p.Run("source", "freshness").ExitCode, Is.Zero);
        var state = Keep(p, "prod-artifacts");
        File.Delete(Path.Combine(p.Dir, "target", "sources.json"));
        var r = p.Run("ls", "-s", "source_status:fresher+", "--state", state);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(ConsoleText.Untimed(r.Err.Trim()), Is.EqualTo($"error: 'source_status:' compares this run's source freshness with the previous run's: " +
            $"{Path.Combine(p.Dir, "target", "sources.json")} does not exist; run 'xform source freshness' first"));
    }

    [Test]
    public void Persisted_descriptions_count_only_where_persist_docs_writes_them()
    {
        using var p = new TestProject();
        p.Write("models/persisted.sql", "select 1 as id");
        p.Write("models/plain.sql", "select 1 as id");
        p.Write("models/columns.sql", "select 1 as id");
        string Yaml(string description) => $"""
            models:
              - name: persisted
                description: {description}
                config: {"{"}persist_docs: {"{"}relation: true{"}"}{"}"}
              - name: plain
                description: {description}
              - name: columns
                config: {"{"}persist_docs: {"{"}columns: true{"}"}{"}"}
                columns:
                  - name: id
                    description: {description}
            """;
        p.Write("models/schema.yml", Yaml("before"));
        Assert.That(p.Run("parse").ExitCode, Is.Zero);
        var state = Keep(p);
        p.Write("models/schema.yml", Yaml("after"));

        Assert.That(Ls(p, "state:modified.persisted_descriptions", state), Is.EqualTo(new[] { "columns", "persisted" }));
        // dbt's state:modified takes descriptions only where they are persisted; xform's .properties takes any
        Assert.That(Ls(p, "state:modified", state), Is.EqualTo(new[] { "columns", "persisted" }));
        Assert.That(Ls(p, "state:modified.properties", state), Is.EqualTo(new[] { "columns", "persisted", "plain" }));
        Assert.That(Ls(p, "state:unmodified", state, "model"), Is.EqualTo(new[] { "plain" }));
        p.Write("models/new_one.sql", "select 2 as id");
        Assert.That(Ls(p, "state:old", state, "model"), Is.EqualTo(new[] { "columns", "persisted", "plain" }));
        Assert.That(Ls(p, "state:new", state, "model"), Is.EqualTo(new[] { "new_one" }));
    }
}
