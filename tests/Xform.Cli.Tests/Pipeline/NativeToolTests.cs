using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xform.Cli.Tests.Retail;

namespace Xform.Cli.Tests.Pipeline;

/// <summary>
/// The tool as scripts/quickstart builds it where a C toolchain is found: compiled to native code ahead of time, so
/// without reflection the trimmer could not see and without run-time code generation. Built once here from a copy of
/// src/ (as the script does, with -p:XformNativeTool=true), then run as a user would, and what it makes compared with
/// the in-process CLI's: the manifest (test ids, unit test checksums, configs), the database the build leaves, the
/// docs catalog, values of DuckDB's nested types, JSON log lines and a user error.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Category("native")]
public sealed class NativeToolTests
{
    string _work = null!;
    string _xform = null!;
    TestProject _native = null!;
    TestProject _inProcess = null!;
    CliResult _nativeBuild = null!;

    [OneTimeSetUp]
    public void BuildTheNativeTool()
    {
        var compiler = Executables.Find("clang", "gcc");
        if (compiler is null) Unavailable.Skip("no C toolchain (clang or gcc) to link the native tool with");
        _work = Path.Combine(Path.GetTempPath(), "xform-tests", "native-" + Guid.NewGuid().ToString("N")[..8]);
        // a copy of the sources: the test projects' own build outputs under src/ are not touched while tests run
        foreach (var path in new[] { "src", "Directory.Build.props", "Directory.Packages.props", "NuGet.config", "nuget.config" })
        {
            var from = Path.Combine(TestProject.RepositoryRoot, path);
            if (File.Exists(from)) File.Copy(from, Path.Combine(Directory.CreateDirectory(_work).FullName, path));
            else if (Directory.Exists(from))
                foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
                {
                    var relative = Path.GetRelativePath(from, file);
                    if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")) continue;
                    var to = Path.Combine(_work, path, relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    File.Copy(file, to);
                }
        }
        var output = Path.Combine(_work, "tool");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true,
            ArgumentList =
            {
                "publish", "src/Xform.Cli", "-c", "Release", "--use-current-runtime", "-p:XformNativeTool=true", "-o", output, "-nologo", "-v", "minimal",
            },
        };
        if (Path.GetFileName(compiler) == "gcc") info.ArgumentList.Add("-p:CppCompilerAndLinker=gcc");
        using (var publish = Process.Start(info)!)
        {
            var stdout = publish.StandardOutput.ReadToEndAsync();
            var stderr = publish.StandardError.ReadToEndAsync();
            Assert.That(publish.WaitForExit(15 * 60_000), "the native build ends within 15 minutes");
            Assert.That(publish.ExitCode, Is.Zero, stdout.Result + stderr.Result);
        }
        _xform = Path.Combine(output, "xform");
        Assert.That(File.Exists(_xform), Is.True, "the native executable");
        Assert.That(File.Exists(Path.Combine(output, "xform.dll")), Is.False, "no managed entry point: the tool is native");

        _native = RetailProjectTests.CopyRetailProject("retail_native");
        _inProcess = RetailProjectTests.CopyRetailProject("retail_inproc");
        _nativeBuild = Native(_native, "build", "--threads", "1");
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        _native?.Dispose();
        _inProcess?.Dispose();
        if (_work is not null && Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }

    CliResult Native(TestProject project, params string[] args)
    {
        var info = new ProcessStartInfo(_xform) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project.Dir };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--project-dir");
        info.ArgumentList.Add(project.Dir);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(5 * 60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"xform {string.Join(' ', args)} ran over 5 minutes");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>An artifact's JSON without its metadata (times, invocation id), keys sorted: what two runs must agree on.</summary>
    static string Comparable(string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json.Remove("metadata");
        return Sorted(json)!.ToJsonString();
    }

    static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };

    [Test]
    public void The_retail_project_builds_and_its_tests_pass_when_checked_in_process()
    {
        Assert.That(_nativeBuild.ExitCode, Is.Zero, _nativeBuild.ToString());
        Assert.That(_nativeBuild.Out, Does.Contain("Done. PASS=270 WARN=0 ERROR=0 SKIP=0 TOTAL=270"));
        // the database the native build left: every data test and unit test of the project holds on it
        var test = _native.Run("test");
        Assert.That(test.ExitCode, Is.Zero, test.ToString());
        Assert.That(test.Out, Does.Match(@"Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0"));
        var db = Path.Combine(_native.Dir, "target", "retail.duckdb");
        var customers = _native.Query("select count(*) from obt_customer_kpis_and_segmentation", db)[0][0];
        Assert.That(customers, Is.EqualTo(_native.Query("select count(distinct customer_id) from int_customer_metric_lines", db)[0][0]).And.GreaterThan(0L));
    }

    [Test]
    public void Its_manifest_is_the_in_process_manifest()
    {
        var native = Native(_native, "compile", "-q", "--no-partial-parse", "--target-path", "target-native-compile");
        Assert.That(native.ExitCode, Is.Zero, native.ToString());
        var inProcess = _inProcess.Run("compile", "-q", "--no-partial-parse", "--target-path", "target-native-compile");
        Assert.That(inProcess.ExitCode, Is.Zero, inProcess.ToString());
        var nativeManifest = Comparable(Path.Combine(_native.Dir, "target-native-compile", "manifest.json"));
        Assert.That(nativeManifest, Does.Contain("\"resource_type\":\"unit_test\"").And.Contain("\"test_metadata\""), "unit tests and data tests are there to compare");
        Assert.That(nativeManifest, Is.EqualTo(Comparable(Path.Combine(_inProcess.Dir, "target-native-compile", "manifest.json"))));
    }

    [Test]
    public void Its_docs_catalog_is_the_in_process_catalog()
    {
        Assert.That(_nativeBuild.ExitCode, Is.Zero, _nativeBuild.ToString());
        var native = Native(_native, "docs", "generate");
        Assert.That(native.ExitCode, Is.Zero, native.ToString());
        var catalog = Path.Combine(_native.Dir, "target", "catalog.json");
        var nativeCatalog = Comparable(catalog);
        File.Delete(catalog);
        var inProcess = _native.Run("docs", "generate");
        Assert.That(inProcess.ExitCode, Is.Zero, inProcess.ToString());
        Assert.That(nativeCatalog, Does.Contain("obt_customer_kpis_and_segmentation"));
        Assert.That(nativeCatalog, Is.EqualTo(Comparable(catalog)));
    }

    [TestCase("select [1, 2, null] as ints, ['a', 'b'] as texts, [[1], [2, 3]] as nested, [date '2011-12-09', null] as dates, [1.5::decimal(10, 2), null] as decimals, '\\x01ab'::blob as bytes")]
    [TestCase("select {'a': 1, 'b': 'x'} as struct_value, map {'k': 1} as map_value, 170141183460469231731687303715884105727::hugeint as huge")]
    public void Nested_values_read_as_in_process(string sql)
    {
        var native = Native(_native, "show", "--inline", sql, "--output", "json");
        var inProcess = _native.Run("show", "--inline", sql, "--output", "json");
        Assert.That(native.ExitCode, Is.Zero, native.ToString());
        Assert.That(inProcess.ExitCode, Is.Zero, inProcess.ToString());
        Assert.That(native.Out, Does.Contain("\"show\""));
        Assert.That(native.Out, Does.Not.Contain("System."), "values, not .NET type names");
        Assert.That(native.Out, Is.EqualTo(inProcess.Out));
    }

    [Test]
    public void Json_log_lines_are_events()
    {
        var native = Native(_native, "parse", "--log-format", "json");
        Assert.That(native.ExitCode, Is.Zero, native.ToString());
        var events = native.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        Assert.That(events, Is.Not.Empty);
        Assert.That(events.Select(e => (string?)e["level"]), Is.All.Not.Null);
        Assert.That(events.Select(e => (string?)e["event"]), Is.All.Not.Null);
        Assert.That(native.Out, Does.Not.Contain("\\u002B"));
    }

    [Test]
    public void A_mistake_is_one_message_with_its_place_and_exit_code_2()
    {
        using var broken = RetailProjectTests.CopyRetailProject("retail_native_broken");
        var model = Path.Combine(broken.Dir, "models", "staging", "stg_broken.sql");
        File.WriteAllText(model, "select 1 as id\n{{ ref('no_such_model') }}\n");
        var native = Native(broken, "compile");
        Assert.That(native.ExitCode, Is.EqualTo(2), native.ToString());
        Assert.That(native.All, Does.Contain("models/staging/stg_broken.sql:2:").And.Contain("no_such_model"));
        Assert.That(native.All, Does.Not.Contain("   at "), "no stack trace");
        var inProcess = broken.Run("compile");
        Assert.That(inProcess.ExitCode, Is.EqualTo(2));
        Assert.That(Lines(native.All), Is.EqualTo(Lines(inProcess.All)));
    }

    // the messages without their time stamps
    static string[] Lines(string output) =>
        ConsoleText.UntimedLines(output);
}
