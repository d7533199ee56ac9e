using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary>What <c>xform show</c> runs: a title for it and the compiled query, wrapped to return at most the limit's rows.</summary>
public sealed record ShowQuery(string Title, string Sql);

/// <summary><c>xform show</c>: one selected model or seed, or <c>--inline</c> SQL that may use ref() and source().</summary>
public static class ShowTask
{
    /// <param name="limit">rows to return; a negative number for all</param>
    public static ShowQuery Prepare(Workspace workspace, string? inline, int limit)
    {
        var compiler = new Compiler(workspace.Loaded, workspace.Graph, workspace.Adapter.External, open: workspace.Adapter.Open);
        var project = workspace.Project.Name;
        string sql;
        string title;
        if (inline is not null)
        {
            var node = new Node
            {
                UniqueId = $"sql_operation.{project}.inline", ResourceType = ResourceType.Model, Name = "inline",
                PackageName = project, OriginalFilePath = "--inline", Path = "inline", Fqn = [project, "inline"],
                Config = NodeConfig.Empty, Relation = new RelationName(null, workspace.Target.Schema, "inline"), RawCode = inline,
            };
            sql = compiler.CompileInline(node);
            title = "inline query";
        }
        else
        {
            var models = workspace.Selected(ResourceType.Model, ResourceType.Seed);
            if (models.Count != 1)
                throw new XformException($"show needs exactly one model (--select NAME) or --inline SQL; the selection matched {models.Count}");
            var node = models[0];
            sql = node.ResourceType == ResourceType.Seed ? $"select * from {node.Relation.Render(workspace.Adapter.Quote)}" : compiler.Compile(node).Sql;
            title = node.Name;
        }
        return new ShowQuery(title, $"select * from (\n{sql.TrimEnd().TrimEnd(';')}\n) as xform_show" + (limit >= 0 ? $" limit {limit}" : ""));
    }
}
