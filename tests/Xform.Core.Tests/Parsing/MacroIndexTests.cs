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
        var index = new MacroIndex(engine);
        return string.Join(" ", index.DirectCalls(engine.Parse(new TemplateSource("models/m.sql", template)).Calls, null)).Replace("root.", "");
    }

    [TestCase("{{ a() }} {{ b (2) }}", "a b")]
    [TestCase("{{ a(b()) }}", "a b")]
    [TestCase("{% set x = b() %}{% if _b() %}{{ x }}{% endif %}", "_b b")]
    [TestCase("{% call a() %}body{% endcall %}", "a")]
    [TestCase("{% for i in b() %}{{ i }}{% endfor %}", "b")]
    [TestCase("{{ x | default(a()) }} {{ [b()] }}", "a b")]
    [TestCase("{{ root.a9() }}", "a9")]
    [TestCase("{{ other.a9() }}", "")]
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
        var index = new MacroIndex(engine);
        var reused = new List<string> { "stale" };
        index.AllCalls(engine.Parse(new TemplateSource("models/m.sql", "{{ c() }} {{ b() }}")).Calls, null, reused);
        Assert.That(reused, Is.EqualTo(new[] { "root.a", "root.b", "root.c" }));
        Assert.That(index.AllCalls(engine.Parse(new TemplateSource("models/n.sql", "select 1")).Calls, null), Is.Empty);
    }

    [Test]
    public void Calls_resolve_as_a_render_would_from_the_callers_package_and_every_packages_macros_are_listed()
    {
        var engine = new TemplateEngine([
            new MacroPackage("dbt", MacroPackageKind.Internal, [new TemplateSource("<xform>/m.sql", "{% macro cast(x) %}x{% endmacro %}{% macro default__d() %}i{% endmacro %}")]),
            new MacroPackage("shop", MacroPackageKind.Root, [new TemplateSource("macros/m.sql", "{% macro helper() %}{{ cast(1) }}{% endmacro %}{% macro default__d() %}r{% endmacro %}")]),
            new MacroPackage("utils", MacroPackageKind.Installed, [new TemplateSource("dbt_packages/utils/macros/u.sql",
                "{% macro helper() %}{{ utils.star() }}{% endmacro %}{% macro star() %}{{ adapter.dispatch('d', 'utils')() }}{% endmacro %}{% macro default__d() %}u{% endmacro %}")]),
        ], "duckdb");
        var index = new MacroIndex(engine);
        Assert.That(index.Keys.Order(), Is.EqualTo(new[] { "dbt.cast", "dbt.default__d", "shop.default__d", "shop.helper", "utils.default__d", "utils.helper", "utils.star" }));
        var calls = engine.Parse(new TemplateSource("models/m.sql", "{{ helper() }}")).Calls;
        Assert.That(index.AllCalls(calls, "shop"), Is.EqualTo(new[] { "dbt.cast", "shop.helper" }), "the root project's helper");
        // In the package its own helper comes first; dispatch to the utils namespace: the root project's override wins, as in dbt.
        Assert.That(index.AllCalls(calls, "utils"), Is.EqualTo(new[] { "shop.default__d", "utils.helper", "utils.star" }));
    }

    [Test]
    public void A_macros_text_runs_from_its_tag_to_its_end_tag()
    {
        const string file = "-- helpers\n{%- macro a(x) -%}\n  {{ x }}\n{%- endmacro %}\n\n{% test t(model) %}select 1{% endtest %}\n";
        var engine = new TemplateEngine([], [new TemplateSource("macros/m.sql", file)], "duckdb");
        var index = new MacroIndex(engine);
        Assert.That(index.Sql("root.a"), Is.EqualTo("{%- macro a(x) -%}\n  {{ x }}\n{%- endmacro %}"));
        Assert.That(index.Sql("root.test_t"), Is.EqualTo("{% test t(model) %}select 1{% endtest %}"));
        Assert.That(index.File("root.a"), Is.EqualTo("macros/m.sql"));
    }
}
