using System.Globalization;
using System.Text;
using Xform.Cli;
using Xform.Core.Adapters;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Tests;

namespace Xform.Adapters.Conformance;

public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public string All => Out + Err;
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>
/// A throwaway project folder whose profile points at the engine under test, in its own schema; run through
/// the real CLI in-process, read back through the adapter's own connection.
/// </summary>
public sealed class ConformanceProject : IDisposable
{
    readonly ConformanceTarget _target;

    public ConformanceProject(ConformanceTarget target, string name = "proj")
    {
        _target = target;
        Name = name;
        Dir = Path.Combine(Path.GetTempPath(), "xform-conformance", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)]);
        Schema = target.Schema("xf_" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Dir);
        Write("project.yml", $"name: {name}\nprofile: {name}\n");
        var output = new StringBuilder($"      type: {target.Type}\n");
        foreach (var (key, value) in target.Output(Dir, Schema))
            output.Append(CultureInfo.InvariantCulture, $"      {key}: '{value.Replace("'", "''")}'\n");
        Write("profiles.yml", $"{name}:\n  target: dev\n  outputs:\n    dev:\n{output}");
    }

    public string Name { get; }
    public string Dir { get; }

    /// <summary>The schema the project builds into.</summary>
    public string Schema { get; }

    public ConformanceProject Write(string path, string text)
    {
        var full = Path.Combine(Dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    public string Read(string path) => File.ReadAllText(Path.Combine(Dir, path));

    public CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = XformCli.Run([.. args, "--project-dir", Dir], stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs and asserts the exit code.</summary>
    public CliResult Ok(params string[] args)
    {
        var r = Run(args);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return r;
    }

    /// <summary>The profile's output that <see cref="With"/> reads through (null: the profile's default).</summary>
    public string? Output { get; set; }

    /// <summary>The profile target, as the CLI reads it.</summary>
    public TargetConfig Target => ProfileReader.Read(Dir, Name, Output, Dir);

    /// <summary>Rewrites profiles.yml with a <c>prod</c> output (the project's schema, the default) and a pull request's <c>ci</c> output.</summary>
    public void UseProdAndCi()
    {
        static string Block(IReadOnlyDictionary<string, string> settings, string type)
        {
            var b = new StringBuilder($"      type: {type}\n");
            foreach (var (key, value) in settings) b.Append(CultureInfo.InvariantCulture, $"      {key}: '{value.Replace("'", "''")}'\n");
            return b.ToString();
        }
        Write("profiles.yml", $"{Name}:\n  target: prod\n  outputs:\n    prod:\n{Block(_target.Output(Dir, Schema), _target.Type)}" +
            $"    ci:\n{Block(_target.CiOutput(Dir, Schema), _target.Type)}");
    }

    /// <summary>Runs <paramref name="use"/> on a fresh adapter connection, then disposes both.</summary>
    public T With<T>(Func<IAdapter, IAdapterConnection, T> use)
    {
        using var adapter = _target.CreateAdapter(Target, Dir);
        using var connection = adapter.Open();
        return use(adapter, connection);
    }

    /// <summary><c>"schema"."name"</c>, quoted the adapter's way.</summary>
    public string Rel(string name, string? schema = null) => With((a, _) => $"{a.Quote(schema ?? Schema)}.{a.Quote(name)}");

    public List<object?[]> QueryRows(string sql) => With((_, c) => c.Query(sql).Rows.ToList());

    public object? Scalar(string sql) => QueryRows(sql)[0][0];

    public long Long(string sql) => ToLong(Scalar(sql));

    /// <summary>An integer however the engine returns it (int, long, decimal, DuckDB's HUGEINT as BigInteger).</summary>
    public static long ToLong(object? value) => value switch
    {
        System.Numerics.BigInteger b => (long)b,
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    /// <summary>Relations of the project's schema (or another): name in lower case -> "table" or "view". (An engine
    /// may store the names in upper case, as Snowflake stores unquoted names; the suite names everything in lower case.)</summary>
    public Dictionary<string, string> Relations(string? schema = null) =>
        With((_, c) => c.ListRelations()
            .Where(r => string.Equals(r.Schema, schema ?? Schema, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(r => r.Name.ToLowerInvariant(), r => r.Kind == RelationKind.View ? "view" : "table"));

    /// <summary>The columns of a relation, their names in lower case (as <see cref="Relations"/>).</summary>
    public IReadOnlyList<ColumnSpec> Columns(string name, string? schema = null) =>
        With((_, c) => c.GetColumns(new RelationName(null, schema ?? Schema, name)).Select(col => col with { Name = col.Name.ToLowerInvariant() }).ToList());

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// The base of every conformance fixture: a subclass names its <see cref="ConformanceTarget"/>; fixtures create
/// throwaway projects with <see cref="NewProject"/>. Add a fixture (incremental strategies, snapshots) by
/// deriving from this class; each adapter then adds a one-line subclass of it.
/// </summary>
public abstract class ConformanceFixture
{
    readonly List<ConformanceProject> _projects = [];

    protected abstract ConformanceTarget Target { get; }

    [SetUp]
    public void SkipWhereTheEngineIsMissing()
    {
        if (Target.SkipReason is { } reason) Unavailable.Skip(reason);
        if (Target.KnownIssue(TestContext.CurrentContext.Test.MethodName ?? "") is { } issue)
        {
            TestContext.Progress.WriteLine($"known issue on {Target.Type}: {issue}");
            Assert.Ignore($"known issue on {Target.Type}: {issue}");
        }
    }

    [TearDown]
    public void DeleteProjects()
    {
        foreach (var p in _projects) p.Dispose();
        _projects.Clear();
    }

    protected ConformanceProject NewProject(string name = "proj")
    {
        var p = new ConformanceProject(Target, name);
        _projects.Add(p);
        return p;
    }

    protected static void WithClock(string nowUtc, Action action)
    {
        var before = Environment.GetEnvironmentVariable("XFORM_NOW");
        Environment.SetEnvironmentVariable("XFORM_NOW", nowUtc);
        try { action(); }
        finally { Environment.SetEnvironmentVariable("XFORM_NOW", before); }
    }
}
