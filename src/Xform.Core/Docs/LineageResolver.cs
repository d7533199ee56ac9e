using System.Text.Json;
using Xform.Core.Adapters;

namespace Xform.Core.Docs;

/// <summary>
/// Column-level lineage of one SELECT statement, read from DuckDB's parse tree (<c>json_serialize_sql</c>).
/// Resolved: column references (qualified by table alias, table name or schema, or unqualified when only one relation
/// can hold the name, as a query that binds implies), select-list aliases (also lateral ones), expressions, function
/// calls, casts, CASE (its conditions count as sources), aggregates, window functions (arguments, PARTITION BY and
/// ORDER BY count), CTEs (with column alias lists), subqueries in FROM and in expressions (scalar, IN, EXISTS,
/// correlated), joins (also USING), set operations (UNION/EXCEPT/INTERSECT, positional and BY NAME), <c>*</c> and
/// <c>t.*</c> with EXCLUDE/REPLACE/RENAME expanded from known columns, and ephemeral models inlined as CTEs.
/// Marked unknown rather than guessed: table functions (read_csv, ...), VALUES lists, PIVOT/UNPIVOT, recursive CTEs,
/// lambdas, COLUMNS(...), <c>*</c> over a relation whose columns are not known, relations that are not nodes of the
/// project, names that could belong to several relations whose columns are not known, and SQL the parser rejects.
/// Filters (WHERE, HAVING, QUALIFY) and join conditions decide which rows, not values, and are not sources.
/// </summary>
public sealed class LineageResolver(
    ISqlParser parser,
    Func<IReadOnlyList<string>, string?> resolveTable,
    Func<string, IReadOnlyList<string>?> knownColumns,
    Func<string, string?>? ephemeralCte = null)
{
    /// <summary>The lineage of a node's compiled SQL. <paramref name="actualColumns"/> (from the engine) names the output
    /// columns when known; otherwise the names come from the SQL.</summary>
    public NodeLineage Resolve(string nodeId, string sql, IReadOnlyList<string>? actualColumns = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(parser.ParseToJson(sql));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new NodeLineage(nodeId, Unresolved(actualColumns, "the SQL could not be parsed"), $"the SQL could not be parsed: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (Bool(root, "error"))
            {
                var message = Str(root, "error_message") ?? "parse error";
                return new NodeLineage(nodeId, Unresolved(actualColumns, "the SQL could not be parsed"), $"the SQL could not be parsed: {message}");
            }
            if (!root.TryGetProperty("statements", out var statements) || statements.GetArrayLength() != 1)
                return new NodeLineage(nodeId, Unresolved(actualColumns, "not a single SELECT statement"), "expected exactly one SELECT statement");
            var rel = Query(statements[0].GetProperty("node"), new Scope(null));
            return new NodeLineage(nodeId, Output(rel, actualColumns), null);
        }
    }

    static List<ColumnLineage> Unresolved(IReadOnlyList<string>? columns, string reason) =>
        (columns ?? []).Select(c => new ColumnLineage(c, [], false, [reason])).ToList();

    static List<ColumnLineage> Output(Rel rel, IReadOnlyList<string>? actual)
    {
        if (actual is null) return rel.Columns.Select(c => c.ToLineage(c.Name)).ToList();
        if (!rel.IsOpen && rel.Columns.Count == actual.Count)
            return rel.Columns.Select((c, i) => c.ToLineage(actual[i])).ToList();
        var result = new List<ColumnLineage>();
        foreach (var name in actual)
        {
            var (col, reason) = rel.Lookup(name);
            result.Add(col is not null ? col.ToLineage(name)
                : new ColumnLineage(name, [], false, [reason ?? $"column {name} was not found in the SQL's output"]));
        }
        return result;
    }

    // ---- query nodes ----

    Rel Query(JsonElement node, Scope parent)
    {
        var type = Str(node, "type");
        var scope = new Scope(parent);
        AddCtes(node, scope);
        switch (type)
        {
            case "SELECT_NODE":
                return Select(node, scope);
            case "SET_OPERATION_NODE":
                return SetOperation(node, scope);
            case "RECURSIVE_CTE_NODE":
                return Rel.Unknown("", "recursive CTE");
            case "CTE_NODE":
                if (node.TryGetProperty("cte_name", out var cteName) && node.TryGetProperty("query", out var cteQuery) && node.TryGetProperty("child", out var child))
                {
                    scope.Ctes[cteName.GetString()!] = Query(cteQuery, scope).Named(cteName.GetString()!);
                    return Query(child, scope);
                }
                return Rel.Unknown("", "unsupported query node CTE_NODE");
            default:
                return Rel.Unknown("", $"unsupported query node {type}");
        }
    }

    void AddCtes(JsonElement node, Scope scope)
    {
        if (!node.TryGetProperty("cte_map", out var cteMap) || !cteMap.TryGetProperty("map", out var map)) return;
        foreach (var entry in map.EnumerateArray())
        {
            var name = entry.GetProperty("key").GetString()!;
            var value = entry.GetProperty("value");
            Rel rel;
            if (ephemeralCte?.Invoke(name) is { } ephemeralId)
                rel = TableRel(name, ephemeralId);
            else if (value.TryGetProperty("query", out var q) && q.TryGetProperty("node", out var qn))
                rel = Query(qn, scope);
            else
                rel = Rel.Unknown(name, $"CTE {name} has no query");
            if (value.TryGetProperty("aliases", out var aliases) && aliases.ValueKind == JsonValueKind.Array)
                rel = rel.Renamed(aliases.EnumerateArray().Select(a => a.GetString()!).ToList());
            scope.Ctes[name] = rel.Named(name);
        }
    }

    Rel Select(JsonElement node, Scope scope)
    {
        if (node.TryGetProperty("from_table", out var from)) AddFrom(from, scope);
        var output = new Rel("");
        if (!node.TryGetProperty("select_list", out var list)) return output;
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            index++;
            if (Str(item, "class") == "STAR")
            {
                Star(item, scope, output);
                continue;
            }
            var name = Str(item, "alias") is { Length: > 0 } alias ? alias
                : Str(item, "class") == "COLUMN_REF" ? Names(item)[^1]
                : $"?column{index}?";
            var col = Expression(item, scope, name);
            output.Columns.Add(col);
            scope.SelectAliases.Add(col);
        }
        return output;
    }

    Col Expression(JsonElement item, Scope scope, string name)
    {
        if (Str(item, "class") == "COLUMN_REF")
        {
            var acc = new Acc();
            var resolved = ResolveRef(Names(item), scope, acc);
            return new Col(name, acc.Sources, acc.Unknown, resolved?.Direct == true && acc.Unknown.Count == 0 && acc.Sources.Count == 1);
        }
        var a = new Acc();
        Collect(item, scope, a);
        return new Col(name, a.Sources, a.Unknown, false);
    }

    void Star(JsonElement item, Scope scope, Rel output)
    {
        if (Bool(item, "columns"))
        {
            output.OpenUnknown ??= "COLUMNS(...) expression";
            return;
        }
        var exclude = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (item.TryGetProperty("exclude_list", out var ex))
            foreach (var e in ex.EnumerateArray())
                if (e.ValueKind == JsonValueKind.String) exclude.Add(e.GetString()!);
                else if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("column_names", out var cn)) exclude.Add(cn[cn.GetArrayLength() - 1].GetString()!);
        var replace = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        if (item.TryGetProperty("replace_list", out var rl))
            foreach (var r in rl.EnumerateArray()) replace[r.GetProperty("key").GetString()!] = r.GetProperty("value");
        var rename = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (item.TryGetProperty("rename_list", out var rn))
            foreach (var r in rn.EnumerateArray())
                if (r.TryGetProperty("key", out var k) && r.TryGetProperty("value", out var v))
                {
                    var key = k.ValueKind == JsonValueKind.String ? k.GetString()! : k.TryGetProperty("column_names", out var kn) ? kn[kn.GetArrayLength() - 1].GetString()! : "";
                    if (v.ValueKind == JsonValueKind.String) rename[key] = v.GetString()!;
                }

        IEnumerable<Rel> rels;
        if (Str(item, "relation_name") is { Length: > 0 } relName)
        {
            var rel = scope.Rels.LastOrDefault(r => Same(r.Name, relName));
            if (rel is null)
            {
                output.OpenUnknown ??= $"{relName}.* names no relation in scope";
                return;
            }
            rels = [rel];
        }
        else rels = scope.Rels;

        var seenUsing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var open = new List<Rel>();
        foreach (var rel in rels)
        {
            foreach (var c in rel.Columns)
            {
                if (exclude.Contains(c.Name)) continue;
                if (scope.Using.Contains(c.Name) && !seenUsing.Add(c.Name)) continue;
                var outName = rename.TryGetValue(c.Name, out var renamed) ? renamed : c.Name;
                var col = replace.TryGetValue(c.Name, out var expr) ? Expression(expr, scope, outName) : c.WithName(outName);
                output.Columns.Add(col);
                scope.SelectAliases.Add(col);
            }
            if (rel.IsOpen) open.Add(rel);
        }
        if (open.Count == 1 && output.OpenUnknown is null && output.OpenLookup is null)
        {
            var rel = open[0];
            output.OpenLookup = name => exclude.Contains(name) ? (null, null) : rel.Lookup(name);
        }
        else if (open.Count > 0)
        {
            output.OpenLookup = null;
            output.OpenUnknown = $"* over relations whose columns are not known ({string.Join(", ", open.Select(r => r.Name))})";
        }
    }

    Rel SetOperation(JsonElement node, Scope scope)
    {
        var parts = new List<Rel>();
        if (node.TryGetProperty("children", out var children) && children.ValueKind == JsonValueKind.Array)
            foreach (var c in children.EnumerateArray()) parts.Add(Query(c, scope));
        else
        {
            if (node.TryGetProperty("left", out var l)) parts.Add(Query(l, scope));
            if (node.TryGetProperty("right", out var r)) parts.Add(Query(r, scope));
        }
        if (parts.Count == 0) return Rel.Unknown("", "empty set operation");
        if (parts.FirstOrDefault(p => p.IsOpen) is { } openPart)
            return Rel.Unknown("", $"set operation over a query whose columns are not all known ({openPart.OpenUnknown ?? "*"})");
        var byName = (Str(node, "setop_type") ?? "").Contains("BY_NAME", StringComparison.Ordinal);
        var result = new Rel("");
        if (byName)
        {
            var names = parts.SelectMany(p => p.Columns.Select(c => c.Name)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            foreach (var n in names)
                result.Columns.Add(Col.Merge(n, parts.Select(p => p.Find(n)).Where(c => c is not null).Cast<Col>().ToList()));
            return result;
        }
        var count = parts[0].Columns.Count;
        if (parts.Any(p => p.Columns.Count != count))
            return Rel.Unknown("", "set operation whose sides have different numbers of known columns");
        for (var i = 0; i < count; i++)
            result.Columns.Add(Col.Merge(parts[0].Columns[i].Name, parts.Select(p => p.Columns[i]).ToList()));
        return result;
    }

    // ---- FROM ----

    void AddFrom(JsonElement from, Scope scope)
    {
        var type = Str(from, "type");
        var alias = Str(from, "alias");
        Rel rel;
        switch (type)
        {
            case "EMPTY":
                return;
            case "JOIN":
                AddFrom(from.GetProperty("left"), scope);
                AddFrom(from.GetProperty("right"), scope);
                if (from.TryGetProperty("using_columns", out var usingCols))
                    foreach (var u in usingCols.EnumerateArray()) scope.Using.Add(u.GetString()!);
                if (Str(from, "ref_type") == "NATURAL") scope.Natural = true;
                return;
            case "BASE_TABLE":
            {
                var table = Str(from, "table_name")!;
                var schema = Str(from, "schema_name");
                var catalog = Str(from, "catalog_name");
                var cte = schema is null && catalog is null ? scope.FindCte(table) : null;
                if (cte is not null) rel = cte.Named(alias ?? table);
                else
                {
                    var parts = new[] { catalog, schema, table }.Where(p => !string.IsNullOrEmpty(p)).Cast<string>().ToList();
                    var nodeId = resolveTable(parts);
                    rel = nodeId is null
                        ? Rel.Unknown(alias ?? table, $"{string.Join('.', parts)} is not a node of this project")
                        : TableRel(alias ?? table, nodeId);
                }
                break;
            }
            case "SUBQUERY":
                rel = Query(from.GetProperty("subquery").GetProperty("node"), scope).Named(alias ?? "");
                break;
            case "TABLE_FUNCTION":
            {
                var fn = from.TryGetProperty("function", out var f) ? Str(f, "function_name") ?? "?" : "?";
                rel = Rel.Unknown(alias ?? fn, $"table function {fn}(...)");
                break;
            }
            case "EXPRESSION_LIST":
                rel = Rel.Unknown(alias ?? "valueslist", "VALUES list");
                break;
            default:
                rel = Rel.Unknown(alias ?? "", $"unsupported FROM item {type}");
                break;
        }
        if (from.TryGetProperty("column_name_alias", out var cna) && cna.ValueKind == JsonValueKind.Array && cna.GetArrayLength() > 0)
            rel = rel.Renamed(cna.EnumerateArray().Select(a => a.GetString()!).ToList());
        scope.Rels.Add(rel);
    }

    Rel TableRel(string name, string nodeId)
    {
        var rel = new Rel(name);
        if (knownColumns(nodeId) is { } cols)
            foreach (var c in cols) rel.Columns.Add(new Col(c, [new ColumnRef(nodeId, c)], [], true));
        else
            rel.OpenLookup = n => (new Col(n, [new ColumnRef(nodeId, n)], [], true), null);
        return rel;
    }

    // ---- expressions ----

    void Collect(JsonElement e, Scope scope, Acc acc)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray()) Collect(item, scope, acc);
                return;
            case JsonValueKind.Object:
                break;
            default:
                return;
        }
        switch (Str(e, "class"))
        {
            case "CONSTANT":
                return;
            case "COLUMN_REF":
                ResolveRef(Names(e), scope, acc);
                return;
            case "LAMBDA":
                acc.Unknown.Add("lambda expression");
                return;
            case "STAR":
                acc.Unknown.Add("* inside an expression");
                return;
            case "SUBQUERY":
            {
                var sub = Query(e.GetProperty("subquery").GetProperty("node"), scope);
                if (sub.IsOpen) acc.Unknown.Add($"subquery: {sub.OpenUnknown ?? "columns not all known"}");
                var cols = Str(e, "subquery_type") == "SCALAR" ? sub.Columns.Take(1) : sub.Columns;
                foreach (var c in cols) acc.Add(c);
                if (e.TryGetProperty("child", out var child)) Collect(child, scope, acc);
                return;
            }
        }
        foreach (var p in e.EnumerateObject())
            if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) Collect(p.Value, scope, acc);
    }

    /// <summary>Resolves a column reference through this scope and its parents (correlated subqueries).</summary>
    static Col? ResolveRef(IReadOnlyList<string> names, Scope scope, Acc acc)
    {
        for (var s = scope; s is not null; s = s.Parent)
        {
            var (col, unknown) = s.Resolve(names);
            if (col is not null)
            {
                acc.Add(col);
                return col;
            }
            if (unknown is not null)
            {
                acc.Unknown.Add(unknown);
                return null;
            }
        }
        acc.Unknown.Add($"column {string.Join('.', names)} was not found in any relation in scope");
        return null;
    }

    // ---- helpers ----

    static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static bool Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    static List<string> Names(JsonElement e) => e.GetProperty("column_names").EnumerateArray().Select(n => n.GetString()!).ToList();

    sealed class Acc
    {
        public readonly SortedSet<ColumnRef> Sources = [];
        public readonly List<string> Unknown = [];

        public void Add(Col c)
        {
            Sources.UnionWith(c.Sources);
            foreach (var u in c.Unknown) if (!Unknown.Contains(u)) Unknown.Add(u);
        }
    }

    sealed class Col(string name, IEnumerable<ColumnRef> sources, IEnumerable<string> unknown, bool direct)
    {
        public string Name { get; } = name;
        public SortedSet<ColumnRef> Sources { get; } = [.. sources];
        public List<string> Unknown { get; } = unknown.Distinct().ToList();
        public bool Direct { get; } = direct;

        public Col WithName(string n) => new(n, Sources, Unknown, Direct);

        public ColumnLineage ToLineage(string n) => new(n, Sources.ToList(), Direct && Unknown.Count == 0, Unknown.ToList());

        public static Col Merge(string name, IReadOnlyList<Col> cols) =>
            new(name, cols.SelectMany(c => c.Sources), cols.SelectMany(c => c.Unknown),
                cols.All(c => c.Direct) && cols.SelectMany(c => c.Sources).Distinct().Count() == 1);
    }

    sealed class Rel(string name)
    {
        public string Name { get; private set; } = name;
        public List<Col> Columns { get; private set; } = [];
        /// <summary>Resolves names not among <see cref="Columns"/> (a passthrough such as <c>select * from t</c>).</summary>
        public Func<string, (Col? Col, string? Unknown)>? OpenLookup { get; set; }
        /// <summary>Names not among <see cref="Columns"/> are unknown, for this reason.</summary>
        public string? OpenUnknown { get; set; }
        public bool IsOpen => OpenLookup is not null || OpenUnknown is not null;

        public static Rel Unknown(string name, string reason) => new(name) { OpenUnknown = reason };

        public Col? Find(string n) => Columns.FirstOrDefault(c => Same(c.Name, n));

        public (Col? Col, string? Unknown) Lookup(string n)
        {
            if (Find(n) is { } c) return (c, null);
            if (OpenLookup is not null) return OpenLookup(n);
            if (OpenUnknown is not null) return (null, $"{n}: {OpenUnknown}");
            return (null, null);
        }

        public Rel Named(string n) => new(n) { Columns = Columns, OpenLookup = OpenLookup, OpenUnknown = OpenUnknown };

        public Rel Renamed(IReadOnlyList<string> names)
        {
            if (IsOpen && Columns.Count < names.Count)
                return Unknown(Name, $"column aliases over a relation whose columns are not known ({OpenUnknown ?? "*"})");
            var r = new Rel(Name) { OpenLookup = OpenLookup, OpenUnknown = OpenUnknown };
            for (var i = 0; i < Columns.Count; i++) r.Columns.Add(i < names.Count ? Columns[i].WithName(names[i]) : Columns[i]);
            return r;
        }
    }

    sealed class Scope(Scope? parent)
    {
        public Scope? Parent { get; } = parent;
        public List<Rel> Rels { get; } = [];
        public Dictionary<string, Rel> Ctes { get; } = new(StringComparer.OrdinalIgnoreCase);
        public List<Col> SelectAliases { get; } = [];
        public HashSet<string> Using { get; } = new(StringComparer.OrdinalIgnoreCase);
        public bool Natural { get; set; }

        public Rel? FindCte(string name)
        {
            for (var s = this; s is not null; s = s.Parent)
                if (s.Ctes.TryGetValue(name, out var r)) return r;
            return null;
        }

        /// <summary>(column, null) when found; (null, reason) when it cannot be known; (null, null) when not here.</summary>
        public (Col? Col, string? Unknown) Resolve(IReadOnlyList<string> names)
        {
            // t.x, t.x.field (struct), s.t.x, db.s.t.x
            for (var i = 0; i + 1 < names.Count && i < 3; i++)
            {
                var rel = Rels.LastOrDefault(r => Same(r.Name, names[i]));
                if (rel is null) continue;
                var (col, unknown) = rel.Lookup(names[i + 1]);
                if (col is not null || unknown is not null) return (col, unknown);
                return (null, $"column {names[i + 1]} is not among the known columns of {rel.Name}");
            }
            return ResolveUnqualified(names[0]);
        }

        (Col?, string?) ResolveUnqualified(string name)
        {
            var matches = Rels.Select(r => r.Find(name)).Where(c => c is not null).Cast<Col>().ToList();
            var open = Rels.Where(r => r.Find(name) is null && r.IsOpen).ToList();
            if (matches.Count == 1) return (matches[0], null); // a query that binds has one relation with this name
            if (matches.Count > 1)
            {
                if (Using.Contains(name) || Natural) return (Col.Merge(name, matches), null);
                return (null, $"column {name} is ambiguous between {matches.Count} relations");
            }
            if (open.Count == 1) return open[0].Lookup(name) is var (c, u) && (c is not null || u is not null)
                ? (c, u) : (null, $"column {name} not found");
            if (open.Count > 1)
                return (null, $"column {name} could come from any of {string.Join(", ", open.Select(r => r.Name))}, whose columns are not known");
            if (SelectAliases.LastOrDefault(c => Same(c.Name, name)) is { } alias) return (alias, null);
            return (null, null);
        }
    }
}
