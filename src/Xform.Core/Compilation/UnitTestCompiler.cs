using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;

namespace Xform.Core.Compilation;

/// <summary>
/// A unit test compiles to its model's SQL with each ref(), source() and <c>this</c> read from a CTE of the given rows,
/// as dbt does, under the test's overrides of macros (is_incremental), vars and env vars.
/// </summary>
public sealed partial class Compiler
{
    CompiledNode CompileUnitTest(Node test, UnitTestSpec spec, IAdapterConnection? connection)
    {
        var model = graph.Manifest.Nodes[spec.ModelId];
        var incremental = spec.Macros.TryGetValue("is_incremental", out var inc) && inc is true;
        var ctes = new List<(string Name, string Sql)>();
        IAdapterConnection? own = null;
        try
        {
            var columnsOf = (Node upstream) => UpstreamColumns(upstream, connection ?? (own ??= open?.Invoke()));
            var globals = Globals(model, incremental, [], inferredOnly: true);
            RelationObject Fixture(Node upstream, UnitTestInput input, string cteName)
            {
                if (ctes.All(c => c.Name != cteName)) ctes.Add((cteName, FixtureSql(input.Rows, columnsOf(upstream), upstream)));
                return new RelationObject(upstream.Relation, Session.Quote, cteName);
            }
            globals["ref"] = (HostFunction)(c =>
            {
                var (package, name) = ParseCapture.RefArgs(c);
                var target = graph.Lookup.Ref(name, package, model.PackageName)
                    ?? throw c.Error($"{model.Name} refers to ref('{name}'), which is not a model, seed or snapshot of this project");
                var input = spec.Given.FirstOrDefault(g => g.Input is { IsSource: false } r && graph.Lookup.Ref(r.Name, r.Package, model.PackageName)?.UniqueId == target.UniqueId)
                    ?? throw c.Error($"unit test '{test.Name}' gives no rows for ref('{name}'), which model '{model.Name}' reads: add it under 'given'");
                return Fixture(target, input, $"__dbt__cte__{target.Name}");
            });
            globals["source"] = (HostFunction)(c =>
            {
                var (s, t) = (c.Get(0, "source_name") as string, c.Get(1, "table_name") as string);
                var input = spec.Given.FirstOrDefault(g => g.Input is { IsSource: true } r && r.SourceName == s && r.Name == t)
                    ?? throw c.Error($"unit test '{test.Name}' gives no rows for source('{s}', '{t}'), which model '{model.Name}' reads: add it under 'given'");
                var source = graph.Lookup.Source(s!, t!, model.PackageName) ?? throw c.Error($"source('{s}', '{t}') is not declared in any sources: block");
                return Fixture(source, input, $"__dbt__cte__{s}_{t}");
            });
            // Without rows for 'this', an incremental run reads an empty relation shaped as the model's own (where it exists).
            var self = spec.Given.FirstOrDefault(g => g.IsThis);
            if (self is not null || incremental)
                globals["this"] = Fixture(model, self ?? new UnitTestInput("this", null, new FixtureRows(FixtureFormat.Dict, [], null, test.Location)),
                    $"__dbt__cte__{model.Name}__this");
            ApplyOverrides(globals, spec);
            if (!project.Templates.TryGetValue(model.UniqueId, out var template))
                throw new XformException($"unit test '{test.Name}': model '{model.Name}' has no SQL template to test", test.Location);
            var sql = Session.Engine.Render(template, globals);
            // 'this' is read only by incremental branches: leave its CTE out when the SQL does not name it.
            var used = ctes.Where(c => c.Name != $"__dbt__cte__{model.Name}__this" || sql.Contains(c.Name, StringComparison.Ordinal)).ToList();
            return new CompiledNode(test, InjectNamedCtes(sql, used), [], []);
        }
        finally
        {
            own?.Dispose();
        }
    }

    void ApplyOverrides(RenderGlobals globals, UnitTestSpec spec)
    {
        var baseVar = globals["var"] as HostFunction;
        globals["var"] = (HostFunction)(c => c.Get(0, "name") is string name && spec.Vars.TryGetValue(name, out var v) ? v : baseVar!(c));
        globals["env_var"] = (HostFunction)(c => c.Get(0, "var") is string name && spec.EnvVars.TryGetValue(name, out var v) ? v : EnvVar.Call(c));
        var overrides = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in spec.Macros)
            // a global value (invocation_id) is replaced by the value; a macro or function returns it when called
            overrides[name] = globals.TryGetValue(name, out var existing) && existing is not HostFunction && existing is not null
                ? value
                : (HostFunction)(_ => value);
        globals[MacroOverrides.GlobalName] = overrides;
    }

    /// <summary>
    /// The columns of the relation the rows stand in for, with their types: the database's where the relation exists (dbt
    /// reads them the same way), else the columns declared in YAML (typed where they give a data_type); empty when neither is known.
    /// </summary>
    IReadOnlyList<ColumnSpec> UpstreamColumns(Node upstream, IAdapterConnection? connection)
    {
        if (connection is not null && upstream.Source?.ExternalLocation is null)
        {
            try
            {
                var columns = connection.GetColumns(upstream.Relation);
                if (columns.Count > 0) return columns;
            }
            catch (DatabaseException)
            {
                // not readable: fall back to what the project declares
            }
        }
        // a declared column without data_type is an untyped null when not given
        return upstream.Columns.Select(c => new ColumnSpec(c.Name, c.DataType ?? "")).ToList();
    }

    /// <summary>
    /// The given rows as a select: one <c>select ... union all</c> per row, every known column of the upstream present (null
    /// where not given) and cast to its type; a column of unknown type takes its literal's, a csv text its inferred one.
    /// </summary>
    string FixtureSql(FixtureRows rows, IReadOnlyList<ColumnSpec> known, Node upstream)
    {
        if (rows.Format == FixtureFormat.Sql) return rows.Sql!;
        var given = rows.Columns;
        var columns = known.Select(c => (c.Name, Type: c.DataType is { Length: > 0 } t ? t : null)).ToList();
        // Only the columns given are needed: the others of a known upstream are null, typed as the upstream's.
        foreach (var g in given)
            if (!columns.Any(c => string.Equals(c.Name, g, StringComparison.OrdinalIgnoreCase))) columns.Add((g, null));
        if (columns.Count == 0)
            throw new XformException($"the rows given for {upstream.Name} name no column, and its columns are not known (the relation does not exist)", rows.Location);
        var csv = rows.Format == FixtureFormat.Csv;
        string Select(IReadOnlyDictionary<string, object?>? row) => "select " + string.Join(", ", columns.Select(c =>
        {
            var key = row?.Keys.FirstOrDefault(k => string.Equals(k, c.Name, StringComparison.OrdinalIgnoreCase));
            var value = key is null ? null : row![key];
            return $"{Literal(value, c.Type, csv)} as {Session.Quote(c.Name)}";
        }));
        if (rows.Rows.Count == 0) return Select(null) + " where 1 = 0";
        return string.Join("\nunion all\n", rows.Rows.Select(Select));
    }

    static readonly Regex DateText = new(@"^\d{4}-\d{2}-\d{2}$", RegexOptions.CultureInvariant);
    static readonly Regex TimestampText = new(@"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", RegexOptions.CultureInvariant);
    static readonly Regex IntegerText = new(@"^-?\d{1,18}$", RegexOptions.CultureInvariant);
    static readonly Regex DecimalText = new(@"^-?\d+\.\d+$", RegexOptions.CultureInvariant);

    /// <summary>A value as SQL: cast to <paramref name="type"/> when known, else typed by what it looks like.</summary>
    static string Literal(object? value, string? type, bool fromCsv)
    {
        var text = value switch
        {
            null => "null",
            bool b => b ? "true" : "false",
            string s when fromCsv && type is null => Inferred(s),
            string s when type is null && (DateText.IsMatch(s) || TimestampText.IsMatch(s)) => Inferred(s),
            string s => Quoted(s),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => Quoted(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
        };
        return type is null ? text : $"cast({text} as {type})";
    }

    /// <summary>A text's SQL by its look: a number, a boolean, a date or timestamp, else a string.</summary>
    static string Inferred(string s) =>
        IntegerText.IsMatch(s) || DecimalText.IsMatch(s) ? s
        : s is "true" or "false" or "True" or "False" ? s.ToLowerInvariant()
        : DateText.IsMatch(s) ? $"cast({Quoted(s)} as date)"
        : TimestampText.IsMatch(s) ? $"cast({Quoted(s)} as timestamp)"
        : Quoted(s);

    static string Quoted(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('\'');
        foreach (var ch in s) sb.Append(ch == '\'' ? "''" : ch.ToString());
        return sb.Append('\'').ToString();
    }
}
