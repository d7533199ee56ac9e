using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;

namespace Xform.Core.Tests.RuntimeTests;

/// <summary>The dbt context where Python cannot be asked (the clock, secrets, sharing between renders) or xform's own choices.</summary>
public class ContextObjectTests
{
    static readonly CompileSession Session = ContextDifferentialTests.Session();

    static string Render(string text, CompileSession? session = null)
    {
        session ??= Session;
        return session.Engine.Render(session.Engine.Parse(new TemplateSource("models/m.sql", text)), session.BaseGlobals());
    }

    static XformException Fails(string text) => Assert.Throws<XformException>(() => Render(text))!;

    [Test]
    public void Now_utcnow_and_today_read_the_clock()
    {
        var before = DateTime.UtcNow.AddSeconds(-1);
        var utc = DateTime.ParseExact(Render("{{ modules.datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M:%S') }}"), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var after = DateTime.UtcNow.AddSeconds(1);
        Assert.That(utc, Is.InRange(before.AddTicks(-before.Ticks % TimeSpan.TicksPerSecond), after));
        var local = DateTime.ParseExact(Render("{{ modules.datetime.datetime.now().isoformat(timespec='seconds') }}"), "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        Assert.That(local, Is.InRange(before.ToLocalTime().AddSeconds(-1), after.ToLocalTime()));
        Assert.That(Render("{{ modules.datetime.datetime.now(modules.pytz.utc).tzinfo }} {{ modules.datetime.datetime.now().tzinfo is none }}"), Is.EqualTo("UTC True"));
        Assert.That(Render("{{ modules.datetime.date.today() }}"), Is.EqualTo(DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Or.EqualTo(DateTime.Now.AddSeconds(-5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Assert.That(Render("{{ modules.datetime.datetime.now().strftime('%Y') | int >= 2024 }}"), Is.EqualTo("True"));
    }

    [Test]
    public void Globals_are_built_once_and_each_render_gets_its_own_copy()
    {
        var a = Session.BaseGlobals();
        var b = Session.BaseGlobals();
        Assert.That(a, Is.Not.SameAs(b));
        Assert.That(a["modules"], Is.SameAs(b["modules"]), "the modules are shared, not rebuilt");
        Assert.That(a["target"], Is.SameAs(b["target"]));
        Assert.That(a["run_started_at"], Is.SameAs(b["run_started_at"]));
        a["ref"] = "node-specific";
        Assert.That(b.ContainsKey("ref"), Is.False);
        Assert.That(Session.BaseGlobals().ContainsKey("ref"), Is.False);
    }

    [Test]
    public void Thread_id_names_the_rendering_thread()
    {
        var here = Render("{{ thread_id }}");
        Assert.That(here, Does.StartWith("Thread-").Or.EqualTo(Thread.CurrentThread.Name));
        string? there = null;
        var t = new Thread(() => there = Render("{{ thread_id }}"));
        t.Start();
        t.Join();
        Assert.That(there, Is.Not.Null.And.Not.EqualTo(here));
    }

    [Test]
    public void Shared_objects_cannot_be_changed_by_a_template()
    {
        Assert.That(Fails("{% do modules.update({'x': 1}) %}").Message, Does.Contain("no attribute 'update'"));
        Assert.That(Fails("{% do target.pop('schema') %}").Message, Does.Contain("no attribute 'pop'"));
        Assert.That(Render("{{ target.schema }}"), Is.EqualTo("main"));
    }

    [Test]
    public void Target_leaves_secrets_out_and_takes_the_adapters_fields()
    {
        var target = new TargetConfig("p", "prod", "postgres", "analytics", "", 8, new Dictionary<string, object?>
        {
            ["type"] = "postgres", ["host"] = "db.internal", ["password"] = "hunter2", ["private_key"] = "k", ["token"] = "t", ["pass"] = "p2",
            ["path"] = "not-a-secret", ["threads"] = 8L,
        });
        var fromProfile = new CompileSession(new TemplateEngine([], [], "postgres"), TestManifests.Project, target, new Dictionary<string, object?>(), s => s, _ => { });
        Assert.That(Render("{{ target }}", fromProfile), Is.EqualTo(
            "{'host': 'db.internal', 'path': 'not-a-secret', 'database': '', 'schema': 'analytics', 'type': 'postgres', 'threads': 8, 'name': 'prod', 'target_name': 'prod', 'profile_name': 'p'}"));
        Assert.That(Render("{{ 'password' in target }} {{ target.get('token') }}", fromProfile), Is.EqualTo("False None"));

        var fields = new Dictionary<string, object?> { ["host"] = "db.internal", ["port"] = 5432L, ["user"] = "me", ["database"] = "warehouse", ["schema"] = "analytics", ["password"] = "leaked?" };
        var fromAdapter = new CompileSession(new TemplateEngine([], [], "postgres"), TestManifests.Project, target, new Dictionary<string, object?>(), s => s, _ => { }, null, fields);
        Assert.That(Render("{{ target.database }} {{ target.port + 1 }} {{ target.user }} {{ 'password' in target }}", fromAdapter), Is.EqualTo("warehouse 5433 me False"));
        Assert.That(fromAdapter.Target.Database, Is.EqualTo("warehouse"), "the manifest's database is the adapter's where the profile has none");
    }

    [Test]
    public void Flags_answer_every_name_and_show_as_a_namespace()
    {
        Assert.That(Render("{{ flags.WHICH }} {{ flags.FULL_REFRESH }} {{ flags.INDIRECT_SELECTION }} {{ flags.NO_SUCH_FLAG }} {{ flags.EMPTY is sameas false }}"),
            Is.EqualTo("compile False eager None True"));
        Assert.That(Render("{{ flags }}"), Does.StartWith("Namespace(CACHE_SELECTED_ONLY=False, DEBUG=False,").And.Contain("WHICH='compile'"));
        Assert.That(FlagsObject.Which("ls"), Is.EqualTo("list"));
        Assert.That(FlagsObject.Which("freshness"), Is.EqualTo("freshness"));
    }

    [Test]
    public void A_new_invocation_has_a_fresh_id_and_the_current_time()
    {
        var a = Invocation.New();
        var b = Invocation.New();
        Assert.That(a.Id, Is.Not.EqualTo(b.Id));
        Assert.That(Guid.TryParse(a.Id, out _), Is.True);
        Assert.That(a.StartedAtUtc, Is.EqualTo(DateTime.UtcNow).Within(TimeSpan.FromMinutes(1)));
        var session = new CompileSession(new TemplateEngine([], [], "duckdb"), TestManifests.Project, new TargetConfig("p", "t", "duckdb", "main", "memory", 1, new Dictionary<string, object?>()),
            new Dictionary<string, object?>(), s => s, _ => { });
        Assert.That(Render("{{ invocation_id }}", session), Is.EqualTo(session.Invocation.Id));
    }

    [Test]
    public void Errors_name_the_problem_as_python_does()
    {
        Assert.That(Fails("{{ modules.pytz.timezone('Mars/Olympus') }}").Message, Does.Contain("UnknownTimeZoneError: 'Mars/Olympus'"));
        Assert.That(Fails("{{ modules.itertools.count() | list }}").Message, Does.Contain("never ends"));
        Assert.That(Fails("{{ modules.itertools.repeat('x') | list }}").Message, Does.Contain("never ends"));
        Assert.That(Fails("{{ modules.datetime.timedelta(days=1, fortnights=2) }}").Message, Does.Contain("unexpected keyword argument 'fortnights'"));
        Assert.That(Fails("{{ modules.datetime.datetime(2024, 1) }}").Message, Does.Contain("missing required argument 'day'"));
        Assert.That(Fails("{{ run_started_at - modules.datetime.datetime(2024, 1, 1) }}").Message, Does.Contain("can't subtract offset-naive and offset-aware datetimes"));
        Assert.That(Fails("{{ tojson(this_is_undefined) }}").Message, Does.Contain("this_is_undefined"));
        Assert.That(Fails("{{ modules.re.sub('a', '\\\\q', 'a') }}").Message, Does.Contain("bad escape \\q"));
        Assert.That(Fails("{{ local_md5(1) }}").Message, Does.Contain("local_md5 expects a string"));
        Assert.That(Fails("{{ modules.datetime.tzinfo() }}").Message, Does.Contain("abstract"));
    }

    [Test]
    public void Values_python_cannot_serialize_give_the_default_where_dbt_does()
    {
        Assert.That(Render("{{ toyaml(set([1])) }} {{ toyaml(set([1]), 'd') }} {{ fromyaml(5, 'd') }} {{ fromjson('{', default=[]) }}"), Is.EqualTo("None d d []"));
        Assert.That(Fails("{{ tojson(set([1])) }}").Message, Does.Contain("Object of type set is not JSON serializable"));
    }

    [Test]
    public void Timedelta_and_dates_work_in_filters_and_tests()
    {
        Assert.That(Render("{{ [modules.datetime.timedelta(hours=2), modules.datetime.timedelta(minutes=5)] | sort | join(', ') }}"), Is.EqualTo("0:05:00, 2:00:00"));
        Assert.That(Render("{{ modules.datetime.date(2024, 1, 1) is string }} {{ modules.datetime.date(2024, 1, 1) ~ '' }} {{ (modules.datetime.date(2024, 1, 1) | string)[:4] }}"),
            Is.EqualTo("False 2024-01-01 2024"));
        Assert.That(Render("{% set d = modules.datetime.date(2024, 1, 31) %}{% for i in range(3) %}{{ (d + modules.datetime.timedelta(days=i)).strftime('%d') }} {% endfor %}"),
            Is.EqualTo("31 01 02 "));
    }

    [Test]
    public void Python_regex_syntax_is_translated_for_dotnet()
    {
        var names = new Dictionary<string, int>();
        Assert.That(PyRegex.Translate(@"(?P<y>\d{4})-(\d\d)(?P=y)\Z[\Z]{,3}", names), Is.EqualTo(@"(\d{4})-(\d\d)(?:\1)\z[\Z]{0,3}"));
        Assert.That(names, Is.EqualTo(new Dictionary<string, int> { ["y"] = 1 }));
        Assert.That(PyRegex.Replacement(@"\1-\g<y>-$-\n", names), Is.EqualTo("${1}-${1}-$$-\n"));
        Assert.That(PyRegex.Escape("a.b c"), Is.EqualTo(@"a\.b\ c"));
    }

    [Test]
    public void The_duckdb_catalog_is_named_after_the_files_stem()
    {
        Assert.That(ProfileReader.DuckDbCatalog("target/retail.duckdb"), Is.EqualTo("retail"));
        Assert.That(ProfileReader.DuckDbCatalog(":memory:"), Is.EqualTo("memory"));
        Assert.That(ProfileReader.DuckDbCatalog(""), Is.EqualTo("memory"));
    }
}
