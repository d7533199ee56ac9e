using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Xform.Bench;

/// <summary>Markdown for bench/README.md.</summary>
static class Report
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static double Median(IReadOnlyList<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    static string Sec(double s) => double.IsNaN(s) ? "-" : s.ToString("0.000", Inv) + " s";
    static string Ms(double s) => (s * 1000).ToString(s < 0.01 ? "0.00" : "0", Inv);
    static string Mb(long kb) => kb <= 0 ? "n/a" : (kb / 1024.0).ToString("0", Inv) + " MB";

    public static string Environment(CliLocation cli, int runs, ulong seed)
    {
        string Sh(string cmd)
        {
            try
            {
                var psi = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
                psi.ArgumentList.Add("-c");
                psi.ArgumentList.Add(cmd);
                using var p = System.Diagnostics.Process.Start(psi)!;
                var o = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return o;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "?";
            }
        }
        var cpu = Sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").Trim();
        var mem = Sh("free -h | awk '/^Mem:/ {print $2}'");
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- machine: {System.Environment.ProcessorCount} cores (`nproc` {Sh("nproc")}), {mem} RAM (`free -h`), {(cpu.Length > 0 ? cpu : "cpu unknown")}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- load average (1/5/15 min) at the end of the run: {Sh("cut -d' ' -f1-3 /proc/loadavg")} (other work on the machine makes the figures noisier; the minimum is the least disturbed)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- runtime: .NET {RuntimeInformation.FrameworkDescription.Replace(".NET ", "", StringComparison.Ordinal)}, {RuntimeInformation.OSDescription}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- xform: {cli.Revision}, Release build");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- runs: {runs} of each measurement (min / median), projects from `gen-project --seed {seed}`; peak RSS by {ChildProcess.RssMethod}");
#if DEBUG
        sb.AppendLine("- **WARNING: the harness was built in Debug; warm in-process figures are not representative (use -c Release)**");
#endif
        return sb.ToString().TrimEnd();
    }

    public static string MainTable(IReadOnlyList<(int Models, IReadOnlyList<Bench.Row> Rows)> results, Bench.Row? start)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| models | command | whole process, wall (min / median) | whole process, peak RSS (median) | whole process, CPU user+sys (median) | warm in-process (min / median) | warm: GC pause, gen2 GCs (median) |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var (n, rows) in results)
            foreach (var r in rows)
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {n:N0} | `xform {r.Command}` | {Sec(r.ProcessWall.Min())} / {Sec(Median(r.ProcessWall))} | {Mb((long)Median(r.PeakRssKb.Select(x => (double)x).ToList()))} | {Sec(Median(r.ProcessCpu))} | {Sec(r.Warm.Min())} / {Sec(Median(r.Warm))} | {Sec(Median(r.WarmGcPause))}, {Median(r.WarmGen2.Select(x => (double)x).ToList()):0} |");
        if (start is not null)
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| - | `xform --version` (process start floor) | {Sec(start.ProcessWall.Min())} / {Sec(Median(start.ProcessWall))} | {Mb((long)Median(start.PeakRssKb.Select(x => (double)x).ToList()))} | {Sec(Median(start.ProcessCpu))} | - | - |");
        sb.AppendLine();
        sb.Append("`xform compile` parses the project first, so its row is parse + compile.");
        return sb.ToString();
    }

    public static string Targets(IReadOnlyList<(int Models, IReadOnlyList<Bench.Row> Rows)> results)
    {
        var big = results.Where(r => r.Models == 10_000).Select(r => r.Rows.First(x => x.Command == "compile")).FirstOrDefault();
        if (big is null) return "Targets (10,000 models) not evaluated: no 10,000-model run.";
        var warm = Median(big.Warm);
        var whole = Median(big.ProcessWall);
        return string.Create(Inv, $"""
            Targets (DESIGN.md, 10,000 models, parse + compile = `xform compile`, medians):
            - warm, under 1 s: **{(warm < 1 ? "met" : "NOT met")}** ({Sec(warm)})
            - whole process, under 2 s: **{(whole < 2 ? "met" : "NOT met")}** ({Sec(whole)})
            """);
    }

    public static string StageTable(IReadOnlyList<(int Models, IReadOnlyList<Bench.StageRow> Rows)> stages)
    {
        var sb = new StringBuilder();
        sb.Append("| stage (warm, in process, median ms / MB allocated) |");
        foreach (var (n, _) in stages) sb.Append(CultureInfo.InvariantCulture, $" {n:N0} models |");
        sb.AppendLine();
        sb.Append("|---|");
        foreach (var _ in stages) sb.Append("---:|");
        sb.AppendLine();
        for (var i = 0; i < Stages.Names.Length; i++)
        {
            sb.Append("| ").Append(Stages.Names[i]).Append(" |");
            foreach (var (_, rows) in stages)
                sb.Append(' ').Append(Ms(Median(rows[i].Seconds))).Append(" / ").Append(Median(rows[i].AllocatedMb).ToString("0", Inv)).Append(" |");
            sb.AppendLine();
        }
        sb.Append("| **sum, counting the loader once** (stages 1-2, ProjectLoader.Load, graph..manifest) |");
        int[] counted = [0, 1, 7, 8, 9, 10, 11, 12];
        foreach (var (_, rows) in stages)
        {
            var seconds = counted.Sum(i => Median(rows[i].Seconds));
            var mb = counted.Sum(i => Median(rows[i].AllocatedMb));
            sb.Append(' ').Append(Ms(seconds)).Append(" / ").Append(mb.ToString("0", Inv)).Append(" |");
        }
        sb.AppendLine();
        return sb.ToString().TrimEnd();
    }
}
