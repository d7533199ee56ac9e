using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Xform.Cli.Tests;

/// <summary>
/// A compile after edits of models' SQL alone patches the last compile's outputs (target/compile_patch.bin): the edited
/// models' compiled files and manifest.json nodes, byte for byte what a full compile writes; any other change compiles in full.
/// </summary>
public class CompilePatchTests
{
    const string Patched = "patched into the last compile's outputs";

    static TestProject Project()
    {
        var p = new TestProject("cp");
        p.Write("macros/twice.sql", "{% macro twice(x) %}({{ x }} * 2){% endmacro %}\n");
        p.Write("models/m0.sql", "select 1 as id\n");
        for (var i = 1; i < 5; i++) p.Write($"models/m{i}.sql", $"{{{{ config(materialized='table') }}}}\nselect id, {{{{ twice('id') }}}} as x from {{{{ ref('m{i - 1}') }}}}\n");
        p.Write("models/eph.sql", "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('m0') }}\n");
        p.Write("models/reads_eph.sql", "select id from {{ ref('eph') }}\n");
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: m2\n    description: the second\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n");
        return p;
    }

    /// <summary>A compile of the project as it is now, then a full one into a folder of its own; asserts both wrote the same. Returns the first's output.</summary>
    static string CompileAndCompare(TestProject p, string step)
    {
        var r = p.Run("compile", "--debug");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var cold = Path.Combine(p.Dir, "target_cold");
        if (Directory.Exists(cold)) Directory.Delete(cold, recursive: true);
        var full = p.Run("compile", "-q", "--no-partial-parse", "--target-path", "target_cold");
        Assert.That(full.ExitCode, Is.Zero, full.ToString());
        var (manifest, files) = PartialParseTests.Outputs(p);
        var (coldManifest, coldFiles) = PartialParseTests.Outputs(p, "target_cold");
        Assert.That(files, Is.EqualTo(coldFiles), $"compiled files after {step}");
        Assert.That(manifest, Is.EqualTo(coldManifest), $"manifest.json after {step}");
        return r.All;
    }

    [Test]
    public void An_edit_of_a_models_sql_is_patched_in_and_gives_what_a_full_compile_gives()
    {
        using var p = Project();
        var first = p.Run("compile");
        Assert.That(first.ExitCode, Is.Zero);
        Assert.That(p.Exists("target/compile_patch.bin") && p.Exists("target/compile_patch_nodes.bin"));
        var count = Regex.Match(first.All, @"Compiled \d+ models").Value;
        // a model in the middle of the chain, its SQL and the macros it calls changed, its refs not
        p.Write("models/m2.sql", "{{ config(materialized='table') }}\n-- reworked\nselect id, {{ twice('id') }} + {{ twice('2') }} as x, 7 as y from {{ ref('m1') }}\n");
        var r = CompileAndCompare(p, "editing m2");
        Assert.That(r, Does.Contain($"1 edited model {Patched}"));
        Assert.That(r, Does.Contain(count), "the patched compile reports what the full one did");
        Assert.That(p.Read("target/compiled/cp/models/m2.sql"), Does.Contain("7 as y"));
        // two at once, one edited again
        p.Write("models/m2.sql", "{{ config(materialized='table') }}\nselect id, 8 as y from {{ ref('m1') }}\n");
        p.Write("models/m4.sql", "{{ config(materialized='table') }}\nselect id, {{ twice('x') }} as z from {{ ref('m3') }}\n");
        Assert.That(CompileAndCompare(p, "editing m2 and m4"), Does.Contain($"2 edited models {Patched}"));
        // nothing changed since: the outputs are current
        Assert.That(p.Run("compile", "--debug").All, Does.Contain("compile: nothing changed since the same compile"));
        // an edit back to the text the saved parse read: compiled in full (the edit is undone, not patched)
        p.Write("models/m4.sql", "{{ config(materialized='table') }}\nselect id, {{ twice('id') }} as x from {{ ref('m3') }}\n");
        Assert.That(CompileAndCompare(p, "undoing m4's edit"), Does.Not.Contain(Patched));
    }

    [Test]
    public void Edits_that_may_reach_other_nodes_are_compiled_in_full()
    {
        using var p = Project();
        Assert.That(p.Run("compile").ExitCode, Is.Zero);
        foreach (var (step, file, text) in new[]
                 {
                     ("another config", "models/m3.sql", "{{ config(materialized='view') }}\nselect id, {{ twice('id') }} as x from {{ ref('m2') }}\n"),
                     ("another ref", "models/m3.sql", "{{ config(materialized='view') }}\nselect id from {{ ref('m0') }}\n"),
                     ("an ephemeral model's SQL", "models/eph.sql", "{{ config(materialized='ephemeral') }}\nselect id, 2 as two from {{ ref('m0') }}\n"),
                     ("a YAML file", "models/schema.yml", "version: 2\nmodels:\n  - name: m2\n    description: the second, described again\n"),
                     ("a macro", "macros/twice.sql", "{% macro twice(x) %}({{ x }} + {{ x }}){% endmacro %}\n"),
                     ("a new model", "models/m5.sql", "select 5 as id\n"),
                 })
        {
            p.Write(file, text);
            Assert.That(CompileAndCompare(p, step), Does.Not.Contain(Patched), step);
            // and the model's SQL alone after it: patched again
            p.Write("models/m1.sql", p.Read("models/m1.sql") + $"-- after {step}\n");
            Assert.That(CompileAndCompare(p, $"an edit after {step}"), Does.Contain(Patched), step);
        }
    }

    [Test]
    public void Outputs_changed_since_the_last_compile_are_compiled_in_full()
    {
        using var p = Project();
        Assert.That(p.Run("compile").ExitCode, Is.Zero);
        // a compiled file deleted: the last compile's outputs are not what it left
        File.Delete(Path.Combine(p.Dir, "target", "compiled", "cp", "models", "m3.sql"));
        p.Write("models/m1.sql", p.Read("models/m1.sql") + "-- one\n");
        Assert.That(CompileAndCompare(p, "a compiled file deleted"), Does.Not.Contain(Patched));
        // manifest.json written by another command (parse writes one without compiled code)
        Assert.That(p.Run("parse").ExitCode, Is.Zero);
        p.Write("models/m1.sql", p.Read("models/m1.sql") + "-- two\n");
        Assert.That(CompileAndCompare(p, "a parse in between"), Does.Not.Contain(Patched));
        // a selection is compiled as it always was, and the next whole compile in full
        p.Write("models/m1.sql", p.Read("models/m1.sql") + "-- three\n");
        var selected = p.Run("compile", "--select", "m1", "--debug");
        Assert.That(selected.ExitCode, Is.Zero, selected.ToString());
        Assert.That(selected.All, Does.Not.Contain(Patched));
        p.Write("models/m1.sql", p.Read("models/m1.sql") + "-- four\n");
        Assert.That(CompileAndCompare(p, "a selected compile in between"), Does.Not.Contain(Patched));
    }

    [Test]
    public void A_mistake_in_an_edit_is_reported_as_a_full_compile_reports_it_and_the_last_outputs_stay()
    {
        using var p = Project();
        Assert.That(p.Run("compile").ExitCode, Is.Zero);
        var before = p.Read("target/manifest.json");
        p.Write("models/m2.sql", "{{ config(materialized='table') }}\nselect id, {{ twice('id' }} as x from {{ ref('m1') }}\n");
        var r = p.Run("compile");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.All, Does.Contain("models/m2.sql:2:"));
        Assert.That(r.All, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(p.Read("target/manifest.json"), Is.EqualTo(before));
        p.Write("models/m2.sql", "{{ config(materialized='table') }}\nselect id, {{ twice('id') }} as x, 1 as fixed from {{ ref('m1') }}\n");
        CompileAndCompare(p, "the mistake mended");
    }

    [Test]
    public void A_parse_after_an_edit_of_a_models_sql_is_patched_too_and_gives_what_a_full_parse_gives()
    {
        using var p = Project();
        Assert.That(p.Run("parse").ExitCode, Is.Zero);
        foreach (var (body, patched) in new[] { ("select id, 5 as five", true), ("select id, 6 as six", true) })
        {
            p.Write("models/m3.sql", $"{{{{ config(materialized='table') }}}}\n{body} from {{{{ ref('m2') }}}}\n");
            var r = p.Run("parse", "--debug");
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            Assert.That(r.All.Contains("parse: 1 edited model patched into the last parse's outputs"), Is.EqualTo(patched), r.All);
            var cold = Path.Combine(p.Dir, "target_cold");
            if (Directory.Exists(cold)) Directory.Delete(cold, recursive: true);
            Assert.That(p.Run("parse", "-q", "--no-partial-parse", "--target-path", "target_cold").ExitCode, Is.Zero);
            Assert.That(Regex.Replace(p.Read("target/manifest.json"), "\"(invocation_id|generated_at)\":\\s*\"[^\"]*\"", "-"),
                Is.EqualTo(Regex.Replace(p.Read("target_cold/manifest.json"), "\"(invocation_id|generated_at)\":\\s*\"[^\"]*\"", "-")), body);
        }
        // a compile after parses: its own outputs are not a parse's, so it compiles in full, and the next edit is patched
        Assert.That(CompileAndCompare(p, "a compile after parses"), Does.Not.Contain(Patched));
        p.Write("models/m3.sql", p.Read("models/m3.sql") + "-- and a compile\n");
        Assert.That(CompileAndCompare(p, "an edit after it"), Does.Contain(Patched));
    }

    [Test]
    [NonParallelizable] // sets an environment variable that a template reads
    public void An_environment_variable_an_edit_reads_for_the_first_time_is_watched_from_then_on()
    {
        var name = $"XFORM_CP_ENV_{Guid.NewGuid():N}";
        using var p = Project();
        try
        {
            Environment.SetEnvironmentVariable(name, "first");
            Assert.That(p.Run("compile").ExitCode, Is.Zero);
            // read only while compiling (the parse does not execute): the compile must note it
            p.Write("models/m4.sql", $"{{{{ config(materialized='table') }}}}\nselect id, '{{% if execute %}}{{{{ env_var('{name}', 'unset') }}}}{{% endif %}}' as env from {{{{ ref('m3') }}}}\n");
            Assert.That(p.Run("compile").ExitCode, Is.Zero);
            Assert.That(p.Read("target/compiled/cp/models/m4.sql"), Does.Contain("'first' as env"));
            Environment.SetEnvironmentVariable(name, "second");
            var r = p.Run("compile", "--debug");
            Assert.That(r.All, Does.Not.Contain("compile: nothing changed"));
            Assert.That(p.Read("target/compiled/cp/models/m4.sql"), Does.Contain("'second' as env"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Test]
    public void A_run_after_a_patched_compile_builds_the_edited_sql()
    {
        using var p = Project();
        Assert.That(p.Run("compile").ExitCode, Is.Zero);
        p.Write("models/m4.sql", "{{ config(materialized='table') }}\nselect id, 41 as answer from {{ ref('m3') }}\n");
        Assert.That(p.Run("compile", "--debug").All, Does.Contain(Patched));
        var run = p.Run("run");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var show = p.Run("show", "--inline", "select answer from {{ ref('m4') }}");
        Assert.That(show.All, Does.Contain("41"), show.ToString());
    }
}
