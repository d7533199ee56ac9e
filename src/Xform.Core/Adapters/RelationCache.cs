namespace Xform.Core.Adapters;

/// <summary>
/// The relations of the target's database as a run knows them, dbt's relation cache: listed once when the run starts,
/// then kept up to date by what the run builds, drops and renames. Materializations read it to know what exists, and
/// <c>adapter.get_relation</c> answers from it instead of listing the catalog again for every call (a test of an
/// incremental model asked up to three times). Only a name it does not hold is looked up in the database (a hook may
/// have created it with plain SQL); as in dbt, a relation dropped by plain SQL stays known until the run ends.
/// Names compare case-insensitively. Thread-safe.
/// </summary>
public sealed class RelationCache
{
    readonly Dictionary<(string, string), RelationInfo> _relations = new();
    readonly HashSet<string> _schemas = new(StringComparer.OrdinalIgnoreCase);
    readonly Lock _gate = new();

    static (string, string) Key(string schema, string name) => (schema.ToLowerInvariant(), name.ToLowerInvariant());

    public RelationInfo? Find(string schema, string name)
    {
        lock (_gate) return _relations.GetValueOrDefault(Key(schema, name));
    }

    public bool HasSchema(string schema)
    {
        lock (_gate) return _schemas.Contains(schema);
    }

    public void AddSchema(string schema)
    {
        lock (_gate) _schemas.Add(schema);
    }

    /// <summary>The relation exists now as <paramref name="relation"/> says (built, or found in the database).</summary>
    public void Set(RelationInfo relation)
    {
        lock (_gate)
        {
            _relations[Key(relation.Schema, relation.Name)] = relation;
            _schemas.Add(relation.Schema);
        }
    }

    public void Remove(string schema, string name)
    {
        lock (_gate) _relations.Remove(Key(schema, name));
    }
}
