using System.Diagnostics;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;

namespace Xform.Bench;

/// <summary>
/// The retail build through xform, against the same SQL run directly on DuckDB: xform builds the project
/// (one thread, a fresh database), then every statement it recorded under target/run is replayed in the same
/// order on another fresh database, one transaction per node, as xform ran them.
/// </summary>
static class Overhead
{
    public static (double Xform, double Direct, int Nodes) Measure(CliLocation cli, string repo, string rawFile, Action<string> log)
    {
        var dir = Path.Combine(Path.GetTempPath(), "xform-overhead-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            foreach (var item in new[] { "project.yml", "profiles.yml", "models", "macros", "seeds", "data/sample", "tests/sql" })
                Copy(Path.Combine(repo, item), Path.Combine(dir, item));
            var vars = $"{{raw_transactions_path: '{Path.GetFullPath(rawFile)}'}}";
            log($"xform build on {rawFile} ...");
            var watch = Stopwatch.StartNew();
            var (file, arguments) = cli.Command("build", "--threads", "1", "-q", "--vars", vars, "--project-dir", dir);
            var sample = ChildProcess.Run(file, arguments, dir);
            var xform = watch.Elapsed.TotalSeconds;
            if (sample.ExitCode != 0) throw new BenchException($"xform build failed (exit {sample.ExitCode})");

            var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "target", "manifest.json")))!["nodes"]!.AsObject();
            var results = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "target", "run_results.json")))!["results"]!.AsArray()
                .OrderBy(r => r!["timing"]!.AsArray().FirstOrDefault()?["started_at"]?.GetValue<string>() ?? "")
                .Select(r => r!["unique_id"]!.GetValue<string>()).ToList();
            var scripts = results.Select(id => RunFile(dir, manifest[id]!.AsObject())).ToList();

            log($"replaying {scripts.Count} nodes directly on DuckDB ...");
            var database = Path.Combine(dir, "target", "direct.duckdb");
            watch.Restart();
            using (var connection = new DuckDBConnection($"Data Source={database}"))
            {
                connection.Open();
                Execute(connection, $"SET file_search_path = '{dir}'");
                foreach (var script in scripts)
                {
                    var statements = File.ReadAllText(script).Split(";\n\n").Select(s => s.Trim().TrimEnd(';')).Where(s => s.Length > 0).ToList();
                    Execute(connection, "begin transaction");
                    foreach (var s in statements) Execute(connection, s);
                    Execute(connection, "commit");
                }
            }
            return (xform, watch.Elapsed.TotalSeconds, scripts.Count);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Where xform wrote what it ran for a node: target/run/&lt;project&gt;/&lt;file&gt;, tests under their YAML file.</summary>
    static string RunFile(string dir, JsonObject node)
    {
        var project = node["package_name"]!.GetValue<string>();
        var path = node["original_file_path"]!.GetValue<string>();
        var relative = node["test_metadata"] is not null ? $"{path}/{node["name"]!.GetValue<string>()}.sql" : path.Replace(".csv", ".sql");
        return Path.Combine(dir, "target", "run", project, relative);
    }

    static void Execute(DuckDBConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) { }
    }

    static void Copy(string from, string to)
    {
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
            return;
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
