using System.Diagnostics;
using Xform.Core.Adapters;
using Xform.Core.Artifacts;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Execution;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary>What <c>xform show</c> runs: a title for it, the node shown, its compiled SQL and the query, wrapped to return at most the limit's rows.</summary>
public sealed record ShowQuery(string Title, string Sql, Node Node, string CompiledSql);

/// <summary>
/// <c>xform show</c>: one selected model, seed or analysis, or <c>--inline</c> SQL that may use ref() and source(). As dbt's
/// show, the compiled SQL is written under target/compiled and the query's result to run_results.json.
/// </summary>
public static class ShowTask
{
    /// <param name="limit">rows to return; a negative number for all</param>
    public static ShowQuery Prepare(Workspace workspace, string? inline, int limit)
    {
        var compiler = new Compiler(workspace.Loaded, workspace.Graph, workspace.Adapter.External, open: workspace.Adapter.Open);
        var project = workspace.Project.Name;
        string sql;
        string title;
        Node node;
        if (inline is not null)
        {
            node = new Node
            {
                UniqueId = $"sql_operation.{project}.inline_query", ResourceType = ResourceType.Model, Name = "inline_query",
                PackageName = project, OriginalFilePath = "--inline", Path = "inline_query.sql", Fqn = [project, "inline_query"],
                Config = NodeConfig.Empty, Relation = new RelationName(null, workspace.Target.Schema, "inline_query"), RawCode = inline,
            };
            sql = compiler.CompileInline(node);
            title = "inline query";
        }
        else
        {
            var models = workspace.Selected(ResourceType.Model, ResourceType.Seed, ResourceType.Analysis);
            if (models.Count != 1)
                throw new XformException($"show needs exactly one model (--select NAME) or --inline SQL; the selection matched {models.Count}");
            node = models[0];
            sql = node.ResourceType == ResourceType.Seed ? $"select * from {node.Relation.Render(workspace.Adapter.Quote)}" : compiler.Compile(node).Sql;
            title = node.Name;
        }
        // Written before the query runs, as dbt compiles before it executes: a failing query leaves its SQL to read.
        var written = inline is null ? node : node with { OriginalFilePath = node.Path };
        if (node.ResourceType != ResourceType.Seed) new SqlFileWriter(workspace.TargetDir, project).WriteCompiled(written, sql);
        return new ShowQuery(title, $"select * from (\n{sql.TrimEnd().TrimEnd(';')}\n) as xform_show" + (limit >= 0 ? $" limit {limit}" : ""), node, sql);
    }

    /// <summary>Runs the query; the result (or the database's error) is recorded in run_results.json either way.</summary>
    public static (QueryResult? Rows, NodeResult Result) Run(Workspace workspace, ShowQuery query)
    {
        var watch = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        QueryResult? rows = null;
        NodeResult result;
        try
        {
            using var connection = workspace.Adapter.Open();
            rows = connection.Query(query.Sql);
            result = new NodeResult(query.Node, NodeStatus.Success, "", watch.Elapsed, "main",
                [new TimingInfo("execute", started, DateTimeOffset.UtcNow)], query.Sql);
        }
        catch (DatabaseException e)
        {
            result = new NodeResult(query.Node, NodeStatus.Error, $"{query.Title}: database error: {e.Message}", watch.Elapsed, "main",
                [new TimingInfo("execute", started, DateTimeOffset.UtcNow)], query.Sql);
        }
        RunResultsWriter.Write(workspace.TargetDir,
            RunResultsWriter.Build([result], workspace.Loaded, workspace.InvocationId, watch.Elapsed.TotalSeconds, workspace.Args("show")));
        return (rows, result);
    }
}
