using System.CommandLine;
using System.Net;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Docs;
using Xform.Core.Project;
using Xform.Core.Tasks;

namespace Xform.Cli.Commands;

/// <summary><c>xform docs generate | serve | lineage</c>: catalog.json, the self-contained docs page, the graph for other tools.</summary>
static class DocsCommands
{
    public static readonly Option<int> Port = new("--port") { Description = "Port to serve the docs on (127.0.0.1)", DefaultValueFactory = _ => 8080, CustomParser = r => CliOptions.WholeNumber(r) ?? 0 };
    public static readonly Option<string> Format = new("--format") { Description = "mermaid, dot or json", DefaultValueFactory = _ => "mermaid" };
    public static readonly Option<bool> Columns = new("--columns") { Description = "Include column-level lineage" };

    static DocsCommands()
    {
        CliOptions.OneOf(Format, LineageExport.Formats);
    }

    public static int Generate(CommandContext context)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        context.Output.Info($"Running with xform {Version.Text} on {context.Adapter.Describe()}, target '{context.Target.Name}'");
        var docs = DocsTask.Generate(context.Workspace, context.Output.Warn, Xform.Core.Runtime.DbtContext.Version);
        context.Output.Info($"Catalog: {docs.Catalog.Nodes.Count} relations, {docs.Catalog.Sources.Count} sources read from the engine" +
                            (docs.LineageColumns is not { } total ? "" : $"; column lineage: {docs.ResolvedColumns} of {total} columns fully resolved"));
        context.Output.Info($"Wrote {Relative(context, docs.CatalogPath)} and {Relative(context, docs.HtmlPath)} in {watch.Elapsed.TotalSeconds:0.00}s");
        return docs.CompileFailures == 0 ? XformCli.Success : XformCli.NodeFailure;
    }

    static string Relative(CommandContext context, string path) => Path.GetRelativePath(context.ProjectDir, path).Replace('\\', '/');

    public static int Lineage(CommandContext context)
    {
        var format = context.Get(Format) ?? "mermaid";
        var ids = context.Selected(ResourceType.Model, ResourceType.Seed, ResourceType.Snapshot, ResourceType.Source)
            .Select(n => n.UniqueId).ToList();
        IReadOnlyDictionary<string, NodeLineage>? columns = null;
        if (context.Get(Columns))
        {
            var compiler = new Compiler(context.Loaded, context.Graph, context.External);
            var catalog = DocsTask.ReadCatalog(context.Workspace, compiler, context.Output.Warn);
            columns = DocsTask.Lineage(context.Workspace, catalog, ids.ToHashSet(StringComparer.Ordinal), context.Output.Warn);
        }
        context.Output.Out.Write(LineageExport.Write(format, context.Graph, ids, columns));
        context.Output.Out.Flush();
        return XformCli.Success;
    }

    public static int Serve(CommandContext context)
    {
        var port = context.Get(Port);
        var root = context.TargetDir;
        if (!File.Exists(Path.Combine(root, "index.html")))
            throw new XformException($"{Relative(context, Path.Combine(root, "index.html"))} does not exist: run 'xform docs generate' first");
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (a service manager, `kill`) stops the server as cleanly as Ctrl-C does.
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cancel.Cancel();
        });
        try
        {
            using var server = DocsServer.Start(root, port);
            context.Output.Info($"Serving docs at {server.Url} (press Ctrl-C to stop)");
            cancel.Token.WaitHandle.WaitOne();
            context.Output.Info("Stopped.");
        }
        catch (HttpListenerException e)
        {
            throw new XformException($"cannot serve on 127.0.0.1:{port}: {e.Message}");
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        return XformCli.Success;
    }
}

/// <summary>Serves the files of one folder on 127.0.0.1 (GET only, no directory listing, nothing outside the folder).</summary>
sealed class DocsServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly string _root;
    readonly Task _loop;

    DocsServer(string root, int port)
    {
        _root = Path.GetFullPath(root);
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(Loop);
    }

    public string Url { get; }

    public static DocsServer Start(string root, int port) => new(root, port);

    async Task Loop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    void Handle(HttpListenerContext ctx)
    {
        var response = ctx.Response;
        try
        {
            var rel = Uri.UnescapeDataString(ctx.Request.Url?.AbsolutePath ?? "/").TrimStart('/');
            if (rel.Length == 0) rel = "index.html";
            var full = Path.GetFullPath(Path.Combine(_root, rel));
            if (ctx.Request.HttpMethod is not ("GET" or "HEAD"))
                response.StatusCode = 405;
            else if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
                response.StatusCode = 404;
            else
            {
                var bytes = File.ReadAllBytes(full);
                response.ContentType = Path.GetExtension(full).ToLowerInvariant() switch
                {
                    ".html" => "text/html; charset=utf-8",
                    ".json" => "application/json",
                    ".sql" or ".txt" => "text/plain; charset=utf-8",
                    _ => "application/octet-stream",
                };
                response.ContentLength64 = bytes.Length;
                if (ctx.Request.HttpMethod == "GET") response.OutputStream.Write(bytes);
            }
        }
        catch (IOException)
        {
            response.StatusCode = 500;
        }
        finally
        {
            try { response.Close(); } catch (HttpListenerException) { }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }
}
