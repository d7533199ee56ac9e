using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>A relation as templates see it (<c>{{ ref('x') }}</c>, <c>{{ this }}</c>): renders quoted.</summary>
public sealed class RelationObject(RelationName name, Func<string, string> quote, string? rendered = null) : ITemplateObject
{
    public RelationName Name { get; } = name;

    public bool TryGetMember(string member, out object? value)
    {
        value = member switch
        {
            "database" => Name.Database,
            "schema" => Name.Schema,
            "identifier" or "name" or "table" => Name.Identifier,
            _ => null,
        };
        return member is "database" or "schema" or "identifier" or "name" or "table";
    }

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
