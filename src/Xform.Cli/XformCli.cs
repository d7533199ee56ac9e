using System.CommandLine;
using Xform.Cli.Commands;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;
using Xform.Insights;

namespace Xform.Cli;

/// <summary>The command line: verbs, options, exit codes. 0 success, 1 a node failed, 2 a user error or an internal one.</summary>
public static class XformCli
{
    public const int Success = 0;
    public const int NodeFailure = 1;
    public const int UserError = 2;
    /// <summary>A bug in xform; 2 as well, as dbt exits 2 on an unhandled error.</summary>
    public const int InternalError = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        (stdout, stderr) = (ScrubbingWriter.Wrap(stdout), ScrubbingWriter.Wrap(stderr));
        var root = new RootCommand("xform: SQL transformations, tested and fast. dbt's project layout, in C#.");
        foreach (var o in CliOptions.Global) root.Options.Add(o);

        Add(root, "debug", "Check the project file, the profile, git, installed packages and the connection", InfoCommands.Debug, InfoCommands.ConfigDir, InfoCommands.ConnectionOnly);
        Add(root, "parse", "Read the whole project and check it, without touching the database", InfoCommands.Parse);
        Add(root, "compile", "Render models to SQL under target/compiled", CompileCommands.Compile, CliOptions.Select, CliOptions.Exclude, CliOptions.Selector, CliOptions.Empty);
        Add(root, "run", "Build the selected models", BuildCommands.Run, CliOptions.Select, CliOptions.Exclude, CliOptions.Selector, CliOptions.FullRefresh, CliOptions.Empty, CliOptions.FailFast, CliOptions.EventTimeStart, CliOptions.EventTimeEnd, CliOptions.LockTimeout);
        Add(root, "seed", "Load the CSV seeds into tables", BuildCommands.Seed, CliOptions.Select, CliOptions.Exclude, CliOptions.Selector, CliOptions.FullRefresh, CliOptions.Empty, BuildCommands.ShowSeeds, CliOptions.FailFast, CliOptions.LockTimeout);
        Add(root, "snapshot", "Record changes of the selected snapshots (SCD type 2)", BuildCommands.Snapshot, CliOptions.Select, CliOptions.Exclude, CliOptions.Selector, CliOptions.Empty, CliOptions.FailFast, CliOptions.LockTimeout);
        Add(root, "test", "Run the data tests of the selected nodes", BuildCommands.Test, CliOptions.Select, CliOptions.Exclude, CliOptions.Selector, CliOptions.StoreFailures, CliOptions.FailFast, CliOptions.LockTimeout);
        Add(root, "build", "Seed, run and test the selected nodes in DAG order", BuildCommands.Build, CliOptions.Select, CliOptions.Exclude, CliOptions.Selector, CliOptions.FullRefresh, CliOptions.Empty, CliOptions.StoreFailures, CliOptions.FailFast, CliOptions.EventTimeStart, CliOptions.EventTimeEnd, CliOptions.LockTimeout);
        Add(root, "ls", "List the selected nodes", InfoCommands.List, CliOptions.Select, CliOptions.Exclude, CliOptions.Selector, InfoCommands.OutputFormat, InfoCommands.ResourceType, InfoCommands.ExcludeResourceType, InfoCommands.OutputKeys);
        Add(root, "show", "Run a model's query (or a seed's, a snapshot's, --inline SQL) and print the first rows", CompileCommands.Show, CliOptions.Select, CompileCommands.Limit, CompileCommands.Inline, CompileCommands.ShowOutput);
        Add(root, "clone", "Clone the --state run's relations of the selected models, seeds and snapshots into this target", BuildCommands.Clone, CliOptions.Select, CliOptions.Exclude, CliOptions.Selector, CliOptions.FullRefresh, CliOptions.FailFast, CliOptions.LockTimeout);
        Add(root, "run-operation", "Run a macro (MACRO or PACKAGE.MACRO) with --args, at run time", OperationCommands.RunOperation, OperationCommands.Macro, OperationCommands.Args);
        Add(root, "retry", "Re-run what failed or was skipped in the last run", BuildCommands.Retry, CliOptions.FailFast, CliOptions.LockTimeout);
        var source = new Command("source", "Commands on sources");
        Add(source, "freshness", "Check how fresh each source is; results in target/sources.json", SourceCommands.Freshness, CliOptions.Select, CliOptions.Exclude, CliOptions.Selector);
        root.Subcommands.Add(source);
        var docs = new Command("docs", "The documentation site and lineage");
        Add(docs, "generate", "Write target/catalog.json and the self-contained docs page target/index.html", DocsCommands.Generate);
        Add(docs, "serve", "Serve target/ on 127.0.0.1 until Ctrl-C", DocsCommands.Serve, DocsCommands.Port);
        Add(docs, "lineage", "Print the graph of the selected nodes (mermaid, dot or json; --columns for column lineage)", DocsCommands.Lineage, CliOptions.Select, CliOptions.Exclude, CliOptions.Selector, DocsCommands.Format, DocsCommands.Columns);
        root.Subcommands.Add(docs);
        var insights = new Command("insights", "The customer insights page of the retail marts");
        Add(insights, "serve", "Serve the insights page on 127.0.0.1, read-only, until Ctrl+C", InsightsServe, InsightsPort);
        Add(insights, "export", "Write the insights page as one self-contained HTML file that works offline", InsightsExport, InsightsOut);
        root.Subcommands.Add(insights);
        Add(root, "deps", "Install the packages of packages.yml under dbt_packages/ and write package-lock.yml", InfoCommands.Deps);
        Add(root, "clean", "Delete the folders listed in clean-targets", InfoCommands.Clean);
        Add(root, "init", "Create a working starter project", InfoCommands.Init, InfoCommands.InitName);

        // No response files: "@model" is dbt selector syntax, not a file of arguments.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // A usage error (unknown option, a value of the wrong type) is one line each and a hint, not the whole help.
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var line in UsageErrors.Describe(parse)) stderr.WriteLine($"error: {line}");
            stderr.WriteLine($"run '{UsageErrors.CommandPath(parse.CommandResult)} --help' to see {(parse.CommandResult.Command.Subcommands.Count > 0 ? "the commands" : "the options")}");
            return UserError;
        }
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            return parse.Invoke(config);
        }
        catch (XformException e)
        {
            stderr.WriteLine(e is XformAggregateException a ? a.Format() : e.Format());
            return UserError;
        }
    }

    static readonly Option<int> InsightsPort = new("--port") { Description = "Port on 127.0.0.1 (0: any free port)", DefaultValueFactory = _ => 8765, CustomParser = r => CliOptions.WholeNumber(r) ?? 0 };
    static readonly Option<string?> InsightsOut = new("--out", "-o") { Description = "The HTML file to write (default: <target-path>/insights.html)" };

    static InsightsSource Insights(CommandContext context) => new(context.Target, context.Project, context.ProjectDir,
        context.CliVars, CommandContext.CreateAdapter, message => context.Output.Warn(message), context.TargetDir);

    static int InsightsExport(CommandContext context)
    {
        var source = Insights(context);
        var path = Path.GetFullPath(context.Get(InsightsOut) is { Length: > 0 } o ? o : Path.Combine(context.TargetDir, "insights.html"));
        var data = source.Load();
        foreach (var warning in data.Warnings) context.Output.Warn(warning);
        InsightsPage.Export(data, path);
        context.Output.Info($"wrote the insights page ({data.Customers.Count} customers, {data.Engagement.Count} days, {new FileInfo(path).Length / 1024} KiB) to {path}");
        return Success;
    }

    static int InsightsServe(CommandContext context)
    {
        var source = Insights(context);
        source.Load(); // fail now, not on the first request, when the marts cannot be read
        using var server = new InsightsServer(source.Load, context.Get(InsightsPort), message => context.Output.Info(message));
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (a service manager, kill) stops it like Ctrl+C.
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, signal => { signal.Cancel = true; stop.Cancel(); });
        try
        {
            server.Start();
            context.Output.Info($"serving the insights page of {source.Describe()} read-only at {server.Url} (Ctrl+C stops)");
            server.RunAsync(stop.Token).GetAwaiter().GetResult();
        }
        catch (System.Net.HttpListenerException e)
        {
            throw new XformException($"cannot listen on {server.Url}: {e.Message}");
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        return Success;
    }

    static void Add(Command root, string name, string description, Func<CommandContext, int> action, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            if (symbol is Option option) command.Options.Add(option);
            else if (symbol is Argument argument) command.Arguments.Add(argument);
        }
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var output = new Output(stdout, stderr,
                json: parse.GetValue(CliOptions.LogFormat) == "json",
                quiet: parse.GetValue(CliOptions.Quiet),
                color: !parse.GetValue(CliOptions.NoColor) && ScrubbingWriter.IsConsole(stdout) && !Console.IsOutputRedirected);
            try
            {
                using var context = new CommandContext(parse, output);
                return action(context);
            }
            catch (XformException e)
            {
                output.Error(e is XformAggregateException a ? a.Format() : e.Format());
                return UserError;
            }
            catch (Exception e)
            {
                // Handled here with or without --debug: an exception let out of the action would abort the process.
                output.Error(parse.GetValue(CliOptions.Debug)
                    ? $"internal error: {e}"
                    : $"internal error: {e.GetType().Name}: {e.Message} (run with --debug for the stack trace, and please report it)");
                return InternalError;
            }
        });
        root.Subcommands.Add(command);
    }
}
