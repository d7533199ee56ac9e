using System.Text;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;

namespace Xform.Core.Execution;

/// <summary>
/// dbt's query comment, rendered for each node (and for the run's own statements, with no node) from project.yml's
/// <c>query-comment</c>: by default dbt's JSON (<c>app</c>, <c>dbt_version</c>, <c>profile_name</c>, <c>target_name</c>,
/// <c>node_id</c> or <c>connection_name</c>); else the template, with <c>node</c>, <c>target</c> and the project's macros.
/// Put before each statement, or after it with <c>append</c> (the default on Snowflake, which strips leading comments).
/// The node's Snowflake <c>query_tag</c> config rides along.
/// </summary>
public sealed class QueryComments
{
    readonly CompileSession _session;
    readonly QueryCommentSetting _setting;
    readonly bool _append;
    readonly CompiledTemplate? _template;

    /// <param name="appendByDefault">whether the engine puts the comment after the statement when <c>append</c> is not set</param>
    public QueryComments(CompileSession session, bool appendByDefault)
    {
        _session = session;
        _setting = session.Project.QueryComment;
        _append = _setting.Append ?? appendByDefault;
        if (_setting.Template is { Length: > 0 } text)
        {
            _template = session.Engine.Parse(new TemplateSource(session.Project.FilePath, text));
            if (!text.Contains("{{", StringComparison.Ordinal) && !text.Contains("{%", StringComparison.Ordinal)) Check(text);
        }
    }

    /// <summary>
    /// The annotation of <paramref name="node"/>'s statements (a template that fails fails the node). Null node: the run's
    /// own statements (listing relations, on-run hooks), where <c>node</c> is none: a template that reads its members
    /// without checking (which Jinja prints as nothing) leaves those statements without a comment.
    /// </summary>
    public QueryAnnotation For(Node? node, string connectionName = "master")
    {
        var tag = node?.Config.GetString("query_tag") is { Length: > 0 } t ? t : null;
        string? comment;
        try
        {
            comment = Render(node, connectionName);
        }
        catch (XformException) when (node is null)
        {
            comment = null;
        }
        return new QueryAnnotation(comment, _append, tag);
    }

    string? Render(Node? node, string connectionName)
    {
        if (_setting.Template is null) return Default(node, connectionName);
        if (_template is null) return null;
        var g = _session.BaseGlobals(node?.PackageName);
        g["node"] = node is null ? null : RunHooks.NodeObject(node);
        g["connection_name"] = node?.UniqueId ?? connectionName;
        return Check(_session.Engine.Render(_template, g).Trim());
    }

    /// <summary>dbt refuses a comment that would end itself early.</summary>
    string Check(string comment) => comment.Contains("*/", StringComparison.Ordinal)
        ? throw new XformException($"query comment contains illegal value '*/': {comment}", _setting.At ?? new SourceLocation(_session.Project.FilePath, 1, 1))
        : comment;

    /// <summary>dbt's default comment, with Python's json.dumps spacing (what tools that parse query history expect).</summary>
    string Default(Node? node, string connectionName)
    {
        var b = new StringBuilder("{");
        void Add(string key, string? value)
        {
            if (b.Length > 1) b.Append(", ");
            b.Append(PlainJson.Serialize(key)).Append(": ").Append(PlainJson.Serialize(value));
        }
        Add("app", "dbt");
        Add("dbt_version", DbtContext.Version);
        Add("profile_name", _session.Target.ProfileName);
        Add("target_name", _session.Target.Name);
        if (node is null) Add("connection_name", connectionName);
        else Add("node_id", node.UniqueId);
        return b.Append('}').ToString();
    }
}
