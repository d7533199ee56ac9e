using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>
/// dbt's <c>apply_grants</c>: once a model, seed or snapshot is built, the privileges its <c>grants</c> config lists are
/// granted on its relation. Where the relation may still hold grants from before (an incremental run, a snapshot, a
/// reloaded seed, or a rebuild the engine copies grants through: <see cref="SqlDialect.CopiesGrants"/>) the current
/// grants are read first, the unlisted ones revoked and only the missing ones granted; a relation built from nothing
/// gets the listed grants directly. An engine without roles (DuckDB) skips them, said once per run.
/// </summary>
public sealed class GrantsApplier(SqlDialect dialect, bool fullRefresh)
{
    int _warned;

    /// <summary>
    /// Applies <paramref name="node"/>'s grants to its relation, which existed before the build as <paramref name="before"/>
    /// (null: it did not); returns the statements run (none when every grant is in place).
    /// </summary>
    public IReadOnlyList<string> Apply(IAdapterConnection connection, Node node, RelationKind? before, Action<Warning> warn)
    {
        if (node.ResourceType is not (ResourceType.Model or ResourceType.Seed or ResourceType.Snapshot) || node.Materialized == "ephemeral") return [];
        var wanted = Grants.Of(node.Config);
        if (wanted.Count == 0) return [];
        if (!dialect.SupportsGrants)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
                warn(new Warning("grants are skipped on DuckDB, which has no roles to grant privileges to (the 'grants' config of " +
                                 $"'{node.Name}' and any other node has no effect on this target)", node.Config.OriginOf("grants") ?? node.Location));
            return [];
        }
        IReadOnlyDictionary<string, IReadOnlyList<string>> revoke = new Dictionary<string, IReadOnlyList<string>>(), grant = wanted;
        if (ShouldRevoke(node, before))
        {
            var current = dialect.ReadGrants(connection.Query(dialect.ShowGrants(node.Relation)));
            grant = Grants.Missing(wanted, current);
            revoke = Grants.Missing(current, wanted);
        }
        var statements = dialect.GrantStatements(node.Relation, revoke, revoke: true).Concat(dialect.GrantStatements(node.Relation, grant, revoke: false)).ToList();
        if (statements.Count > 0) connection.ExecuteTransaction(statements);
        return statements;
    }

    /// <summary>dbt's <c>should_revoke</c> as each materialization calls it: whether grants from before may still be there.</summary>
    bool ShouldRevoke(Node node, RelationKind? before)
    {
        if (before is null) return false;
        var replaced = node.ResourceType switch
        {
            ResourceType.Snapshot => false,
            ResourceType.Seed => fullRefresh,
            _ => node.Materialized != "incremental" || before != RelationKind.Table || Materializer.WantsFullRefresh(node, fullRefresh),
        };
        return !replaced || dialect.CopiesGrants(node.Config);
    }
}
