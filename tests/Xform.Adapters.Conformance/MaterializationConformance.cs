namespace Xform.Adapters.Conformance;

/// <summary>Views, tables and ephemerals; re-runs; the swap never loses the previous version or a dependent view.</summary>
public abstract class MaterializationConformance : ConformanceFixture
{
    ConformanceProject Chain()
    {
        var p = NewProject();
        p.Write("models/base.sql", "{{ config(materialized='table') }}\nselect 1 as id, 'a' as label union all select 2, 'b'");
        p.Write("models/base_view.sql", "select id * 10 as id10 from {{ ref('base') }}");
        p.Write("models/eph.sql", "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('base') }} where id > 1");
        p.Write("models/uses_eph.sql", "{{ config(materialized='table') }}\nwith x as (select * from {{ ref('eph') }})\nselect count(*) as n from x");
        p.Write("models/uses_eph_plain.sql", "select id from {{ ref('eph') }}");
        return p;
    }

    [Test]
    public void Run_builds_views_tables_and_inlines_ephemerals()
    {
        var p = Chain();
        var r = p.Ok("run");
        Assert.That(p.Relations(), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["base"] = "table", ["base_view"] = "view", ["uses_eph"] = "table", ["uses_eph_plain"] = "view",
        }));
        Assert.That(p.Long($"select n from {p.Rel("uses_eph")}"), Is.EqualTo(1));
        Assert.That(p.Long($"select sum(id10) from {p.Rel("base_view")}"), Is.EqualTo(30));
        Assert.That(p.Long($"select count(*) from {p.Rel("uses_eph_plain")}"), Is.EqualTo(1));
        Assert.That(p.Read("target/compiled/proj/models/uses_eph.sql").TrimStart(), Does.StartWith("with __dbt__cte__eph as ("));
        Assert.That(r.Out, Does.Contain("Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4"));
    }

    [Test]
    public void Rerunning_replaces_tables_and_switches_view_and_table()
    {
        var p = Chain();
        p.Ok("run");
        p.Write("models/base_view.sql", "{{ config(materialized='table') }}\nselect id * 100 as id10 from {{ ref('base') }}");
        p.Write("models/base.sql", "{{ config(materialized='view') }}\nselect 5 as id, 'e' as label");
        p.Ok("run");
        var relations = p.Relations();
        Assert.That(relations["base"], Is.EqualTo("view"));
        Assert.That(relations["base_view"], Is.EqualTo("table"));
        Assert.That(p.Long($"select sum(id10) from {p.Rel("base_view")}"), Is.EqualTo(500));
        Assert.That(relations.Keys.Where(k => k.Contains("__xform_tmp")), Is.Empty);

        // and back again
        p.Write("models/base_view.sql", "select id * 1000 as id10 from {{ ref('base') }}");
        p.Write("models/base.sql", "{{ config(materialized='table') }}\nselect 7 as id, 'g' as label");
        p.Ok("run");
        relations = p.Relations();
        Assert.That((relations["base"], relations["base_view"]), Is.EqualTo(("table", "view")));
        Assert.That(p.Long($"select sum(id10) from {p.Rel("base_view")}"), Is.EqualTo(7000));
        Assert.That(relations.Keys.Where(k => k.Contains("__xform_tmp")), Is.Empty);
    }

    [Test]
    public void A_failed_table_build_leaves_the_previous_table_intact()
    {
        var p = Chain();
        p.Ok("run");
        p.Write("models/base.sql", "{{ config(materialized='table') }}\nselect cast('not a number' as integer) as id, 'z' as label");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Err, Does.Contain("Error in model base (models/base.sql)"));
        var rows = p.QueryRows($"select id, label from {p.Rel("base")} order by id").Select(x => $"{ConformanceProject.ToLong(x[0])}{x[1]}");
        Assert.That(rows, Is.EqualTo(new[] { "1a", "2b" }));
        Assert.That(p.Relations().Keys, Has.None.Contains("__xform_tmp"));
        Assert.That(p.Long($"select sum(id10) from {p.Rel("base_view")}"), Is.EqualTo(30), "the view on the kept table still reads it");
        Assert.That(r.Out, Does.Contain("Done. PASS=0 WARN=0 ERROR=1 SKIP=3 TOTAL=4"));
    }

    [Test]
    public void A_failed_view_keeps_the_previous_view()
    {
        var p = Chain();
        p.Ok("run");
        p.Write("models/base_view.sql", "select no_such_column from {{ ref('base') }}");
        var r = p.Run("run", "-s", "base_view");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(p.Long($"select sum(id10) from {p.Rel("base_view")}"), Is.EqualTo(30));
        Assert.That(p.Relations().Keys, Has.None.Contains("__xform_tmp"));
    }

    [Test]
    public void Dependent_views_keep_working_after_their_table_is_swapped()
    {
        var p = Chain();
        p.Write("models/top.sql", "select sum(id10) as total from {{ ref('base_view') }}");
        p.Ok("run");
        Assert.That(p.Long($"select total from {p.Rel("top")}"), Is.EqualTo(30));

        // rebuild only the table, with new rows and a new column: the views on it (and on them) are not rebuilt by xform
        p.Write("models/base.sql", "{{ config(materialized='table') }}\nselect 3 as id, 'c' as label, true as flag union all select 4, 'd', false");
        p.Ok("run", "-s", "base");
        Assert.That(p.Long($"select sum(id10) from {p.Rel("base_view")}"), Is.EqualTo(70));
        Assert.That(p.Long($"select total from {p.Rel("top")}"), Is.EqualTo(70));
        Assert.That(p.Relations(), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["base"] = "table", ["base_view"] = "view", ["uses_eph"] = "table", ["uses_eph_plain"] = "view", ["top"] = "view",
        }));

        // and again, switching the table to a view under its dependents
        p.Write("models/base.sql", "{{ config(materialized='view') }}\nselect 5 as id, 'e' as label");
        p.Ok("run", "-s", "base");
        Assert.That(p.Long($"select total from {p.Rel("top")}"), Is.EqualTo(50));
    }

    [Test]
    public void Tables_swapped_in_parallel_under_a_view_that_reads_them_all() =>
        SwapTablesUnderSharedView(NewProject(), i => $"select {i} as id");

    /// <summary>Six tables read by one view, rebuilt together on six threads, three times: every swap must
    /// keep the view whole. <paramref name="tableSql"/> gives table i's query (an engine may slow it down to
    /// make the swaps overlap).</summary>
    public static void SwapTablesUnderSharedView(ConformanceProject p, Func<int, string> tableSql)
    {
        for (var i = 0; i < 6; i++)
            p.Write($"models/t{i}.sql", $"{{{{ config(materialized='table') }}}}\n{tableSql(i)}");
        p.Write("models/all_of_them.sql", string.Join("\nunion all ", Enumerable.Range(0, 6).Select(i => $"select id from {{{{ ref('t{i}') }}}}")));
        p.Ok("run", "--threads", "6");
        for (var round = 0; round < 3; round++)
        {
            // only the tables: every swap must recreate or keep the shared view, which reads the other tables
            p.Ok("run", "--threads", "6", "-s", "t0", "t1", "t2", "t3", "t4", "t5");
            Assert.That(p.Long($"select sum(id) from {p.Rel("all_of_them")}"), Is.EqualTo(15));
        }
    }

    [Test]
    public void A_view_whose_columns_change_is_replaced_under_its_dependents()
    {
        var p = Chain();
        p.Write("models/top.sql", "select count(*) as n from {{ ref('base_view') }}");
        p.Ok("run");
        // a renamed and retyped column: create or replace view cannot do this on every engine
        p.Write("models/base_view.sql", "select label as id10, id from {{ ref('base') }}");
        p.Ok("run", "-s", "base_view");
        Assert.That(p.QueryRows($"select id10 from {p.Rel("base_view")} order by id").Select(r => r[0]), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(p.Long($"select n from {p.Rel("top")}"), Is.EqualTo(2));
    }

    [Test]
    public void Several_threads_build_into_new_schemas_at_once()
    {
        var p = NewProject();
        for (var i = 0; i < 8; i++)
            p.Write($"models/m{i}.sql", $"{{{{ config(materialized='table', schema='extra') }}}}\nselect {i} as id");
        p.Ok("run", "--threads", "4");
        Assert.That(p.Relations($"{p.Schema}_extra").Keys, Is.EquivalentTo(Enumerable.Range(0, 8).Select(i => $"m{i}")));
    }

    [Test]
    public void Models_run_in_parallel_on_several_connections()
    {
        var p = NewProject();
        for (var i = 0; i < 8; i++)
            p.Write($"models/m{i}.sql", $"{{{{ config(materialized='{(i % 2 == 0 ? "table" : "view")}') }}}}\nselect {i} as id");
        p.Write("models/all_of_them.sql", string.Join("\nunion all ", Enumerable.Range(0, 8).Select(i => $"select id from {{{{ ref('m{i}') }}}}")));
        p.Ok("run", "--threads", "4");
        Assert.That(p.Long($"select sum(id) from {p.Rel("all_of_them")}"), Is.EqualTo(28));
    }
}
