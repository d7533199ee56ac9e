using DuckDB.NET.Data;
using Xform.Cli;

namespace Xform.Insights.Tests;

/// <summary>
/// The repository's retail project, copied to a temp folder (project.yml, profiles.yml, models, macros,
/// seeds, data/sample, tests/sql), built on its committed sample through the real CLI, and its page exported.
/// </summary>
public sealed class RetailProject : IDisposable
{
    public string Dir { get; }
    public string Database => Path.Combine(Dir, "target", "retail.duckdb");
    public string PagePath => Path.Combine(Dir, "target", "insights.html");
    public TimeSpan BuildTime { get; private set; }
    public TimeSpan ExportTime { get; private set; }

    RetailProject(string dir) => Dir = dir;

    static readonly Lazy<RetailProject> BuiltOnce = new(() => Create(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>One built copy shared by the fixtures (the build takes seconds); deleted after the run.</summary>
    public static RetailProject Shared => BuiltOnce.Value;

    internal static void DisposeShared()
    {
        if (BuiltOnce.IsValueCreated) BuiltOnce.Value.Dispose();
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Transform.sln")) && File.Exists(Path.Combine(dir.FullName, "project.yml")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (Transform.sln with project.yml) above the test folder");
    }

    /// <summary>A copy of the project; <paramref name="build"/> also builds it and exports the page.</summary>
    public static RetailProject Create(bool build = true)
    {
        var root = RepositoryRoot();
        var dir = Path.Combine(Path.GetTempPath(), "xform-insights-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (var file in new[] { "project.yml", "profiles.yml" }) CopyFile(Path.Combine(root, file), Path.Combine(dir, file));
        foreach (var folder in new[] { "models", "macros", "seeds", Path.Combine("data", "sample"), Path.Combine("tests", "sql") })
            if (Directory.Exists(Path.Combine(root, folder))) CopyTree(Path.Combine(root, folder), Path.Combine(dir, folder));
        var project = new RetailProject(dir);
        if (!build) return project;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = project.Run("build");
        project.BuildTime = clock.Elapsed;
        if (result.Code != 0) throw new InvalidOperationException($"xform build of the retail sample failed:\n{result}");
        clock.Restart();
        var export = project.Run("insights", "export", "--out", project.PagePath);
        project.ExportTime = clock.Elapsed;
        if (export.Code != 0) throw new InvalidOperationException($"xform insights export failed:\n{export}");
        TestContext.Progress.WriteLine($"retail sample built in {project.BuildTime.TotalSeconds:0.0} s, page exported in {project.ExportTime.TotalSeconds:0.00} s");
        return project;
    }

    public sealed record Result(int Code, string Out, string Err)
    {
        public override string ToString() => $"exit {Code}\n--- stdout\n{Out}\n--- stderr\n{Err}";
    }

    public Result Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = XformCli.Run([.. args, "--project-dir", Dir, "--no-color"], stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Reads the built DuckDB file directly (read-only), independently of the page's own loader.</summary>
    public List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={Database};ACCESS_MODE=READ_ONLY");
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

    public double Scalar(string sql) => ToDouble(Query(sql).Single()[0]);

    /// <summary>A DuckDB number as a double (sums of integers come back as HUGEINT, a BigInteger).</summary>
    public static double ToDouble(object? value) => value switch
    {
        System.Numerics.BigInteger b => (double)b,
        _ => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    static void CopyFile(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to, overwrite: true);
    }

    static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            CopyFile(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[SetUpFixture]
public sealed class SharedProjectCleanup
{
    [OneTimeTearDown]
    public void TearDown() => RetailProject.DisposeShared();
}
