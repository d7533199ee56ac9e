using Xform.Core.Parsing;
using Xform.Core.Templating;

namespace Xform.Core.Tests.Parsing;

/// <summary>
/// The macros a template depends on, read from its syntax tree: calls in Jinja expressions and statements
/// count; SQL text, comments and strings that only look like calls do not.
/// </summary>
public class MacroIndexTests
{
    static TemplateEngine Engine(params string[] names) => new([], [new TemplateSource("macros/m.sql",
        string.Concat(names.Select(n => $"{{% macro {n}(x=none) %}}x{{% endmacro %}}\n")))], "duckdb");

    static string Calls(string template, params string[] names)
    {
        var engine = Engine(names);
        var index = new MacroIndex(engine.Macros, "duckdb");
        return string.Join(" ", index.DirectCalls(engine.Parse(new TemplateSource("models/m.sql", template)).Calls));
    }

    [TestCase("{{ a() }} {{ b (2) }}", "a b")]
    [TestCase("{{ a(b()) }}", "a b")]
    [TestCase("{% set x = b() %}{% if _b() %}{{ x }}{% endif %}", "_b b")]
    [TestCase("{% call a() %}body{% endcall %}", "a")]
    [TestCase("{% for i in b() %}{{ i }}{% endfor %}", "b")]
    [TestCase("{{ x | default(a()) }} {{ [b()] }}", "a b")]
    [TestCase("{{ my_project.a9() }}", "a9")]
    [TestCase("select a(1), b (2) from t", "")]
    [TestCase("{# {{ a() }} #}select 1", "")]
    [TestCase("{{ 'a(' ~ \"b()\" }}", "")]
    [TestCase("{{ adapter.dispatch('d')() }} {{ adapter.dispatch(macro_name=\"e\") }}", "default__e duckdb__d")]
    public void Finds_the_macros_a_template_calls(string template, string expected) =>
        Assert.That(Calls(template, "a", "b", "_b", "a9", "duckdb__d", "default__d", "default__e"), Is.EqualTo(expected));

    [Test]
    public void AllCalls_adds_what_called_macros_call_once_each_in_order()
    {
        var engine = new TemplateEngine([], [new TemplateSource("macros/m.sql",
            "{% macro c() %}{{ a() }}{{ b() }}{% endmacro %}\n{% macro b() %}{{ a() }}{% endmacro %}\n{% macro a() %}x{% endmacro %}\n")], "duckdb");
        var index = new MacroIndex(engine.Macros, "duckdb");
        var reused = new List<string> { "stale" };
        index.AllCalls(engine.Parse(new TemplateSource("models/m.sql", "{{ c() }} {{ b() }}")).Calls, reused);
        Assert.That(reused, Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(index.AllCalls(engine.Parse(new TemplateSource("models/n.sql", "select 1")).Calls), Is.Empty);
    }

    [Test]
    public void A_macros_text_runs_from_its_tag_to_its_end_tag()
    {
        const string file = "-- helpers\n{%- macro a(x) -%}\n  {{ x }}\n{%- endmacro %}\n\n{% test t(model) %}select 1{% endtest %}\n";
        var engine = new TemplateEngine([], [new TemplateSource("macros/m.sql", file)], "duckdb");
        var index = new MacroIndex(engine.Macros, "duckdb");
        Assert.That(index.Sql("a"), Is.EqualTo("{%- macro a(x) -%}\n  {{ x }}\n{%- endmacro %}"));
        Assert.That(index.Sql("test_t"), Is.EqualTo("{% test t(model) %}select 1{% endtest %}"));
        Assert.That(index.File("a"), Is.EqualTo("macros/m.sql"));
    }
}
