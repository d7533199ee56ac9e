using System.Collections.Concurrent;
using System.Diagnostics;
using Xform.Core.Diagnostics;
using Xform.Core.Templating;

namespace Xform.Core.Tests.TemplatingTests;

public class TemplateEngineTests
{
    private const string MacroFile = "macros/money.sql";

    private static readonly string MacroText = string.Join("\n",
        "{% macro cents_to_dollars(column_name, scale=2) %}",
        "  ({{ column_name }} / 100)::numeric(16, {{ scale }})",
        "{% endmacro %}",
        "",
        "{% macro broken(x) %}",
        "  {{ x }} {{ no_such_thing }}",
        "{% endmacro %}",
        "{% macro raiser(msg) %}",
        "  {{ exceptions.raise_compiler_error('bad: ' ~ msg) }}",
        "{% endmacro %}",
        "{% macro pick(values, i=0) %}{{ return(values[i]) }}{% endmacro %}",
        "{% macro as_dict(k) %}{{ return({'key': k, 'n': 1}) }}{% endmacro %}",
        "{% macro sum_to(n) %}{% if n <= 0 %}{{ return(0) }}{% endif %}{{ return(n + sum_to(n - 1)) }}{% endmacro %}",
        "{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}");

    private static TemplateEngine Engine(string adapter = "duckdb", params TemplateSource[] internalMacros) =>
        new(internalMacros, new[] { new TemplateSource(MacroFile, MacroText) }, adapter);

    private sealed class Target : ITemplateObject
    {
        public bool TryGetMember(string name, out object? value)
        {
            value = name switch { "name" => "dev", "schema" => "analytics", "type" => "duckdb", "threads" => 4, _ => null };
            return value != null;
        }

        public override string ToString() => "target(dev)";
    }

    /// <summary>dbt's config: callable (config(materialized='table')) and with members (config.get('k', d)).</summary>
    private sealed class Config : ITemplateCallable, ITemplateObject
    {
        public readonly Dictionary<string, object?> Values = new();

        public object? Invoke(TemplateCall call)
        {
            foreach (var (k, v) in call.Kwargs) Values[k] = v;
            return "";
        }

        public bool TryGetMember(string name, out object? value)
        {
            value = name == "get" ? (HostFunction)(c => Values.TryGetValue((string)c.Get(0, "name")!, out var v) ? v : c.Get(1, "default")) : null;
            return value != null;
        }
    }

    private static Dictionary<string, object?> Globals(Config? config = null) => new()
    {
        ["ref"] = (HostFunction)(c => $"main.{c.Get(0, "name")}"),
        ["var"] = (HostFunction)(c => c.Get(1, "default")),
        ["config"] = config ?? new Config(),
        ["target"] = new Target(),
        ["this"] = new CorpusSupport.Relation("main", "orders"),
        ["exceptions"] = new Dictionary<string, object?>
        {
            ["raise_compiler_error"] = (HostFunction)(c => throw c.Error((string)c.Get(0, "msg")!)),
        },
        ["log"] = (HostFunction)(c => ""),
    };

    private static string Render(TemplateEngine e, string text, Dictionary<string, object?>? globals = null, string path = "models/m.sql") =>
        e.Render(e.Parse(new TemplateSource(path, text)), globals ?? Globals());

    private static XformException RenderError(TemplateEngine e, string text, string path = "models/m.sql") =>
        Assert.Throws<XformException>(() => Render(e, text, path: path))!;

    [TestCase("line\n", "line")]
    [TestCase("line\n\n", "line\n")]
    [TestCase("\n", "")]
    [TestCase("{{ 'x' }}\n", "x")]
    [TestCase("{{ 'x' -}}\n\n", "x")]
    [TestCase("a {{- ' b' }}\n", "a b")]
    [TestCase("{% raw %}y{% endraw %}\n", "y")]
    [TestCase("{# note #}\n", "")]
    [TestCase("{% if true %}a{% endif %}\n{% if true %}b{% endif %}\n", "a\nb")]
    [TestCase("{{ 'x' }}\r\n", "x")]
    [TestCase("a\r\nb\r\n\r\n", "a\nb\n")]
    [TestCase("a\rb\n", "a\nb")]
    public void One_trailing_newline_of_a_file_is_dropped_as_Jinja_drops_it(string text, string expected)
    {
        // dbt leaves keep_trailing_newline off. A file without carriage returns keeps its text (the newline lies past the
        // template's end) and one with them is normalised first: both must render as Jinja2 does.
        Assert.That(Render(Engine(), text), Is.EqualTo(expected));
    }

    [Test]
    public void An_error_at_the_end_of_a_file_with_a_trailing_newline_points_into_its_last_line()
    {
        var error = RenderError(Engine(), "select 1\n{{ 'unterminated }}\n");
        Assert.That(error.Location.Line, Is.EqualTo(2));
        Assert.That(error.Message, Does.Contain("unterminated string literal"));
        var tag = RenderError(Engine(), "select 1\n{% if true %}x\n");
        Assert.That(tag.Location.Line, Is.EqualTo(2), tag.Message);
    }

    [TestCase("{{ x. 'a' }}", "but found ''a''")]
    [TestCase("{{ x. \"a b\" }}", "but found '\"a b\"'")]
    [TestCase("{{ x. 'it\\'s' }}", "but found ''it\\'s''")]
    [TestCase("{% for i 'in' [1] %}{% endfor %}", "expected 'in' in 'for' but found ''in''")]
    public void A_string_literal_in_the_wrong_place_is_named_as_written(string text, string expected)
    {
        Assert.That(RenderError(Engine(), text).Message, Does.Contain(expected));
    }

    // Macros ----------------------------------------------------------------------------------------

    [Test]
    public void A_name_set_only_in_a_branch_not_taken_reads_as_dbt_reads_it()
    {
        // dbt renders with Jinja's default Undefined: such a name prints empty, is false, not defined, iterates as
        // nothing (expected text produced by Python's Jinja2 with its default Undefined). dbt-utils' generic tests
        // print a variable set only when group_by_columns is given.
        var text = "{% if false %}{% set x = 'a' %}{% endif %}[{{ x }}] {{ x is defined }} {{ 'yes' if x else 'no' }} <{% for c in x %}{{ c }}{% endfor %}> {{ x is none }}";
        Assert.That(Render(Engine(), text), Is.EqualTo("[] False no <> False"));
        var typo = Assert.Throws<XformException>(() => Render(Engine(), "{% set total = 1 %}{{ totl }}"))!;
        Assert.That(typo.Message, Does.Contain("'totl' is undefined"), "a name the template never sets is still an error");
    }

    [Test]
    public void MacrosAreRegisteredWithParametersAndLocations()
    {
        var e = Engine();
        Assert.That(e.Macros["cents_to_dollars"].Parameters, Is.EqualTo(new[] { "column_name", "scale" }));
        Assert.That(e.Macros["cents_to_dollars"].Location, Is.EqualTo(new SourceLocation(MacroFile, 1, 4)));
        Assert.That(e.Macros["test_positive"].IsTest, Is.True);
        Assert.That(e.Macros["test_positive"].Parameters, Is.EqualTo(new[] { "model", "column_name" }));
        Assert.That(e.Macros["pick"].IsInternal, Is.False);
    }

    [Test]
    public void ProjectMacrosOverrideInternalOnes()
    {
        var e = Engine("duckdb", new TemplateSource("internal/m.sql", "{% macro cents_to_dollars(c) %}internal{% endmacro %}{% macro only_internal() %}int{% endmacro %}"));
        Assert.That(Render(e, "{{ cents_to_dollars('x') | trim }}|{{ only_internal() }}"), Is.EqualTo("(x / 100)::numeric(16, 2)|int"));
        Assert.That(e.Macros["only_internal"].IsInternal, Is.True);
        Assert.That(e.Macros["cents_to_dollars"].IsInternal, Is.False);
    }

    [Test]
    public void DuplicateProjectMacrosAndParseErrorsAreReportedTogether()
    {
        var ex = Assert.Throws<XformAggregateException>(() => new TemplateEngine(Array.Empty<TemplateSource>(), new[]
        {
            new TemplateSource("macros/a.sql", "{% macro dup() %}a{% endmacro %}"),
            new TemplateSource("macros/b.sql", "\n{% macro dup() %}b{% endmacro %}"),
            new TemplateSource("macros/c.sql", "{% macro bad( %}{% endmacro %}"),
            new TemplateSource("macros/d.sql", "{% macro ok() %}{{ x | nosuchfilter }}{% endmacro %}"),
        }, "duckdb"))!;
        Assert.That(ex.Errors.Select(x => x.Format()), Is.EqualTo(new[]
        {
            "macros/b.sql:2:4: error: macro 'dup' is defined twice: at macros/a.sql:1:4 and at macros/b.sql:2:4",
            "macros/c.sql:1:15: error: expected a parameter name but found end of tag '%}'",
            "macros/d.sql:1:24: error: filter 'nosuchfilter' is not supported by xform's Jinja subset",
        }));
    }

    [Test]
    public void CallMacroReturnsReturnValuesOrText()
    {
        var e = Engine();
        var g = Globals();
        Assert.That(e.CallMacro("pick", new object?[] { new List<object?> { "a", "b" } }, new Dictionary<string, object?> { ["i"] = 1 }, g), Is.EqualTo("b"));
        Assert.That(e.CallMacro("as_dict", new object?[] { "k1" }, new Dictionary<string, object?>(), g),
            Is.EqualTo(new Dictionary<string, object?> { ["key"] = "k1", ["n"] = 1L }));
        Assert.That(e.CallMacro("sum_to", new object?[] { 4 }, new Dictionary<string, object?>(), g), Is.EqualTo(10L));
        Assert.That(e.CallMacro("test_positive", Array.Empty<object?>(),
                new Dictionary<string, object?> { ["model"] = new CorpusSupport.Relation("main", "orders"), ["column_name"] = "amount" }, g),
            Is.EqualTo("select * from \"main\".\"orders\" where amount < 0"));
        Assert.That(e.CallMacro("cents_to_dollars", new object?[] { "c" }, new Dictionary<string, object?>(), g),
            Is.EqualTo("\n  (c / 100)::numeric(16, 2)\n"));
    }

    [Test]
    public void CallMacroReportsBadArguments()
    {
        var e = Engine();
        var ex = Assert.Throws<XformException>(() => e.CallMacro("cents_to_dollars", new object?[] { 1, 2, 3 }, new Dictionary<string, object?>(), Globals()))!;
        Assert.That(ex.Message, Is.EqualTo("macro 'cents_to_dollars' takes 1 to 2 arguments but was called with 3"));
        var ex2 = Assert.Throws<XformException>(() => e.CallMacro("nope", Array.Empty<object?>(), new Dictionary<string, object?>(), Globals()))!;
        Assert.That(ex2.Message, Is.EqualTo("macro 'nope' is not defined"));
    }

    // Host objects ----------------------------------------------------------------------------------

    [Test]
    public void HostFunctionsGetPositionalAndKeywordArguments()
    {
        var e = Engine();
        TemplateCall? seen = null;
        var g = Globals();
        g["probe"] = (HostFunction)(c => { seen = c; return c.Args.Count; });
        Assert.That(Render(e, "x\n  {{ probe(1, 'two', [3], flag=true, n=none) }}", g), Is.EqualTo("x\n  3"));
        Assert.That(seen!.Args, Is.EqualTo(new object?[] { 1L, "two", new List<object?> { 3L } }));
        Assert.That(seen.Kwargs, Is.EqualTo(new Dictionary<string, object?> { ["flag"] = true, ["n"] = null }));
        Assert.That(seen.Location, Is.EqualTo(new SourceLocation("models/m.sql", 2, 6)));
    }

    [Test]
    public void TemplateObjectsAndCallablesWork()
    {
        var e = Engine();
        var config = new Config();
        var g = Globals(config);
        var text = "{{ config(materialized='incremental', unique_key='id') }}{{ config.get('materialized') }} {{ config.get('missing', 'dflt') }} {{ target.schema }} {{ target.threads + 1 }} {{ target }} {{ this }} {{ this.identifier }} {{ 'from ' ~ this }}";
        Assert.That(Render(e, text, g), Is.EqualTo("incremental dflt analytics 5 target(dev) \"main\".\"orders\" orders from \"main\".\"orders\""));
        Assert.That(config.Values["unique_key"], Is.EqualTo("id"));
    }

    [Test]
    public void ThisCanBeUsedEverywhere()
    {
        var e = Engine();
        Assert.That(Render(e, "{% set t = this %}{% if this %}{{ t }}{% endif %}{% macro m(x) %}{{ x.schema }}{% endmacro %} {{ m(this) }} {{ this is defined }}"),
            Is.EqualTo("\"main\".\"orders\" main True"));
    }

    [Test]
    public void DispatchResolvesAdapterThenDefault()
    {
        var macros = new TemplateSource("internal/d.sql",
            "{% macro default__dateadd(d) %}default({{ d }}){% endmacro %}{% macro postgres__dateadd(d) %}pg({{ d }}){% endmacro %}");
        Assert.That(Render(Engine("postgres", macros), "{{ adapter.dispatch('dateadd')('x') }}"), Is.EqualTo("pg(x)"));
        Assert.That(Render(Engine("duckdb", macros), "{{ adapter.dispatch('dateadd', 'dbt')('x') }}"), Is.EqualTo("default(x)"));
        var ex = RenderError(Engine("duckdb", macros), "a\n{{ adapter.dispatch('nothing')() }}");
        Assert.That(ex.Format(), Is.EqualTo("models/m.sql:2:12: error: adapter.dispatch('nothing') found no implementation: tried macros 'duckdb__nothing' and 'default__nothing'"));
    }

    // Errors at render time -------------------------------------------------------------------------

    [Test]
    public void UndefinedVariableIsAnErrorAtItsPosition()
    {
        var ex = RenderError(Engine(), "select\n  {{ colums }}", "models/orders.sql");
        Assert.That(ex.Format(), Is.EqualTo("models/orders.sql:2:6: error: 'colums' is undefined"));
        var ex2 = RenderError(Engine(), "{{ targt.schema }}");
        Assert.That(ex2.Message, Is.EqualTo("'targt' is undefined. Did you mean 'target'?"));
        // a runaway name (a whole pasted line) is quoted by its start and length
        var ex3 = RenderError(Engine(), "{{ " + new string('c', 100_000) + " }}");
        Assert.That(ex3.Message, Is.EqualTo($"'{new string('c', 60)}... (100,000 characters)' is undefined"));
    }

    [Test]
    public void MissingAttributeIsAnError()
    {
        var ex = RenderError(Engine(), "{{ target.nope }}");
        Assert.That(ex.Format(), Is.EqualTo("models/m.sql:1:11: error: 'Target' object has no attribute 'nope'"));
        var ex2 = RenderError(Engine(), "{% set d = {'a': 1} %}\n{{ d.b }}");
        Assert.That(ex2.Format(), Is.EqualTo("models/m.sql:2:6: error: dict has no key or attribute 'b'"));
    }

    [Test]
    public void ErrorsInsideMacrosPointAtTheMacroFile()
    {
        var ex = RenderError(Engine(), "select 1\n{{ broken(1) }}");
        Assert.That(ex.Format(), Is.EqualTo("macros/money.sql:6:14: error: 'no_such_thing' is undefined (in macro 'broken')"));
    }

    [Test]
    public void RaiseCompilerErrorPointsAtTheCall()
    {
        var ex = RenderError(Engine(), "{{ raiser('boom') }}");
        Assert.That(ex.Format(), Is.EqualTo("macros/money.sql:9:17: error: bad: boom (in macro 'raiser')"));
        var ex2 = RenderError(Engine(), "\n\n   {{ exceptions.raise_compiler_error('direct') }}");
        Assert.That(ex2.Format(), Is.EqualTo("models/m.sql:3:18: error: direct"));
    }

    [Test]
    public void HostFunctionExceptionsGetTheTemplatePosition()
    {
        var g = Globals();
        g["ref"] = (HostFunction)(c => throw new XformException("model 'x' not found"));
        g["boom"] = (HostFunction)(c => throw new InvalidOperationException("kaput"));
        var e = Engine();
        var ex = Assert.Throws<XformException>(() => Render(e, "select * from {{ ref('x') }}", g))!;
        Assert.That(ex.Format(), Is.EqualTo("models/m.sql:1:18: error: model 'x' not found"));
        var ex2 = Assert.Throws<XformException>(() => Render(e, "{{ boom() }}", g))!;
        Assert.That(ex2.Format(), Is.EqualTo("models/m.sql:1:4: error: 'boom' failed: kaput"));
    }

    [Test]
    public void MacroArgumentErrors()
    {
        var e = Engine();
        Assert.That(RenderError(e, "{{ cents_to_dollars(1, 2, 3) }}").Format(),
            Is.EqualTo("models/m.sql:1:4: error: macro 'cents_to_dollars' takes 1 to 2 arguments but was called with 3"));
        Assert.That(RenderError(e, "{{ cents_to_dollars(1, scael=2) }}").Message,
            Is.EqualTo("macro 'cents_to_dollars' has no argument named 'scael'. Did you mean 'scale'?"));
        // As in Jinja, a left-out argument is undefined (prints empty), not an error.
        Assert.That(Render(e, "{{ cents_to_dollars(scale=3) | trim }}"), Is.EqualTo("( / 100)::numeric(16, 3)"));
        Assert.That(RenderError(e, "{{ cents_to_dollars(1, column_name=2) }}").Message,
            Is.EqualTo("macro 'cents_to_dollars' got multiple values for argument 'column_name'"));
        Assert.That(RenderError(e, "{{ nosuchmacro(1) }}").Message, Is.EqualTo("'nosuchmacro' is undefined"));
    }

    [Test]
    public void RuntimeTypeErrorsHavePositions()
    {
        var e = Engine();
        Assert.That(RenderError(e, "{{ 1 + 'a' }}").Format(), Is.EqualTo("models/m.sql:1:6: error: unsupported operand types for +: 'int' and 'str'"));
        Assert.That(RenderError(e, "{% for x in 5 %}{% endfor %}").Format(), Is.EqualTo("models/m.sql:1:13: error: 'int' object is not iterable"));
        Assert.That(RenderError(e, "{{ 1 / 0 }}").Format(), Is.EqualTo("models/m.sql:1:6: error: division by zero"));
    }

    [Test]
    public void UndefinedNamesAreErrorsOnlyWhenEvaluated()
    {
        var g = Globals();
        g["execute"] = false;
        var e = Engine();
        const string text = "{% macro never_called() %}{{ nope(1) }}{% endmacro %}"
                            + "{% if execute %}{{ some_undefined() }}{{ other.attr }}{% endif %}ok";
        Assert.That(Render(e, text, g), Is.EqualTo("ok"));
        g["execute"] = true;
        var ex = Assert.Throws<XformException>(() => Render(e, text, g))!;
        Assert.That(ex.Format(), Is.EqualTo("models/m.sql:1:73: error: 'some_undefined' is undefined"));
    }

    [Test]
    public void ErrorsOfMethodsFiltersAndTestsHavePositions()
    {
        var e = Engine();
        Assert.That(RenderError(e, "{% set xs = [] %}\n{{ xs.pop() }}").Format(), Is.EqualTo("models/m.sql:2:7: error: pop from empty list"));
        Assert.That(RenderError(e, "{{ 'a'.index('z') }}").Format(), Is.EqualTo("models/m.sql:1:8: error: substring not found"));
        Assert.That(RenderError(e, "{{ '{} {}'.format(1) }}").Format(), Is.EqualTo("models/m.sql:1:12: error: Replacement index 1 out of range for positional args tuple"));
        Assert.That(RenderError(e, "{{ '%d' % 'x' }}").Format(), Is.EqualTo("models/m.sql:1:9: error: %d format: a real number is required, not str"));
        Assert.That(RenderError(e, "{{ [1] | map('nope') | list }}").Format(), Is.EqualTo("models/m.sql:1:10: error: No filter named 'nope'."));
        Assert.That(RenderError(e, "{{ [1] | select('nope') | list }}").Format(), Is.EqualTo("models/m.sql:1:10: error: No test named 'nope'."));
        Assert.That(RenderError(e, "{{ range(200000) | length }}").Message, Is.EqualTo("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000)."));
        Assert.That(RenderError(e, "{{ nope is even }}").Format(), Is.EqualTo("models/m.sql:1:12: error: 'nope' is undefined"));
    }

    [Test]
    public void MutatingMethodsChangeTheHostsListsAndDictsOrSayTheyAreReadOnly()
    {
        var g = Globals();
        var list = new List<object?> { 1L };
        var dict = new Dictionary<string, object?> { ["a"] = 1L };
        g["xs"] = list;
        g["d"] = dict;
        g["fixed"] = new object?[] { 1L };
        Assert.That(Render(Engine(), "{% do xs.append(2) %}{% do d.update(b=2) %}{{ xs }} {{ d }} {{ fixed.index(1) }}", g), Is.EqualTo("[1, 2] {'a': 1, 'b': 2} 0"));
        Assert.That(list, Has.Count.EqualTo(2));
        Assert.That(dict, Contains.Key("b"));
        var ex = Assert.Throws<XformException>(() => Render(Engine(), "{% do fixed.append(2) %}", g))!;
        Assert.That(ex.Format(), Is.EqualTo("models/m.sql:1:13: error: this list is read-only: it cannot append()"));
    }

    [Test]
    public void UndefinedIsAllowedUnderDefinedNoneAndDefault()
    {
        Assert.That(Render(Engine(), "{{ x is defined }} {{ x is none }} {{ x | default('d') }} {{ target.nope is defined }} {{ x.y is defined if x is defined else 'guarded' }}"),
            Is.EqualTo("False False d False guarded"));
    }

    [Test]
    public void ReturnedValuesKeepTheirTypes()
    {
        Assert.That(Render(Engine(), "{% set v = pick([1, 2.5, none], 1) %}{{ v * 2 }} {{ pick([none]) is none }} {{ sum_to(4) }} {{ as_dict('a').key }}"),
            Is.EqualTo("5.0 True 10 a"));
    }

    // Scriban traps ---------------------------------------------------------------------------------

    [Test]
    public void LargeOutputIsNotTruncated()
    {
        var e = Engine();
        var line = new string('x', 99) + "\n";
        var text = "{% for i in range(30000) %}" + line + "{% endfor %}";
        var output = Render(e, text);
        Assert.That(output.Length, Is.EqualTo(3_000_000));
        Assert.That(output, Is.EqualTo(string.Concat(Enumerable.Repeat(line, 30000))));
        var big = new string('y', 2_500_000);
        var g = Globals();
        g["big"] = big;
        Assert.That(Render(e, "{% set s = big ~ big %}{{ s | length }} {{ (s ~ '!')[-1] }}", g), Is.EqualTo("5000000 !"));
        Assert.That(Render(e, "{{ big }}", g), Is.EqualTo(big));
    }

    [Test]
    public void LoopsOf100000IterationsRun()
    {
        var e = Engine();
        Assert.That(Render(e, "{% set ns = namespace(n=0) %}{% for i in range(100000) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"), Is.EqualTo("4999950000"));
        Assert.That(Render(e, "{% for i in range(400) %}{% for j in range(400) %}{% endfor %}{% endfor %}done"), Is.EqualTo("done"));
    }

    [Test]
    public void NoAutoIndent()
    {
        Assert.That(Render(Engine(), "    {{ 'a\nb' }}\n  {% set m = 'x\ny' %}{{ m }}"), Is.EqualTo("    a\nb\n  x\ny"));
    }

    [Test]
    public void MacroCallResultCanBeAssignedAndUsed()
    {
        Assert.That(Render(Engine(), "{% set s = cents_to_dollars('c') | trim %}[{{ s }}] {{ s | length }}"), Is.EqualTo("[(c / 100)::numeric(16, 2)] 25"));
    }

    [Test]
    public void ConcurrentRendersFrom8ThreadsAreIndependent()
    {
        var e = Engine();
        var t = e.Parse(new TemplateSource("models/c.sql",
            "{% set xs = [] %}{% for i in range(n) %}{% do xs.append(i) %}{% endfor %}{{ ref(name) }}:{{ xs | length }}:{{ cents_to_dollars(name) | trim }}:{{ sum_to(n) }}"));
        var failures = new ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 8).Select(ti => new Thread(() =>
        {
            for (var k = 0; k < 300; k++)
            {
                var n = (ti * 7 + k) % 50;
                var g = Globals();
                g["n"] = n;
                g["name"] = $"m{ti}_{k}";
                var expected = $"main.m{ti}_{k}:{n}:(m{ti}_{k} / 100)::numeric(16, 2):{n * (n + 1) / 2}";
                var got = e.Render(t, g);
                if (got != expected) failures.Add($"{expected} != {got}");
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.That(failures, Is.Empty);
    }

    // Docs ------------------------------------------------------------------------------------------

    [Test]
    public void ExtractDocsReturnsBlocksWithLocations()
    {
        var md = "# Docs\n\n{% docs orders %}\nOne row per **order**.\n{% enddocs %}\n\ntext\n{% docs customers %}Customers {{ 'x' }}{% enddocs %}\n";
        var docs = TemplateEngine.ExtractDocs(new TemplateSource("models/docs.md", md));
        Assert.That(docs, Is.EqualTo(new[]
        {
            new DocsBlock("orders", "\nOne row per **order**.\n", new SourceLocation("models/docs.md", 3, 4)),
            new DocsBlock("customers", "Customers {{ 'x' }}", new SourceLocation("models/docs.md", 8, 4)),
        }));
        var ex = Assert.Throws<XformException>(() => TemplateEngine.ExtractDocs(new TemplateSource("d.md", "{% docs a %}x")))!;
        Assert.That(ex.Format(), Is.EqualTo("d.md:1:4: error: unexpected end of template: 'docs' opened here was never closed (expected '{% enddocs %}')"));
    }

    [Test]
    public void ExtractDocsIgnoresTheMarkdownAroundTheBlocks()
    {
        // dbt reads only the docs blocks: a code sample with an unclosed "{{" or a stray tag outside them is Markdown.
        var md = "# Models\n\nUse `{{ ref('orders') ` like this, or {% if %}.\n{# {% docs hidden %}x{% enddocs %} #}\n" +
                 "{%- docs orders -%}\nOrders: `a * b`.\n{%- enddocs -%}\n\nAfter {{ nothing\n";
        var docs = TemplateEngine.ExtractDocs(new TemplateSource("models/overview.md", md));
        Assert.That(docs.Select(d => (d.Name, d.Text, d.Location.Line)), Is.EqualTo(new[] { ("orders", "\nOrders: `a * b`.\n", 5) }));

        string Error(string text) => Assert.Throws<XformException>(() => TemplateEngine.ExtractDocs(new TemplateSource("d.md", text)))!.Format();
        Assert.That(Error("{% docs a %}x{% docs b %}y{% enddocs %}"),
            Is.EqualTo("d.md:1:4: error: docs block 'a' is not closed before the next docs block (expected '{% enddocs %}')"));
        Assert.That(Error("text\n{% enddocs %}"), Is.EqualTo("d.md:2:4: error: 'enddocs' without a docs block before it"));
        Assert.That(Error("{% docs %}x{% enddocs %}"), Is.EqualTo("d.md:1:4: error: a docs block needs a name: {% docs name %}"));
        Assert.That(Error("{% docs a %}x{% enddocs %}\n{% docs a %}y{% enddocs %}"),
            Is.EqualTo("d.md:2:4: error: docs block 'a' is defined twice in this file (first at d.md:1:4)"));
    }

    [Test]
    public void DocsBlocksInTemplatesRenderNothing()
    {
        Assert.That(Render(Engine(), "a{% docs x %}hidden{% enddocs %}b"), Is.EqualTo("ab"));
    }

    // Performance (printed, never asserted) ----------------------------------------------------------

    [Test]
    public void PerformanceOf10000SmallModels()
    {
        var e = Engine();
        var sources = Enumerable.Range(0, 10_000).Select(i => new TemplateSource($"models/m{i}.sql",
            $"{{{{ config(materialized='table') }}}}\nselect o.id, {{{{ cents_to_dollars('o.amount') }}}} as amount\nfrom {{{{ ref('orders_{i}') }}}} o\njoin {{{{ ref('customers') }}}} c on c.id = o.customer_id\n")).ToList();
        var globals = Globals();
        var sw = Stopwatch.StartNew();
        var compiled = sources.AsParallel().Select(s => e.Parse(s)).ToList();
        var parse = sw.Elapsed;
        sw.Restart();
        var outputs = compiled.AsParallel().Select(t => e.Render(t, globals)).ToList();
        var render = sw.Elapsed;
        TestContext.Out.WriteLine($"{Environment.ProcessorCount} cores: parse 10,000 templates {parse.TotalMilliseconds:F0} ms, render {render.TotalMilliseconds:F0} ms");
        Assert.That(outputs[7], Does.Contain("from main.orders_7 o"));
    }
}
