namespace Xform.Cli.Tests;

/// <summary>
/// A fresh clone's <c>xform run</c> before <c>xform seed</c>: the engine's "Table with name x does not exist! Did you
/// mean ..." becomes the project's node that is not built and the command that builds it (the cross-engine case is in the
/// conformance suite).
/// </summary>
public class UnbuiltRelationTests
{
    [Test]
    public void Run_before_seed_names_the_seed_and_xform_seed_once_per_failing_node()
    {
        using var p = new TestProject();
        p.Write("seeds/risk_mapping.csv", "code,label\n1,low\n");
        p.Write("models/labelled.sql", "select * from {{ ref('risk_mapping') }}");
        p.Write("models/also_labelled.sql", "select code from {{ ref('risk_mapping') }}");
        p.Write("models/downstream.sql", "select * from {{ ref('labelled') }}");
        var r = p.Run("run", "--threads", "1");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("Done. PASS=0 WARN=0 ERROR=2 SKIP=1 TOTAL=3"));
        Assert.That(r.Out, Does.Match(@"SKIP sql view model main\.downstream"));
        Assert.That(r.Err, Does.Contain("models/labelled.sql: reads seed 'risk_mapping' (seeds/risk_mapping.csv), which is not loaded in " +
            "target 'dev' (the database has no main.risk_mapping). Run `xform seed` first, or `xform build`"));
        Assert.That(r.Err, Does.Contain("models/also_labelled.sql: reads seed 'risk_mapping'"));
        Assert.That(r.Err, Does.Not.Contain("Did you mean"));

        Assert.That(p.Run("seed").ExitCode, Is.Zero);
        var again = p.Run("run");
        Assert.That(again.ExitCode, Is.Zero, again.ToString());
    }

    [Test]
    public void A_model_or_snapshot_not_built_names_its_command()
    {
        using var p = new TestProject();
        p.Write("models/base.sql", "{{ config(materialized='table') }}select 1 as id, timestamp '2024-01-01' as updated_at");
        p.Write("models/reads_base.sql", "select * from {{ ref('base') }}");
        p.Write("snapshots/base_history.sql", """
            {% snapshot base_history %}
            {{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', target_schema='main') }}
            select * from {{ ref('base') }}
            {% endsnapshot %}
            """);
        p.Write("models/reads_history.sql", "select * from {{ ref('base_history') }}");
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: base\n    columns:\n      - name: id\n        data_tests: [unique]\n");

        var model = p.Run("run", "-s", "reads_base");
        Assert.That(model.ExitCode, Is.EqualTo(1), model.ToString());
        Assert.That(model.Err, Does.Contain("models/reads_base.sql: reads model 'base' (models/base.sql), which has not been built in target 'dev'")
            .And.Contain("Run `xform run -s base` first, or `xform build`"));

        var test = p.Run("test");
        Assert.That(test.ExitCode, Is.EqualTo(1), test.ToString());
        Assert.That(test.Err, Does.Contain("reads model 'base' (models/base.sql), which has not been built in target 'dev'"));

        Assert.That(p.Run("run", "-s", "base").ExitCode, Is.Zero);
        var snapshot = p.Run("run", "-s", "reads_history");
        Assert.That(snapshot.ExitCode, Is.EqualTo(1), snapshot.ToString());
        Assert.That(snapshot.Err, Does.Contain("models/reads_history.sql: reads snapshot 'base_history' (snapshots/base_history.sql), which has not been taken in target 'dev'")
            .And.Contain("Run `xform snapshot` first"));
    }

    [Test]
    public void A_table_that_is_no_node_of_the_project_keeps_the_engine_message()
    {
        using var p = new TestProject();
        p.Write("models/bad.sql", "select * from no_such_table");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Err, Does.Contain("models/bad.sql: database error: ").And.Contain("Table with name no_such_table does not exist"));
    }
}
