using System.Diagnostics;
using Xform.Core.Adapters;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Runtime;

namespace Xform.Core.Execution;

/// <summary>
/// dbt's <c>on-run-start</c> and <c>on-run-end</c>: each statement is an operation node
/// (<c>operation.proj.proj-on-run-start-0</c>) that runs on its own, outside any node's transaction, and has a result
/// like a node's. The first that fails stops the rest of its list.
/// </summary>
public sealed class RunHooks(ProjectConfig project, Compiler compiler)
{
    /// <summary>Runs the hooks of <paramref name="which"/> (on-run-start or on-run-end); returns their results.</summary>
    public IReadOnlyList<NodeResult> Run(string which, IAdapterConnection connection, IReadOnlyDictionary<string, object?> context, IRunListener listener)
    {
        var hooks = which == "on-run-start" ? project.OnRunStart : project.OnRunEnd;
        var results = new List<NodeResult>();
        for (var i = 0; i < hooks.Count; i++)
        {
            var node = Operation(which, i);
            if (results.Count > 0 && results[^1].IsFailure)
            {
                results.Add(new NodeResult(node, NodeStatus.Skipped, $"skipped: an earlier {which} hook failed", TimeSpan.Zero, "main", []));
                continue;
            }
            listener.NodeStarted(i + 1, hooks.Count, node);
            var result = RunOne(node, hooks[i].Sql, connection, context);
            listener.NodeFinished(i + 1, hooks.Count, result);
            results.Add(result);
        }
        return results;
    }

    NodeResult RunOne(Node node, string template, IAdapterConnection connection, IReadOnlyDictionary<string, object?> context)
    {
        var watch = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        string? sql = null;
        try
        {
            sql = compiler.CompileOperation(node, template, context, connection);
            if (!string.IsNullOrWhiteSpace(sql)) connection.Execute(sql);
            return new NodeResult(node, NodeStatus.Success, "OK", watch.Elapsed, "main",
                [new TimingInfo("execute", started, DateTimeOffset.UtcNow)], sql);
        }
        catch (XformException e)
        {
            return new NodeResult(node, NodeStatus.Error, $"{node.Name} failed: {e.Format()}", watch.Elapsed, "main", [], sql);
        }
        catch (DatabaseException e)
        {
            return new NodeResult(node, NodeStatus.Error, $"{node.OriginalFilePath}: {node.Name} failed: database error: {e.Message}", watch.Elapsed, "main", [], sql);
        }
    }

    Node Operation(string which, int index)
    {
        var name = $"{project.Name}-{which}-{index}";
        return new Node
        {
            UniqueId = $"operation.{project.Name}.{name}",
            ResourceType = ResourceType.Operation,
            Name = name,
            PackageName = project.Name,
            OriginalFilePath = project.FilePath,
            Path = $"hooks/{name}.sql",
            Fqn = [project.Name, "hooks", name],
            Config = NodeConfig.Empty,
            Relation = new RelationName(null, "", name),
            Location = new SourceLocation(project.FilePath, 1, 1),
        };
    }

    /// <summary>on-run-end's context as dbt gives it: <c>results</c>, <c>schemas</c>, <c>database_schemas</c>.</summary>
    public static IReadOnlyDictionary<string, object?> EndContext(IReadOnlyList<NodeResult> results, string database)
    {
        var built = results.Where(r => r.Node.ResourceType is not (ResourceType.Test or ResourceType.Operation or ResourceType.Source)).Select(r => r.Node).ToList();
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["results"] = results.Select(Result).ToList(),
            ["schemas"] = built.Select(n => n.Relation.Schema).Distinct(StringComparer.Ordinal).Cast<object?>().ToList(),
            ["database_schemas"] = built.Select(n => (n.Relation.Database ?? database, n.Relation.Schema)).Distinct()
                .Select(p => (object?)new List<object?> { p.Item1, p.Schema }).ToList(),
        };
    }

    static object? Result(NodeResult r) => new MemberObject(r.Node.UniqueId, new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["node"] = NodeObject(r.Node),
        ["status"] = r.StatusText,
        ["message"] = r.Message,
        ["execution_time"] = r.Elapsed.TotalSeconds,
        ["thread_id"] = r.ThreadId,
        ["failures"] = r.Failures,
        ["adapter_response"] = new Dictionary<string, object?>(StringComparer.Ordinal),
    });

    /// <summary>A node as on-run-end's results and the query comment see it: the manifest fields templates read.</summary>
    internal static MemberObject NodeObject(Node node) => new(node.UniqueId, new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["unique_id"] = node.UniqueId, ["name"] = node.Name, ["resource_type"] = node.TypeName,
        ["package_name"] = node.PackageName, ["original_file_path"] = node.OriginalFilePath, ["path"] = node.Path,
        ["database"] = node.Relation.Database, ["schema"] = node.Relation.Schema, ["alias"] = node.Relation.Identifier,
        ["identifier"] = node.Relation.Identifier, ["tags"] = node.Config.Tags.Cast<object?>().ToList(),
        ["fqn"] = node.Fqn.Cast<object?>().ToList(),
        ["config"] = new MemberObject("config", new Dictionary<string, object?>(node.Config, StringComparer.Ordinal)),
    });
}
