using Xform.Core.Adapters;
using Xform.Core.Execution.Incremental;

namespace Xform.Core.Tests.Execution.Incremental;

/// <summary>on_schema_change's comparison of an incremental model's query with its table, as dbt's check_for_schema_changes.</summary>
public class SchemaChangeTests
{
    static SchemaChange Compare(string queryType, string tableType) =>
        SchemaChange.Between([new ColumnSpec("id", "INTEGER"), new ColumnSpec("c", queryType)], [new ColumnSpec("ID", "integer"), new ColumnSpec("C", tableType)]);

    [TestCase("DECIMAL(18,2)", "DECIMAL(18, 2)", false, TestName = "Same type, other spacing and case")]
    [TestCase("DECIMAL(18,2)", "INTEGER", true, TestName = "Integer to decimal")]
    [TestCase("DECIMAL(38,2)", "DECIMAL(18,2)", true, TestName = "Wider decimal")]
    [TestCase("character varying(10)", "character varying(20)", false, TestName = "A narrower string fits the table")]
    [TestCase("character varying(30)", "character varying(20)", true, TestName = "A wider string does not")]
    [TestCase("text", "character varying(20)", true, TestName = "An unbounded string does not fit a sized one")]
    [TestCase("VARCHAR(10)", "VARCHAR", false, TestName = "Any string fits an unbounded one")]
    public void Retyped(string queryType, string tableType, bool changed)
    {
        var change = Compare(queryType, tableType);
        Assert.That(change.Retyped.Select(r => $"{r.Name}: {r.From} -> {r.To}"), changed ? Is.EqualTo(new[] { $"C: {tableType} -> {queryType}" }) : Is.Empty);
        Assert.That(change.Any, Is.EqualTo(changed));
        Assert.That(change.Shared, Is.EqualTo(new[] { "ID", "C" }), "column names match whatever their case");
    }

    [Test]
    public void Describes_every_kind_of_change()
    {
        var change = SchemaChange.Between(
            [new ColumnSpec("id", "BIGINT"), new ColumnSpec("added", "VARCHAR")],
            [new ColumnSpec("id", "INTEGER"), new ColumnSpec("gone", "DATE")]);
        Assert.That(change.Describe(), Is.EqualTo("new columns: added; missing columns: gone; data types changed: id (INTEGER -> BIGINT)"));
        Assert.That(SchemaChange.Between([new ColumnSpec("id", "INTEGER")], [new ColumnSpec("id", "INTEGER")]).Any, Is.False);
    }
}
