using System.Diagnostics;
using System.Text;

namespace Xform.Tests;

/// <summary>
/// Starts the built xform CLI (xform.dll, copied beside the tests) as its own process: what a second user or a
/// scheduler does. Linked as source into each test project that needs it.
/// </summary>
static class ChildProcess
{
    public static Process Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "xform.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }
}

/// <summary>The CLI in a process of its own, its output collected as it comes (so a test can wait for a line).</summary>
sealed class CliProcess : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _out = new();
    readonly StringBuilder _err = new();

    CliProcess(string[] args)
    {
        _process = ChildProcess.Start(args);
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_err) _err.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static CliProcess Start(params string[] args) => new(args);

    public string Out { get { lock (_out) return _out.ToString(); } }
    public string Err { get { lock (_err) return _err.ToString(); } }

    /// <summary>True once standard output holds <paramref name="text"/>; false when the process ends or the time is up first.</summary>
    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (Out.Contains(text, StringComparison.Ordinal)) return true;
            if (_process.HasExited) return Out.Contains(text, StringComparison.Ordinal);
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Waits for the exit (killing the process after <paramref name="timeout"/>) and returns its exit code.</summary>
    public int Finish(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"xform did not finish within {timeout.TotalSeconds:0}s\n--- stdout\n{Out}\n--- stderr\n{Err}");
        }
        _process.WaitForExit(); // the output handlers have run
        return _process.ExitCode;
    }

    public override string ToString() => $"--- stdout\n{Out}\n--- stderr\n{Err}";

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
