using System.CommandLine;
using System.Globalization;
using Xform.Core.Tasks;

namespace Xform.Cli.Commands;

/// <summary>Commands that read the project and report: debug, parse, ls, clean, deps, init (the work is in the tasks).</summary>
static class InfoCommands
{
    public static readonly Option<string> OutputFormat = new("--output", "-o") { Description = "selector, name, path or json", DefaultValueFactory = _ => "selector" };
    public static readonly Option<string[]> ResourceType = new("--resource-type") { Description = "model, seed, snapshot, test, unit_test, source, exposure, semantic_model, saved_query, metric, analysis; all; default (all but analysis)", AllowMultipleArgumentsPerToken = true };
    public static readonly Option<string[]> ExcludeResourceType = new("--exclude-resource-type") { Description = "Resource types to leave out", AllowMultipleArgumentsPerToken = true };
    public static readonly Option<string[]> OutputKeys = new("--output-keys") { Description = "With --output json: the keys of each line (dotted for nested ones, e.g. config.materialized)", AllowMultipleArgumentsPerToken = true };
    public static readonly Argument<string> InitName = new("name") { Description = "Folder and project name", DefaultValueFactory = _ => "my_project" };

    static InfoCommands()
    {
        CliOptions.OneOf(OutputFormat, ListTask.Formats);
    }

    public static readonly Option<bool> ConfigDir = new("--config-dir") { Description = "Print where profiles.yml is read from, and exit" };
    public static readonly Option<bool> ConnectionOnly = new("--connection") { Description = "Test only the connection, skipping the configuration and dependency checks" };

    /// <summary>dbt's debug: every check printed with its result; exit 1 when any failed (as dbt), 0 when all passed.</summary>
    public static int Debug(CommandContext context)
    {
        if (context.Get(ConfigDir))
        {
            context.Output.Data(DebugTask.ConfigDir(context.Workspace));
            return XformCli.Success;
        }
        var failures = new List<string>();
        foreach (var line in DebugTask.Run(context.Workspace, Version.Text, context.Get(ConnectionOnly)))
        {
            context.Output.Info(line.Text);
            if (line.Failure is not null) failures.Add(line.Failure);
        }
        if (failures.Count == 0)
        {
            context.Output.Info("All checks passed!");
            return XformCli.Success;
        }
        context.Output.Error($"{failures.Count} check{(failures.Count == 1 ? "" : "s")} failed:\n" + string.Join("\n", failures.Select(f => "  " + f)));
        return XformCli.NodeFailure;
    }

    public static int Parse(CommandContext context)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var counts = ParseTask.Run(context.Workspace);
        context.Output.Info($"Parsed {Summary.Of(counts)} in {watch.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)}s");
        return XformCli.Success;
    }

    public static int List(CommandContext context)
    {
        var keys = (context.Get(OutputKeys) ?? []).SelectMany(k => k.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)).ToList();
        var format = context.Get(OutputFormat) ?? "selector";
        if (keys.Count > 0 && format != "json")
            throw new Xform.Core.Diagnostics.XformException("--output-keys needs --output json");
        foreach (var line in ListTask.Lines(context.Workspace, context.Get(ResourceType) ?? [], context.Get(ExcludeResourceType) ?? [], format, keys))
            context.Output.Data(line);
        return XformCli.Success;
    }

    public static int Clean(CommandContext context)
    {
        foreach (var target in CleanTask.Run(context.Project)) context.Output.Info($"Deleted {target}");
        context.Output.Info("Finished cleaning");
        return XformCli.Success;
    }

    public static int Deps(CommandContext context)
    {
        var installed = DepsTask.Run(context.Workspace, message => context.Output.Info(message));
        context.Output.Info(installed.Count == 0 ? "No packages to install (no packages.yml or dependencies.yml)" : $"Installed {installed.Count} package(s); wrote package-lock.yml");
        return XformCli.Success;
    }

    public static int Init(CommandContext context)
    {
        var name = context.ParseResult.GetValue(InitName) ?? "my_project";
        InitTask.Create(context.ProjectDir, name);
        context.Output.Info($"Created project '{name}'. Next: cd {name} && xform build");
        return XformCli.Success;
    }
}
