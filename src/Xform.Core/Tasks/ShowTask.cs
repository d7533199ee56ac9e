using System.Diagnostics;
using Xform.Core.Adapters;
using Xform.Core.Artifacts;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Execution;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary>
/// What <c>xform show</c> runs: a title for it, the node shown, its compiled SQL, and the query sent, which asks for one
/// row more than <paramref name="Limit"/> (negative: no limit) so that the preview can say whether the limit cut it.
/// </summary>
public sealed record ShowQuery(string Title, string Sql, Node Node, string CompiledSql, int Limit);

/// <summary>
/// <c>xform show</c>: one selected model, seed, snapshot or analysis, or <c>--inline</c> SQL that may use ref() and
/// source(). As dbt's show, the compiled SQL is written under target/compiled and the query's result to run_results.json.
/// A seed or snapshot is read from its relation (what the last seed or snapshot command left there).
/// </summary>
public static class ShowTask
{
    /// <param name="limit">rows to return; a negative number for all</param>
    public static ShowQuery Prepare(Workspace workspace, string? inline, int limit)
    {
        var compiler = new Compiler(workspace.Loaded, workspace.Graph, workspace.Adapter.External, open: () => workspace.Connect());
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
            if (workspace.Options.Select.Count == 0)
                throw new XformException("show needs --select NAME (a model, seed, snapshot or analysis) or --inline SQL");
            var models = workspace.Selected(ResourceType.Model, ResourceType.Seed, ResourceType.Snapshot, ResourceType.Analysis);
            if (models.Count != 1)
                throw new XformException($"show needs exactly one model, seed, snapshot or analysis (--select NAME) or --inline SQL; the selection matched {models.Count}" +
                    (models.Count > 1 ? $": {string.Join(", ", models.Take(5).Select(m => m.VersionedName))}{(models.Count > 5 ? ", ..." : "")}" : ""));
            node = models[0];
            sql = ReadsRelation(node) ? $"select * from {node.Relation.Render(workspace.Adapter.Quote)}" : compiler.Compile(node).Sql;
            title = node.VersionedName;
        }
        // Written before the query runs, as dbt compiles before it executes: a failing query leaves its SQL to read.
        var written = inline is null ? node : node with { OriginalFilePath = node.Path };
        if (!ReadsRelation(node)) new SqlFileWriter(workspace.TargetDir, project).WriteCompiled(written, sql);
        return new ShowQuery(title, WithLimit(sql, limit < 0 ? null : limit + 1), node, sql, limit);
    }

    static bool ReadsRelation(Node node) => node.ResourceType is ResourceType.Seed or ResourceType.Snapshot;

    /// <summary>
    /// dbt's <c>get_limit_sql</c>: the limit appended to the query, so its own <c>order by</c> still orders the rows shown.
    /// A query with its own <c>limit</c> (or <c>fetch first</c>) would then have two, a syntax error in dbt; xform wraps it
    /// instead, as dbt 1.5 to 1.7 did (<c>model_limit_subq</c>), so the smaller limit wins.
    /// </summary>
    public static string WithLimit(string sql, int? limit)
    {
        sql = sql.TrimEnd().TrimEnd(';').TrimEnd();
        if (limit is null) return sql;
        return LimitsItself(sql)
            ? $"select * from (\n{sql}\n) as model_limit_subq\nlimit {limit}"
            : $"{sql}\nlimit {limit}";
    }

    /// <summary>Whether the outermost query has its own <c>limit</c> or <c>fetch</c>: a keyword outside parentheses, strings and comments.</summary>
    public static bool LimitsItself(string sql)
    {
        var depth = 0;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            switch (c)
            {
                case '\'' or '"' or '`':
                    var close = sql.IndexOf(c, i + 1);
                    i = close < 0 ? sql.Length : close;
                    continue;
                case '-' when i + 1 < sql.Length && sql[i + 1] == '-':
                    var end = sql.IndexOf('\n', i);
                    i = end < 0 ? sql.Length : end;
                    continue;
                case '/' when i + 1 < sql.Length && sql[i + 1] == '*':
                    var stop = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = stop < 0 ? sql.Length : stop + 1;
                    continue;
                case '(':
                    depth++;
                    continue;
                case ')':
                    depth--;
                    continue;
            }
            if (depth != 0 || !char.IsAsciiLetter(c) || (i > 0 && (char.IsAsciiLetterOrDigit(sql[i - 1]) || sql[i - 1] is '_' or '.'))) continue;
            var word = i;
            while (word < sql.Length && (char.IsAsciiLetterOrDigit(sql[word]) || sql[word] == '_')) word++;
            var token = sql.AsSpan(i, word - i);
            if (token.Equals("limit", StringComparison.OrdinalIgnoreCase) || token.Equals("fetch", StringComparison.OrdinalIgnoreCase)) return true;
            i = word - 1;
        }
        return false;
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
            using var connection = workspace.Connect(query.Node.UniqueId);
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
