using System.Globalization;

namespace Xform.Adapters.Conformance;

/// <summary>dbt's context objects that read the database while a node compiles: run_query, statement/load_result, adapter.</summary>
public abstract class DatabaseObjectsConformance : ConformanceFixture
{
    [Test]
    public void Templates_read_the_database_while_compiling()
    {
        var p = NewProject();
        p.Write("seeds/colors.csv", "id,color,weight\n1,red,2.5\n2,blue,1.0\n3,green,4.0\n");
        p.Write("macros/cols.sql", """
            {% macro column_list(relation, except=[]) -%}
                {%- set names = [] -%}
                {%- for col in adapter.get_columns_in_relation(relation) -%}
                    {%- if col.name | lower not in except -%}{%- set _ = names.append(col.name | lower) -%}{%- endif -%}
                {%- endfor -%}
                {{ names | join(',') }}
            {%- endmacro %}
            """);
        p.Write("models/probe.sql", """
            -- depends_on: {{ ref('colors') }}
            {% set colors = run_query("select color from " ~ ref('colors') ~ " order by id") -%}
            {% call statement('top', fetch_result=True) -%}
                select max(id) as top from {{ ref('colors') }}
            {%- endcall -%}
            {%- set found = adapter.get_relation(database=none, schema=ref('colors').schema, identifier='colors') -%}
            select '{{ colors.columns[0].values() | join(",") if execute else "" }}' as color_list,
                   '{{ load_result('top')['data'][0][0] if execute else "" }}' as top_id,
                   '{{ column_list(ref('colors'), except=['weight']) }}' as column_list,
                   '{{ "found" if found else "missing" }}' as relation_found
            """);
        p.Ok("build");
        var row = p.QueryRows($"select color_list, top_id, column_list, relation_found from {p.Rel("probe")}")[0];
        Assert.That(row.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)),
            Is.EqualTo(new[] { "red,blue,green", "3", "id,color", "found" }));
    }
}
