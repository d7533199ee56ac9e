using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// A relation as templates see it (<c>{{ ref('x') }}</c>, <c>{{ this }}</c>): renders quoted. Like dbt's Relation it
/// is a mapping to Jinja (<c>relation is mapping</c>, <c>relation.get('metadata')</c>, which dbt_utils checks) and has
/// <c>render()</c>, <c>include(...)</c>, <c>incorporate(...)</c>, <c>quote(...)</c>.
/// </summary>
public sealed class RelationObject(RelationName name, Func<string, string> quote, string? rendered = null) : ITemplateObject, ITemplateMapping
{
    public RelationName Name { get; } = name;

    public bool TryGetMember(string member, out object? value)
    {
        value = member switch
        {
            "database" => Name.Database,
            "schema" => Name.Schema,
            "identifier" or "name" or "table" => Name.Identifier,
            "metadata" => Metadata(),
            "type" or "is_table" or "is_view" or "is_cte" => null,
            "render" => (HostFunction)(_ => ToString()),
            "get" => (HostFunction)(c => TryGetMember(Convert.ToString(c.Get(0, "key"), System.Globalization.CultureInfo.InvariantCulture) ?? "", out var v) && v is not null ? v : c.Get(1, "default")),
            // include(database=false) leaves a part out; xform renders the database only when it is not the target's.
            "include" => (HostFunction)(c => c.Get(0, "database") is false && Name.Database is not null
                ? new RelationObject(Name with { Database = null }, quote, rendered) : this),
            "incorporate" or "quote" or "replace_path" => (HostFunction)(_ => this),
            _ => null,
        };
        return value is not null || member is "database" or "type" or "is_table" or "is_view" or "is_cte";
    }

    static Dictionary<string, object?> Metadata() => new(StringComparer.Ordinal) { ["type"] = "BaseRelation" };

    public override string ToString() => rendered ?? Name.Render(quote);
}

/// <summary><c>target</c>: the profile output in use, without its secrets.</summary>
public sealed class TargetObject(TargetConfig target) : ITemplateObject
{
    public bool TryGetMember(string member, out object? value)
    {
        switch (member)
        {
            case "name": value = target.Name; return true;
            case "type": value = target.Type; return true;
            case "schema": value = target.Schema; return true;
            case "database" or "dbname": value = target.Database; return true;
            case "threads": value = (long)target.Threads; return true;
            case "profile_name": value = target.ProfileName; return true;
        }
        if (!TargetConfig.IsSecret(member) && target.Settings.TryGetValue(member, out value)) return true;
        value = null;
        return false;
    }

    public override string ToString() => target.Name;
}

/// <summary>A plain read-only object with named members (e.g. <c>exceptions</c>).</summary>
public sealed class MemberObject(string text, IReadOnlyDictionary<string, object?> members) : ITemplateObject
{
    public bool TryGetMember(string name, out object? value) => members.TryGetValue(name, out value);
    public override string ToString() => text;
}
