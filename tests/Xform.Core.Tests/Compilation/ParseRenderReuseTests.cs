using Xform.Core.Compilation;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Tests.Compilation;

/// <summary>
/// A model's parse-render output serves as its compiled SQL only where a compile would render the same: each case is
/// compiled both ways (the parse's output offered, and not) and must give the same SQL.
/// </summary>
public class ParseRenderReuseTests : TempFolderTest
{
    [SetUp]
    public void SetUp()
    {
        Write("project.yml", "name: proj\nprofile: proj\n");
        Write("models/a.sql", "{{ config(materialized='table') }}select 1 as id");
        Write("models/reads_a.sql", "select * from {{ ref('a') }} -- {{ var('note', 'none') }} {{ cents('id') }}");
        Write("models/renamed.sql", "{{ config(alias='other_name') }}select '{{ this }}' as t");
        Write("models/reads_renamed.sql", "select * from {{ ref('renamed') }}");
        Write("models/prints_this.sql", "select '{{ this }}' as t, '{{ this.identifier }}' as i");
        Write("models/executes.sql", "{% if execute %}select 2 as id{% else %}select 1 as id{% endif %}");
        Write("models/gets_config.sql", "{{ config(materialized='table') }}select '{{ config.get(\"materialized\") }}' as m");
        Write("models/incremental.sql", "{{ config(materialized='incremental') }}select 1 as id{% if is_incremental() %} where false{% endif %}");
        Write("models/names_model.sql", "select '{% if model is defined %}{{ model.unique_id }}{% else %}none{% endif %}' as id");
        Write("models/inlined.sql", "{{ config(materialized='ephemeral') }}select 1 as id");
        Write("models/reads_inlined.sql", "select * from {{ ref('inlined') }}");
        Write("models/reads_source.sql", "select * from {{ source('raw', 'orders') }}");
        Write("models/reads_landing.sql", "select * from {{ source('landing', 'orders') }}");
        Write("models/reads_the_db.sql", "{% set r = run_query('select 1') %}select 1 as id");
        Write("models/sources.yml", "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n" +
                                    "  - name: landing\n    schema: lake\n    tables:\n      - name: orders\n        identifier: orders_v2\n");
        Write("macros/cents.sql", "{% macro cents(x) %}{{ x }} / 100{% endmacro %}");
        // what a macro reads counts as the model's render's
        Write("macros/when.sql", "{% macro when_run() %}{% if execute %}run{% else %}parse{% endif %}{% endmacro %}" +
                                 "{% macro its_materialization() %}{{ config.get('materialized') }}{% endmacro %}");
        Write("models/macro_executes.sql", "select '{{ when_run() }}' as m");
        Write("models/macro_gets_config.sql", "{{ config(materialized='table') }}select '{{ its_materialization() }}' as m");
    }

    LoadedProject Load() => TestManifests.Load(Dir);

    [Test]
    public void A_parse_render_is_the_compiled_sql_only_where_a_compile_renders_the_same()
    {
        var project = Load();
        var graph = DependencyGraph.Build(project.Manifest);
        var offered = new Compiler(project, graph);
        var rendered = new Compiler(project with { ParseOutputs = new Dictionary<string, string>() }, graph);
        var nodes = graph.Manifest.Nodes;
        var models = nodes.Values.Where(n => n.ResourceType == ResourceType.Model && n.Materialized != "ephemeral").ToList();
        foreach (var node in models.Where(n => n.Name != "reads_the_db"))
            Assert.That(offered.Compile(node).Sql, Is.EqualTo(rendered.Compile(node).Sql), node.Name);

        // what the parse kept: renders that read nothing a compile answers otherwise, their own relation unmoved
        Assert.That(project.ParseOutputs.Keys.Select(id => id["model.proj.".Length..]).Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "a", "inlined", "prints_this", "reads_a", "reads_inlined", "reads_landing", "reads_renamed", "reads_source",
        }));
        // and the compile takes of those only the ones whose refs and sources are read by their placeholders' names
        Assert.That(offered.Compile(nodes["model.proj.reads_a"]).Sql, Is.EqualTo("select * from \"main\".\"a\" -- none id / 100"));
        Assert.That(offered.Compile(nodes["model.proj.reads_renamed"]).Sql, Is.EqualTo("select * from \"main\".\"other_name\""));
        Assert.That(offered.Compile(nodes["model.proj.reads_landing"]).Sql, Is.EqualTo("select * from \"lake\".\"orders_v2\""));
        Assert.That(offered.Compile(nodes["model.proj.reads_inlined"]).Sql, Does.StartWith("with __dbt__cte__inlined as ("));
        Assert.That(offered.Compile(nodes["model.proj.renamed"]).Sql, Is.EqualTo("select '\"main\".\"other_name\"' as t"));
        Assert.That(offered.Compile(nodes["model.proj.executes"]).Sql, Is.EqualTo("select 2 as id"));
        Assert.That(offered.Compile(nodes["model.proj.gets_config"]).Sql, Is.EqualTo("select 'table' as m"));
        Assert.That(offered.Compile(nodes["model.proj.incremental"], isIncremental: true).Sql, Is.EqualTo("select 1 as id where false"));
        Assert.That(offered.Compile(nodes["model.proj.names_model"]).Sql, Is.EqualTo("select 'model.proj.names_model' as id"));
        Assert.That(offered.Compile(nodes["model.proj.macro_executes"]).Sql, Is.EqualTo("select 'run' as m"));
        Assert.That(offered.Compile(nodes["model.proj.macro_gets_config"]).Sql, Is.EqualTo("select 'table' as m"));
    }

    [Test]
    public void A_ref_deferred_to_another_state_is_rendered_and_the_others_are_not()
    {
        var project = Load();
        var graph = DependencyGraph.Build(project.Manifest);
        var deferred = new Dictionary<string, RelationName> { ["model.proj.a"] = new(null, "prod", "a") };
        var compiler = new Compiler(project, graph, null, deferred);
        Assert.That(compiler.Compile(graph.Manifest.Nodes["model.proj.reads_a"]).Sql, Is.EqualTo("select * from \"prod\".\"a\" -- none id / 100"));
        Assert.That(compiler.Compile(graph.Manifest.Nodes["model.proj.reads_source"]).Sql, Is.EqualTo("select * from \"raw\".\"orders\""));
        Assert.That(compiler.FromParse, Is.EqualTo(1), "reads_source, whose source no state replaces");
    }

    [Test]
    public void A_var_whose_template_reads_the_clock_keeps_every_render()
    {
        Write("project.yml", "name: proj\nprofile: proj\nvars:\n  note: \"{{ modules.datetime.datetime.now().microsecond }}\"\n");
        var project = Load();
        Assert.That(project.Session.ReadVolatile, Is.True);
        var graph = DependencyGraph.Build(project.Manifest);
        var node = graph.Manifest.Nodes["model.proj.reads_a"];
        Assert.That(project.ParseOutputs, Does.ContainKey(node.UniqueId), "the render itself read only var()");
        Assert.That(new Compiler(project, graph).Compile(node).Sql, Is.Not.EqualTo(project.ParseOutputs[node.UniqueId]),
            "rendered again: the var's template reads the clock again");
    }
}
