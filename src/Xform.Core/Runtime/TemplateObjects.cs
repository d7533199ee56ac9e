using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// A relation as templates see it (<c>{{ ref('x') }}</c>, <c>{{ this }}</c>): renders quoted. Like dbt's Relation it
/// is a mapping to Jinja (<c>relation is mapping</c>, <c>relation.get('metadata')</c>, which dbt_utils checks) and has
/// <c>render()</c>, <c>include(...)</c>, <c>incorporate(...)</c>, <c>quote(...)</c>.
/// </summary>
public sealed class RelationObject(RelationName name, Func<string, string> quote, string? rendered = null, string? type = null) : ITemplateObject, ITemplateMapping
{
    public RelationName Name { get; } = name;

    /// <summary>dbt's relation type (<c>table</c>, <c>view</c>) when known: from the database, or set by <c>incorporate(type=...)</c>.</summary>
    public string? Type { get; } = type;

    public bool TryGetMember(string member, out object? value)
    {
        value = member switch
        {
            "database" => Name.Database,
            "schema" => Name.Schema,
            "identifier" or "name" or "table" => Name.Identifier,
            "metadata" => Metadata(),
            "type" => Type,
            "is_table" => Type == "table",
            "is_view" => Type == "view",
            "is_cte" => null,
            "render" => (HostFunction)(_ => ToString()),
            "get" => (HostFunction)(c => TryGetMember(Convert.ToString(c.Get(0, "key"), System.Globalization.CultureInfo.InvariantCulture) ?? "", out var v) && v is not null ? v : c.Get(1, "default")),
            // include(database=false) leaves a part out; xform renders the database only when it is not the target's.
            "include" => (HostFunction)(c => c.Get(0, "database") is false && Name.Database is not null
                ? new RelationObject(Name with { Database = null }, quote, rendered, Type) : this),
            // incorporate(path={'identifier': ...}, type='table'): the same relation renamed or typed, as dbt's.
            "incorporate" => (HostFunction)Incorporate,
            "quote" or "replace_path" => (HostFunction)(_ => this),
            _ => null,
        };
        return value is not null || member is "database" or "type" or "is_cte";
    }

    object? Incorporate(TemplateCall c)
    {
        var relation = Name;
        if (c.Get(0, "path") is IReadOnlyDictionary<string, object?> path)
            relation = new RelationName(path.TryGetValue("database", out var d) ? d as string : relation.Database,
                path.TryGetValue("schema", out var s) && s is string schema ? schema : relation.Schema,
                path.TryGetValue("identifier", out var i) && i is string id ? id : relation.Identifier);
        var newType = c.Get(1, "type") is string t ? t : Type;
        return relation == Name && newType == Type ? this : new RelationObject(relation, quote, relation == Name ? rendered : null, newType);
    }

    static Dictionary<string, object?> Metadata() => new(StringComparer.Ordinal) { ["type"] = "BaseRelation" };

    public override string ToString() => rendered ?? Name.Render(quote);
}

/// <summary>
/// <c>target</c>: a dict, as dbt's, of the output's connection settings (with the adapter's defaults filled in, so
/// <c>database</c> is never empty), then <c>type</c>, <c>threads</c>, <c>name</c>, <c>target_name</c>, <c>profile_name</c>.
/// Secrets (password, private keys, tokens) are left out, as dbt leaves them out of <c>target</c>. A field the output
/// lacks (<c>target.host</c> on DuckDB) is undefined and prints empty, as in dbt.
/// </summary>
internal sealed class TargetObject(TargetConfig target, IReadOnlyDictionary<string, object?>? fields)
    : ReadOnlyNames(Entries(target, fields)), ILenientMapping
{
    static IEnumerable<KeyValuePair<string, object?>> Entries(TargetConfig target, IReadOnlyDictionary<string, object?>? fields)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in fields ?? target.Settings)
        {
            if (TargetConfig.IsSecret(key) || key is "type" or "threads") continue;
            seen.Add(key);
            yield return new(key, value is int i ? (long)i : value);
        }
        if (!seen.Contains("database")) yield return new("database", target.Database);
        if (!seen.Contains("schema")) yield return new("schema", target.Schema);
        yield return new("type", target.Type);
        yield return new("threads", (long)target.Threads);
        yield return new("name", target.Name);
        yield return new("target_name", target.Name);
        yield return new("profile_name", target.ProfileName);
    }
}

/// <summary>A plain read-only object with named members (e.g. <c>exceptions</c>).</summary>
public sealed class MemberObject(string text, IReadOnlyDictionary<string, object?> members) : ITemplateObject
{
    public bool TryGetMember(string name, out object? value) => members.TryGetValue(name, out value);
    public override string ToString() => text;
}
