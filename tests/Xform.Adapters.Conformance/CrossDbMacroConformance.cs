using System.Globalization;

namespace Xform.Adapters.Conformance;

/// <summary>
/// The cross-database macros give the same known answers on every engine (each macro, engine by engine, in
/// <see cref="CrossDbMacroKnownAnswers"/>).
/// </summary>
public abstract class CrossDbMacroConformance : ConformanceFixture
{
    static readonly (string Expression, string Expected)[] Cases =
    [
        ("{{ datediff(\"cast('2024-01-01' as date)\", \"cast('2024-03-01' as date)\", 'day') }}", "60"),
        ("{{ datediff(\"cast('2024-01-31' as date)\", \"cast('2024-03-01' as date)\", 'month') }}", "2"),
        ("cast({{ dateadd('day', 3, \"cast('2024-02-27' as date)\") }} as date)", "2024-03-01"),
        ("cast({{ date_trunc('month', \"cast('2024-02-27 10:00:00' as timestamp)\") }} as date)", "2024-02-01"),
        ("{{ split_part(\"'a,b,c'\", \"','\", 2) }}", "b"),
        ("{{ concat([\"'x'\", \"'y'\", \"'z'\"]) }}", "xyz"),
        ("{{ safe_cast(\"'12'\", type_int()) }}", "12"),
        ("{{ hash(\"'abc'\") }}", "900150983cd24fb0d6963f7d28e17f72"),
        ("{{ position(\"'c'\", \"'abcabc'\") }}", "3"),
    ];

    [Test]
    public void Known_answers()
    {
        var p = NewProject();
        var selects = Cases.Select((c, i) => $"select {i} as n, cast({c.Expression} as varchar) as answer");
        p.Write("models/answers.sql", "{{ config(materialized='table') }}\n" + string.Join("\nunion all\n", selects));
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString() + "\n" + (File.Exists(Path.Combine(p.Dir, "target/compiled/proj/models/answers.sql")) ? p.Read("target/compiled/proj/models/answers.sql") : ""));
        var answers = p.QueryRows($"select n, answer from {p.Rel("answers")} order by n")
            .Select(x => Convert.ToString(x[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.That(answers, Is.EqualTo(Cases.Select(c => c.Expected).ToArray()));
    }

    [Test]
    public void Date_spine_covers_every_day()
    {
        var p = NewProject();
        p.Write("models/spine.sql", "{{ config(materialized='table') }}\n{{ date_spine('day', \"cast('2024-02-27' as date)\", \"cast('2024-03-02' as date)\") }}");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Long($"select count(*) from {p.Rel("spine")}"), Is.EqualTo(4), "2024-02-27 up to, not including, 2024-03-02 (a leap year)");
    }
}
