using System.Text.Json;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;
using Xform.Core.Tests.TemplatingTests;
using Xform.Tests;

namespace Xform.Core.Tests.RuntimeTests;

/// <summary>
/// Every snippet of the dbt-context corpus must render as Python renders it with dbt-core's context (modules, fromjson,
/// toyaml, run_started_at, target, ...): context_oracle.py gives Python's answers. A snippet Python fails on must fail.
/// </summary>
public class ContextDifferentialTests
{
    static string Folder([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") => Path.GetDirectoryName(thisFile)!;

    static string CasesFile => Path.Combine(Folder(), "Corpus", "context_cases.txt");

    /// <summary>What the oracle fixes too: run_started_at, invocation_id, flags and a DuckDB target in memory.</summary>
    internal static CompileSession Session(Action<string>? log = null)
    {
        var invocation = new Invocation("3b0d7a4e-5f7c-4c2e-9a51-0c8d2f1e6b7a", new DateTime(2024, 1, 5, 10, 20, 30, 123).AddTicks(4560),
            new Dictionary<string, object?> { ["FULL_REFRESH"] = false, ["WHICH"] = "compile" });
        var target = new TargetConfig("proj", "dev", "duckdb", "main", "", 1,
            new Dictionary<string, object?> { ["type"] = "duckdb", ["path"] = ":memory:", ["threads"] = 1L });
        var fields = new Dictionary<string, object?> { ["database"] = "memory", ["schema"] = "main", ["path"] = ":memory:" };
        return new CompileSession(new TemplateEngine([], [], "duckdb", "proj"), TestManifests.Project, target,
            new Dictionary<string, object?>(), s => "\"" + s + "\"", log ?? (_ => { }), invocation, fields);
    }

    static readonly Lazy<CompileSession> Shared = new(() => Session());

    public static IEnumerable<TestCaseData> Cases() =>
        CorpusSupport.ReadSections(CasesFile).Select(c => new TestCaseData(c.Name, c.Text).SetName($"dbt context: {c.Name}"));

    [Test]
    public void CorpusIsLargeEnough() => Assert.That(Cases().Count(), Is.GreaterThanOrEqualTo(60));

    [TestCaseSource(nameof(Cases))]
    public void RendersLikeDbt(string name, string text)
    {
        var (results, skip) = Oracle.Value;
        if (results == null) Unavailable.Skip(skip ?? "the Python oracle is unavailable");
        var expected = results[name];
        var session = Shared.Value;
        var template = session.Engine.Parse(new TemplateSource($"models/{name}.sql", text));
        if (expected.TryGetProperty("error", out var error))
        {
            var e = Assert.Throws<XformException>(() => session.Engine.Render(template, session.BaseGlobals()),
                $"Python fails on '{name}' ({error.GetString()}), xform must too");
            TestContext.Out.WriteLine($"Python: {error.GetString()}\nxform:  {e!.Message}");
            return;
        }
        var actual = session.Engine.Render(template, session.BaseGlobals());
        Assert.That(actual, Is.EqualTo(expected.GetProperty("out").GetString()), $"xform and Python differ on '{name}'");
    }

    static readonly Lazy<(Dictionary<string, JsonElement>? Results, string? Skip)> Oracle =
        new(() => CorpusSupport.RunPythonOracle(Path.Combine(Folder(), "context_oracle.py"), CasesFile));
}
