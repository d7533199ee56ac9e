using System.Diagnostics;
using System.Globalization;

namespace Xform.Bench;

/// <summary>One run of a child process: wall time (Stopwatch around start..exit), peak RSS, and user+sys CPU
/// seconds (from /usr/bin/time; NaN without it). CPU time is the steadier figure on a machine shared with other work.</summary>
sealed record ProcessSample(double WallSeconds, long PeakRssKb, double CpuSeconds, int ExitCode, string Stderr);

/// <summary>
/// Runs a command as a child process. Peak RSS comes from <c>/usr/bin/time -f %M</c> (written to a file with -o,
/// so it does not mix with the child's stderr) when that exists, else from polling VmHWM in /proc/PID/status.
/// Wall time is always the harness's own Stopwatch (time's %e has only 10 ms resolution); with /usr/bin/time it
/// includes that wrapper's fork+exec, a fraction of a millisecond.
/// </summary>
static class ChildProcess
{
    const string TimeBinary = "/usr/bin/time";

    public static bool HasTime => File.Exists(TimeBinary);

    public static string RssMethod => HasTime ? "/usr/bin/time -f %M" : "/proc/PID/status VmHWM polling (every 2 ms)";

    public static ProcessSample Run(string fileName, IReadOnlyList<string> args, string workingDir)
    {
        string? timeFile = null;
        var psi = new ProcessStartInfo
        {
            WorkingDirectory = workingDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (HasTime)
        {
            timeFile = Path.GetTempFileName();
            psi.FileName = TimeBinary;
            foreach (var a in new[] { "-f", "%e %M %U %S", "-o", timeFile, fileName }) psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = fileName;
        }
        foreach (var a in args) psi.ArgumentList.Add(a);

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new BenchException($"could not start {fileName}");
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        long polledHwm = 0;
        if (timeFile is null)
        {
            var status = $"/proc/{process.Id}/status";
            while (!process.HasExited)
            {
                polledHwm = Math.Max(polledHwm, ReadHwm(status));
                Thread.Sleep(2);
            }
        }
        process.WaitForExit();
        var wall = watch.Elapsed.TotalSeconds;
        _ = stdoutTask.Result;
        var stderr = stderrTask.Result;

        long rss = polledHwm;
        var cpu = double.NaN;
        if (timeFile is not null)
        {
            // The file holds "Command exited with non-zero status N" first when the child failed.
            var last = File.ReadAllLines(timeFile).LastOrDefault(l => l.Trim().Length > 0) ?? "";
            File.Delete(timeFile);
            var parts = last.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 4 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb)) rss = kb;
            if (parts.Length == 4 && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var user) &&
                double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var sys)) cpu = user + sys;
        }
        return new ProcessSample(wall, rss, cpu, process.ExitCode, stderr);
    }

    static long ReadHwm(string statusPath)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            // The process exited between HasExited and the read.
        }
        return 0;
    }
}
