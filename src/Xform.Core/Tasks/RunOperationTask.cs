using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xform.Core.Adapters;
using Xform.Core.Artifacts;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Execution;
using Xform.Core.Project;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Core.Tasks;

/// <summary>
/// <c>xform run-operation MACRO --args '{...}'</c>, as dbt's: the macro (of the project, an installed package, or
/// <c>package.macro</c>) is called with the arguments at run time, on one connection, with the whole runtime
/// (<c>run_query</c>, <c>statement</c>, <c>adapter</c>, <c>log</c>, <c>target</c>, <c>var</c>); what it returns or
/// renders is dropped. Like dbt (whose run-operation sends no commit: <c>run_query</c> begins no transaction), each
/// statement is committed as it runs, so what ran before a failure stays. The result is one operation whose id is the
/// macro's (<c>macro.proj.name</c>), written to run_results.json whether it succeeded or not.
/// </summary>
public static partial class RunOperationTask
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex MacroName();

    /// <summary>--args: a YAML or JSON mapping of the macro's argument names to values (dbt's <c>--args</c>).</summary>
    public static IReadOnlyDictionary<string, object?> ParseArgs(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new Dictionary<string, object?>(StringComparer.Ordinal);
        object? value;
        try
        {
            value = Yaml.LoadText(text, "--args") is { } node ? Yaml.ToValue(node) : null;
        }
        catch (XformException e)
        {
            throw new XformException($"--args is not valid YAML or JSON: {e.Message}");
        }
        return value as IReadOnlyDictionary<string, object?>
            ?? throw new XformException($"--args must be a mapping of the macro's argument names to values, e.g. '{{schema: staging}}', not '{text}'");
    }

    /// <summary>
    /// Runs the operation; returns its result (an error result when the macro raised or a statement failed). A macro
    /// that does not exist, a bad name or an argument the macro does not take is a user error, before the database is touched.
    /// </summary>
    public static NodeResult Run(Workspace workspace, string macroName, string? argsText)
    {
        var args = ParseArgs(argsText);
        var (macro, call) = Find(workspace, macroName);
        CheckArguments(macro, args);
        var node = OperationNode(workspace, macro);
        var compiler = new Compiler(workspace.Loaded, workspace.Graph, workspace.Adapter.External);
        var watch = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        NodeResult result;
        try
        {
            using var connection = workspace.Connect(node.UniqueId);
            var context = new Dictionary<string, object?>(StringComparer.Ordinal) { [ArgsName] = new Dictionary<string, object?>(args, StringComparer.Ordinal) };
            compiler.CompileOperation(node, $"{{%- do {call}(**{ArgsName}) -%}}", context, connection);
            result = Finished(node, NodeStatus.Success, "", watch, started);
        }
        catch (XformException e)
        {
            result = Finished(node, NodeStatus.Error, e is XformAggregateException a ? a.Format() : e.Format(), watch, started);
        }
        catch (DatabaseException e)
        {
            result = Finished(node, NodeStatus.Error, $"{macro.Location.File}: database error in macro '{macro.Name}': {e.Message}", watch, started);
        }
        var runArgs = new JsonObject
        {
            ["which"] = "run-operation",
            ["macro"] = macroName,
            // Names only: values may hold secrets, as --vars may.
            ["args"] = new JsonArray(args.Keys.Select(k => (JsonNode)k).ToArray()),
            ["target"] = workspace.Target.Name,
        };
        RunResultsWriter.Write(workspace.TargetDir,
            RunResultsWriter.Build([result], workspace.Loaded, workspace.InvocationId, watch.Elapsed.TotalSeconds, runArgs));
        return result;
    }

    const string ArgsName = "__xform_operation_args";

    static NodeResult Finished(Node node, NodeStatus status, string message, Stopwatch watch, DateTimeOffset started) =>
        new(node, status, message, watch.Elapsed, "main", [new TimingInfo("execute", started, DateTimeOffset.UtcNow)],
            Failures: status == NodeStatus.Success ? 0 : 1);

    /// <summary>
    /// The macro and how the call names it. Unqualified, dbt's order: the root project's, then xform's own (dbt's
    /// <c>dbt</c> namespace), then the one installed package that has it.
    /// </summary>
    static (MacroInfo Macro, string Call) Find(Workspace workspace, string name)
    {
        if (!MacroName().IsMatch(name))
            throw new XformException($"'{name}' is not a macro name: run-operation takes MACRO or PACKAGE.MACRO (letters, digits and underscores)");
        var loaded = workspace.Loaded;
        var engine = loaded.Session.Engine;
        var dot = name.IndexOf('.');
        if (dot > 0)
        {
            if (engine.FindMacro(name, null) is { IsTest: false } qualified) return (qualified, name);
        }
        else if (engine.FindMacro(name, null) is { IsTest: false } found)
        {
            return (found, name);
        }
        else
        {
            var inPackages = loaded.MacroIndex.Keys.Select(loaded.MacroIndex.Info)
                .Where(m => m.Name == name && !m.IsTest && m.Package != MacroResolver.InternalNamespace).ToList();
            if (inPackages.Count == 1) return (inPackages[0], $"{inPackages[0].Package}.{name}");
            if (inPackages.Count > 1)
                throw new XformException($"macro '{name}' is defined in several packages ({string.Join(", ", inPackages.Select(m => m.Package).Order(StringComparer.Ordinal))}); " +
                                         $"name one: {inPackages[0].Package}.{name}");
        }
        var candidates = loaded.MacroIndex.Keys.Where(k => !k.StartsWith(MacroResolver.InternalNamespace + ".", StringComparison.Ordinal))
            .Concat(loaded.MacroIndex.Keys.Select(k => k[(k.IndexOf('.') + 1)..])).Distinct(StringComparer.Ordinal);
        throw new XformException($"no macro named '{name}' in the project or its packages.{Suggestions.DidYouMean(name, candidates)}".TrimEnd('.'));
    }

    /// <summary>An argument the macro does not take would be Jinja's TypeError once running; it is caught before.</summary>
    static void CheckArguments(MacroInfo macro, IReadOnlyDictionary<string, object?> args)
    {
        if (macro.TakesKwargs) return;
        var unknown = args.Keys.Where(k => !macro.Parameters.Contains(k)).ToList();
        if (unknown.Count == 0) return;
        var takes = macro.Parameters.Count == 0 ? "takes no arguments" : $"takes {string.Join(", ", macro.Parameters)}";
        throw new XformException(($"--args: macro '{macro.Name}' has no argument {string.Join(", ", unknown.Select(u => $"'{u}'"))}; it {takes}." +
                                  Suggestions.DidYouMean(unknown[0], macro.Parameters)).TrimEnd('.'), macro.Location);
    }

    /// <summary>dbt's result node of an operation: the macro's id, resource type operation, no file or relation.</summary>
    static Node OperationNode(Workspace workspace, MacroInfo macro)
    {
        var id = $"macro.{macro.Package}.{macro.Name}";
        return new Node
        {
            UniqueId = id, ResourceType = ResourceType.Operation, Name = macro.Name, PackageName = macro.Package,
            OriginalFilePath = macro.Location.File, Path = "", Fqn = id.Split('.'), Config = NodeConfig.Empty,
            Relation = new RelationName(null, workspace.Target.Schema, macro.Name), Location = macro.Location,
        };
    }
}
