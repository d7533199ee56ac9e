using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Execution;

/// <summary>
/// Turns a compiled model into DDL and runs it so that a failure never destroys the previous version:
/// a view is replaced in one transaction; a table is built beside the old one and swapped in.
/// </summary>
public sealed class Materializer(Func<string, string> quote, AdapterCapabilities capabilities)
{
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal) { "view", "table", "ephemeral" };

    const string TempSuffix = "__xform_tmp";

    /// <summary>The statements to build <paramref name="model"/>, given what exists in the database now.</summary>
    public IReadOnlyList<string> Plan(CompiledNode model, RelationKind? existing)
    {
        var rel = model.Node.Relation;
        var target = rel.Render(quote);
        var body = model.Sql.TrimEnd().TrimEnd(';');
        var statements = new List<string>();
        switch (model.Node.Materialized)
        {
            case "view":
                if (existing is RelationKind.Table) statements.Add($"drop table if exists {target}");
                statements.Add($"create or replace view {target} as (\n{body}\n)");
                break;
            case "table":
                var tmp = (rel with { Identifier = rel.Identifier + TempSuffix }).Render(quote);
                statements.Add($"drop table if exists {tmp}");
                statements.Add($"create table {tmp} as (\n{body}\n)");
                if (existing is { } kind) statements.Add($"drop {(kind == RelationKind.View ? "view" : "table")} if exists {target}");
                statements.Add($"alter table {tmp} rename to {quote(rel.Identifier)}");
                break;
            default:
                throw new XformException($"materialization '{model.Node.Materialized}' is not supported; use one of: {string.Join(", ", Supported)}", model.Node.Location);
        }
        return statements;
    }

    /// <summary>Runs the plan (with hooks) in one transaction where the engine has transactional DDL.</summary>
    public string Execute(IAdapterConnection connection, CompiledNode model, RelationKind? existing)
    {
        var statements = new List<string>();
        statements.AddRange(model.Hooks);
        statements.AddRange(Plan(model, existing));
        statements.AddRange(model.PostHooks);
        if (capabilities.TransactionalDdl)
        {
            connection.Execute("begin transaction");
            try
            {
                foreach (var s in statements) connection.Execute(s);
                connection.Execute("commit");
            }
            catch
            {
                TryRollback(connection);
                throw;
            }
        }
        else
        {
            foreach (var s in statements) connection.Execute(s);
        }
        return string.Join(";\n\n", statements) + ";\n";
    }

    static void TryRollback(IAdapterConnection connection)
    {
        try { connection.Execute("rollback"); }
        catch (DatabaseException) { /* the transaction is already gone */ }
    }
}
