using System.Text.Json;

namespace Xform.Cli.Tests;

public class RunCommandTests
{
    static TestProject Chain()
    {
        var p = new TestProject();
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
        using var p = Chain();
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var relations = p.Relations();
        Assert.That(relations, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["base"] = "BASE TABLE", ["base_view"] = "VIEW", ["uses_eph"] = "BASE TABLE", ["uses_eph_plain"] = "VIEW",
        }));
        Assert.That(p.Scalar("select n from uses_eph"), Is.EqualTo(1L));
        Assert.That(p.Scalar("select sum(id10)::int from base_view"), Is.EqualTo(30));
        var compiled = p.Read("target/compiled/proj/models/uses_eph.sql");
        Assert.That(compiled.TrimStart(), Does.StartWith("with __dbt__cte__eph as (\nselect id from \"main\".\"base\" where id > 1\n), x as"));
        Assert.That(p.Read("target/compiled/proj/models/uses_eph_plain.sql"), Does.StartWith("with __dbt__cte__eph as ("));
        Assert.That(p.Read("target/run/proj/models/base.sql"), Does.Contain("alter table \"main\".\"base__xform_tmp\" rename to \"base\""));
        Assert.That(r.Out, Does.Match(@"1 of 4 START sql table model main\.base \.+ \[RUN\]"));
        Assert.That(r.Out, Does.Match(@"\d of 4 OK created sql view model main\.base_view \.+ \[OK in \d+\.\d\ds\]"));
        Assert.That(r.Out, Does.Contain("Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4"));
    }

    [Test]
    public void Rerunning_replaces_tables_and_switches_materialization()
    {
        using var p = Chain();
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        p.Write("models/base_view.sql", "{{ config(materialized='table') }}\nselect id * 100 as id10 from {{ ref('base') }}");
        p.Write("models/base.sql", "{{ config(materialized='view') }}\nselect 5 as id, 'e' as label");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var relations = p.Relations();
        Assert.That(relations["base"], Is.EqualTo("VIEW"));
        Assert.That(relations["base_view"], Is.EqualTo("BASE TABLE"));
        Assert.That(p.Scalar("select sum(id10)::int from base_view"), Is.EqualTo(500));
        Assert.That(relations.Keys.Where(k => k.Contains("__xform_tmp")), Is.Empty);
    }

    [Test]
    public void A_failed_table_build_leaves_the_previous_table_intact()
    {
        using var p = Chain();
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        p.Write("models/base.sql", "{{ config(materialized='table') }}\nselect cast('not a number' as integer) as id, 'z' as label");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Err, Does.Contain("Error in model base (models/base.sql)"));
        Assert.That(r.Err, Does.Contain("Could not convert string 'not a number' to INT32"));
        Assert.That(p.Query("select id, label from base order by id").Select(x => $"{x[0]}{x[1]}"), Is.EqualTo(new[] { "1a", "2b" }));
        Assert.That(p.Relations().Keys, Has.None.Contains("__xform_tmp"));
        Assert.That(r.Out, Does.Contain("Done. PASS=0 WARN=0 ERROR=1 SKIP=3 TOTAL=4"));
    }

    [Test]
    public void A_failed_view_keeps_the_previous_view()
    {
        using var p = Chain();
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        p.Write("models/base_view.sql", "select no_such_column from {{ ref('base') }}");
        var r = p.Run("run", "-s", "base_view");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(p.Scalar("select sum(id10)::int from base_view"), Is.EqualTo(30));
    }

    [Test]
    public void A_failure_skips_its_descendants_and_builds_the_rest()
    {
        using var p = new TestProject();
        p.Write("models/bad.sql", "select * from no_such_table");
        p.Write("models/child.sql", "select * from {{ ref('bad') }}");
        p.Write("models/grandchild.sql", "select * from {{ ref('child') }}");
        p.Write("models/good.sql", "select 1 as x");
        p.Write("models/good_child.sql", "select * from {{ ref('good') }}");
        var r = p.Run("run", "--threads", "2");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "good", "good_child" }));
        Assert.That(r.Out, Does.Match(@"\d of 5 SKIP sql view model main\.child"));
        Assert.That(r.Out, Does.Match(@"\d of 5 SKIP sql view model main\.grandchild"));
        Assert.That(r.Out, Does.Contain("Done. PASS=2 WARN=0 ERROR=1 SKIP=2 TOTAL=5"));
        Assert.That(r.Err, Does.Contain("Table with name no_such_table does not exist"));
    }

    [Test]
    public void Fail_fast_stops_at_the_first_failure()
    {
        using var p = new TestProject();
        p.Write("models/a_bad.sql", "select * from no_such_table");
        foreach (var n in new[] { "b", "c", "d" }) p.Write($"models/{n}.sql", "select 1 as x");
        var r = p.Run("run", "--threads", "1", "--fail-fast");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Out, Does.Contain("Done. PASS=0 WARN=0 ERROR=1 SKIP=3 TOTAL=4"));
        Assert.That(p.Relations(), Is.Empty);
    }

    [Test]
    public void Independent_models_overlap_in_time_with_four_threads()
    {
        using var p = new TestProject();
        // Each model does enough work to take a noticeable time, so overlap is visible in the log.
        for (var i = 1; i <= 4; i++)
            p.Write($"models/slow_{i}.sql", "{{ config(materialized='table') }}\nselect count(*) as n from range(0, 40000000) t(x) where x % 7 = " + i);
        var r = p.Run("run", "--threads", "4", "--log-format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var events = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("node", out _))
            .Select(e => (node: e.GetProperty("node").GetString()!, evt: e.GetProperty("event").GetString()!, ts: DateTimeOffset.Parse(e.GetProperty("ts").GetString()!)))
            .ToList();
        var intervals = events.Where(e => e.evt.StartsWith("node_", StringComparison.Ordinal)).GroupBy(e => e.node)
            .Select(g => (start: g.Single(e => e.evt == "node_started").ts, end: g.Single(e => e.evt == "node_finished").ts)).ToList();
        Assert.That(intervals, Has.Count.EqualTo(4));
        // The most nodes running at one instant: sweep the start/end points.
        var points = intervals.SelectMany(iv => new[] { (t: iv.start, d: 1), (t: iv.end, d: -1) }).OrderBy(x => x.t).ThenBy(x => x.d);
        int running = 0, peak = 0;
        foreach (var (_, d) in points) peak = Math.Max(peak, running += d);
        Assert.That(peak, Is.GreaterThanOrEqualTo(2), "independent models should build at the same time");
    }

    [Test]
    public void Compile_writes_every_model_and_prints_one_selected_model()
    {
        using var p = Chain();
        var r = p.Run("compile");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        foreach (var m in new[] { "base", "base_view", "eph", "uses_eph", "uses_eph_plain" })
            Assert.That(p.Exists($"target/compiled/proj/models/{m}.sql"), m);
        Assert.That(r.Out, Does.Contain("Compiled 5 models"));
        var one = p.Run("compile", "-s", "base_view");
        Assert.That(one.Out, Does.Contain("select id * 10 as id10 from \"main\".\"base\""));
        Assert.That(p.Exists("target/test.duckdb") && p.Relations().Count > 0, Is.False, "compile must not build anything");
    }

    [Test]
    public void Ls_lists_in_each_output_format()
    {
        using var p = Chain();
        p.Write("models/sub/deep.sql", "select 1 as x");
        Assert.That(p.Run("ls", "-s", "+uses_eph", "--output", "name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { "base", "eph", "uses_eph" }));
        Assert.That(p.Run("ls", "-s", "deep").Out.Trim(), Is.EqualTo("proj.sub.deep"));
        // '@' is dbt's selector, not a response file of arguments.
        Assert.That(p.Run("ls", "-s", "@eph", "--output", "name").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { "base", "eph", "uses_eph", "uses_eph_plain" }));
        Assert.That(p.Run("ls", "-s", "deep", "--output", "path").Out.Trim(), Is.EqualTo("models/sub/deep.sql"));
        var json = JsonDocument.Parse(p.Run("ls", "-s", "base_view", "-o", "json").Out.Trim()).RootElement;
        Assert.That(json.GetProperty("unique_id").GetString(), Is.EqualTo("model.proj.base_view"));
        Assert.That(json.GetProperty("depends_on").GetProperty("nodes")[0].GetString(), Is.EqualTo("model.proj.base"));
        Assert.That(json.GetProperty("config").GetProperty("materialized").GetString(), Is.EqualTo("view"));
    }

    [Test]
    public void Show_prints_rows_as_a_table()
    {
        using var p = Chain();
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        var r = p.Run("show", "-s", "base", "--limit", "1");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("| id | label |\n| -- | ----- |\n| 1  | a     |"));
        var dates = p.Run("show", "--inline", "select date '2011-12-10' as d, timestamp '2011-12-10 08:26:00' as t");
        Assert.That(dates.Out, Does.Contain("| 2011-12-10 | 2011-12-10 08:26:00 |"), "ISO dates, whatever the culture");
        var inline = p.Run("show", "--inline", "select sum(id) as total from {{ ref('base') }}");
        Assert.That(inline.Out, Does.Contain("| total |\n| ----- |\n| 3     |"));
    }

    [Test]
    public void Clean_deletes_the_clean_targets()
    {
        using var p = Chain();
        Assert.That(p.Run("compile").ExitCode, Is.Zero);
        Assert.That(p.Exists("target"));
        var r = p.Run("clean");
        Assert.That(r.ExitCode, Is.Zero);
        Assert.That(p.Exists("target"), Is.False);
    }

    [Test]
    public void Clean_checks_every_entry_before_deleting_any()
    {
        using var p = Chain();
        p.Write("project.yml", "name: proj\nprofile: proj\nclean-targets: [target, ../elsewhere]\n");
        Assert.That(p.Run("compile").ExitCode, Is.Zero);
        var r = p.Run("clean");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("clean-targets entry '../elsewhere' is outside the project folder"));
        Assert.That(p.Exists("target"), "the entry before the bad one is kept too");
    }

    [Test]
    public void Init_refuses_a_name_that_is_not_an_identifier()
    {
        using var p = new TestProject("holder", withDefaults: false);
        var r = p.Run("init", "9shop");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("project name '9shop' must be letters, digits and underscores"));
        Assert.That(p.Exists("9shop"), Is.False);
    }

    [Test]
    public void Init_creates_a_project_that_builds_green_offline_and_has_tests_to_run()
    {
        using var p = new TestProject("holder", withDefaults: false);
        var r = p.Run("init", "shop");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var dir = Path.Combine(p.Dir, "shop");
        CliResult Shop(params string[] args)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = XformCli.Run([.. args, "--project-dir", dir], stdout, stderr);
            return new CliResult(code, stdout.ToString(), stderr.ToString());
        }
        var build = Shop("build");
        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        // 2 seeds, 4 models (one incremental), 11 data tests (unique, not_null, relationships), 1 unit test
        Assert.That(build.Out, Does.Contain("Done. PASS=18 WARN=0 ERROR=0 SKIP=0 TOTAL=18"), build.ToString());
        Assert.That(build.Out, Does.Contain("Finished running 11 data tests, 1 incremental model, 2 seeds, 1 table model, 1 unit test, 2 view models"));
        Assert.That(build.Out, Does.Match(@"PASS relationships_stg_orders_customer_id__customer_id__ref_stg_customers_ "));
        var db = Path.Combine(dir, "target", "shop.duckdb");
        var rows = p.Query("select customer_id, orders, total_cents from customers order by 1", db);
        Assert.That(rows.Select(x => $"{x[0]}:{x[1]}:{x[2]}"), Is.EqualTo(new[] { "10:2:6240", "11:1:500", "12:0:0" }));

        var again = Shop("build");
        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(p.Query("select count(*) from fct_orders", db)[0][0], Is.EqualTo(3L), "the incremental model merges on order_id");

        var test = Shop("test");
        Assert.That(test.ExitCode, Is.Zero, test.ToString());
        Assert.That(test.Out, Does.Contain("Done. PASS=12 WARN=0 ERROR=0 SKIP=0 TOTAL=12"), "xform test has work to do");
        var docs = Shop("docs", "generate");
        Assert.That(docs.ExitCode, Is.Zero, docs.ToString());
        Assert.That(File.ReadAllText(Path.Combine(dir, "target", "manifest.json")), Does.Contain("\"doc.shop.customer_id\""));
    }

    [Test]
    public void Debug_checks_the_connection_and_masks_secrets()
    {
        using var p = new TestProject();
        Environment.SetEnvironmentVariable("XFORM_TEST_SECRET", "hunter2-very-secret");
        p.Write("profiles.yml", "proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n      password: \"{{ env_var('XFORM_TEST_SECRET') }}\"\n");
        var r = p.Run("debug");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("[OK connection ok]"));
        Assert.That(r.Out, Does.Contain("password: ****"));
        Assert.That(r.All, Does.Not.Contain("hunter2"));
    }

    [Test]
    public void Vars_come_from_the_command_line_the_project_and_defaults()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nvars:\n  a: 1\n  proj:\n    b: two\n");
        p.Write("models/v.sql", "select {{ var('a') }} as a, '{{ var('b') }}' as b, {{ var('c', 3) }} as c");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        Assert.That(p.Query("select a, b, c from v")[0], Is.EqualTo(new object?[] { 1, "two", 3 }));
        Assert.That(p.Run("run", "--vars", "{a: 10, c: 30}").ExitCode, Is.Zero);
        Assert.That(p.Query("select a, b, c from v")[0], Is.EqualTo(new object?[] { 10, "two", 30 }));
        Assert.That(p.Run("run", "--vars", "{\"b\": \"json\"}").ExitCode, Is.Zero);
        Assert.That(p.Query("select b from v")[0][0], Is.EqualTo("json"));
    }

    [Test]
    public void Folder_configs_apply_with_and_without_plus()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    +materialized: table\n    staging:\n      materialized: view\n      +tags: [stg]\n");
        p.Write("models/staging/s.sql", "select 1 as x");
        p.Write("models/marts/m.sql", "select * from {{ ref('s') }}");
        p.Write("models/marts/props.yml", "version: 2\nmodels:\n  - name: m\n    description: The mart.\n    config:\n      tags: [gold]\n");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        Assert.That(p.Relations(), Is.EquivalentTo(new Dictionary<string, string> { ["s"] = "VIEW", ["m"] = "BASE TABLE" }));
        Assert.That(p.Run("ls", "-s", "tag:stg", "-o", "name").Out.Trim(), Is.EqualTo("s"));
        Assert.That(p.Run("ls", "-s", "tag:gold", "-o", "name").Out.Trim(), Is.EqualTo("m"));
    }

    [Test]
    public void A_project_with_only_dbt_project_yml_is_read_the_same_way()
    {
        using var p = new TestProject(withDefaults: false);
        p.Write("dbt_project.yml", "name: legacy\nprofile: legacy\nconfig-version: 2\n");
        p.Write("profiles.yml", "legacy:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/test.duckdb\n");
        p.Write("models/m.sql", "select 42 as answer");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Scalar("select answer from m"), Is.EqualTo(42));
    }
}
