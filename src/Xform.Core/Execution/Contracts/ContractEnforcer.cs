using System.Text;
using System.Text.RegularExpressions;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Execution.Contracts;

/// <summary>
/// A model's enforced contract at build time: its query's columns checked against the declared ones before anything is
/// built (a mismatch fails the node and leaves the old relation alone), and the table definition, declared columns and
/// the constraints the engine takes, that a contracted table is created with.
/// </summary>
public sealed partial class ContractEnforcer(SqlDialect dialect, Func<string?, string, Node?> findModel)
{
    /// <summary>
    /// Compares the columns the model's query returns (<paramref name="actual"/>, described without running it) with the
    /// declared ones: names, and types as the engine names them, without size, precision or scale (with alias_types, the
    /// declared types are described by the engine too, so <c>int</c> is <c>integer</c>). Every difference goes into one
    /// error, in dbt's table shape.
    /// </summary>
    public void Check(IAdapterConnection connection, Node node, ModelContract contract, IReadOnlyList<ColumnSpec> actual)
    {
        var declared = contract.AliasTypes
            ? connection.DescribeQuery(dialect.EmptySchemaQuery(node.Columns.Select(c => (c.Name, Aliased(c.DataType!)))))
            : node.Columns.Select(c => new ColumnSpec(c.Name, c.DataType!)).ToList();
        var rows = new List<string[]>();
        foreach (var a in actual)
        {
            var d = declared.FirstOrDefault(c => Same(c.Name, a.Name));
            if (d is null) rows.Add([a.Name, a.DataType, "", "missing in contract"]);
            else if (!Same(Base(d.DataType), Base(a.DataType))) rows.Add([a.Name, a.DataType, d.DataType, "data type mismatch"]);
        }
        foreach (var d in declared.Where(d => !actual.Any(a => Same(a.Name, d.Name))))
            rows.Add([d.Name, "", d.DataType, "missing in definition"]);
        if (rows.Count == 0) return;
        throw new XformException(
            $"model '{node.Name}' has an enforced contract that failed.\n" +
            "Please ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.\n\n" +
            Table(["column_name", "definition_type", "contract_type", "mismatch_reason"], rows), node.Location);
    }

    /// <summary>
    /// dbt's type aliasing (<c>api.Column.translate_type</c>): the portable label <c>string</c> is <c>text</c> on every
    /// engine here, so one contract fits DuckDB, PostgreSQL and Snowflake. Other names pass through as written.
    /// </summary>
    public static string Aliased(string type) => type.Trim().Equals("string", StringComparison.OrdinalIgnoreCase) ? "text" : type;

    /// <summary>A type without its size, precision or scale, which dbt does not compare (<c>varchar(3)</c> fits <c>varchar</c>).</summary>
    static string Base(string type) => type.Split('(')[0];

    static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>A markdown table, as dbt prints the differences.</summary>
    static string Table(string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(IEnumerable<string> cells) => text.Append("| ").AppendJoin(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).Append(" |\n");
        Line(header);
        Line(widths.Select(w => new string('-', w)));
        foreach (var r in rows) Line(r);
        return text.ToString().TrimEnd('\n');
    }

    /// <summary>The declared columns with their types and constraints, then the model's constraints: what goes between the parentheses of create table.</summary>
    public string Definition(Node node)
    {
        var alias = ModelContract.Of(node).AliasTypes;
        var parts = node.Columns.Select(c =>
            string.Join(" ", new[] { dialect.Quote(c.Name), alias ? Aliased(c.DataType!) : c.DataType! }.Concat(Built(c.Constraints).Select(k => Render(k, modelLevel: false))))).ToList();
        parts.AddRange(Built(node.Constraints).Select(k => Render(k, modelLevel: true)));
        return string.Join(",\n    ", parts);
    }

    IEnumerable<ColumnConstraint> Built(IEnumerable<ColumnConstraint> constraints) =>
        constraints.Where(c => dialect.SupportOf(c.Type) != ConstraintSupport.NotSupported);

    string Render(ColumnConstraint c, bool modelLevel) =>
        dialect.RenderConstraint(c, modelLevel, c.Type == "foreign_key" && c.To is { } to ? dialect.Render(Referenced(to, c)) : null);

    /// <summary>The relation of a foreign key's <c>to</c>: <c>ref('model')</c> (or <c>ref('package', 'model')</c>).</summary>
    RelationName Referenced(string to, ColumnConstraint c)
    {
        var m = RefCall().Match(to);
        if (!m.Success)
            throw new XformException($"the to of a foreign_key constraint must be ref('model'), not '{to}'", c.Location);
        var (package, name) = m.Groups[2].Success ? (m.Groups[1].Value, m.Groups[2].Value) : (null, m.Groups[1].Value);
        return (findModel(package, name) ?? throw new XformException($"the foreign_key constraint refers to model '{name}', which does not exist", c.Location)).Relation;
    }

    [GeneratedRegex("""^\s*ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)\s*$""")]
    private static partial Regex RefCall();

    /// <summary>
    /// What the engine will not do with a model's constraints, as one warning per model (dbt warns per constraint type):
    /// constraints it does not enforce or cannot write, and any constraint on a view, which has none.
    /// </summary>
    public static Warning? WarningFor(Node node, SqlDialect dialect)
    {
        if (node.ResourceType != ResourceType.Model || !ModelContract.Of(node).Enforced) return null;
        var all = node.Columns.SelectMany(c => c.Constraints).Concat(node.Constraints).ToList();
        if (all.Count == 0) return null;
        if (node.Materialized == "view")
            return new Warning($"model '{node.Name}' is a view, which has no constraints: its constraints ({Kinds(all)}) are not applied; " +
                               "its columns are still checked against the contract", all[0].Location);
        var unsupported = all.Where(c => c.WarnUnsupported && dialect.SupportOf(c.Type) == ConstraintSupport.NotSupported).ToList();
        var unenforced = all.Where(c => c.WarnUnenforced && dialect.SupportOf(c.Type) == ConstraintSupport.NotEnforced).ToList();
        if (unsupported.Count == 0 && unenforced.Count == 0) return null;
        var parts = new List<string>();
        if (unsupported.Count > 0) parts.Add($"not supported, so not written: {Kinds(unsupported)}");
        if (unenforced.Count > 0) parts.Add($"written but not enforced: {Kinds(unenforced)}");
        return new Warning($"the engine does not enforce every constraint of model '{node.Name}': {string.Join("; ", parts)}",
            (unsupported.Count > 0 ? unsupported : unenforced)[0].Location);
    }

    static string Kinds(IEnumerable<ColumnConstraint> constraints) => string.Join(", ", constraints.Select(c => c.Type).Distinct());
}
