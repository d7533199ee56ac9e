using System.Globalization;

namespace Xform.Adapters.Conformance;

/// <summary>dbt's context is the same on every engine: <c>target</c> names the database the connection uses.</summary>
public abstract class ContextConformance : ConformanceFixture
{
    [Test]
    public void Target_names_the_database_schema_and_type_the_connection_uses()
    {
        var p = NewProject();
        p.Write("models/t.sql", "{{ config(materialized='table') }}\n" +
            "select '{{ target.database }}' as db, '{{ target.schema }}' as sch, '{{ target.type }}' as typ, {{ target.threads }} as threads");
        p.Ok("run", "--threads", "3");
        var row = p.QueryRows($"select db, sch, typ, threads from {p.Rel("t")}")[0];
        var database = Convert.ToString(row[0], CultureInfo.InvariantCulture);
        Assert.That(database, Is.Not.Empty, "target.database is never empty");
        Assert.That(Convert.ToString(row[1], CultureInfo.InvariantCulture), Is.EqualTo(p.Schema).IgnoreCase);
        Assert.That(row[2], Is.EqualTo(Target.Type));
        Assert.That(ConformanceProject.ToLong(row[3]), Is.EqualTo(3));
        // the loopback Snowflake server answers current_database() with its own engine's name: there the profile's is the truth
        var actual = Target.Type == "snowflake" ? p.Target.Database : Convert.ToString(p.Scalar("select current_database()"), CultureInfo.InvariantCulture);
        Assert.That(database, Is.EqualTo(actual).IgnoreCase);
    }
}
