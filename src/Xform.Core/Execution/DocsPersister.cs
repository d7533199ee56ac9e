using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Execution;

/// <summary>
/// dbt's <c>persist_docs: {relation: true, columns: true}</c>: once a model, seed or snapshot is built, its description
/// and its columns' descriptions (with <c>doc()</c> resolved) become the comments of the relation and its columns.
/// Documented columns the relation does not have are skipped with dbt's warning.
/// </summary>
public sealed class DocsPersister(SqlDialect dialect, IReadOnlyDictionary<string, DocsBlock> docs)
{
    /// <summary>What the node's <c>persist_docs</c> asks for.</summary>
    public static (bool Relation, bool Columns) Of(Node node)
    {
        if (node.ResourceType is not (ResourceType.Model or ResourceType.Seed or ResourceType.Snapshot) || node.Materialized == "ephemeral"
            || !node.Config.TryGetValue("persist_docs", out var value) || value is not IReadOnlyDictionary<string, object?> map)
            return (false, false);
        static bool On(object? v) => v is true || v is string s && s.Equals("true", StringComparison.OrdinalIgnoreCase);
        return (On(map.GetValueOrDefault("relation")), On(map.GetValueOrDefault("columns")));
    }

    /// <summary>
    /// Writes the comments of <paramref name="node"/>'s relation, built as <paramref name="kind"/>; returns the statements run.
    /// </summary>
    public IReadOnlyList<string> Persist(IAdapterConnection connection, Node node, RelationKind kind, Action<Warning> warn)
    {
        var (forRelation, forColumns) = Of(node);
        var statements = new List<string>();
        if (forRelation && Descriptions.Render(node.Description, docs) is { Length: > 0 } description)
            statements.Add(dialect.CommentOnRelation(node.Relation, kind, description));
        if (forColumns && node.Columns.Count > 0)
        {
            // Matched as dbt matches unquoted names (case-insensitively), written with the name the database gives.
            var existing = connection.GetColumns(node.Relation).Select(c => c.Name).ToList();
            var missing = new List<ColumnInfo>();
            foreach (var column in node.Columns)
            {
                var actual = existing.FirstOrDefault(e => e.Equals(column.Name, StringComparison.OrdinalIgnoreCase));
                if (actual is null) missing.Add(column);
                else if (Descriptions.Render(column.Description, docs) is { Length: > 0 } text)
                    statements.Add(dialect.CommentOnColumn(node.Relation, kind, actual, text));
            }
            if (missing.Count > 0)
                warn(new Warning($"In relation {node.Relation.Render(dialect.Quote)}: The following columns are specified in the schema but are not present in the database: {string.Join(", ", missing.Select(c => c.Name))}",
                    missing[0].Location));
        }
        if (statements.Count > 0) connection.ExecuteTransaction(statements);
        return statements;
    }
}
