using Xform.Core.Templating;

namespace Xform.Core.Tests.TemplatingTests;

public class SmokeTests
{
    [Test]
    public void Basic()
    {
        var e = new TemplateEngine(Array.Empty<TemplateSource>(), new[] { new TemplateSource("macros/m.sql", "{% macro f(a, b=90) %}[{{ a }}-{{ b }}]{% endmacro %}{% macro g(x) %}{{ return([x, x * 2]) }}{% endmacro %}") }, "duckdb");
        var t = e.Parse(new TemplateSource("models/a.sql", "{% set xs = [1, 2, 3] %}{% for x in xs %}{{ loop.index }}:{{ x }}{% if not loop.last %},{% endif %}{% endfor %} {{ f(1) }} {{ f(1, b=2) }} {{ g(3) }} {{ 'a' if xs else 'b' }} {{ none or 'z' }} {{ this }}\n"));
        TestContext.Out.WriteLine(t.GeneratedScript);
        var r = e.Render(t, new Dictionary<string, object?> { ["this"] = "main.a" });
        Assert.That(r, Is.EqualTo("1:1,2:2,3:3 [1-90] [1-2] [3, 6] a z main.a"));
    }
}
