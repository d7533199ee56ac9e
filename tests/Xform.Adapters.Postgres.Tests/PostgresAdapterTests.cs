using System.Globalization;
using Npgsql;
using Xform.Adapters.Conformance;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>What only PostgreSQL does: profiles and connection errors, introspection, views bound to objects, binary COPY.</summary>
public class PostgresAdapterTests
{
    readonly List<ConformanceProject> _projects = [];

    [TearDown]
    public void Cleanup()
    {
        foreach (var p in _projects) p.Dispose();
        _projects.Clear();
    }

    ConformanceProject NewProject()
    {
        ServerFixture.Require();
        var p = new ConformanceProject(PostgresTarget.Instance);
        _projects.Add(p);
        return p;
    }

    static TargetConfig Target(Dictionary<string, object?> settings, string schema = "") =>
        new("p", "dev", "postgres", schema, "", 1, settings);

    [Test]
    public void Profile_falls_back_to_libpq_variables_then_to_defaults()
    {
        var env = new Dictionary<string, string> { ["PGHOST"] = "db.example", ["PGPORT"] = "6543", ["PGUSER"] = "ann", ["PGPASSWORD"] = "s3cret", ["PGDATABASE"] = "shop" };
        var fromEnv = PostgresProfile.From(Target([]), v => env.GetValueOrDefault(v));
        Assert.That((fromEnv.Host, fromEnv.Port, fromEnv.User, fromEnv.Password, fromEnv.Database, fromEnv.Schema),
            Is.EqualTo(("db.example", 6543, "ann", "s3cret", "shop", "public")));

        var explicitly = PostgresProfile.From(Target(new() { ["host"] = "h", ["port"] = 5433, ["user"] = "bob", ["password"] = "pw", ["database"] = "d", ["connect_timeout"] = 3 }, "analytics"),
            v => env.GetValueOrDefault(v));
        Assert.That((explicitly.Host, explicitly.Port, explicitly.User, explicitly.Password, explicitly.Database, explicitly.Schema, explicitly.ConnectTimeout),
            Is.EqualTo(("h", 5433, "bob", "pw", "d", "analytics", 3)));
        Assert.That(PostgresProfile.From(Target(new() { ["dbname"] = "x", ["database"] = "y" }), _ => null).Database, Is.EqualTo("x"));

        var defaults = PostgresProfile.From(Target([]), _ => null);
        Assert.That((defaults.Host, defaults.Port, defaults.User, defaults.Database, defaults.Password),
            Is.EqualTo(("localhost", 5432, Environment.UserName, Environment.UserName, (string?)null)));
    }

    [Test]
    public void Target_fields_are_what_the_connection_uses_and_never_the_password()
    {
        var env = new Dictionary<string, string> { ["PGHOST"] = "db.example", ["PGDATABASE"] = "shop", ["PGPASSWORD"] = "s3cret" };
        var target = Target(new() { ["user"] = "ann", ["password"] = "pw-in-profile", ["sslmode"] = "verify-full", ["search_path"] = "a,b" }, "analytics");
        var fields = PostgresProfile.From(target, v => env.GetValueOrDefault(v)).TargetFields(target);
        Assert.That(fields["host"], Is.EqualTo("db.example"), "from PGHOST, as the connection does");
        Assert.That(fields["port"], Is.EqualTo(5432L));
        Assert.That(fields["user"], Is.EqualTo("ann"));
        Assert.That(fields["database"], Is.EqualTo("shop"));
        Assert.That(fields["dbname"], Is.EqualTo("shop"));
        Assert.That(fields["schema"], Is.EqualTo("analytics"));
        Assert.That(fields["sslmode"], Is.EqualTo("verify-full"));
        Assert.That(fields["search_path"], Is.EqualTo("a,b"));
        Assert.That(fields["role"], Is.Null);
        Assert.That(fields["connect_timeout"], Is.EqualTo(10L));
        Assert.That(fields.ContainsKey("password"), Is.False);
        Assert.That(fields.Values, Has.None.EqualTo("pw-in-profile").And.None.EqualTo("s3cret"));
    }

    [Test]
    public void Bad_profile_values_are_user_errors()
    {
        Assert.That(() => PostgresProfile.From(Target(new() { ["port"] = "abc" }), _ => null),
            Throws.TypeOf<Core.Diagnostics.XformException>().With.Message.Contains("'port' of target 'dev' must be a TCP port number"));
        Assert.That(() => PostgresProfile.From(Target(new() { ["sslmode"] = "sometimes" }), _ => null),
            Throws.TypeOf<Core.Diagnostics.XformException>().With.Message.Contains("'sslmode'"));
    }

    [Test]
    public void Describe_and_errors_never_show_the_password()
    {
        var server = ServerFixture.Require();
        using var adapter = new PostgresAdapter(Target(new()
        {
            ["host"] = server.Host, ["port"] = server.Port, ["user"] = "postgres", ["password"] = "hunter2-wrong", ["dbname"] = PostgresServer.Database,
        }), ".");
        Assert.That(adapter.Describe(), Is.EqualTo($"postgres database '{PostgresServer.Database}' at 127.0.0.1:{server.Port} as 'postgres', schema 'public'"));
        Assert.That(adapter.Profile.ToString(), Does.Not.Contain("hunter2"));
        var e = Assert.Throws<Core.Diagnostics.XformException>(() => adapter.Open().Dispose())!;
        Assert.That(e.Message, Is.EqualTo($"cannot connect to PostgreSQL at 127.0.0.1:{server.Port} as 'postgres' (output 'dev'): password authentication failed: check 'password' and 'user'"));
    }

    [Test]
    public void Query_returns_dotnet_values_and_introspection_reads_types()
    {
        var p = NewProject();
        p.Write("models/typed.sql", "{{ config(materialized='table') }}\nselect 1 as i, cast(2 as bigint) as b, cast(1.25 as numeric(10,2)) as n, 'x' as t, " +
                                    "cast('ab' as varchar(5)) as v, true as f, date '2024-01-02' as d, timestamp '2024-01-02 03:04:05' as ts, cast(null as integer) as z");
        p.Ok("run");
        var row = p.QueryRows($"select * from {p.Rel("typed")}")[0];
        Assert.That(row, Is.EqualTo(new object?[] { 1, 2L, 1.25m, "x", "ab", true, new DateOnly(2024, 1, 2), new DateTime(2024, 1, 2, 3, 4, 5), null }));
        var columns = p.Columns("typed").Select(c => $"{c.Name} {c.DataType}");
        Assert.That(columns, Is.EqualTo(new[]
        {
            "i integer", "b bigint", "n numeric(10,2)", "t text", "v character varying(5)", "f boolean", "d date", "ts timestamp without time zone", "z integer",
        }));
        // described without running: the division by zero never happens
        var described = p.With((_, c) => c.DescribeQuery($"select i, n, 1 / 0 as boom, v from {p.Rel("typed")}"));
        Assert.That(described.Select(c => $"{c.Name} {c.DataType}"), Is.EqualTo(new[] { "i integer", "n numeric(10,2)", "boom integer", "v character varying(5)" }));
        Assert.That(p.Columns("no_such_relation"), Is.Empty);
    }

    [Test]
    public void Arrays_holding_nulls_read_with_nullable_elements_and_show_prints_them()
    {
        var p = NewProject();
        var row = p.QueryRows("select array[1, 2, null] as ints, array[1.5, null]::numeric[] as nums, array['a', null] as texts, array[date '2024-01-02', null] as dates, array[1, 2] as full")[0];
        Assert.That(row[0], Is.EqualTo(new int?[] { 1, 2, null }));
        Assert.That(row[1], Is.EqualTo(new decimal?[] { 1.5m, null }));
        Assert.That(row[2], Is.EqualTo(new string?[] { "a", null }));
        Assert.That(row[3], Is.EqualTo(new DateOnly?[] { new DateOnly(2024, 1, 2), null }));
        Assert.That(row[4], Is.EqualTo(new[] { 1, 2 }));
        var shown = p.Run("show", "--inline", "select array[1, 2, null] as ints, array['a', null] as texts");
        Assert.That(shown.ExitCode, Is.Zero, shown.ToString());
        Assert.That(shown.Out, Does.Contain("| [1, 2, NULL] | [a, NULL] |"));
        // a value no .NET type holds and no text read reaches: a database error naming the column, not an internal error
        var nested = p.Run("show", "--inline", "select array[array[1, null]] as deep, 1 as ok");
        Assert.That(nested.All, Does.Not.Contain("internal error"));
        if (nested.ExitCode != 0) Assert.That(nested.All, Does.Contain("column 'deep'"));
    }

    [Test]
    public void Engine_errors_point_at_the_line_and_column_of_the_statement()
    {
        var p = NewProject();
        p.Write("models/bad.sql", "select 1 as id,\n       no_such_column as x");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Err, Does.Contain("column \"no_such_column\" does not exist (line 3, column 8 of the statement)"));
    }

    [Test]
    public void A_dependent_view_that_no_longer_fits_fails_the_build_and_keeps_the_previous_version()
    {
        var p = NewProject();
        p.Write("models/base.sql", "{{ config(materialized='table') }}\nselect 1 as id, 'a' as label");
        p.Write("models/labels.sql", "select label from {{ ref('base') }}");
        p.Ok("run");
        p.Write("models/base.sql", "{{ config(materialized='table') }}\nselect 2 as id");
        var r = p.Run("run", "-s", "base");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Err, Does.Contain($"the view {p.Schema}.labels reads"));
        Assert.That(r.Err, Does.Contain("column base.label does not exist"));
        Assert.That(p.Long($"select id from {p.Rel("base")}"), Is.EqualTo(1));
        Assert.That(p.Scalar($"select label from {p.Rel("labels")}"), Is.EqualTo("a"));
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "base", "labels" }));
    }

    [Test]
    public void Tables_swapped_in_parallel_under_a_shared_view_do_not_deadlock() =>
        // pg_sleep makes the six swaps overlap, each recreating the view that reads the other tables
        MaterializationConformance.SwapTablesUnderSharedView(NewProject(), i => $"select {i} as id from pg_sleep(0.05)");

    [Test]
    public void Views_outside_the_project_survive_the_swap_with_their_options_and_comments()
    {
        var p = NewProject();
        p.Write("models/base.sql", "{{ config(materialized='table') }}\nselect 1 as id");
        p.Ok("run");
        var other = "xf_other_" + Guid.NewGuid().ToString("N")[..6];
        p.With((_, c) =>
        {
            c.Execute($"create schema {other}");
            c.Execute($"create view {other}.v1 with (security_barrier) as select id from {p.Rel("base")}");
            c.Execute($"comment on view {other}.v1 is 'kept'");
            c.Execute($"create role {other}_reader");
            c.Execute($"grant select on {other}.v1 to {other}_reader, public");
            c.Execute($"create view {other}.v2 as select id * 2 as id2 from {other}.v1");
            c.Execute($"create materialized view {other}.mv as select count(*) as n from {other}.v2");
            return 0;
        });
        p.Write("models/base.sql", "{{ config(materialized='table') }}\nselect 1 as id union all select 2");
        p.Ok("run");
        Assert.That(p.Long($"select sum(id2) from {other}.v2"), Is.EqualTo(6));
        Assert.That(p.Long($"select n from {other}.mv"), Is.EqualTo(2), "a materialized view is recreated, so repopulated");
        Assert.That(p.Scalar($"select obj_description('{other}.v1'::regclass, 'pg_class')"), Is.EqualTo("kept"));
        Assert.That(p.Scalar($"select array_to_string(reloptions, ',') from pg_class where oid = '{other}.v1'::regclass"), Is.EqualTo("security_barrier=true"));
        Assert.That(p.Long($"select count(*) from aclexplode((select relacl from pg_class where oid = '{other}.v1'::regclass)) where grantee = '{other}_reader'::regrole"), Is.EqualTo(1));
        Assert.That(p.Long($"select count(*) from aclexplode((select relacl from pg_class where oid = '{other}.v1'::regclass)) where grantee = 0"), Is.EqualTo(1));
    }

    [Test]
    public void Seeds_load_through_binary_copy_with_declared_types()
    {
        var p = NewProject();
        p.Write("seeds/events.csv", "id,small,ratio,uid,at_tz,code\n1,7,0.5,0b6a1e10-8d1c-4c1e-9b0e-2f4f1f2d9a11,2024-01-01 10:00:00+00,ab\n2,,1e3,,,\n");
        p.Write("seeds/schema.yml", "version: 2\nseeds:\n  - name: events\n    config:\n      column_types: {small: smallint, ratio: real, uid: uuid, at_tz: timestamptz, code: char(2)}\n");
        // --debug: the statements are written to the log, and the copy still reaches Npgsql's own connection under the logging one
        var r = p.Ok("seed", "--debug");
        Assert.That(r.Out, Does.Contain("On seed.proj.events:").And.Contain("SQL status: OK in"));
        Assert.That(p.Read("target/run/proj/seeds/events.sql"), Does.Contain("from stdin (format binary)"));
        Assert.That(p.Columns("events").Select(c => c.DataType),
            Is.EqualTo(new[] { "bigint", "smallint", "real", "uuid", "timestamp with time zone", "character(2)" }));
        var rows = p.QueryRows($"select small, ratio, uid::text, extract(epoch from at_tz)::bigint, code from {p.Rel("events")} order by id");
        Assert.That(rows[0], Is.EqualTo(new object?[] { (short)7, 0.5f, "0b6a1e10-8d1c-4c1e-9b0e-2f4f1f2d9a11", 1704103200L, "ab" }));
        Assert.That(rows[1], Is.EqualTo(new object?[] { null, 1000f, null, null, null }));
        Assert.That(r.Out, Does.Contain("Done. PASS=1"));
    }

    [Test]
    public void A_value_the_engine_rejects_in_a_seed_names_the_file_and_line()
    {
        var p = NewProject();
        p.Write("seeds/codes.csv", "id,code\n1,ab\n2,abc\n");
        p.Write("seeds/schema.yml", "version: 2\nseeds:\n  - name: codes\n    config:\n      column_types: {code: varchar(2)}\n");
        var r = p.Run("seed");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Err, Does.Contain("seeds/codes.csv:3:1").And.Contain("value too long for type character varying(2)"));
        Assert.That(p.Relations(), Is.Empty);

        p.Write("seeds/codes.csv", "id,code\n1,ab\n2,not-a-uuid\n");
        p.Write("seeds/schema.yml", "version: 2\nseeds:\n  - name: codes\n    config:\n      column_types: {code: uuid}\n");
        r = p.Run("seed");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.Err, Does.Contain("invalid input syntax for type uuid"));
        Assert.That(p.Relations(), Is.Empty);
    }

    [Test]
    public void A_large_seed_loads_in_one_copy()
    {
        var p = NewProject();
        var lines = new System.Text.StringBuilder("id,name,amount,day\n");
        for (var i = 0; i < 50_000; i++) lines.Append(CultureInfo.InvariantCulture, $"{i},name {i},{i % 1000}.{i % 100:00},2024-01-{i % 28 + 1:00}\n");
        p.Write("seeds/big.csv", lines.ToString());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        p.Ok("seed");
        TestContext.Progress.WriteLine($"50,000-row seed through binary COPY: {watch.Elapsed.TotalSeconds:0.00}s");
        Assert.That(p.Long($"select count(*) from {p.Rel("big")}"), Is.EqualTo(50_000));
        Assert.That(Convert.ToDecimal(p.Scalar($"select sum(amount) from {p.Rel("big")}"), CultureInfo.InvariantCulture), Is.GreaterThan(0m));
    }

    [TestCase("merge", "'id'")]
    [TestCase("delete+insert", "'id'")]
    [TestCase("append", "none")]
    public void Incremental_strategies_run_on_postgres(string strategy, string key)
    {
        var p = NewProject();
        p.Write("seeds/input_rows.csv", "id,v,day\n1,a,1\n2,b,2\n");
        p.Write("models/target.sql", $"{{{{ config(materialized='incremental', unique_key={key}, incremental_strategy='{strategy}') }}}}\n" +
                                     "select id, v, day from {{ ref('input_rows') }}\n{% if is_incremental() %}where day > (select max(day) from {{ this }}){% endif %}");
        p.Write("models/on_target.sql", "select count(*) as n from {{ ref('target') }}");
        p.Ok("build");
        p.Write("seeds/input_rows.csv", "id,v,day\n1,A,3\n3,c,3\n");
        p.Ok("build");
        var rows = p.QueryRows($"select id, v, day from {p.Rel("target")} order by id, day").Select(r => $"{r[0]}:{r[1]}:{r[2]}");
        Assert.That(rows, Is.EqualTo(strategy == "append" ? new[] { "1:a:1", "1:A:3", "2:b:2", "3:c:3" } : ["1:A:3", "2:b:2", "3:c:3"]));
        Assert.That(p.Long($"select n from {p.Rel("on_target")}"), Is.EqualTo(strategy == "append" ? 4 : 3));
    }

    [Test]
    public void The_dialect_is_built_for_the_server_version_and_merges_without_merge_before_15()
    {
        var input = new IncrementalStatementsInput(new RelationName(null, "s", "t"), "t__xform_incr", ["id", "v"], ["id"], ["v"], [], null);
        var on14 = new PostgresDialect(s => "\"" + s + "\"", new Version(14, 11));
        var on16 = new PostgresDialect(s => "\"" + s + "\"", new Version(16, 2));
        Assert.That(on14.Capabilities.Merge, Is.False);
        Assert.That(on16.Capabilities, Is.EqualTo(new AdapterCapabilities(TransactionalDdl: true, CreateOrReplaceTable: false, SwapWith: false, Merge: true)));
        Assert.That(on14.Merge(input).Select(s => s.Split(' ')[0]), Is.EqualTo(new[] { "update", "insert" }));
        Assert.That(on16.Merge(input).Single(), Does.StartWith("merge into \"s\".\"t\""));
    }

    [Test]
    public void The_dialect_comes_from_the_first_connection_and_stays_the_same()
    {
        var p = NewProject();
        using var adapter = (PostgresAdapter)PostgresTarget.Instance.CreateAdapter(p.Target, p.Dir);
        var first = adapter.Dialect;
        using (adapter.Open()) Assert.That(adapter.Dialect, Is.SameAs(first));
        Assert.That(first.Capabilities.Merge, Is.EqualTo(System.Version.Parse(ServerFixture.Server!.Version).Major >= 15));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Merge_runs_natively_and_as_update_then_insert_before_postgres_15(bool native)
    {
        var p = NewProject();
        var rows = p.With((adapter, c) =>
        {
            // the pre-15 statements run on any server: a dialect built for 14 writes them
            var dialect = new PostgresDialect(adapter.Quote, new Version(native ? 15 : 14, 0));
            c.EnsureSchema(p.Schema);
            var target = new RelationName(null, p.Schema, "t");
            c.Execute($"create table {dialect.Render(target)} as select * from (values (1, 'a', 1), (2, 'b', 1), (3, 'c', 9)) v(id, v, grp)");
            c.Execute(dialect.DropTemp("t__xform_incr"));
            c.Execute(dialect.CreateTempTableAs("t__xform_incr", "select * from (values (1, 'A', 1), (3, 'C', 1), (4, 'd', 1)) v(id, v, grp)"));
            var input = new IncrementalStatementsInput(target, "t__xform_incr", ["id", "v", "grp"], ["id"], ["v"], ["DBT_INTERNAL_DEST.grp = 1"], null);
            c.ExecuteTransaction(dialect.Merge(input));
            return c.Query($"select id, v, grp from {dialect.Render(target)} order by id, v").Rows.Select(r => $"{r[0]}:{r[1]}:{r[2]}").ToList();
        });
        // id 3 exists only outside the predicate's rows: not matched, so inserted beside the old one
        Assert.That(rows, Is.EqualTo(new[] { "1:A:1", "2:b:1", "3:C:1", "3:c:9", "4:d:1" }));
    }

    [Test]
    public void Cross_database_macros_are_postgres_sql()
    {
        var p = NewProject();
        p.Write("models/m.sql", """
            select
                {{ datediff("date '2024-01-01'", "date '2024-03-15'", 'day') }} as days,
                {{ datediff("timestamp '2024-01-01 23:59'", "timestamp '2024-01-02 00:01'", 'day') }} as boundary,
                {{ datediff("date '2024-01-31'", "date '2024-02-01'", 'month') }} as months,
                {{ dateadd('day', 3, "date '2024-01-30'") }} as later,
                {{ date_trunc('month', "timestamp '2024-05-17 10:00'") }} as month_start,
                {{ safe_cast("'12'", 'integer') }} as good_int,
                {{ split_part("'a-b-c'", "'-'", 2) }} as part,
                {{ hash("'x'") }} as h
            """);
        p.Write("models/spine.sql", "{{ date_spine('day', \"date '2024-01-01'\", \"date '2024-01-08'\") }}");
        p.Write("models/series.sql", "{{ generate_series(5) }}");
        p.Write("models/agg.sql", "select {{ listagg('v', \"','\", 'order by v') }} as l, {{ percentile_cont('n', 0.5) }} as median from (values ('b', 1), ('a', 3)) t(v, n)");
        p.Ok("run");
        var row = p.QueryRows($"select days, boundary, months, later, month_start, good_int, part, h from {p.Rel("m")}")[0];
        Assert.That(row[..3].Select(ConformanceProject.ToLong), Is.EqualTo(new[] { 74L, 1, 1 }));
        Assert.That(row[3], Is.EqualTo(new DateTime(2024, 2, 2)));
        Assert.That(row[4], Is.EqualTo(new DateTime(2024, 5, 1)));
        Assert.That(row[5..7], Is.EqualTo(new object?[] { 12, "b" }));
        Assert.That(row[7], Is.EqualTo("9dd4e461268c8034f5c8564e155c67a6"));
        Assert.That(p.Long($"select count(*) from {p.Rel("spine")}"), Is.EqualTo(7));
        Assert.That(p.Long($"select sum(generated_number) from {p.Rel("series")}"), Is.EqualTo(15));
        Assert.That(p.QueryRows($"select l, median from {p.Rel("agg")}")[0], Is.EqualTo(new object[] { "a,b", 2.0 }));
    }

    [Test]
    public void Schemas_are_created_once_even_when_threads_race()
    {
        var server = ServerFixture.Require();
        using var adapter = new PostgresAdapter(Target(new()
        {
            ["host"] = server.Host, ["port"] = server.Port, ["user"] = "postgres", ["password"] = server.Password, ["dbname"] = PostgresServer.Database,
        }), ".");
        var schema = "xf_race_" + Guid.NewGuid().ToString("N")[..6];
        Parallel.For(0, 8, _ =>
        {
            using var c = adapter.Open();
            c.EnsureSchema(schema);
        });
        using var check = adapter.Open();
        Assert.That(PostgresServerCount(check, schema), Is.EqualTo(1));
    }

    static long PostgresServerCount(IAdapterConnection c, string schema) =>
        ConformanceProject.ToLong(c.Query($"select count(*) from pg_namespace where nspname = '{schema}'").Rows[0][0]);

    [Test]
    public void Role_and_search_path_apply_to_every_connection()
    {
        var p = NewProject();
        var role = "xf_role_" + Guid.NewGuid().ToString("N")[..6];
        p.With((_, c) =>
        {
            c.Execute($"create role {role}");
            c.Execute($"grant create on database {PostgresServer.Database} to {role}");
            return 0;
        });
        p.Write("profiles.yml", p.Read("profiles.yml") + $"      role: '{role}'\n      search_path: '{p.Schema}, public'\n");
        p.Write("models/who.sql", "{{ config(materialized='table') }}\nselect current_user as u, current_schemas(false)::text as s");
        p.Ok("run");
        var row = p.QueryRows($"select u, s from {p.Rel("who")}")[0];
        Assert.That(row, Is.EqualTo(new object[] { role, $"{{{p.Schema},public}}" }));
        Assert.That(p.Scalar($"select tableowner from pg_tables where schemaname = '{p.Schema}' and tablename = 'who'"), Is.EqualTo(role));
    }

    [Test]
    public void The_server_runs_as_a_throwaway_on_loopback()
    {
        var server = ServerFixture.Require();
        using var c = server.Connect();
        using var cmd = new NpgsqlCommand("select current_setting('listen_addresses'), current_setting('fsync')", c);
        using var reader = cmd.ExecuteReader();
        reader.Read();
        Assert.That((reader.GetString(0), reader.GetString(1)), Is.EqualTo(("127.0.0.1", "off")));
    }

    [Test]
    public void Docs_are_written_without_column_lineage_and_say_so_once()
    {
        var p = NewProject();
        p.Write("models/base.sql", "select 1 as id");
        p.Write("models/top.sql", "select id from {{ ref('base') }}");
        p.Ok("run");
        var r = p.Ok("docs", "generate");
        Assert.That(r.All.Split("no column lineage").Length - 1, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Not.Contain("columns fully resolved"));
        var html = p.Read("target/index.html");
        const string open = "<script id=\"xform-data\" type=\"application/json\">";
        var start = html.IndexOf(open, StringComparison.Ordinal) + open.Length;
        var nodes = System.Text.Json.Nodes.JsonNode.Parse(html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)])!["nodes"]!.AsArray();
        var id = nodes.Single(n => (string?)n!["id"] == "model.proj.top")!["columns"]!.AsArray().Single()!;
        Assert.That((string?)id["type"], Is.EqualTo("integer"), "the catalog is still read");
        Assert.That(id["lineage"], Is.Null);
    }
}
