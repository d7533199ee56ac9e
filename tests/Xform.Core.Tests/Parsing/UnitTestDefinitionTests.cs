using System.Text.Json;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Tests.Parsing;

/// <summary>
/// A unit test's definition text is what its checksum (state:modified) hashes: written without the serializer's
/// reflection now, it must be the bytes the serializer wrote of the anonymous object it once was.
/// </summary>
public sealed class UnitTestDefinitionTests
{
    [Test]
    public void The_definition_is_what_the_serializer_wrote()
    {
        var at = new SourceLocation("models/u.yml", 3, 5);
        FixtureRows Rows(FixtureFormat format, string? sql, params (string Column, object? Value)[][] rows) =>
            new(format, rows.Select(r => (IReadOnlyDictionary<string, object?>)r.ToDictionary(c => c.Column, c => c.Value)).ToList(), sql, at);
        var given = new List<UnitTestInput>
        {
            new("ref('stg_orders')", new Reference("stg_orders", null, at), Rows(FixtureFormat.Dict, null, [("id", 1L), ("note", "a <b> & 'c' é")], [("id", 2L), ("note", null)])),
            new("source('raw', 'events')", new Reference("events", null, at, "raw"), Rows(FixtureFormat.Sql, "select 1 as id", [])),
            new("this", null, Rows(FixtureFormat.Csv, null, [("amount", 2.5), ("flag", true)])),
        };
        var spec = new UnitTestSpec("model.p.orders", given, Rows(FixtureFormat.Dict, null, [("id", 1L), ("total", 12.75)]),
            new Dictionary<string, object?> { ["is_incremental"] = true, ["my_macro"] = new Dictionary<string, object?> { ["x"] = new List<object?> { 1L, "two" } } },
            new Dictionary<string, object?> { ["start"] = "2011-01-01" },
            new Dictionary<string, string> { ["DBT_ENV"] = "ci" });

        static object Json(FixtureRows rows) => new { format = rows.Format.ToString(), rows.Rows, rows.Sql };
        var before = JsonSerializer.Serialize(new
        {
            model = "orders", given = spec.Given.Select(g => new { g.Text, Rows = Json(g.Rows) }),
            expect = Json(spec.Expect), spec.Macros, spec.Vars, spec.EnvVars,
        });
        Assert.That(UnitTestParser.Definition("orders", spec), Is.EqualTo(before));
    }
}
