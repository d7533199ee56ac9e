using DuckDB.NET.Data;

namespace Xform.Cli.Tests;

public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public string All => Out + Err;
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>A throwaway project folder on disk, run through the real CLI in-process.</summary>
public sealed class TestProject : IDisposable
{
    public TestProject(string name = "proj", bool withDefaults = true)
    {
        Dir = Path.Combine(Path.GetTempPath(), "xform-tests", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)]);
        Directory.CreateDirectory(Dir);
        if (!withDefaults) return;
        Write("project.yml", $"name: {name}\nprofile: {name}\n");
        Write("profiles.yml", $"{name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n      threads: 4\n");
    }

    public string Dir { get; }
    public string DatabasePath => Path.Combine(Dir, "target", "test.duckdb");

    public TestProject Write(string path, string text)
    {
        var full = Path.Combine(Dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    public TestProject WriteBytes(string path, byte[] bytes)
    {
        var full = Path.Combine(Dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return this;
    }

    public string Read(string path) => File.ReadAllText(Path.Combine(Dir, path));

    /// <summary>A copy of this project's folder (its files, target/ and database included), to change without building it again.</summary>
    public TestProject Clone()
    {
        var copy = new TestProject(Path.GetFileName(Dir).Split('-')[0], withDefaults: false);
        foreach (var file in Directory.EnumerateFiles(Dir, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(copy.Dir, Path.GetRelativePath(Dir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return copy;
    }

    public bool Exists(string path) => File.Exists(Path.Combine(Dir, path)) || Directory.Exists(Path.Combine(Dir, path));

    public CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = XformCli.Run([.. args, "--project-dir", Dir], stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the built CLI as its own process: for cases that could crash the process (a stack overflow
    /// kills the test host too) or that must see how the process itself exits.</summary>
    public CliResult RunProcess(params string[] args)
    {
        using var child = ChildProcess.Start([.. args, "--project-dir", Dir]);
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(120_000))
        {
            child.Kill(entireProcessTree: true);
            throw new TimeoutException($"xform {string.Join(' ', args)} ran over 2 minutes");
        }
        return new CliResult(child.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Reads the project's DuckDB file after a command has finished.</summary>
    public List<object?[]> Query(string sql, string? database = null)
    {
        using var connection = new DuckDBConnection($"Data Source={database ?? DatabasePath}");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public object? Scalar(string sql) => Query(sql)[0][0];

    /// <summary>Relation name -> 'BASE TABLE' or 'VIEW'.</summary>
    public Dictionary<string, string> Relations() =>
        Query("select table_name, table_type from information_schema.tables order by 1")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>The repository root (where Transform.sln is), found from the test binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Transform.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Transform.sln not found above the test binaries");
        }
    }
}
