namespace Xform.Cli.Tests;

/// <summary>dbt's context objects that read the database while a node compiles (issue 12, point 5).</summary>
public class DatabaseObjectsTests
{
    static TestProject Project()
    {
        var p = new TestProject();
        p.Write("seeds/colors.csv", "id,color,weight\n1,red,2.5\n2,blue,1.0\n3,green,4.0\n");
        p.Write("macros/star.sql", """
            {% macro my_star(relation, except=[]) -%}
                {%- set names = [] -%}
                {%- for col in adapter.get_columns_in_relation(relation) -%}
                    {%- if col.name not in except -%}{%- set _ = names.append(adapter.quote(col.name)) -%}{%- endif -%}
                {%- endfor -%}
                {{ names | join(', ') if names else '*' }}
            {%- endmacro %}
            """);
        p.Write("models/pivoted.sql", """
            {%- set colors = run_query("select color from " ~ ref('colors') ~ " order by id") -%}
            {%- set values = colors.columns[0].values() if execute else [] -%}
            select
            {%- for c in values %}
                sum(case when color = '{{ c }}' then weight end) as {{ c }}_weight{{ "," if not loop.last }}
            {%- endfor %}
            {%- if not values %} 1 as placeholder{% endif %}
            from {{ ref('colors') }}
            """);
        p.Write("models/starred.sql", "select {{ my_star(ref('colors'), except=['weight']) }} from {{ ref('colors') }}");
        p.Write("models/stated.sql", """
            -- depends_on: {{ ref('colors') }}
            {% call statement('max_id', fetch_result=True) -%}
                select max(id) as top, count(*) as n from {{ ref('colors') }}
            {%- endcall -%}
            {%- set result = load_result('max_id') -%}
            {%- set top = result['data'][0][0] if execute else 0 -%}
            {%- set rel = adapter.get_relation(database=none, schema=target.schema, identifier='colors') -%}
            {%- set missing = adapter.get_relation(database=none, schema=target.schema, identifier='no_such_table') -%}
            select {{ top }} as top_id, {{ result['table'].rows[0]['n'] if execute else 0 }} as n,
                   '{{ rel.identifier if rel else "none" }}' as found, '{{ missing is none }}' as missing_is_none,
                   '{{ api.Relation.create(schema='s', identifier='t') }}' as made, '{{ adapter.type() }}' as kind
            """);
        return p;
    }

    [Test]
    public void run_query_statement_load_result_and_adapter_read_the_database_while_compiling()
    {
        using var p = Project();
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select red_weight, blue_weight, green_weight from pivoted")[0], Is.EqualTo(new object?[] { 2.5, 1.0, 4.0 }).AsCollection,
            "run_query(...).columns[0].values(), in the seed's order");
        Assert.That(p.Query("select column_name from information_schema.columns where table_name = 'starred' order by ordinal_position").Select(x => x[0]),
            Is.EqualTo(new[] { "id", "color" }), "adapter.get_columns_in_relation, less the excepted column");
        Assert.That(p.Query("select top_id, n, found, missing_is_none, made, kind from stated")[0],
            Is.EqualTo(new object?[] { 3, 3L, "colors", "True", "\"s\".\"t\"", "duckdb" }).AsCollection);
    }

    [Test]
    public void While_parsing_execute_is_false_and_nothing_touches_the_database()
    {
        using var p = Project();
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Exists("target/test.duckdb"), Is.False);
    }

    [Test]
    public void Compile_connects_only_when_a_template_reads_the_database()
    {
        using var p = Project();
        Assert.That(p.Run("seed").ExitCode, Is.Zero);
        var r = p.Run("compile", "--select", "pivoted");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("target/compiled/proj/models/pivoted.sql"), Does.Contain("as green_weight"));
    }

    [Test]
    public void A_ref_the_parse_could_not_see_is_dbts_depends_on_error()
    {
        using var p = Project();
        p.Write("models/stated.sql", "{% if execute %}select * from {{ ref('colors') }}{% else %}select 1 as id{% endif %}");
        var r = p.Run("build", "--select", "stated");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.All, Does.Contain("models/stated.sql:1:34: error: xform could not infer all dependencies of stated: ref('colors') runs only while executing")
            .And.Contain("-- depends_on: {{ ref('colors') }}"));
    }

    [Test]
    public void A_relation_is_a_mapping_and_a_dict_key_as_dbts_relation_is()
    {
        using var p = new TestProject();
        // What dbt_utils' _is_relation and unpivot do with a relation.
        p.Write("models/a.sql", """
            {%- set d = {} -%}
            {%- do d.update({this: ['x']}) -%}
            select '{{ this is mapping }}' as is_mapping, '{{ this.get('metadata', {}).get('type', '') }}' as kind,
                   '{{ d[this][0] }}' as by_key, '{{ this.render() }}' as rendered, '{{ this.include(database=false) }}' as included
            """);
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select is_mapping, kind, by_key, rendered, included from a")[0],
            Is.EqualTo(new object?[] { "True", "BaseRelation", "x", "\"main\".\"a\"", "\"main\".\"a\"" }).AsCollection);
    }
    [Test]
    public void In_a_run_get_relation_answers_from_the_runs_relations_and_looks_up_only_what_it_does_not_hold()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\non-run-start:\n  - \"create table if not exists {{ target.schema }}.hook_made as select 1 as x\"\n");
        p.Write("seeds/colors.csv", "id,color\n1,red\n");
        p.Write("models/shown.sql", "{{ config(materialized='view') }} select * from {{ ref('colors') }}");
        const string probe = """
            {%- set seed = adapter.get_relation(database=none, schema=target.schema, identifier='colors') -%}
            {%- set view = adapter.get_relation(database=none, schema=target.schema, identifier='SHOWN') -%}
            {%- set hooked = adapter.get_relation(database=none, schema=target.schema, identifier='hook_made') -%}
            {%- set missing = adapter.get_relation(database=none, schema=target.schema, identifier='nothing_here') -%}
            """;
        p.Write("models/probe.sql", probe + """
            select '{{ seed.type if seed }}' as seed, '{{ view.type if view }}' as view, '{{ hooked.type if hooked }}' as hooked, '{{ missing is none }}' as missing
            -- depends_on: {{ ref('shown') }}
            """);
        p.Write("models/dropper.sql", """
            {%- if execute -%}{%- do adapter.drop_relation(api.Relation.create(schema=target.schema, identifier='hook_made')) -%}{%- endif -%}
            {%- set gone = adapter.get_relation(database=none, schema=target.schema, identifier='hook_made') -%}
            select '{{ gone is none }}' as gone
            -- depends_on: {{ ref('probe') }}
            """);
        var r = p.Run("build", "--debug");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Query("select seed, view, hooked, missing from probe")[0], Is.EqualTo(new object?[] { "table", "view", "table", "True" }).AsCollection,
            "built by the run (a seed, a view: names compared case-insensitively), made by the hook's SQL, and absent");
        Assert.That(p.Scalar("select gone from dropper"), Is.EqualTo("True"), "a relation dropped through adapter.drop_relation is gone from the run's relations");
        // The catalog is listed when the run starts, then only for what the run's relations did not hold: hook_made (made by
        // plain SQL, found and kept), nothing_here, and hook_made again after its drop. Without the run's relations every
        // get_relation lists it: seven listings here.
        var listings = r.Out.Split('\n').Count(l => l.Contains(": list relations: OK in", StringComparison.Ordinal));
        Assert.That(listings, Is.EqualTo(4), r.Out);
    }

    [Test]
    public void Debug_writes_each_statement_with_its_node_and_time_as_dbts_debug_log_does()
    {
        using var p = new TestProject();
        p.Write("models/one.sql", "select 42 as answer");
        var r = p.Run("run", "--debug");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Match(@"On model\.proj\.one:\n(.*\n)*?create or replace view ""main"".""one"" as \(\nselect 42 as answer(.*\n)*?.*SQL status: OK in \d+\.\d{3} seconds"));
        Assert.That(r.Out, Does.Match(@"On the run: list relations: OK in \d+\.\d{3} seconds"));
        var quiet = p.Run("run");
        Assert.That(quiet.Out, Does.Not.Contain("SQL status").And.Not.Contain("select 42"), "statements only with --debug");

        // in JSON, one event a statement with its node, SQL, status and time
        var json = p.Run("run", "--debug", "--log-format", "json");
        Assert.That(json.ExitCode, Is.Zero, json.ToString());
        var statements = json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("event").GetString() == "sql_statement").ToList();
        var view = statements.Single(e => e.TryGetProperty("sql", out var sql) && sql.GetString()!.Contains("select 42 as answer"));
        Assert.That(view.GetProperty("node").GetString(), Is.EqualTo("model.proj.one"));
        Assert.That(view.GetProperty("level").GetString(), Is.EqualTo("debug"));
        Assert.That(view.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(view.GetProperty("elapsed").GetDouble(), Is.GreaterThanOrEqualTo(0));
        var listing = statements.First(e => e.TryGetProperty("catalog", out _));
        Assert.That((listing.GetProperty("node").ValueKind, listing.GetProperty("catalog").GetString()), Is.EqualTo((System.Text.Json.JsonValueKind.Null, "list relations")));

        // the commands that query without running nodes: show (the node's query, limited) and run-operation (a macro's queries)
        var shown = p.Run("show", "-s", "one", "--debug");
        Assert.That(shown.ExitCode, Is.Zero, shown.ToString());
        Assert.That(shown.Out, Does.Match(@"On model\.proj\.one:\nselect 42 as answer\nlimit 6\nSQL status: OK in \d+\.\d{3} seconds"));
        p.Write("macros/ping.sql", "{% macro ping() %}{% do run_query('select 7 as seven') %}{% endmacro %}");
        var operation = p.Run("run-operation", "ping", "--debug");
        Assert.That(operation.ExitCode, Is.Zero, operation.ToString());
        Assert.That(operation.Out, Does.Match(@"On macro\.proj\.ping:\nselect 7 as seven\nSQL status: OK in \d+\.\d{3} seconds"));
    }
}
