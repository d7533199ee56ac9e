using Xform.Core.Diagnostics;
using Xform.Core.Templating;

namespace Xform.Core.Tests.TemplatingTests;

/// <summary>
/// Templates of text and constant calls run as segments, without a Scriban tree (<see cref="DirectTemplate"/>): each must
/// print, or fail with, exactly what its Scriban translation does.
/// </summary>
public class DirectTemplateTests
{
    const string Macros = """
        {% macro cents(col, scale=2) %}round({{ col }} / 100.0, {{ scale }}){% endmacro %}
        {% macro trimmed(col) -%}
            trim({{ col }})
        {%- endmacro %}
        {% macro answer() %}{{ return({'a': [1, 2.5, none, true], 'b': 'x'}) }}{% endmacro %}
        {% macro nothing() %}{{ return(none) }}{% endmacro %}
        {% macro fails(why) %}{{ exceptions.raise_compiler_error('failed: ' ~ why) }}{% endmacro %}
        {% macro undefined_inside() %}{{ no_such_name }}{% endmacro %}
        {% macro loud(x) %}{{ x | upper }}{% endmacro %}
        {% macro show(x) %}{{ x }}|{{ x | length }}{% endmacro %}
        {% macro grow(xs) %}{% do xs.append(1) %}{{ xs }}{% endmacro %}
        {% macro keys(d) %}{{ d | dictsort }}{% endmacro %}
        """;

    static TemplateEngine NewEngine() =>
        new([], [new TemplateSource("macros/m.sql", Macros)], "duckdb") { Limits = TemplateLimits.Default with { MaxStringLength = 1000 } };

    /// <summary>The corpus's globals, with host functions that fail in each way a host function can.</summary>
    static Dictionary<string, object?> Globals()
    {
        var globals = CorpusSupport.Globals();
        globals["io_failure"] = (HostFunction)(_ => throw new IOException("disk gone"));
        // a callable the engine does not wrap (its own functions): Scriban reports its failure at the statement
        globals["raw_failure"] = new BuiltinFunction("raw_failure", (_, _) => throw new IOException("raw disk gone"));
        globals["user_error"] = (HostFunction)(_ => throw new XformException("a user error", new SourceLocation("models/elsewhere.sql", 7, 3)));
        globals["value_error"] = (HostFunction)(c => throw new JinjaError($"bad value {c.Get(0, "x")}"));
        globals["huge"] = (HostFunction)(_ => new string('x', 1001));
        return globals;
    }

    static readonly string[] DirectCases =
    [
        "select 1",
        "",
        "{{ config(materialized='table') }}\nselect * from {{ ref('orders') }} join {{ source('shop', 'items') }} using (id)",
        "{{ config(materialized='view', enabled=true, batch=1, ratio=0.5, none_value=none) }}select {{ cents('amount') }}, {{ cents('fee', scale=4) }} from t",
        "  {{- trimmed('name') -}}  \n  {{ trimmed(\"x\") }}",
        "{# a comment #}select {{ var('limit') }}, {{ var('missing', 7) }}, {{ var('missing', none) }}, {{ var('missing', 2.50) }}",
        "{% raw %}{{ not a call }}{% endraw %} {{ answer() }} {{ nothing() }}",
        "ünïcödé {{ ref('ünï') }} {{ loud('ß') }}\r\nline two",
        "{{ env_var('HOME_X', 'fallback') }} {{ is_incremental() }}",
        "{{ cents() }}",
        "{{ cents('a', 'b', 'c') }}",
        "{{ cents('a', nope=1) }}",
        "{{ fails('reason') }}",
        "select {{ undefined_inside() }}",
        "x\n\n  {{ no_such_macro('a') }}",
        "{{ centss('a') }}",
        "select 1,\n  {{ io_failure() }}",
        "select 1,\n  {{ raw_failure() }}",
        "line\n  {{ user_error() }}",
        "{{ value_error(3) }}",
        "{{ huge() }}",
        "{{ n(1) }}",
        "{{ config(materialized='incremental', unique_key=['a', 'b'], tags=('x', 'y'), meta={'owner': 'me', 'n': [1, 2.5]}) }}select 1",
        "{{ show([1, 2.5, 'a', none, true, [1, [2]], {'k': 'v'}, (1, 2)]) }} {{ show((3,)) }} {{ show({}) }} {{ show([]) }}",
        "{{ grow([0]) }} {{ grow([0]) }} {{ grow(xs=[]) }}",
        "{{ keys({'b': 1, 'a': [2], 'b': 3}) }}",
        "{{ cents(['a'], scale={'x': 1}) }}",
    ];

    static readonly string[] NotDirectCases =
    [
        "{{ ref(name) }}", "{{ n }}", "{% if flag %}x{% endif %}", "{{ config(tags=[name]) }}", "{{ config(meta={1: 'x'}) }}", "{{ ref('a').identifier }}", "{{ cents(*cols) }}", "{{ cents(**cfg) }}",
        "{{ adapter.dispatch('x')() }}", "{% set a = 1 %}{{ a }}", "{{ cents('a') | upper }}", "{{ cents('a') ~ 'b' }}",
    ];

    static IEnumerable<TestCaseData> Cases() => DirectCases.Select((t, i) => new TestCaseData(t).SetName($"Direct template {i}: {Name(t)}"));

    static IEnumerable<TestCaseData> CorpusCases() =>
        CorpusSupport.ReadSections(Path.Combine(CorpusSupport.Dir, "cases.txt")).Select(c => new TestCaseData(c.Text).SetName($"Direct or not: corpus {c.Name}"));

    static string Name(string text) => text.Length > 40 ? text[..40].ReplaceLineEndings(" ") : text.ReplaceLineEndings(" ");

    [TestCaseSource(nameof(Cases))]
    public void Renders_and_fails_as_its_scriban_translation(string text)
    {
        var (direct, scriban) = BothForms(text);
        Assert.That(direct, Is.Not.Null, "the case should run directly");
        AssertSame(text, direct!, scriban, NewEngine());
    }

    /// <summary>Every corpus template that qualifies runs the same both ways (against Jinja2 itself in DifferentialTests).</summary>
    [TestCaseSource(nameof(CorpusCases))]
    public void Corpus_templates_render_the_same_both_ways(string text)
    {
        var (direct, scriban) = BothForms(text);
        if (direct is null) Assert.Pass("not a direct template");
        AssertSame(text, direct, scriban, CorpusSupport.NewEngine());
    }

    [Test]
    public void Enough_of_the_corpus_runs_directly()
    {
        var direct = CorpusSupport.ReadSections(Path.Combine(CorpusSupport.Dir, "cases.txt")).Count(c => BothForms(c.Text).Direct is not null);
        Assert.That(direct, Is.GreaterThanOrEqualTo(5), "the corpus comparison would check almost nothing");
    }

    [TestCaseSource(nameof(NotDirectCases))]
    public void Anything_else_runs_through_scriban(string text) => Assert.That(BothForms(text).Direct, Is.Null);

    [Test]
    public void A_parsed_model_of_text_and_constant_calls_is_direct_and_renders()
    {
        var engine = NewEngine();
        var template = engine.Parse(new TemplateSource("models/m.sql", "{{ config(materialized='table') }}select {{ cents('a') }} from {{ ref('x') }}"));
        Assert.That(template.TakeUnit().Direct, Is.Not.Null);
        Assert.That(engine.Render(template, Globals()), Is.EqualTo("select round(a / 100.0, 2) from \"main\".\"x\""));
        // the second render translates again: still direct
        Assert.That(template.TakeUnit().Direct, Is.Not.Null);
    }

    static (Unit? Direct, Unit Scriban) BothForms(string text)
    {
        var src = new SourceText("models/m.sql", SourceText.Normalize(text));
        var body = JinjaParser.Parse(src);
        return (DirectTemplate.TryCompile(src, body), new ScribanEmitter(src).CompileTemplate(body));
    }

    static void AssertSame(string text, Unit direct, Unit scriban, TemplateEngine engine)
    {
        var source = new TemplateSource("models/m.sql", text);
        var viaScriban = Outcome(() => engine.Render(scriban, source, Globals()));
        var viaDirect = Outcome(() => engine.Render(direct, source, Globals()));
        Assert.That(viaDirect, Is.EqualTo(viaScriban), $"template: {text}");
        // a second render of the same unit: nothing a call was given (a list it changed) is left over from the first
        Assert.That(Outcome(() => engine.Render(direct, source, Globals())), Is.EqualTo(viaScriban), $"second render of: {text}");
    }

    /// <summary>What a render gave: its text, or its error's type, place and message.</summary>
    static string Outcome(Func<string> render)
    {
        try
        {
            return "ok: " + render();
        }
        catch (XformException e)
        {
            return $"{e.GetType().Name} at {e.Location}: {e.Message}";
        }
    }
}
