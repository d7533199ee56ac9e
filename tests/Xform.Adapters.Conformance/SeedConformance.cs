using System.Globalization;

namespace Xform.Adapters.Conformance;

/// <summary>Seeds: types inferred from the whole file, NULLs, overrides, and a bad row that changes nothing.</summary>
public abstract class SeedConformance : ConformanceFixture
{
    const string People = """"
        id,name,score,active,born,seen_at,note
        1,Ann,1.5,true,1990-01-02,2024-01-01 10:00:00,
        2,"Bob, Jr.",22.25,FALSE,1985-12-31,2024-01-02T11:30:00.5,"said ""hi"""
        3,Cé,-3.0,true,2000-02-29,2024-01-03,x

        """";

    [Test]
    public void A_timestamp_written_to_the_minute_is_a_timestamp()
    {
        var p = NewProject();
        p.Write("seeds/events.csv", "id,happened_at\n1,2021-01-01 00:00\n2,2021-01-02T13:45\n");
        p.Ok("seed");
        Assert.That(p.Columns("events").Single(c => c.Name == "happened_at").DataType.ToLowerInvariant(), Does.StartWith("timestamp"));
        Assert.That(p.Long($"select count(*) from {p.Rel("events")} where happened_at = timestamp '2021-01-02 13:45:00'"), Is.EqualTo(1));
    }

    [Test]
    public void Types_are_inferred_and_values_load()
    {
        var p = NewProject();
        p.Write("seeds/people.csv", People);
        var r = p.Ok("seed");
        Assert.That(r.Out, Does.Contain("Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1"));
        var types = p.Columns("people").ToDictionary(c => c.Name, c => c.DataType.ToLowerInvariant());
        Assert.That(types.Keys, Is.EqualTo(new[] { "id", "name", "score", "active", "born", "seen_at", "note" }));
        Assert.That(types["id"], Does.Contain("int").Or.EqualTo("number(38,0)")); // Snowflake's integers are NUMBER(38,0)
        Assert.That(types["name"], Does.Contain("char").Or.Contain("text"));
        Assert.That(types["score"], Does.StartWith("decimal").Or.StartWith("numeric").Or.StartWith("number"));
        Assert.That(types["active"], Does.StartWith("bool"));
        Assert.That(types["born"], Is.EqualTo("date"));
        Assert.That(types["seen_at"], Does.StartWith("timestamp"));

        var rel = p.Rel("people");
        var rows = p.QueryRows($"select id, name, score, active, note from {rel} order by id");
        Assert.That(rows.Select(x => ConformanceProject.ToLong(x[0])), Is.EqualTo(new[] { 1L, 2, 3 }));
        Assert.That(rows.Select(x => x[1]), Is.EqualTo(new[] { "Ann", "Bob, Jr.", "Cé" }));
        Assert.That(rows.Select(x => Convert.ToDecimal(x[2], CultureInfo.InvariantCulture)), Is.EqualTo(new[] { 1.5m, 22.25m, -3.0m }));
        Assert.That(rows.Select(x => x[3]), Is.EqualTo(new object[] { true, false, true }));
        Assert.That(rows.Select(x => x[4]), Is.EqualTo(new object?[] { null, "said \"hi\"", "x" }));
        // the engine compares them as dates and timestamps
        Assert.That(p.Long($"select count(*) from {rel} where born > date '1984-12-31' and seen_at >= timestamp '2024-01-02 11:30:00'"), Is.EqualTo(2));
        Assert.That(p.Long($"select count(*) from {rel} where seen_at = timestamp '2024-01-02 11:30:00.5'"), Is.EqualTo(1));
    }

    [Test]
    public void Column_types_override_inference()
    {
        var p = NewProject();
        p.Write("seeds/codes.csv", "code,amount\n007,10\n010,12\n");
        p.Write("seeds/schema.yml", "version: 2\nseeds:\n  - name: codes\n    config:\n      column_types: {code: varchar(10), amount: integer}\n");
        p.Ok("seed");
        Assert.That(p.QueryRows($"select code from {p.Rel("codes")} order by code").Select(x => x[0]), Is.EqualTo(new[] { "007", "010" }));
        Assert.That(p.Long($"select sum(amount) from {p.Rel("codes")}"), Is.EqualTo(22));
    }

    [Test]
    public void A_bad_row_fails_with_its_position_and_leaves_the_old_table()
    {
        var p = NewProject();
        p.Write("seeds/people.csv", People);
        p.Ok("seed");
        p.Write("seeds/people.csv", "id,name\n1,a\n2,b,extra\n");
        var r = p.Run("seed");
        // Found when the plan reads the seed files, before any statement: the project's fault, exit 2.
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.All, Does.Contain("seeds/people.csv:3:"));
        Assert.That(p.Long($"select count(*) from {p.Rel("people")}"), Is.EqualTo(3));
        Assert.That(p.Columns("people"), Has.Count.EqualTo(7));
        Assert.That(p.Relations().Keys, Has.None.Contains("__xform_tmp"));

        p.Write("seeds/codes.csv", "code,n\na,1\nb,x\n");
        p.Write("seeds/schema.yml", "version: 2\nseeds:\n  - name: codes\n    config:\n      column_types: {n: integer}\n");
        r = p.Run("seed", "-s", "codes");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.All, Does.Contain("seeds/codes.csv:3:3"));
        Assert.That(p.Relations().Keys, Does.Not.Contain("codes"));
    }

    [Test]
    public void Reseeding_replaces_the_rows_under_a_dependent_view()
    {
        var p = NewProject();
        p.Write("seeds/people.csv", People);
        p.Write("models/adults.sql", "select id, name from {{ ref('people') }} where born < date '2000-01-01'");
        p.Ok("build");
        Assert.That(p.Long($"select count(*) from {p.Rel("adults")}"), Is.EqualTo(2));
        p.Write("seeds/people.csv", "id,name,born\n9,Zed,1950-05-05\n");
        p.Ok("seed");
        Assert.That(p.QueryRows($"select name from {p.Rel("adults")}").Select(x => x[0]), Is.EqualTo(new[] { "Zed" }));
    }

    [Test]
    public void Run_before_seed_names_the_seed_and_the_command_that_loads_it()
    {
        var p = NewProject();
        p.Write("seeds/people.csv", People);
        p.Write("models/adults.sql", "{{ config(materialized='table') }}select id, name from {{ ref('people') }}");
        p.Write("models/adult_names.sql", "select name from {{ ref('adults') }}");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Out, Does.Contain("Done. PASS=0 WARN=0 ERROR=1 SKIP=1 TOTAL=2"));
        Assert.That(r.Err, Does.Match(@"models/adults\.sql: reads seed 'people' \(seeds/people\.csv\), which is not loaded in target '\w+' " +
            @"\(the database has no .*people\)\. Run `xform seed` first, or `xform build`"), r.ToString());
        p.Ok("seed");
        p.Ok("run");
    }
}
