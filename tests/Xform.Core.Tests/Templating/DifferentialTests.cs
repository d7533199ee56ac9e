using Xform.Core.Templating;
using Xform.Tests;

namespace Xform.Core.Tests.TemplatingTests;

/// <summary>Every corpus snippet must render exactly as Python's Jinja2 (configured like dbt) renders it.</summary>
public class DifferentialTests
{
    private static readonly Lazy<TemplateEngine> Engine = new(CorpusSupport.NewEngine);

    public static IEnumerable<TestCaseData> Cases() =>
        CorpusSupport.ReadSections(Path.Combine(CorpusSupport.Dir, "cases.txt"))
            .Select(c => new TestCaseData(c.Name, c.Text).SetName($"Jinja2 corpus: {c.Name}"));

    [Test]
    public void CorpusIsLargeEnough() =>
        Assert.That(Cases().Count(), Is.GreaterThanOrEqualTo(120));

    [TestCaseSource(nameof(Cases))]
    public void RendersLikeJinja2(string name, string text)
    {
        var (results, skip) = CorpusSupport.OracleResults;
        if (results == null) Unavailable.Skip(skip ?? "the Jinja2 oracle is unavailable");
        var expected = results[name];
        Assert.That(expected.TryGetProperty("out", out var output), Is.True, $"Jinja2 itself failed on '{name}': {expected}");
        var template = Engine.Value.Parse(new TemplateSource($"models/{name}.sql", text));
        var actual = Engine.Value.Render(template, CorpusSupport.Globals());
        Assert.That(actual, Is.EqualTo(output.GetString()), $"xform and Jinja2 differ on '{name}'. Scriban:\n{template.GeneratedScript}");
    }
}
