using System.Globalization;
using Xform.Core.Adapters;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// The dbt context objects that read the database while a node compiles (<c>execute</c> is true):
/// <c>run_query</c>, the <c>statement</c> block's runner with <c>load_result</c>, <c>adapter</c> (<c>quote</c>,
/// <c>type()</c>, <c>get_relation</c>, <c>get_columns_in_relation</c>, <c>get_missing_columns</c>,
/// <c>list_relations_without_caching</c>, <c>already_exists</c>) and <c>api</c> (<c>Relation.create</c>,
/// <c>Column</c>). The connection is the node's own while it runs, or one opened when first needed
/// (<c>xform compile</c>); a template that never asks opens none. In a run, relations are looked up in the run's
/// <see cref="RelationCache"/> first.
/// </summary>
public sealed class DatabaseObjects(Func<IAdapterConnection> connection, Func<string, string> quote, string adapterType, RelationCache? relations = null)
{
    readonly Dictionary<string, object?> _results = new(StringComparer.Ordinal);

    Dictionary<string, object?>? _globals;

    /// <summary>Whether a <c>statement</c> block of that name ran (a materialization must run <c>main</c>).</summary>
    public bool HasResult(string name) => _results.ContainsKey(name);

    /// <summary>The names <see cref="AddTo"/> gives a render.</summary>
    internal static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
        { "run_query", "__xform_statement", "load_result", "adapter", "api", "load_relation", "load_cached_relation" };

    /// <summary>
    /// Adds the objects to a render's globals, made when the render first reads one (most renders read none: a model's
    /// compile made the adapter's dozen functions for nothing), then once per compile (a node renders its SQL and its hooks).
    /// </summary>
    public void AddTo(RenderGlobals globals) => globals.Defer(Names, name => (_globals ??= Build())[name]);

    Dictionary<string, object?> Build() => new(StringComparer.Ordinal)
    {
        ["run_query"] = (HostFunction)(c => RunQuery(Sql(c))),
        ["__xform_statement"] = (HostFunction)Statement,
        ["load_result"] = (HostFunction)(c => _results.GetValueOrDefault(c.Get(0, "name") as string ?? "")),
        ["adapter"] = Adapter(),
        ["api"] = Api(quote),
        // dbt's load_relation(relation): the relation as the database has it, or none.
        ["load_relation"] = (HostFunction)(c =>
        {
            var r = RelationArg(c, 0, "relation");
            return GetRelation(r.Database, r.Schema, r.Identifier);
        }),
        ["load_cached_relation"] = (HostFunction)(c =>
        {
            var r = RelationArg(c, 0, "relation");
            return GetRelation(r.Database, r.Schema, r.Identifier);
        }),
    };

    /// <summary>
    /// What the objects are while parsing (<c>execute</c> false): dbt's answers, none touching the database. The same
    /// for every render of a session, so built once (<see cref="CompileSession.ParseTimeDatabase"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, object?> ParseTime(Func<string, string> quote, string adapterType) =>
        new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["run_query"] = (HostFunction)(_ => null),
            ["__xform_statement"] = (HostFunction)(_ => null),
            ["load_result"] = (HostFunction)(_ => null),
            ["adapter"] = new MemberObject("adapter", new Dictionary<string, object?>
            {
                ["quote"] = (HostFunction)(c => quote(Text(c, 0, "identifier"))),
                ["type"] = (HostFunction)(_ => adapterType),
                ["get_relation"] = (HostFunction)(_ => null),
                ["get_columns_in_relation"] = (HostFunction)(_ => new List<object?>()),
                ["get_missing_columns"] = (HostFunction)(_ => new List<object?>()),
                ["list_relations_without_caching"] = (HostFunction)(_ => new List<object?>()),
                ["already_exists"] = (HostFunction)(_ => false),
            }),
            ["api"] = Api(quote),
            ["load_relation"] = (HostFunction)(_ => null),
            ["load_cached_relation"] = (HostFunction)(_ => null),
        };

    static string Text(TemplateCall c, int position, string name) =>
        Convert.ToString(c.Get(position, name), CultureInfo.InvariantCulture) ?? throw c.Error($"'{name}' is required");

    static string Sql(TemplateCall c) => Text(c, 0, "sql");

    QueryTable RunQuery(string sql) => new(connection().Query(sql));

    /// <summary>The runner behind <c>{% call statement('name', fetch_result=True) %}</c>: runs the SQL and keeps its result for load_result.</summary>
    object? Statement(TemplateCall c)
    {
        var sql = Sql(c);
        var name = c.Get(1, "name") as string;
        var fetch = c.Get(2, "fetch_result") is true;
        QueryTable? table = null;
        try
        {
            if (fetch) table = RunQuery(sql);
            else connection().Execute(sql);
        }
        catch (DatabaseException e)
        {
            throw c.Error($"statement '{name ?? ""}': database error: {e.Message}");
        }
        if (name is not null)
            _results[name] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["response"] = new MemberObject("OK", new Dictionary<string, object?> { ["code"] = "OK", ["rows_affected"] = (long)(table?.Count ?? 0) }),
                ["data"] = table is null ? new List<object?>() : table.Select(r => (object?)((QueryRow)r!).ToList()).ToList(),
                ["table"] = table,
            };
        return "";
    }

    MemberObject Adapter() => new("adapter", new Dictionary<string, object?>
    {
        ["quote"] = (HostFunction)(c => quote(Text(c, 0, "identifier"))),
        ["type"] = (HostFunction)(_ => adapterType),
        ["get_relation"] = (HostFunction)(c => GetRelation(c.Get(0, "database") as string, Text(c, 1, "schema"), Text(c, 2, "identifier"))),
        ["get_columns_in_relation"] = (HostFunction)(c => Columns(RelationArg(c, 0, "relation"))),
        ["get_missing_columns"] = (HostFunction)(c =>
        {
            var present = Columns(RelationArg(c, 1, "to_relation")).Select(x => ((ColumnObject)x!).Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return Columns(RelationArg(c, 0, "from_relation")).Where(x => !present.Contains(((ColumnObject)x!).Name)).ToList();
        }),
        ["list_relations_without_caching"] = (HostFunction)(c =>
        {
            var schema = RelationArg(c, 0, "schema_relation").Schema;
            return connection().ListRelations().Where(r => string.Equals(r.Schema, schema, StringComparison.OrdinalIgnoreCase))
                .Select(r => (object?)new RelationObject(new RelationName(null, r.Schema, r.Name), quote)).ToList();
        }),
        ["already_exists"] = (HostFunction)(c => GetRelation(null, Text(c, 0, "schema"), Text(c, 1, "name")) is not null),
        // What materializations call: commit the open transaction (a custom materialization's), drop and rename relations.
        ["commit"] = (HostFunction)(_ =>
        {
            if (connection() is SessionConnection session) session.Commit();
            return "";
        }),
        ["drop_relation"] = (HostFunction)(c =>
        {
            var r = RelationArg(c, 0, "relation");
            if (GetRelation(r.Database, r.Schema, r.Identifier) is { } found)
            {
                connection().Execute($"drop {found.Type} if exists {found} cascade");
                relations?.Remove(found.Name.Schema, found.Name.Identifier);
            }
            return "";
        }),
        ["rename_relation"] = (HostFunction)(c =>
        {
            var from = RelationArg(c, 0, "from_relation");
            var to = RelationArg(c, 1, "to_relation");
            var found = GetRelation(from.Database, from.Schema, from.Identifier)
                        ?? throw c.Error($"rename_relation: {from.Render(quote)} does not exist");
            connection().Execute($"alter {found.Type} {found} rename to {quote(to.Identifier)}");
            relations?.Remove(found.Name.Schema, found.Name.Identifier);
            relations?.Set(new RelationInfo(found.Name.Schema, to.Identifier, found.Type == "view" ? RelationKind.View : RelationKind.Table));
            return "";
        }),
        ["truncate_relation"] = (HostFunction)(c =>
        {
            connection().Execute($"truncate table {RelationArg(c, 0, "relation").Render(quote)}");
            return "";
        }),
    });

    RelationObject? GetRelation(string? database, string schema, string identifier)
    {
        var found = relations?.Find(schema, identifier);
        if (found is null)
        {
            found = connection().ListRelations().FirstOrDefault(r =>
                string.Equals(r.Schema, schema, StringComparison.OrdinalIgnoreCase) && string.Equals(r.Name, identifier, StringComparison.OrdinalIgnoreCase));
            if (found is not null) relations?.Set(found);
        }
        return found is null ? null : new RelationObject(new RelationName(database, found.Schema, found.Name), quote, null,
            found.Kind == RelationKind.View ? "view" : "table");
    }

    List<object?> Columns(RelationName relation) =>
        connection().GetColumns(relation).Select(c => (object?)new ColumnObject(c.Name, c.DataType, quote)).ToList();

    static RelationName RelationArg(TemplateCall c, int position, string name) => c.Get(position, name) switch
    {
        RelationObject r => r.Name,
        _ => throw c.Error($"'{name}' must be a relation (ref(), source(), this or api.Relation.create(...))"),
    };

    /// <summary><c>api.Relation.create(database, schema, identifier)</c> and <c>api.Column</c>.</summary>
    static MemberObject Api(Func<string, string> quote) => new("api", new Dictionary<string, object?>
    {
        ["Relation"] = new MemberObject("Relation", new Dictionary<string, object?>
        {
            ["create"] = (HostFunction)(c => new RelationObject(new RelationName(c.Get(0, "database") as string,
                c.Get(1, "schema") as string ?? "", c.Get(2, "identifier") as string ?? ""), quote, null, c.Get(3, "type") as string)),
        }),
        ["Column"] = ColumnObject.Api(quote),
    });
}

/// <summary>A column as dbt's Column: <c>name</c>, <c>column</c>, <c>quoted</c>, <c>data_type</c>, <c>dtype</c>, and its type tests.</summary>
public sealed class ColumnObject(string name, string dataType, Func<string, string> quote) : ITemplateObject
{
    public string Name => name;

    public bool TryGetMember(string member, out object? value)
    {
        var type = dataType.ToLowerInvariant();
        value = member switch
        {
            "name" or "column" => name,
            "quoted" => quote(name),
            "data_type" or "dtype" => dataType,
            "is_string" => (HostFunction)(_ => type.Contains("char") || type.Contains("text") || type.Contains("string")),
            "is_number" => (HostFunction)(_ => IsNumber(type)),
            "is_numeric" => (HostFunction)(_ => type.StartsWith("numeric") || type.StartsWith("decimal")),
            "is_integer" => (HostFunction)(_ => type.Contains("int")),
            "is_float" => (HostFunction)(_ => type is "float" or "double" or "real" or "double precision" or "float4" or "float8"),
            _ => null,
        };
        return value is not null;
    }

    static bool IsNumber(string type) =>
        type.Contains("int") || type.StartsWith("numeric") || type.StartsWith("decimal") || type is "float" or "double" or "real" or "double precision" or "float4" or "float8" or "number";

    public override string ToString() => name;

    /// <summary><c>api.Column</c>: <c>create(name, dtype)</c>, and the type helpers dbt's base Column has.</summary>
    public static MemberObject Api(Func<string, string> quote) => new("Column", new Dictionary<string, object?>
    {
        ["create"] = (HostFunction)(c => new ColumnObject(Convert.ToString(c.Get(0, "name"), CultureInfo.InvariantCulture) ?? "",
            Convert.ToString(c.Get(1, "label_or_dtype"), CultureInfo.InvariantCulture) ?? "", quote)),
        ["string_type"] = (HostFunction)(c => $"character varying({c.Get(0, "size")})"),
        ["numeric_type"] = (HostFunction)(c => c.Get(1, "precision") is { } p && c.Get(2, "scale") is { } s
            ? $"{c.Get(0, "dtype")}({p},{s})" : Convert.ToString(c.Get(0, "dtype"), CultureInfo.InvariantCulture)),
        ["translate_type"] = (HostFunction)(c => Convert.ToString(c.Get(0, "dtype"), CultureInfo.InvariantCulture)?.ToUpperInvariant() switch
        {
            "STRING" => "TEXT",
            "INTEGER" => "INT",
            var other => other,
        }),
    });
}
