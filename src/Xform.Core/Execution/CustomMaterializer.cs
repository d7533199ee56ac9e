using System.Collections;
using System.Globalization;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Execution.Runners;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;

namespace Xform.Core.Execution;

/// <summary>
/// Runs a model's <c>{% materialization %}</c> block as dbt does: the model compiled, then the block called with its
/// context, its statements on the node's connection in a transaction opened by the first of them and committed by
/// <c>adapter.commit()</c> or when the block returns (rolled back when it fails, so the previous version stays where the
/// engine has transactional DDL). The block must run <c>statement('main')</c> and return
/// <c>{'relations': [...]}</c>; those relations are what the run records.
/// </summary>
public sealed class CustomMaterializer(Compiler compiler, TemplateEngine engine)
{
    /// <summary>The block a model runs instead of a built-in materialization, or null.</summary>
    public MacroInfo? BlockFor(Node node) => BuildSettings.CustomBlock(node, engine);

    public RunOutcome Build(NodeRun run, MacroInfo block)
    {
        var node = run.Node;
        var model = run.Compiled();
        using var session = new SessionConnection(run.Connection);
        var extra = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["pre_hooks"] = Hooks(model.PreHooks),
            ["post_hooks"] = Hooks(model.PostHooks),
            ["__xform_run_hook"] = (HostFunction)(c => RunHook(c, session)),
        };
        MaterializationCall call;
        try
        {
            call = compiler.CallMaterialization(node, block, Materializer.Body(model), session, extra);
        }
        catch (XformException e)
        {
            // An error inside xform's own macros (statement, run_hooks) is the block's: located at the block.
            var at = e.Location.File.StartsWith('<') ? block.Location : e.Location;
            var message = System.Text.RegularExpressions.Regex.Replace(e.Message, @" \(in macro '(statement|run_hooks)'\)$", "");
            throw new XformException($"materialization '{node.Materialized}' of model '{node.Name}' failed: {message}", at, e);
        }
        if (!call.RanMain)
            throw new XformException($"materialization '{node.Materialized}' of model '{node.Name}' did not run a statement named 'main': " +
                                     "build the model in {% call statement('main') %} ... {% endcall %}", block.Location);
        var relations = Relations(call.Returned, node, block);
        session.Commit();
        var executed = string.Join(";\n\n", session.Executed);
        return RunOutcome.Built(executed.Length == 0 ? "" : executed + ";\n") with { Relations = relations };
    }

    /// <summary>dbt's return contract: <c>{'relations': [relation, ...]}</c>; each relation's kind is read back from the database.</summary>
    static IReadOnlyList<RelationName> Relations(object? returned, Node node, MacroInfo block)
    {
        var what = $"materialization '{node.Materialized}' of model '{node.Name}'";
        if (returned is string)
            throw new XformException($"{what} returned nothing: end it with {{{{ return({{'relations': [target_relation]}}) }}}}", block.Location);
        object? list = null;
        var isDict = returned switch
        {
            IReadOnlyDictionary<string, object?> d => d.TryGetValue("relations", out list),
            IDictionary d => (list = d.Contains("relations") ? d["relations"] : null) is not null || d.Contains("relations"),
            _ => throw new XformException($"{what} returned {Describe(returned)}, not {{'relations': [...]}}", block.Location),
        };
        if (!isDict || list is not IEnumerable items || list is string)
            throw new XformException($"{what} must return {{'relations': [relation, ...]}}: the dict it returned has no list under 'relations'", block.Location);
        var result = new List<RelationName>();
        foreach (var item in items)
            result.Add(item is RelationObject r ? r.Name
                : throw new XformException($"{what} returned {Describe(item)} among its relations: return relations (this, api.Relation.create(...))", block.Location));
        return result;
    }

    static string Describe(object? value) => value switch
    {
        null => "none",
        string s => $"the text '{s}'",
        IEnumerable => "a list",
        _ => $"a {value.GetType().Name}",
    };

    /// <summary>The hooks as dbt passes them (<c>pre_hooks</c>, <c>post_hooks</c>): objects with <c>sql</c>, <c>transaction</c>, <c>index</c>.</summary>
    static List<object?> Hooks(IReadOnlyList<RenderedHook> hooks) => hooks.Select((h, i) => (object?)new MemberObject(h.Sql, new Dictionary<string, object?>
    {
        ["sql"] = h.Sql,
        ["transaction"] = h.InTransaction,
        ["index"] = (long)i,
        ["label"] = h.Label,
    })).ToList();

    /// <summary>One hook of <c>run_hooks</c>: in the transaction, or outside it (what is open is committed first, as dbt does).</summary>
    static object? RunHook(TemplateCall c, SessionConnection session)
    {
        if (c.Get(0, "hook") is not MemberObject hook || !hook.TryGetMember("sql", out var sqlValue)) throw c.Error("run_hooks takes pre_hooks or post_hooks");
        var sql = Convert.ToString(sqlValue, CultureInfo.InvariantCulture) ?? "";
        if (string.IsNullOrWhiteSpace(sql)) return "";
        hook.TryGetMember("transaction", out var inTransaction);
        hook.TryGetMember("label", out var label);
        try
        {
            if (inTransaction is false) session.ExecuteOutside(sql);
            else session.Execute(sql);
        }
        catch (DatabaseException e)
        {
            throw c.Error($"{label} failed: {e.Message}");
        }
        return "";
    }
}
