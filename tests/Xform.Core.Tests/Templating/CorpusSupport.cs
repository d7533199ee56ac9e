using System.Diagnostics;
using System.Text.Json;
using Xform.Core.Templating;

namespace Xform.Core.Tests.TemplatingTests;

/// <summary>The golden corpus files and the host globals both renderers get.</summary>
internal static class CorpusSupport
{
    /// <summary>The Templating test folder: copied next to the test assembly when the project copies it,
    /// else the source folder (the test project file is not ours to change).</summary>
    public static string Folder { get; } = FindFolder();

    public static string Dir => Path.Combine(Folder, "Corpus");
    public static string OracleScript => Path.Combine(Folder, "jinja_oracle.py");

    private static string FindFolder([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "Templating");
        return File.Exists(Path.Combine(copied, "Corpus", "cases.txt")) ? copied : Path.GetDirectoryName(thisFile)!;
    }

    /// <summary><c>=== name</c> headers, each followed by its text (lines joined with \n).</summary>
    public static List<(string Name, string Text)> ReadSections(string path)
    {
        var result = new List<(string, string)>();
        string? name = null;
        var lines = new List<string>();
        foreach (var line in File.ReadAllText(path).Split('\n'))
        {
            if (line.StartsWith("=== ", StringComparison.Ordinal))
            {
                if (name != null) result.Add((name, string.Join("\n", lines)));
                name = line[4..].Trim();
                lines.Clear();
            }
            else if (name != null) lines.Add(line);
        }
        if (name != null) result.Add((name, string.Join("\n", lines)));
        return result;
    }

    public static TemplateEngine NewEngine() =>
        new(Array.Empty<TemplateSource>(),
            ReadSections(Path.Combine(Dir, "macros.sql")).Select(s => new TemplateSource($"macros/{s.Name}.sql", s.Text)),
            "duckdb");

    public sealed class Relation(string schema, string identifier) : ITemplateObject
    {
        public bool TryGetMember(string name, out object? value)
        {
            value = name switch { "schema" => schema, "identifier" => identifier, _ => null };
            return value != null;
        }

        public override string ToString() => $"\"{schema}\".\"{identifier}\"";
    }

    /// <summary>The same globals as jinja_oracle.py's make_env().</summary>
    public static Dictionary<string, object?> Globals()
    {
        var vars = new Dictionary<string, object?> { ["start_date"] = "2020-01-01", ["limit"] = 100L };
        return new Dictionary<string, object?>
        {
            ["n"] = 42L,
            ["price"] = 19.99,
            ["amount_dec"] = 2.675m,
            ["name"] = "orders",
            ["cols"] = new List<object?> { "id", "amount", "status" },
            ["cfg"] = new Dictionary<string, object?>
            {
                ["materialized"] = "table",
                ["tags"] = new List<object?> { "nightly", "finance" },
                ["enabled"] = true,
            },
            ["flag"] = true,
            ["empty"] = new List<object?>(),
            ["nothing"] = null,
            ["target"] = new Dictionary<string, object?> { ["name"] = "dev", ["schema"] = "main", ["type"] = "duckdb" },
            ["ref"] = (HostFunction)(c => $"\"main\".\"{c.Get(0, "name")}\""),
            ["source"] = (HostFunction)(c => $"\"raw_{c.Get(0, "source_name")}\".\"{c.Get(1, "table_name")}\""),
            ["var"] = (HostFunction)(c => vars.TryGetValue((string)c.Get(0, "name")!, out var v) ? v : c.Get(1, "default")),
            ["config"] = (HostFunction)(c => ""),
            ["env_var"] = (HostFunction)(c => c.Get(1, "default") ?? ""),
            ["is_incremental"] = (HostFunction)(c => false),
            ["this"] = new Relation("main", "my_model"),
        };
    }

    private static readonly Lazy<(Dictionary<string, JsonElement>? Results, string? Skip)> Oracle = new(RunOracle);

    public static (Dictionary<string, JsonElement>? Results, string? Skip) OracleResults => Oracle.Value;

    private static (Dictionary<string, JsonElement>?, string?) RunOracle() =>
        RunPythonOracle(OracleScript, Path.Combine(Dir, "cases.txt"), Path.Combine(Dir, "macros.sql"));

    /// <summary>
    /// Runs a Python oracle script, which prints <c>{case: {"out": text} | {"error": message}}</c> as JSON; or says why it
    /// cannot run (no python3, a module missing), which the tests report as unavailable.
    /// </summary>
    public static (Dictionary<string, JsonElement>? Results, string? Skip) RunPythonOracle(string script, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("python3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(script);
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                return (null, stderr.Contains("No module named", StringComparison.Ordinal)
                    ? $"a Python module {Path.GetFileName(script)} needs is missing: {stderr.Trim()}"
                    : $"{Path.GetFileName(script)} failed: {stderr}");
            return (JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(stdout.Result), null);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"python3 is not available: {e.Message}");
        }
    }
}
