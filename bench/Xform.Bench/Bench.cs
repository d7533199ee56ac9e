using System.Diagnostics;
using Xform.Cli;

namespace Xform.Bench;

/// <summary>The measurements: whole process, warm in process, and per stage.</summary>
static class Bench
{
    public sealed record Row(string Command, IReadOnlyList<double> ProcessWall, IReadOnlyList<long> PeakRssKb, IReadOnlyList<double> ProcessCpu, IReadOnlyList<double> Warm,
        IReadOnlyList<double> WarmGcPause, IReadOnlyList<int> WarmGen2);

    public sealed record StageRow(string Stage, IReadOnlyList<double> Seconds, IReadOnlyList<double> AllocatedMb);

    public static readonly string[] Commands = ["parse", "compile"];

    /// <summary>R child-process runs of each command, then one warm-up and R timed calls of XformCli.Run in this process.</summary>
    public static IReadOnlyList<Row> ParseCompile(CliLocation cli, string projectDir, int runs, Action<string> log)
    {
        var dir = Path.GetFullPath(projectDir);
        if (!File.Exists(Path.Combine(dir, "project.yml"))) throw new BenchException($"no project.yml in '{dir}'");
        var rows = new List<Row>();
        foreach (var command in Commands)
        {
            string[] args = [command, "--project-dir", dir];
            log($"{command}: {runs} child processes");
            var samples = new List<ProcessSample>();
            for (var i = 0; i < runs; i++)
            {
                var (file, arguments) = cli.Command(args);
                var s = ChildProcess.Run(file, arguments, dir);
                if (s.ExitCode != 0) throw new BenchException($"xform {command} exited with {s.ExitCode}:\n{s.Stderr}");
                samples.Add(s);
            }
            log($"{command}: warm-up and {runs} in-process calls");
            var warm = new List<double>();
            var pause = new List<double>();
            var gen2 = new List<int>();
            for (var i = 0; i <= runs; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var err = new StringWriter();
                var pause0 = GC.GetTotalPauseDuration();
                var gen20 = GC.CollectionCount(2);
                var watch = Stopwatch.StartNew();
                var code = XformCli.Run(args, TextWriter.Null, err);
                var elapsed = watch.Elapsed.TotalSeconds;
                if (code != 0) throw new BenchException($"XformCli.Run({command}) returned {code}:\n{err}");
                if (i == 0) continue;
                warm.Add(elapsed);
                pause.Add((GC.GetTotalPauseDuration() - pause0).TotalSeconds);
                gen2.Add(GC.CollectionCount(2) - gen20);
            }
            rows.Add(new Row(command, samples.Select(s => s.WallSeconds).ToList(), samples.Select(s => s.PeakRssKb).ToList(), samples.Select(s => s.CpuSeconds).ToList(), warm, pause, gen2));
        }
        return rows;
    }

    /// <summary>The floor of any command: starting the runtime and System.CommandLine (<c>xform --version</c>).</summary>
    public static Row ProcessStart(CliLocation cli, int runs)
    {
        var samples = new List<ProcessSample>();
        for (var i = 0; i < runs; i++)
        {
            var (file, arguments) = cli.Command("--version");
            var s = ChildProcess.Run(file, arguments, Path.GetTempPath());
            if (s.ExitCode != 0) throw new BenchException($"xform --version exited with {s.ExitCode}:\n{s.Stderr}");
            samples.Add(s);
        }
        return new Row("--version", samples.Select(s => s.WallSeconds).ToList(), samples.Select(s => s.PeakRssKb).ToList(), samples.Select(s => s.CpuSeconds).ToList(), [], [], []);
    }

    public static IReadOnlyList<StageRow> Stages(string projectDir, int runs, Action<string> log)
    {
        log($"stages: warm-up and {runs} runs");
        var all = new List<Dictionary<string, (double Seconds, double AllocatedMb)>>();
        for (var i = 0; i <= runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var t = Xform.Bench.Stages.RunOnce(projectDir);
            if (i > 0) all.Add(t);
        }
        return Xform.Bench.Stages.Names.Select(n => new StageRow(n, all.Select(t => t[n].Seconds).ToList(), all.Select(t => t[n].AllocatedMb).ToList())).ToList();
    }
}
