using System.CommandLine;
using Xform.Core.Tasks;

namespace Xform.Cli.Commands;

/// <summary>run-operation: call one macro at run time, as dbt's run-operation does.</summary>
static class OperationCommands
{
    public static readonly Argument<string> Macro = new("macro") { Description = "The macro to run: NAME or PACKAGE.NAME" };
    public static readonly Option<string?> Args = new("--args") { Description = "The macro's arguments as YAML or JSON, e.g. '{schema: staging}'" };

    /// <summary>0 when the macro ran, 1 when it raised or a statement failed (dbt's codes), 2 for a user error found before it ran.</summary>
    public static int RunOperation(CommandContext context)
    {
        var result = RunOperationTask.Run(context.Workspace, context.ParseResult.GetValue(Macro)!, context.Get(Args));
        if (!result.IsFailure) return XformCli.Success;
        context.Output.Error($"Encountered an error while running operation: {result.Message}");
        return XformCli.NodeFailure;
    }
}
