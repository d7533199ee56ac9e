using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xform.Cli;

namespace Xform.Bench;

/// <summary>xform-bench: gen-project, parse-compile, stages, all. Usage in bench/README.md.</summary>
static class Program
{
    const string Usage = """
        xform-bench: benchmarks of xform parse/compile (run it in Release: dotnet run -c Release --project bench/Xform.Bench -- ...)

          gen-project   --models N --out DIR [--seed S] [--shape issue17]
                                                              write a synthetic project of N models (deterministic);
                                                              issue17: 1-3 refs, a YAML file per 100 models, 2 tests each
          parse-compile --project DIR [--runs R] [--no-build] [--xform PATH]
                                                              xform parse and compile: child processes (wall, peak RSS)
                                                              and warm in-process (XformCli.Run), min / median of R runs
          stages        --project DIR [--runs R]              warm in-process time of each pipeline stage of compile
          seed-load     [--rows N]                           load an N-row seed (default 1,000,000) into DuckDB, as shipped
                                                              and through the appender, two rounds each
          selection     --project DIR [--runs R]              warm in-process time of each selector form on the project's graph
          all           [--sizes 1000,10000] [--runs R] [--seed S] [--keep] [--no-build] [--xform PATH]
                                                              generate projects in a temp folder, run everything,
                                                              print a Markdown report for bench/README.md

        The child processes run 'dotnet <repo>/src/Xform.Cli/bin/Release/net10.0/xform.dll'; unless --no-build,
        the harness first runs 'dotnet build -c Release' on src/Xform.Cli.
        """;

    static int Main(string[] args)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                Console.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            var o = new Options(args.Skip(1).ToArray());
            switch (args[0])
            {
                case "gen-project":
                    {
                        var n = o.Int("--models") ?? throw new BenchException("gen-project needs --models N");
                        var dir = o.String("--out") ?? throw new BenchException("gen-project needs --out DIR");
                        var seed = (ulong)(o.Int("--seed") ?? 42);
                        var shape = o.String("--shape");
                        if (shape is not (null or "issue17")) throw new BenchException($"--shape takes issue17 (or nothing), not '{shape}'");
                        o.Done();
                        var watch = Stopwatch.StartNew();
                        ProjectGenerator.Write(dir, n, seed, shape == "issue17");
                        Console.WriteLine($"wrote {n} models to {dir} (seed {seed}) in {watch.Elapsed.TotalSeconds:0.00}s");
                        return 0;
                    }
                case "parse-compile":
                    {
                        var dir = o.String("--project") ?? throw new BenchException("parse-compile needs --project DIR");
                        var runs = o.Int("--runs") ?? 5;
                        var cli = Cli(o);
                        o.Done();
                        var rows = Bench.ParseCompile(cli, dir, runs, Log);
                        Console.WriteLine(Report.MainTable([(CountModels(dir), rows)], Bench.ProcessStart(cli, runs)));
                        return 0;
                    }
                case "stages":
                    {
                        var dir = o.String("--project") ?? throw new BenchException("stages needs --project DIR");
                        var runs = o.Int("--runs") ?? 5;
                        o.Done();
                        Console.WriteLine(Report.StageTable([(CountModels(dir), Bench.Stages(dir, runs, Log))]));
                        return 0;
                    }
                case "selection":
                    {
                        var dir = o.String("--project") ?? throw new BenchException("selection needs --project DIR");
                        var runs = o.Int("--runs") ?? 7;
                        o.Done();
                        Console.WriteLine("| selector | nodes matched | min ms | median ms |");
                        Console.WriteLine("|---|---:|---:|---:|");
                        foreach (var (selector, matched, min, median) in Selection.Run(dir, runs, Log))
                            Console.WriteLine(FormattableString.Invariant($"| `{selector}` | {matched} | {min:0.0} | {median:0.0} |"));
                        return 0;
                    }
                case "overhead":
                    {
                        var raw = o.String("--raw") ?? throw new BenchException("overhead needs --raw FILE (a raw POS file in the original layout)");
                        var cli = Cli(o);
                        o.Done();
                        if (!File.Exists(raw)) throw new BenchException($"no such file: {raw}");
                        var repo = RepoRoot() ?? throw new BenchException("cannot find the repository (Transform.sln) above the current folder");
                        var (xform, direct, nodes) = Overhead.Measure(cli, repo, raw, Log);
                        Console.WriteLine("| input | nodes | xform build (1 thread) | same SQL directly on DuckDB | overhead |");
                        Console.WriteLine("|---|---:|---:|---:|---:|");
                        Console.WriteLine(FormattableString.Invariant($"| {Path.GetFileName(raw)} | {nodes} | {xform:0.00} s | {direct:0.00} s | {xform / direct - 1:+0%;-0%} |"));
                        return 0;
                    }
                case "seed-load":
                    {
                        var rows = o.Int("--rows") ?? 1_000_000;
                        o.Done();
                        SeedLoad.Run(rows, Log);
                        return 0;
                    }
                case "all":
                    {
                        var sizes = (o.String("--sizes") ?? "1000,10000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
                        var runs = o.Int("--runs") ?? 5;
                        var seed = (ulong)(o.Int("--seed") ?? 42);
                        var keep = o.Flag("--keep");
                        var cli = Cli(o);
                        o.Done();
                        return All(cli, sizes, runs, seed, keep);
                    }
                default:
                    throw new BenchException($"unknown command '{args[0]}'\n\n{Usage}");
            }
        }
        catch (BenchException e)
        {
            Console.Error.WriteLine($"xform-bench: {e.Message}");
            return 2;
        }
    }

    static int All(CliLocation cli, List<int> sizes, int runs, ulong seed, bool keep)
    {
        var root = Path.Combine(Path.GetTempPath(), $"xform-bench-{Environment.ProcessId}");
        var results = new List<(int, IReadOnlyList<Bench.Row>)>();
        var stages = new List<(int, IReadOnlyList<Bench.StageRow>)>();
        try
        {
            foreach (var n in sizes)
            {
                var dir = Path.Combine(root, $"models_{n}");
                Log($"generating {n} models in {dir}");
                ProjectGenerator.Write(dir, n, seed);
                results.Add((n, Bench.ParseCompile(cli, dir, runs, Log)));
                stages.Add((n, Bench.Stages(dir, runs, Log)));
            }
            var start = Bench.ProcessStart(cli, runs);
            var sb = new StringBuilder();
            sb.AppendLine(Report.Environment(cli, runs, seed));
            sb.AppendLine();
            sb.AppendLine(Report.MainTable(results, start));
            sb.AppendLine();
            sb.AppendLine(Report.Targets(results));
            sb.AppendLine();
            sb.AppendLine(Report.StageTable(stages));
            Console.WriteLine(sb.ToString());
            return 0;
        }
        finally
        {
            if (keep) Log($"kept the projects in {root}");
            else if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    static int CountModels(string dir) =>
        Directory.Exists(Path.Combine(dir, "models"))
            ? Directory.EnumerateFiles(Path.Combine(dir, "models"), "*.sql", SearchOption.AllDirectories).Count()
            : 0;

    static CliLocation Cli(Options o)
    {
        var explicitPath = o.String("--xform");
        var noBuild = o.Flag("--no-build");
        if (explicitPath is not null) return new CliLocation(Path.GetFullPath(explicitPath), "(given with --xform)");
        var repo = RepoRoot() ?? throw new BenchException("cannot find the repository (Transform.sln) above the current folder; pass --xform PATH/xform.dll (or the native tool's executable)");
        var project = Path.Combine(repo, "src", "Xform.Cli", "Xform.Cli.csproj");
        if (!noBuild)
        {
            Log("building src/Xform.Cli in Release");
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "build", project, "-c", "Release", "-nologo", "-v", "q" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new BenchException($"dotnet build -c Release of src/Xform.Cli failed:\n{output.Result}{error}");
        }
        var dll = Path.Combine(repo, "src", "Xform.Cli", "bin", "Release", "net10.0", "xform.dll");
        if (!File.Exists(dll)) throw new BenchException($"{dll} does not exist; run 'dotnet build -c Release src/Xform.Cli' or drop --no-build");
        return new CliLocation(dll, GitDescribe(repo));
    }

    internal static string? RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Transform.sln"))) return d.FullName;
        return null;
    }

    static string GitDescribe(string repo)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repo };
            foreach (var a in new[] { "log", "-1", "--format=%h %s" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var head = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            if (p.ExitCode != 0 || head.Length == 0) return "(not a git checkout: see the folder it was exported from)";
            var dirty = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repo };
            foreach (var a in new[] { "status", "--porcelain", "--", "src" }) dirty.ArgumentList.Add(a);
            using var q = Process.Start(dirty)!;
            var changes = q.StandardOutput.ReadToEnd().Trim();
            q.WaitForExit();
            return (head.Length > 60 ? head[..60] + "..." : head) + (changes.Length > 0 ? " (+ uncommitted changes in src/)" : "");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "(git not available)";
        }
    }

    internal static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}

/// <summary>The xform to measure: a managed xform.dll (run through dotnet) or an executable, such as the native tool.</summary>
sealed record CliLocation(string Dll, string Revision)
{
    /// <summary>The program and arguments that run xform with <paramref name="args"/>.</summary>
    public (string File, string[] Args) Command(params string[] args) =>
        Dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [Dll, .. args]) : (Dll, args);
}

/// <summary>--name value and --flag options; everything must be consumed (typos are errors).</summary>
sealed class Options(string[] args)
{
    readonly HashSet<int> _used = [];

    public string? String(string name)
    {
        for (var i = 0; i < args.Length; i++)
            if (args[i] == name)
            {
                if (i + 1 >= args.Length) throw new BenchException($"{name} needs a value");
                _used.Add(i);
                _used.Add(i + 1);
                return args[i + 1];
            }
        return null;
    }

    public int? Int(string name) => String(name) is { } s
        ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : throw new BenchException($"{name} needs a whole number, not '{s}'")
        : null;

    public bool Flag(string name)
    {
        var i = Array.IndexOf(args, name);
        if (i >= 0) _used.Add(i);
        return i >= 0;
    }

    public void Done()
    {
        var unknown = Enumerable.Range(0, args.Length).Where(i => !_used.Contains(i)).Select(i => args[i]).ToList();
        if (unknown.Count > 0) throw new BenchException($"unknown arguments: {string.Join(" ", unknown)}");
    }
}
