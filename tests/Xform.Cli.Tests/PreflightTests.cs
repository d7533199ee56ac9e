using System.Text;
using static Xform.Cli.Tests.ErrorMessageTests;

namespace Xform.Cli.Tests;

/// <summary>
/// Mistakes found before the first statement runs (issue 13): a project is built once, then each case copies it, injects
/// one mistake and runs `xform build`. Each must stop with exit 2, every error as `file:line:col: error: ...` at the line
/// to fix, no stack trace, no node started, and every table built before exactly as it was (row count and checksum).
/// </summary>
public class PreflightTests
{
    const string Base = "id,v\n1,a\n2,b\n3,c\n";
    const string Props = """
        version: 2
        models:
          - name: kept
            columns:
              - name: id
                data_tests: [unique, not_null]
          - name: inc
            columns:
              - name: id
                data_tests:
                  - relationships: {to: "ref('kept')", field: id}

        """;
    // A source read in place from a file, so no build order ties it to the seed.
    const string Sources = "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: base\n        config:\n          external_location: 'data/rows.csv'\n";
    const string Snapshot = "{% snapshot snap %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect id, v from {{ ref('base') }}\n{% endsnapshot %}\n";

    TestProject _built = null!;
    Dictionary<string, string> _tables = null!;

    [OneTimeSetUp]
    public void BuildOnce()
    {
        _built = new TestProject();
        _built.Write("seeds/base.csv", Base)
            .Write("data/rows.csv", Base)
            .Write("models/kept.sql", "{{ config(materialized='table') }}select id, v from {{ ref('base') }}")
            .Write("models/inc.sql", "{{ config(materialized='incremental', unique_key='id') }}\nselect id, v from {{ ref('base') }}")
            .Write("models/parent.sql", "{{ config(materialized='table') }}select id from {{ ref('base') }}")
            .Write("models/child.sql", "{{ config(materialized='table') }}\nselect id\nfrom {{ ref('parent') }}")
            .Write("models/from_src.sql", "{{ config(materialized='table') }}select id from {{ source('raw', 'base') }}")
            .Write("models/sources.yml", Sources)
            .Write("models/props.yml", Props)
            .Write("snapshots/snap.sql", Snapshot);
        var r = _built.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        _tables = Tables(_built);
        Assert.That(_tables.Keys, Is.EquivalentTo(_names));
        Assert.That(_tables["inc"], Does.StartWith("3:"));
    }

    [OneTimeTearDown]
    public void Dispose() => _built.Dispose();

    /// <summary>Every table of the database: its row count and a checksum of its rows (one query, so one open of the file).</summary>
    static Dictionary<string, string> Tables(TestProject p) =>
        p.Query(string.Join(" union all ", _names.Select(t =>
                $"select '{t}', count(*), md5(coalesce(string_agg(cast(x as varchar), '|' order by cast(x as varchar)), '')) from main.\"{t}\" x")) +
                " union all select table_name, -1, '' from information_schema.tables where table_type = 'BASE TABLE' and table_name not in (" +
                string.Join(", ", _names.Select(t => $"'{t}'")) + ")")
            .ToDictionary(row => (string)row[0]!, row => $"{row[1]}:{row[2]}");

    /// <summary>The tables the first build makes (any other table found later is reported with a count of -1).</summary>
    static readonly string[] _names = ["base", "child", "from_src", "inc", "kept", "parent", "snap"];

    public sealed record Inject(string Name, string[] Expected, (string Path, object Content)[] Files)
    {
        public override string ToString() => Name;
    }

    static Inject I(string name, string expected, params (string, object)[] files) => new(name, [expected], files);

    static string Project(string seedConfig) => $"name: proj\nprofile: proj\nseeds:\n  proj:\n    base:\n{seedConfig}";

    static string PropsWith(string incConfig) => Props.Replace("  - name: inc\n", "  - name: inc\n    config:\n" + incConfig);

    internal static IEnumerable<Inject> Cases()
    {
        const string Inc = "{{ config(materialized='incremental', ";
        // 1. Strategies without what they need.
        yield return I("merge without unique_key (dbt would insert every row again)",
            "models/inc.sql:1:4: error: model 'inc' uses merge, which needs a unique_key: without one every run inserts all new rows again, " +
            "duplicating the rows already there (dbt runs it as append). Set unique_key, or incremental_strategy='append' if that is what you want",
            ("models/inc.sql", Inc + "incremental_strategy='merge') }}\nselect id, v from {{ ref('base') }}"));
        yield return I("merge with a blank unique_key, set in YAML",
            "models/props.yml:9:29: error: model 'inc' uses merge, which needs a unique_key: without one every run inserts all new rows again, " +
            "duplicating the rows already there (dbt runs it as append). Set unique_key, or incremental_strategy='append' if that is what you want",
            ("models/inc.sql", "{{ config(materialized='incremental') }}\nselect id, v from {{ ref('base') }}"),
            ("models/props.yml", PropsWith("      incremental_strategy: merge\n      unique_key: ''\n")));
        yield return I("delete+insert without unique_key",
            "models/inc.sql:1:4: error: model 'inc' uses delete+insert, which needs a unique_key",
            ("models/inc.sql", Inc + "incremental_strategy='delete+insert') }}\nselect id, v from {{ ref('base') }}"));
        yield return I("insert_overwrite without partition_by",
            "models/inc.sql:1:4: error: model 'inc' uses insert_overwrite, which needs partition_by (the column whose values are replaced)",
            ("models/inc.sql", Inc + "unique_key='id', incremental_strategy='insert_overwrite') }}\nselect id, v from {{ ref('base') }}"));
        yield return I("microbatch without event_time",
            "models/inc.sql:1:4: error: microbatch model 'inc' needs event_time (its timestamp column)",
            ("models/inc.sql", Inc + "incremental_strategy='microbatch', batch_size='day', begin='2024-01-01') }}\nselect id, v from {{ ref('base') }}"));
        yield return I("unknown incremental strategy",
            "models/inc.sql:1:4: error: incremental_strategy 'upsert' of model 'inc' is not one of append, merge, delete+insert, insert_overwrite, microbatch.",
            ("models/inc.sql", Inc + "unique_key='id', incremental_strategy='upsert') }}\nselect id, v from {{ ref('base') }}"));
        yield return I("bad on_schema_change",
            "models/props.yml:9:25: error: on_schema_change 'append' of model 'inc' is not one of ignore, fail, append_new_columns, sync_all_columns",
            ("models/props.yml", PropsWith("      on_schema_change: append\n")));
        // Snapshots and generic tests, at the line to fix.
        yield return I("snapshot without strategy, at its config() call",
            "snapshots/snap.sql:2:4: error: snapshot 'snap' needs strategy: timestamp or check",
            ("snapshots/snap.sql", Snapshot.Replace(", strategy='check', check_cols='all'", "")));
        yield return I("timestamp snapshot without updated_at",
            "snapshots/snap.sql:2:4: error: snapshot 'snap' with strategy timestamp needs updated_at",
            ("snapshots/snap.sql", Snapshot.Replace("strategy='check', check_cols='all'", "strategy='timestamp'")));
        yield return I("accepted_values without values, at the YAML line",
            "models/props.yml:6:40: error: test 'accepted_values' needs argument 'values'; it takes column_name, values, quote",
            ("models/props.yml", Props.Replace("[unique, not_null]", "[unique, not_null, accepted_values]")));
        yield return I("relationships without field, at the YAML line",
            "models/props.yml:11:13: error: test 'relationships' needs argument 'field'; it takes column_name, to, field",
            ("models/props.yml", Props.Replace(", field: id}", "}")));
        // 2. Reading a disabled node.
        yield return I("a ref to a disabled model",
            "models/child.sql:3:9: error: Model 'model.proj.child' (models/child.sql) depends on a node named 'parent' which is disabled; enable it, or disable child too",
            ("models/parent.sql", "{{ config(materialized='table', enabled=false) }}select id from {{ ref('base') }}"));
        yield return I("a ref to a model disabled by its folder config",
            "models/child.sql:3:9: error: Model 'model.proj.child' (models/child.sql) depends on a node named 'parent' which is disabled; enable it, or disable child too",
            ("project.yml", "name: proj\nprofile: proj\nmodels:\n  proj:\n    parent:\n      +enabled: false\n"));
        yield return I("a source() of a disabled source",
            "models/from_src.sql:1:53: error: Model 'model.proj.from_src' (models/from_src.sql) depends on a source named 'raw.base' which is disabled; enable it, or disable from_src too",
            ("models/sources.yml", Sources + "          enabled: false\n"));
        // 3 and 4. Seed files, read before anything runs.
        yield return I("a NUL byte in a seed value",
            "seeds/base.csv:3:4: error: the value in column 'v' holds a NUL byte (\\0), which PostgreSQL cannot store and other engines may cut the text at; remove it from the file",
            ("seeds/base.csv", "id,v\n1,a\n2,b\0c\n3,c\n"));
        yield return I("a ragged seed row",
            "seeds/base.csv:3:5: error: row has 3 fields but the header has 2",
            ("seeds/base.csv", "id,v\n1,a\n2,b,x\n3,c\n"));
        yield return I("an unterminated quote",
            "seeds/base.csv:4:3: error: this quoted field is never closed: a '\"' is missing (a quote inside a quoted field is written '\"\"')",
            ("seeds/base.csv", "id,v\n1,a\n2,b\n3,\"c\n"));
        yield return I("a value that does not fit column_types",
            "seeds/base.csv:5:1: error: '40000' in column 'id' is not a valid smallint",
            ("project.yml", Project("      +column_types: {id: smallint}\n")), ("seeds/base.csv", Base + "40000,d\n"));
        yield return I("column_types naming a column the file lacks, at the config",
            "project.yml:6:22: error: column_types names a column 'value' that is not in the header of seeds/base.csv.",
            ("project.yml", Project("      +column_types: {value: text}\n")));
        yield return I("an empty seed file",
            "seeds/base.csv:1:1: error: the seed file is empty; its first line must be a header naming the columns",
            ("seeds/base.csv", ""));
        yield return I("a duplicate header",
            "seeds/base.csv:1:4: error: the header names column 'id' twice (columns 1 and 2); column names must be unique",
            ("seeds/base.csv", "id,id\n1,a\n"));
        yield return I("an empty header name",
            "seeds/base.csv:1:4: error: column 2 of the header has no name; every column needs one",
            ("seeds/base.csv", "id,\n1,a\n"));
        yield return I("invalid UTF-8",
            "seeds/base.csv:3:3: error: the value in column 'v' is not valid UTF-8; save the file as UTF-8",
            ("seeds/base.csv", new byte[] { (byte)'i', (byte)'d', (byte)',', (byte)'v', 10, (byte)'1', (byte)',', (byte)'a', 10, (byte)'2', (byte)',', 0xC3, 0x28, 10 }));
        yield return I("a delimiter that is not one character, at the config",
            "project.yml:6:19: error: the seed delimiter must be one ASCII character other than a quote or a line break, not ';;'",
            ("project.yml", Project("      +delimiter: ';;'\n")));
    }

    [TestCaseSource(nameof(Cases))]
    public void A_mistake_stops_the_build_before_anything_runs(Inject c)
    {
        using var p = _built.Clone();
        foreach (var (path, content) in c.Files)
        {
            if (content is byte[] bytes) p.WriteBytes(path, bytes);
            else p.Write(path, (string)content);
        }
        var r = p.Run("build");
        AssertStopped(p, r, c.Expected);
    }

    void AssertStopped(TestProject p, CliResult r, string[] expected)
    {
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var errors = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ConsoleText.Untimed).ToList();
        Assert.That(errors, Is.EqualTo(expected), r.ToString());
        Assert.That(r.All, Does.Not.Contain("   at ").And.Not.Contain("internal error"), "no stack trace");
        Assert.That(r.Out, Does.Not.Contain("START"), "no node started");
        Assert.That(Tables(p), Is.EqualTo(_tables), "every table is as the first build left it");
    }

    [Test]
    public void Every_bad_seed_file_is_reported_at_once()
    {
        using var p = _built.Clone();
        p.Write("seeds/base.csv", "id,v\n1,a\n2\n");
        p.Write("seeds/more.csv", "a,a\n");
        p.Write("seeds/other.csv", "x\n\"y\n");
        AssertStopped(p, p.Run("build"), [
            "seeds/base.csv:3:2: error: row has 1 field but the header has 2",
            "seeds/more.csv:1:3: error: the header names column 'a' twice (columns 1 and 2); column names must be unique",
            "seeds/other.csv:2:1: error: this quoted field is never closed: a '\"' is missing (a quote inside a quoted field is written '\"\"')",
        ]);
    }

    [Test]
    public void Every_config_test_argument_and_disabled_ref_mistake_is_reported_at_once()
    {
        using var p = _built.Clone();
        p.Write("models/parent.sql", "{{ config(materialized='table', enabled=false) }}select 1 as id");
        p.Write("models/inc.sql", "{{ config(materialized='incremental', incremental_strategy='merge') }}\nselect id, v from {{ ref('base') }}");
        p.Write("project.yml", Project("      +delimiter: ';;'\n"));
        p.Write("models/props.yml", Props.Replace("[unique, not_null]", "[unique, not_null, accepted_values]").Replace(", field: id}", "}"));
        AssertStopped(p, p.Run("build"), [
            "models/child.sql:3:9: error: Model 'model.proj.child' (models/child.sql) depends on a node named 'parent' which is disabled; enable it, or disable child too",
            "models/inc.sql:1:4: error: model 'inc' uses merge, which needs a unique_key: without one every run inserts all new rows again, " +
            "duplicating the rows already there (dbt runs it as append). Set unique_key, or incremental_strategy='append' if that is what you want",
            "models/props.yml:6:40: error: test 'accepted_values' needs argument 'values'; it takes column_name, values, quote",
            "models/props.yml:11:13: error: test 'relationships' needs argument 'field'; it takes column_name, to, field",
            "project.yml:6:19: error: the seed delimiter must be one ASCII character other than a quote or a line break, not ';;'",
        ]);
    }

    [Test]
    public void A_bad_seed_outside_the_selection_does_not_stop_the_build()
    {
        using var p = _built.Clone();
        p.Write("seeds/other.csv", "x,y\n1\n");
        p.Write("models/kept.sql", "{{ config(materialized='table') }}select id, v, 'new' as w from {{ ref('base') }}");
        var r = p.Run("build", "-s", "kept");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Scalar("select count(*) from kept where w = 'new'"), Is.EqualTo(3L));
        Assert.That(p.Run("seed").ExitCode, Is.EqualTo(2), "the seed command reads it");
    }

    [Test]
    public void A_model_and_what_it_reads_disabled_together_build()
    {
        using var p = _built.Clone();
        p.Write("models/parent.sql", "{{ config(materialized='table', enabled=false) }}select id from {{ ref('base') }}");
        p.Write("models/child.sql", "{{ config(materialized='table', enabled=false) }}\nselect id\nfrom {{ ref('parent') }}");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Not.Contain("main.parent").And.Not.Contain("main.child"));
    }

    [Test]
    public void Tests_of_a_disabled_model_go_with_it_and_a_test_that_reads_it_is_disabled_with_a_warning()
    {
        using var p = _built.Clone();
        p.Write("models/kept.sql", "{{ config(materialized='table', enabled=false) }}select id, v from {{ ref('base') }}");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Not.Contain("unique_kept_id").And.Not.Contain("not_null_kept_id"), "dbt drops the tests of a disabled model");
        var warnings = r.Out.Split('\n').Where(l => l.Contains("warning:")).Select(ConsoleText.Untimed).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Match(@"^models/props\.yml:11:13: warning: Test 'test\.proj\.relationships_inc_id__id__ref_kept_\.[0-9a-f]{10}' \(models/props\.yml\) " +
            "depends on a node named 'kept' which is disabled; the test is disabled too$"));
        Assert.That(r.Out, Does.Not.Contain("START test relationships_inc_id"), "the test did not run");
    }

    [Test]
    public void An_explicit_append_still_adds_the_rows_again_as_asked()
    {
        using var p = _built.Clone();
        p.Write("models/inc.sql", "{{ config(materialized='incremental', incremental_strategy='append') }}\nselect id, v from {{ ref('base') }}");
        Assert.That(p.Run("run", "-s", "inc").ExitCode, Is.Zero);
        Assert.That(p.Scalar("select count(*) from inc"), Is.EqualTo(6L), "an explicit append adds the rows again, as asked");
    }
}
