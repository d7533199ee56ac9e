using Xform.Core.Diagnostics;
using Xform.Core.Templating;

namespace Xform.Core.Tests.TemplatingTests;

/// <summary>Golden parse errors: each case's first line is <c>!! line:col message</c>, the rest is the template.</summary>
public class ErrorGoldenTests
{
    public static IEnumerable<TestCaseData> Cases() =>
        CorpusSupport.ReadSections(Path.Combine(CorpusSupport.Dir, "errors.txt"))
            .Select(c =>
            {
                var nl = c.Text.IndexOf('\n');
                var header = c.Text[..nl];
                return new TestCaseData(c.Name, header[3..], c.Text[(nl + 1)..]).SetName($"Parse error: {c.Name}");
            });

    [TestCaseSource(nameof(Cases))]
    public void FailsAtParseWithPosition(string name, string expected, string text)
    {
        var engine = new TemplateEngine(Array.Empty<TemplateSource>(), Array.Empty<TemplateSource>(), "duckdb");
        var ex = Assert.Throws<XformException>(() => engine.Parse(new TemplateSource($"models/{name}.sql", text)))!;
        Assert.That($"{ex.Location.Line}:{ex.Location.Column} {ex.Message}", Is.EqualTo(expected));
        Assert.That(ex.Location.File, Is.EqualTo($"models/{name}.sql"));
    }

    [Test]
    public void CrLfLineEndingsKeepLineNumbers()
    {
        var engine = new TemplateEngine(Array.Empty<TemplateSource>(), Array.Empty<TemplateSource>(), "duckdb");
        var ex = Assert.Throws<XformException>(() => engine.Parse(new TemplateSource("m.sql", "a\r\nb\r\n  {{ x | nope }}\r\n")))!;
        Assert.That(ex.Location, Is.EqualTo(new SourceLocation("m.sql", 3, 10)));
    }
}
