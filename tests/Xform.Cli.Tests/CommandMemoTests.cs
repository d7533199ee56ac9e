using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Xform.Cli.Tests;

/// <summary>
/// A parse or compile run again on the same project with the same flags finds its outputs current (target/command_memo.bin)
/// and stops: what it prints and leaves is what the full command gives, and anything that would change that (an output
/// deleted or edited, another selection, a render that reads the database or the clock, a warning, an environment
/// variable read while compiling) runs the command in full.
/// </summary>
[NonParallelizable] // sets environment variables that templates read
public class CommandMemoTests
{
    const string Kept = "compile: nothing changed since the same compile";

    static TestProject Project()
    {
        var p = new TestProject("memo");
        p.Write("macros/twice.sql", "{% macro twice(x) %}({{ x }} * 2){% endmacro %}\n");
        p.Write("models/base.sql", "select 1 as id\n");
        p.Write("models/eph.sql", "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('base') }}\n");
        p.Write("models/mart.sql", "{{ config(materialized='table') }}\nselect id, {{ twice('id') }} as x from {{ ref('eph') }}\n");
        p.Write("analyses/look.sql", "select * from {{ ref('mart') }}\n");
        return p;
    }

    static CliResult Run(TestProject p, params string[] args)
    {
        var r = p.Run(args);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return r;
    }

    /// <summary>What a command prints, without the clock, the seconds it took and --debug's lines.</summary>
    static string Printed(CliResult r) => string.Join("\n", ConsoleText.Untimed(r.All).Split('\n')
        .Where(l => !l.StartsWith("timing:", StringComparison.Ordinal) && !l.StartsWith("partial ", StringComparison.Ordinal)
                    && !l.StartsWith("manifest.json:", StringComparison.Ordinal) && !l.StartsWith("compile:", StringComparison.Ordinal)
                    && !l.StartsWith("parse:", StringComparison.Ordinal))
        .Select(l => Regex.Replace(l, @" in \d+\.\d\ds$", " in -s")));

    /// <summary>manifest.json without its metadata, and every compiled file.</summary>
    static string Outputs(TestProject p)
    {
        var manifest = Regex.Replace(p.Read("target/manifest.json"), "\"(invocation_id|generated_at)\":\\s*\"[^\"]*\"", "\"$1\":\"-\"");
        var dir = Path.Combine(p.Dir, "target", "compiled");
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(dir, f) + "\n" + File.ReadAllText(f));
        return manifest + "\n" + string.Join("\n", files);
    }

    [Test]
    public void A_repeated_compile_stops_at_its_current_outputs_and_prints_and_leaves_what_a_full_compile_does()
    {
        using var p = Project();
        var full = Run(p, "compile", "--debug");
        Assert.That(full.All, Does.Not.Contain(Kept));
        var fullOutputs = Outputs(p);
        var invocation = Regex.Match(p.Read("target/manifest.json"), "\"invocation_id\":\\s*\"([^\"]+)\"").Groups[1].Value;
        var again = Run(p, "compile", "--debug");
        Assert.That(again.All, Does.Contain(Kept));
        Assert.That(Printed(again), Is.EqualTo(Printed(full)));
        Assert.That(Outputs(p), Is.EqualTo(fullOutputs));
        Assert.That(p.Read("target/manifest.json"), Does.Not.Contain(invocation), "this command's invocation id");
        // The same compile without the memo (a cold one, --no-partial-parse) leaves the same files.
        Run(p, "compile", "--no-partial-parse");
        Assert.That(Outputs(p), Is.EqualTo(fullOutputs));
    }

    [Test]
    public void A_compiled_file_deleted_or_edited_or_a_manifest_changed_since_is_written_again()
    {
        using var p = Project();
        Run(p, "compile");
        var expected = Outputs(p);
        File.Delete(Path.Combine(p.Dir, "target", "compiled", "memo", "models", "mart.sql"));
        Assert.That(Run(p, "compile", "--debug").All, Does.Not.Contain(Kept));
        Assert.That(Outputs(p), Is.EqualTo(expected));
        File.AppendAllText(Path.Combine(p.Dir, "target", "compiled", "memo", "analyses", "look.sql"), "-- mine\n");
        Assert.That(Run(p, "compile", "--debug").All, Does.Not.Contain(Kept));
        Assert.That(Outputs(p), Is.EqualTo(expected));
        Assert.That(Run(p, "compile", "--debug").All, Does.Contain(Kept));
        File.WriteAllText(Path.Combine(p.Dir, "target", "manifest.json"), "{}");
        Assert.That(Run(p, "compile", "--debug").All, Does.Not.Contain(Kept));
        Assert.That(Outputs(p), Is.EqualTo(expected));
    }

    [Test]
    public void Another_selection_compiles_in_full_and_a_repeated_one_prints_the_only_models_sql()
    {
        using var p = Project();
        Run(p, "compile");
        var one = Run(p, "compile", "--select", "mart", "--debug");
        Assert.That(one.All, Does.Not.Contain(Kept));
        Assert.That(one.Out, Does.Contain("__dbt__cte__eph"), "the only model's SQL is printed");
        var again = Run(p, "compile", "--select", "mart", "--debug");
        Assert.That(again.All, Does.Contain(Kept));
        Assert.That(Printed(again), Is.EqualTo(Printed(one)));
        Assert.That(Run(p, "compile", "--debug").All, Does.Not.Contain(Kept), "the whole project again: the memo was the selection's");
        Assert.That(Run(p, "compile", "--debug", "--vars", "{x: 1}").All, Does.Not.Contain(Kept));
        Assert.That(Run(p, "compile", "--debug", "--empty").All, Does.Not.Contain(Kept));
    }

    [Test]
    public void A_default_selector_changed_in_selectors_yml_compiles_in_full()
    {
        using var p = Project();
        p.Write("selectors.yml", "selectors:\n  - name: marts\n    default: true\n    definition: 'mart'\n");
        var first = Run(p, "compile", "--debug");
        Assert.That(first.All, Does.Contain("Compiled 1 model into"));
        // it says which default selector it used: a line the memo would not print, so the compile is not kept
        Assert.That(Run(p, "compile", "--debug").All, Does.Contain("Using the default selector 'marts'").And.Not.Contain(Kept));
        p.Write("selectors.yml", "selectors:\n  - name: marts\n    definition: 'mart'\n");
        Run(p, "compile");
        Assert.That(Run(p, "compile", "--debug").All, Does.Contain(Kept).And.Contain("Compiled 3 models and 1 analysis into"));
        p.Write("selectors.yml", "selectors:\n  - name: marts\n    default: true\n    definition: 'base'\n");
        var changed = Run(p, "compile", "--debug");
        Assert.That(changed.All, Does.Not.Contain(Kept).And.Contain("Compiled 1 model into"));
    }

    [TestCase("select '{% if execute %}{{ run_started_at }}{% endif %}' as t\n")]
    [TestCase("select {{ run_query('select 1') is none }} as id\n")]
    [TestCase("{% if execute %}{% do log('compiling') %}{% endif %}select 1 as id\n")]
    [TestCase("{{ config(pre_hook=\"select '{{ invocation_id }}'\") }}select 1 as id\n")]
    public void A_compile_that_read_the_database_the_clock_or_the_log_is_run_each_time(string sql)
    {
        using var p = Project();
        p.Write("models/outside.sql", sql);
        Run(p, "compile");
        var r = Run(p, "compile", "--debug");
        Assert.That(r.All, Does.Contain("partial parse: nothing changed"), "only the compile reads it");
        Assert.That(r.All, Does.Not.Contain(Kept));
    }

    [Test]
    public void A_warning_is_printed_each_time_by_a_compile_run_in_full()
    {
        using var p = Project();
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: nowhere\n    description: no such model\n");
        var first = Run(p, "compile");
        Assert.That(first.All, Does.Contain("nowhere"));
        var again = Run(p, "compile", "--debug");
        Assert.That(again.All, Does.Not.Contain(Kept));
        Assert.That(Printed(again), Is.EqualTo(Printed(first)));
    }

    [Test]
    public void An_environment_variable_read_only_while_compiling_is_checked()
    {
        var name = $"XFORM_MEMO_{Guid.NewGuid():N}";
        using var p = Project();
        p.Write("models/env.sql", $"select '{{% if execute %}}{{{{ env_var('{name}', 'none') }}}}{{% endif %}}' as v\n");
        try
        {
            Environment.SetEnvironmentVariable(name, "first");
            Run(p, "compile");
            Assert.That(Run(p, "compile", "--debug").All, Does.Contain(Kept));
            Environment.SetEnvironmentVariable(name, "second");
            Assert.That(Run(p, "compile", "--debug").All, Does.Not.Contain(Kept));
            Assert.That(p.Read("target/compiled/memo/models/env.sql"), Does.Contain("'second'"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Test]
    public void After_an_edit_the_next_compile_of_the_same_edit_stops_and_another_edit_compiles()
    {
        using var p = Project();
        Run(p, "compile");
        Thread.Sleep(2100); // out of the saved parse's racy window: the edit is rendered on top of it
        p.Write("models/mart.sql", "{{ config(materialized='table') }}\nselect id, {{ twice('id') }} as y from {{ ref('eph') }}\n");
        var edited = Run(p, "compile", "--debug");
        Assert.That(edited.All, Does.Contain("1 edited model file rendered again").And.Not.Contain(Kept));
        var expected = Outputs(p);
        Assert.That(Run(p, "compile", "--debug").All, Does.Contain(Kept), "the same edit: the same project");
        Assert.That(Outputs(p), Is.EqualTo(expected));
        p.Write("models/mart.sql", "{{ config(materialized='table') }}\nselect id, {{ twice('id') }} as z from {{ ref('eph') }}\n");
        Assert.That(Run(p, "compile", "--debug").All, Does.Not.Contain(Kept));
        Assert.That(p.Read("target/compiled/memo/models/mart.sql"), Does.Contain("as z"));
    }

    [Test]
    public void A_repeated_parse_stops_and_prints_the_same_counts()
    {
        using var p = Project();
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: mart\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n");
        var full = Run(p, "parse", "--debug");
        var again = Run(p, "parse", "--debug");
        Assert.That(again.All, Does.Contain("parse: nothing changed since the same parse"));
        Assert.That(Printed(again), Is.EqualTo(Printed(full)));
        Assert.That(Printed(again), Does.Contain("Parsed 3 models, 2 data tests, 1 analysis"));
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: mart\n    columns:\n      - name: id\n        data_tests: [unique]\n");
        var changed = Run(p, "parse", "--debug");
        Assert.That(changed.All, Does.Not.Contain("parse: nothing changed"));
        Assert.That(Printed(changed), Does.Contain("1 data test,"));
    }

    [Test]
    public void A_run_in_between_rewrites_the_manifest_so_the_next_compile_is_full_and_the_one_after_stops()
    {
        using var p = Project();
        Run(p, "compile");
        var expected = Outputs(p);
        Run(p, "run"); // writes its own manifest.json (and the same compiled files)
        Assert.That(Run(p, "compile", "--debug").All, Does.Not.Contain(Kept));
        Assert.That(Outputs(p), Is.EqualTo(expected));
        Assert.That(Run(p, "compile", "--debug").All, Does.Contain(Kept));
    }

    [Test]
    public void A_cycle_is_reported_each_time()
    {
        using var p = Project();
        p.Write("models/base.sql", "select id from {{ ref('mart') }}\n");
        for (var i = 0; i < 3; i++)
        {
            var r = p.Run("compile");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Assert.That(r.All, Does.Contain("cycle").IgnoreCase);
        }
    }
}
