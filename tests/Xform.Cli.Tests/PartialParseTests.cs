using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Xform.Cli.Tests;

/// <summary>
/// Partial parsing (target/partial_parse.bin): a compile that reuses the last parse gives the same manifest.json and
/// compiled files, byte for byte, as a compile with --no-partial-parse, after every kind of edit; and it does reuse.
/// </summary>
[NonParallelizable] // sets environment variables that templates read
public class PartialParseTests
{
    /// <summary>The project as data, so that a random edit changes one thing and the files are written from it.</summary>
    sealed class Model
    {
        public List<string> Refs = [];
        public string Materialized = "view";
        public int Body;
        public bool Tags;
        public bool Env;
        public bool Var;
    }

    sealed class State
    {
        public readonly SortedDictionary<string, Model> Models = new(StringComparer.Ordinal);
        public int Macro;
        public int Yaml;
        public int VarValue = 1;
        public string EnvValue = "one";
        public int Next;
    }

    static string ModelSql(string name, Model m, string envName)
    {
        var sb = new StringBuilder();
        sb.Append("{{ config(materialized='").Append(m.Materialized).Append("'").Append(m.Tags ? ", tags=['t1', 't2'], meta={'owner': 'x', 'n': 2}" : "").Append(") }}\n");
        foreach (var r in m.Refs.Skip(1)) sb.Append("-- depends_on: {{ ref('").Append(r).Append("') }}\n");
        sb.Append("select ").Append(m.Body).Append(" as id, {{ twice('").Append(m.Body).Append("') }} as amount");
        if (m.Env) sb.Append(", '{{ env_var('").Append(envName).Append("', 'unset') }}' as env");
        if (m.Var) sb.Append(", {{ var('v', 0) }} as v");
        sb.Append(m.Refs.Count > 0 ? $"\nfrom {{{{ ref('{m.Refs[0]}') }}}}\n" : "\n");
        return sb.ToString();
    }

    static void WriteAll(TestProject p, State s, string envName)
    {
        var models = Path.Combine(p.Dir, "models");
        if (Directory.Exists(models))
            foreach (var f in Directory.GetFiles(models, "*.sql"))
                if (!s.Models.ContainsKey(Path.GetFileNameWithoutExtension(f))) File.Delete(f);
        foreach (var (name, m) in s.Models)
        {
            var text = ModelSql(name, m, envName);
            var path = Path.Combine(models, name + ".sql");
            if (!File.Exists(path) || File.ReadAllText(path) != text) p.Write($"models/{name}.sql", text);
        }
        p.Write("macros/twice.sql", s.Macro % 2 == 0
            ? "{% macro twice(x) %}({{ x }} * 2){% endmacro %}\n"
            : "{% macro twice(x) -%}\n  ({{ x }} + {{ x }} + " + s.Macro + " - " + s.Macro + ")\n{%- endmacro %}\n");
        var yaml = new StringBuilder("version: 2\nmodels:\n");
        foreach (var name in s.Models.Keys.Take(3 + s.Yaml % 3))
        {
            yaml.Append("  - name: ").Append(name).Append("\n    description: 'variant ").Append(s.Yaml).Append("'\n");
            if (s.Yaml % 2 == 1 || s.Yaml % 3 == 2) yaml.Append("    config:\n");
            if (s.Yaml % 2 == 1) yaml.Append("      tags: ['from_yaml']\n");
            // Another relation name: the SQL of every model that reads it changes.
            if (s.Yaml % 3 == 2) yaml.Append("      alias: 'renamed_").Append(name).Append("'\n");
            yaml.Append("    columns:\n      - name: id\n        data_tests: [").Append(s.Yaml % 4 < 2 ? "not_null" : "unique, not_null").Append("]\n");
        }
        p.Write("models/schema.yml", yaml.ToString());
    }

    /// <summary>manifest.json without what differs between any two commands (the invocation's id and time), and every compiled file.</summary>
    internal static (string Manifest, SortedDictionary<string, string> Compiled) Outputs(TestProject p, string target = "target")
    {
        var manifest = Regex.Replace(p.Read($"{target}/manifest.json"), "\"(invocation_id|generated_at)\":\\s*\"[^\"]*\"", "\"$1\":\"-\"");
        var compiled = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var dir = Path.Combine(p.Dir, target, "compiled");
        foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)) compiled[Path.GetRelativePath(dir, f)] = File.ReadAllText(f);
        return (manifest, compiled);
    }

    static string _lastRun = "";

    static (string, SortedDictionary<string, string>) Compile(TestProject p, State s, params string[] extra) => Compile(p, s, fresh: true, extra);

    /// <param name="fresh">target/compiled removed first, so that every file is written by this compile</param>
    static (string, SortedDictionary<string, string>) Compile(TestProject p, State s, bool fresh, params string[] extra)
    {
        var compiled = Path.Combine(p.Dir, "target", "compiled");
        if (fresh && Directory.Exists(compiled)) Directory.Delete(compiled, recursive: true);
        string[] command = extra.Contains("--debug") ? ["compile"] : ["compile", "-q"];
        var r = p.Run([.. command, "--vars", $"{{v: {s.VarValue}}}", .. extra]);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        _lastRun = r.All;
        return Outputs(p);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Random_edits_give_the_same_manifest_and_compiled_files_as_a_full_parse(int seed)
    {
        var envName = $"XFORM_PP_TEST_{seed}_{Guid.NewGuid():N}";
        var rng = new Random(seed);
        using var p = new TestProject("pp");
        var s = new State();
        for (; s.Next < 8; s.Next++)
            s.Models[$"m{s.Next:D2}"] = new Model
            {
                Refs = s.Next == 0 ? [] : [$"m{rng.Next(s.Next):D2}"], Materialized = s.Next % 4 == 3 ? "ephemeral" : "view",
                Tags = s.Next % 3 == 0, Env = s.Next == 2, Var = s.Next == 5,
            };
        try
        {
            Environment.SetEnvironmentVariable(envName, s.EnvValue);
            WriteAll(p, s, envName);
            Compile(p, s); // the first parse, saved
            var edits = new List<string>();
            var fastEdits = 0;
            var patchedEdits = 0;
            for (var step = 0; step < 40; step++)
            {
                var names = s.Models.Keys.ToList();
                var m = s.Models[names[rng.Next(names.Count)]];
                var index = names.IndexOf(names.First(n => s.Models[n] == m));
                switch (rng.Next(11))
                {
                    case 0: m.Body++; edits.Add("body"); break;
                    case 1 when index > 0: m.Refs.Add(names[rng.Next(index)]); edits.Add("ref added"); break;
                    case 2 when m.Refs.Count > 1: m.Refs.RemoveAt(m.Refs.Count - 1); edits.Add("ref removed"); break;
                    case 3:
                        m.Materialized = m.Materialized == "table" ? "view" : "table";
                        m.Tags = !m.Tags;
                        edits.Add("config");
                        break;
                    case 4: s.Yaml++; edits.Add("yaml"); break;
                    case 5: s.Macro++; edits.Add("macro"); break;
                    case 6: s.VarValue++; edits.Add("var"); break;
                    case 7:
                        s.EnvValue += "x";
                        Environment.SetEnvironmentVariable(envName, s.EnvValue);
                        edits.Add("env var");
                        break;
                    case 8:
                        s.Models[$"m{s.Next:D2}"] = new Model { Refs = [names[rng.Next(names.Count)]], Body = step };
                        s.Next++;
                        edits.Add("file added");
                        break;
                    case 9:
                        // A touch without a change of content: the saved parse is still used (the file is read to tell).
                        var touched = rng.Next(2) == 0 ? Path.Combine(p.Dir, "models", names[rng.Next(names.Count)] + ".sql") : Path.Combine(p.Dir, "models", "schema.yml");
                        File.SetLastWriteTimeUtc(touched, DateTime.UtcNow.AddMinutes(-rng.Next(1, 100)));
                        edits.Add("touch");
                        break;
                    default:
                        var leaves = names.Skip(4).Where(n => s.Models.Values.All(o => !o.Refs.Contains(n))).ToList();
                        if (leaves.Count == 0) continue;
                        s.Models.Remove(leaves[rng.Next(leaves.Count)]);
                        edits.Add("file deleted");
                        break;
                }
                WriteAll(p, s, envName);
                // the full compile's outputs in a folder of their own: target/ holds only what the partial compiles wrote
                var coldDir = Path.Combine(p.Dir, "target_cold");
                if (Directory.Exists(coldDir)) Directory.Delete(coldDir, recursive: true);
                var full = p.Run("compile", "-q", "--vars", $"{{v: {s.VarValue}}}", "--no-partial-parse", "--target-path", "target_cold");
                Assert.That(full.ExitCode, Is.EqualTo(0), full.ToString());
                var cold = Outputs(p, "target_cold");
                // target/compiled kept as the compile before left it, as in a day's work: an edit of models' SQL alone is
                // then patched into the last compile's outputs
                var partial = Compile(p, s, fresh: false, "--debug");
                // An edit of one model's SQL is rendered alone on top of the saved parse (the file after a full parse's racy window).
                if (_lastRun.Contains("edited model file rendered again", StringComparison.Ordinal)) fastEdits++;
                if (_lastRun.Contains("patched into the last compile's outputs", StringComparison.Ordinal)) patchedEdits++;
                // (a deleted model's compiled file stays, as in dbt: the files of the models there are compared)
                var differing = cold.Item2.Where(f => partial.Item2.GetValueOrDefault(f.Key) != f.Value)
                    .Select(f => $"{f.Key}: {partial.Item2.GetValueOrDefault(f.Key) ?? "(missing)"} instead of {f.Value}").ToList();
                Assert.That(differing, Is.Empty, $"compiled files after: {string.Join(", ", edits)}\n{_lastRun}");
                Assert.That(partial.Item1, Is.EqualTo(cold.Item1), $"manifest.json after: {string.Join(", ", edits)}");
                // Nothing changed since: the whole saved parse is used, and gives the same again.
                var again = Compile(p, s, "--debug");
                Assert.That(again.Item2, Is.EqualTo(cold.Item2), $"compiled files, unchanged, after: {string.Join(", ", edits)}");
                Assert.That(again.Item1, Is.EqualTo(cold.Item1), $"manifest.json, unchanged, after: {string.Join(", ", edits)}");
                Assert.That(_lastRun, Does.Contain("partial parse: nothing changed, the saved project was used whole"), string.Join(", ", edits));
                Assert.That(_lastRun, Does.Contain("manifest.json: the file of the command before holds the same project"), string.Join(", ", edits));
                // And again with its outputs left as they are: the compile finds them current and stops, with the same result.
                var kept = Compile(p, s, fresh: false, "--debug");
                Assert.That(_lastRun, Does.Contain("compile: nothing changed since the same compile"), string.Join(", ", edits));
                Assert.That(kept.Item2, Is.EqualTo(cold.Item2), $"compiled files, kept, after: {string.Join(", ", edits)}");
                Assert.That(kept.Item1, Is.EqualTo(cold.Item1), $"manifest.json, kept, after: {string.Join(", ", edits)}");
            }
            Assert.That(edits.Distinct().Count(), Is.GreaterThanOrEqualTo(9), string.Join(", ", edits));
            Assert.That(fastEdits, Is.GreaterThan(0), "no edit of a model's SQL was rendered on top of the saved parse");
            Assert.That(patchedEdits, Is.GreaterThan(0), "no edit of a model's SQL was patched into the last compile's outputs");
        }
        finally
        {
            Environment.SetEnvironmentVariable(envName, null);
        }
    }

    static TestProject Small()
    {
        var p = new TestProject("pp");
        p.Write("macros/twice.sql", "{% macro twice(x) %}({{ x }} * 2){% endmacro %}\n");
        for (var i = 0; i < 5; i++)
            p.Write($"models/m{i}.sql", i == 0 ? "select 1 as id\n" : $"{{{{ config(materialized='table') }}}}\nselect id, {{{{ twice('id') }}}} as x from {{{{ ref('m{i - 1}') }}}}\n");
        return p;
    }

    /// <summary>
    /// Runs a command with its memo removed (target/command_memo.bin, which a repeated parse or compile would otherwise stop
    /// at): what the layers beneath do, the saved parse, the saved SQL and the kept manifest.
    /// </summary>
    static CliResult BelowMemo(TestProject p, params string[] args)
    {
        var memo = Path.Combine(p.Dir, "target", "command_memo.bin");
        if (File.Exists(memo)) File.Delete(memo);
        return p.Run(args);
    }

    static string Reuse(CliResult r) => Regex.Match(r.All, "partial parse: [^\n]*").Value;

    static string CompileReuse(CliResult r) => Regex.Match(r.All, "partial compile: [^\n]*").Value;

    [Test]
    public void An_unchanged_project_reuses_every_model_and_one_edit_reparses_only_that_file()
    {
        using var p = Small();
        Assert.That(Reuse(BelowMemo(p, "parse", "--debug")), Is.EqualTo("partial parse: reused 0 of 5 model files (full parse: no saved parse)"));
        Assert.That(File.Exists(Path.Combine(p.Dir, "target", "partial_parse.bin")));
        var first = BelowMemo(p, "compile", "--debug");
        Assert.That(Reuse(first), Is.EqualTo("partial parse: reused 5 of 5 model files"));
        Assert.That(CompileReuse(first), Is.EqualTo("partial compile: reused the SQL of 0 of 5 models"));
        Assert.That(CompileReuse(BelowMemo(p, "compile", "--debug")), Is.EqualTo("partial compile: reused the SQL of 5 of 5 models"));
        p.Write("models/m3.sql", "{{ config(materialized='table') }}\nselect id, 3 as x from {{ ref('m1') }}\n");
        var r = BelowMemo(p, "compile", "--debug");
        Assert.That(Reuse(r), Is.EqualTo("partial parse: reused 4 of 5 model files"));
        Assert.That(r.All, Does.Contain("partial parse: the saved project was used, with 1 edited model file rendered again"));
        // m4 reads m3, whose relation did not change: only m3 is rendered again.
        Assert.That(CompileReuse(r), Is.EqualTo("partial compile: reused the SQL of 4 of 5 models"));
        Assert.That(p.Read("target/compiled/pp/models/m3.sql"), Does.Contain("3 as x"));
        p.Write("models/m5.sql", "select 5 as id\n");
        File.Delete(Path.Combine(p.Dir, "models", "m4.sql"));
        // A full parse: m3's edit was rendered on top of the saved parse, not kept per file, so it is rendered again with m5.
        Assert.That(Reuse(BelowMemo(p, "compile", "--debug")), Is.EqualTo("partial parse: reused 3 of 5 model files"));
    }

    [Test]
    public void A_model_that_inlines_an_ephemeral_one_reuses_its_render_and_gets_the_ephemerals_current_sql()
    {
        using var p = Small();
        p.Write("models/eph.sql", "{{ config(materialized='ephemeral') }}\nselect 7 as id\n");
        p.Write("models/reads_eph.sql", "select id from {{ ref('eph') }}\n");
        Assert.That(p.Run("compile", "-q").ExitCode, Is.Zero);
        var saved = Path.Combine(p.Dir, "target", "partial_compile.bin");
        var before = File.ReadAllBytes(saved);
        var old = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(saved, old);
        var r = BelowMemo(p, "compile", "--debug");
        // Renders, not models: the ephemeral model is rendered as a node and for its reader's CTE.
        Assert.That(CompileReuse(r), Is.EqualTo("partial compile: reused the SQL of 8 of 8 models"));
        Assert.That(File.GetLastWriteTimeUtc(saved), Is.EqualTo(old), "nothing changed: the file is not written again");
        Assert.That(p.Read("target/compiled/pp/models/reads_eph.sql"), Does.Contain("__dbt__cte__eph as (\nselect 7 as id\n)"));
        // The ephemeral model edited: its reader's render is reused, its CTE is the new SQL.
        p.Write("models/eph.sql", "{{ config(materialized='ephemeral') }}\nselect 8 as id\n");
        r = BelowMemo(p, "compile", "--debug");
        Assert.That(CompileReuse(r), Is.EqualTo("partial compile: reused the SQL of 6 of 8 models"));
        Assert.That(p.Read("target/compiled/pp/models/reads_eph.sql"), Does.Contain("__dbt__cte__eph as (\nselect 8 as id\n)").And.Not.Contain("7 as id"));
        p.Write("models/m1.sql", "select 2 as id\n");
        Assert.That(p.Run("compile", "-q").ExitCode, Is.Zero);
        Assert.That(File.ReadAllBytes(saved), Is.Not.EqualTo(before), "a changed model's SQL is saved");
    }

    [Test]
    public void A_macro_change_or_other_vars_parse_everything_again()
    {
        using var p = Small();
        p.Run("parse");
        p.Write("macros/twice.sql", "{% macro twice(x) %}({{ x }} + {{ x }}){% endmacro %}\n");
        Assert.That(Reuse(BelowMemo(p, "parse", "--debug")), Does.StartWith("partial parse: reused 0 of 5 model files (full parse: xform, project.yml, a macro"));
        Assert.That(Reuse(BelowMemo(p, "parse", "--debug")), Is.EqualTo("partial parse: reused 5 of 5 model files"));
        Assert.That(Reuse(BelowMemo(p, "parse", "--debug", "--vars", "{a: 1}")), Does.StartWith("partial parse: reused 0 of 5"));
    }

    [Test]
    public void A_changed_project_file_is_seen_whatever_folder_the_command_runs_from()
    {
        using var p = Small();
        Assert.That(p.Run("parse").ExitCode, Is.Zero);
        p.Write("project.yml", p.Read("project.yml") + "models:\n  pp:\n    +tags: ['from_project']\n");
        Assert.That(Reuse(p.Run("parse", "--debug")), Does.StartWith("partial parse: reused 0 of 5 model files (full parse: xform, project.yml"));
        Assert.That(p.Read("target/manifest.json"), Does.Contain("from_project"));
    }

    [Test]
    public void An_environment_variable_read_by_a_render_reused_in_a_full_parse_is_still_watched()
    {
        var name = $"XFORM_PP_ENV_{Guid.NewGuid():N}";
        using var p = Small();
        p.Write("models/m0.sql", $"select '{{{{ env_var('{name}', 'unset') }}}}' as env\n");
        try
        {
            Environment.SetEnvironmentVariable(name, "first");
            Assert.That(p.Run("compile").ExitCode, Is.Zero);
            // another file deleted: a full parse, which reuses m0's render from the per-file cache without reading the variable
            File.Delete(Path.Combine(p.Dir, "models", "m4.sql"));
            Assert.That(p.Run("compile").ExitCode, Is.Zero);
            Environment.SetEnvironmentVariable(name, "second");
            var r = p.Run("compile", "--debug");
            Assert.That(r.All, Does.Not.Contain("compile: nothing changed"));
            Assert.That(p.Read("target/compiled/pp/models/m0.sql"), Does.Contain("'second' as env"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Test]
    public void A_changed_environment_variable_that_a_template_read_parses_everything_again()
    {
        var name = $"XFORM_PP_ENV_{Guid.NewGuid():N}";
        using var p = Small();
        p.Write("models/m0.sql", $"{{{{ config(alias=env_var('{name}', 'm0')) }}}}\nselect 1 as id\n");
        try
        {
            Environment.SetEnvironmentVariable(name, "first");
            p.Run("parse");
            Assert.That(Reuse(BelowMemo(p, "parse", "--debug")), Is.EqualTo("partial parse: reused 5 of 5 model files"));
            Environment.SetEnvironmentVariable(name, "second");
            Assert.That(Reuse(BelowMemo(p, "parse", "--debug")), Is.EqualTo($"partial parse: reused 0 of 5 model files (full parse: environment variable {name} changed)"));
            Assert.That(p.Read("target/manifest.json"), Does.Contain("\"alias\":\"second\""));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Test]
    public void A_render_that_reads_the_invocation_is_parsed_each_time()
    {
        using var p = Small();
        p.Write("models/m0.sql", "{{ config(meta={'run': invocation_id}) }}\nselect 1 as id\n");
        p.Run("compile");
        Assert.That(File.Exists(Path.Combine(p.Dir, "target", "partial_parse_manifest.bin")), Is.False, "a parse that read the invocation is not saved whole");
        var r = BelowMemo(p, "compile", "--debug");
        Assert.That(Reuse(r), Is.EqualTo("partial parse: reused 4 of 5 model files"));
        // The config (meta) differs each time, so the SQL is rendered again too.
        Assert.That(CompileReuse(r), Is.EqualTo("partial compile: reused the SQL of 4 of 5 models"));
        p.Write("models/m1.sql", "select {{ run_query('select 1') is none }} as id\n");
        p.Run("compile");
        Assert.That(CompileReuse(BelowMemo(p, "compile", "--debug")), Is.EqualTo("partial compile: reused the SQL of 3 of 5 models"), "a render that read the database is not kept");
    }

    static string Whole(CliResult r) => Regex.Matches(r.All, "partial parse: [^\n]*").Skip(1).FirstOrDefault()?.Value ?? "";

    [Test]
    public void An_unchanged_project_uses_the_whole_saved_parse_and_a_touch_without_a_change_keeps_it()
    {
        using var p = Small();
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: m1\n    columns:\n      - name: id\n        data_tests: [unique]\n");
        Assert.That(Whole(BelowMemo(p, "parse", "--debug")), Is.EqualTo("partial parse: the saved project was parsed again: no saved parse"));
        Assert.That(File.Exists(Path.Combine(p.Dir, "target", "partial_parse_manifest.bin")));
        Assert.That(Whole(BelowMemo(p, "parse", "--debug")), Is.EqualTo("partial parse: nothing changed, the saved project was used whole"));
        File.SetLastWriteTimeUtc(Path.Combine(p.Dir, "models", "m2.sql"), DateTime.UtcNow.AddHours(-1));
        Assert.That(Whole(BelowMemo(p, "parse", "--debug")), Is.EqualTo("partial parse: nothing changed, the saved project was used whole"));
        p.Write("models/m2.sql", "select 2 as id\n");
        Assert.That(Whole(BelowMemo(p, "parse", "--debug")), Is.EqualTo("partial parse: the saved project was used, with 1 edited model file rendered again"));
        Assert.That(Whole(BelowMemo(p, "parse", "--debug")), Is.EqualTo("partial parse: nothing changed, the saved project was used whole"));
        p.Write("models/m9.sql", "select 9 as id\n");
        Assert.That(Whole(BelowMemo(p, "parse", "--debug")), Is.EqualTo("partial parse: the saved project was parsed again: models changed"));
        Assert.That(p.Run("ls", "--resource-type", "test", "-q", "--output", "name").Out, Does.Contain("unique_m1_id"));
    }

    [Test]
    public void An_edit_that_can_reach_other_nodes_is_parsed_in_full()
    {
        using var p = Small();
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: m4\n    columns:\n      - name: id\n        data_tests: [unique]\n");
        Assert.That(Whole(p.Run("parse", "--debug")), Does.EndWith("no saved parse"));
        // Turned off: its tests go with it.
        p.Write("models/m4.sql", "{{ config(enabled=false) }}\nselect 4 as id\n");
        Assert.That(Whole(p.Run("parse", "--debug")), Is.EqualTo("partial parse: the saved project was parsed again: models/m4.sql changed, in a way that can reach other nodes"));
        Assert.That(p.Run("ls", "--resource-type", "test", "-q", "--output", "name").Out, Does.Not.Contain("unique_m4_id"));
        // An environment variable the saved parse did not read: its value must be checked by the next command.
        p.Write("models/m2.sql", "select 2 as id, '{{ env_var('XFORM_PP_NEVER_READ', 'x') }}' as e\n");
        Assert.That(Whole(p.Run("parse", "--debug")), Does.EndWith("models/m2.sql changed, in a way that can reach other nodes"));
        // A YAML file: everything it may describe is parsed again.
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: m3\n    description: three\n");
        Assert.That(Whole(p.Run("parse", "--debug")), Is.EqualTo("partial parse: the saved project was parsed again: models/schema.yml changed"));
        // An edit of the SQL alone, twice: the second is applied from the saved edits on top of the same saved parse.
        p.Write("models/m3.sql", "{{ config(materialized='view') }}\nselect id, 33 as x from {{ ref('m2') }}\n");
        Assert.That(Whole(p.Run("parse", "--debug")), Does.Contain("1 edited model file rendered again"));
        p.Write("models/m1.sql", "select id, 11 as x from {{ ref('m0') }}\n");
        Assert.That(Whole(p.Run("parse", "--debug")), Does.Contain("1 edited model file rendered again"));
        Assert.That(Whole(p.Run("compile", "--debug")), Is.EqualTo("partial parse: nothing changed, the saved project was used whole"));
        Assert.That(p.Read("target/compiled/pp/models/m3.sql"), Does.Contain("33 as x"));
        Assert.That(p.Read("target/compiled/pp/models/m1.sql"), Does.Contain("11 as x"));
    }

    [Test]
    public void New_refs_near_unit_tests_disabled_or_private_models_parse_in_full_and_give_what_a_full_parse_gives()
    {
        using var p = Small();
        p.Write("models/props.yml", "version: 2\n" +
            "groups:\n  - name: finance\n    owner: {name: f}\n" +
            "models:\n  - name: secret\n    config: {group: finance, access: private}\n" +
            "unit_tests:\n  - name: m3_doubles\n    model: m3\n    given:\n      - input: ref('m2')\n        rows: [{id: 1}]\n" +
            "    expect:\n      rows: [{id: 1, x: 2}]\n");
        p.Write("models/off.sql", "{{ config(enabled=false) }}\nselect 0 as id\n");
        p.Write("models/secret.sql", "select 7 as id\n");
        Compile(p, new State(), "--debug");
        Assert.That(_lastRun, Does.Contain("parsed again: no saved parse"));
        (string, SortedDictionary<string, string>) Both()
        {
            var cold = Compile(p, new State(), "--no-partial-parse");
            var partial = Compile(p, new State(), "--debug");
            Assert.That(partial, Is.EqualTo(cold));
            return partial;
        }
        // m3 has a unit test, which copies its refs with where they are: a ref moved to another line is parsed in full.
        p.Write("models/m3.sql", "{{ config(materialized='table') }}\n-- doubled\nselect id, {{ twice('id') }} as x from {{ ref('m2') }}\n");
        Both();
        Assert.That(_lastRun, Does.Contain("models/m3.sql changed, in a way that can reach other nodes"));
        // The project has a disabled model and a private one: a new ref anywhere is parsed in full.
        p.Write("models/m4.sql", "{{ config(materialized='table') }}\nselect id from {{ ref('m0') }}\n");
        Both();
        Assert.That(_lastRun, Does.Contain("models/m4.sql changed, in a way that can reach other nodes"));
        // The same refs, another body: rendered alone.
        p.Write("models/m4.sql", "{{ config(materialized='view') }}\nselect id, 4 as four from {{ ref('m0') }}\n");
        Both();
        Assert.That(_lastRun, Does.Contain("1 edited model file rendered again"));
        // A ref to the private model from outside its group: the error a full parse gives.
        p.Write("models/m4.sql", "select id from {{ ref('secret') }}\n");
        var r = p.Run("compile");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.All);
        Assert.That(r.All, Does.Contain("private to the 'finance' group"));
    }

    [Test]
    public void After_an_edit_the_manifest_copies_every_other_node_and_equals_a_full_parse()
    {
        using var p = Small();
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: m2\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n");
        var state = new State();
        Compile(p, state, "--debug"); // saved parse, manifest.json and where its nodes are
        foreach (var (file, text, sameEdges) in new[]
                 {
                     ("models/m3.sql", "{{ config(materialized='table') }}\nselect id, 30 as x from {{ ref('m2') }}\n", true),
                     ("models/m4.sql", "{{ config(materialized='view', tags=['t']) }}\nselect id, 40 as x from {{ ref('m3') }}\n", true),
                     // another ref: the graph's edges change, so the parent and child maps are written anew
                     ("models/m4.sql", "{{ config(materialized='view', tags=['t']) }}\nselect id, 40 as x from {{ ref('m1') }}\n", false),
                     ("models/m3.sql", "{{ config(materialized='table') }}\nselect id, 31 as x from {{ ref('m2') }}\n", true),
                 })
        {
            p.Write(file, text);
            var partial = Compile(p, state, "--debug");
            Assert.That(_lastRun, Does.Contain("1 edited model file rendered again"), file);
            Assert.That(_lastRun, Does.Match(@"manifest\.json: [1-9]\d* of \d+ nodes copied from the last one"), file);
            Assert.That(_lastRun.Contains("and the parent and child maps (the same edges)"), Is.EqualTo(sameEdges), file);
            var cold = Compile(p, state, "--no-partial-parse");
            Assert.That(partial.Item1, Is.EqualTo(cold.Item1), $"manifest.json after editing {file}");
            Assert.That(partial.Item2, Is.EqualTo(cold.Item2), $"compiled files after editing {file}");
            Compile(p, state); // a saved-parse manifest again, for the next edit to copy from
        }
    }

    [Test]
    public void Files_written_just_before_the_saved_parse_are_read_until_their_time_can_be_trusted_then_known_by_it()
    {
        using var p = Small();
        var files = Directory.GetFiles(p.Dir, "*.sql", SearchOption.AllDirectories).Where(f => !f.Contains("target")).ToList();
        void Timed(DateTime at)
        {
            foreach (var f in files) File.SetLastWriteTimeUtc(f, at);
        }
        const string Read = "unchanged files were read to compare their text";
        // Modified "after" the parse began (a clock ahead, a checkout during the parse): stamped without their time.
        Timed(DateTime.UtcNow.AddMinutes(1));
        Assert.That(Whole(BelowMemo(p, "parse", "--debug")), Does.EndWith("no saved parse"));
        var tooNew = BelowMemo(p, "parse", "--debug");
        Assert.That(tooNew.All, Does.Contain(Read).And.Contain("; 0 known by their time from now on"), "their time is still too recent to trust");
        Assert.That(Whole(tooNew), Does.Contain("nothing changed"));
        Timed(DateTime.UtcNow.AddMinutes(-1));
        var restamped = BelowMemo(p, "parse", "--debug");
        Assert.That(restamped.All, Does.Match(Read + @"[^\n]*; (\d+) known by their time from now on"), restamped.All);
        Assert.That(File.Exists(Path.Combine(p.Dir, "target", "partial_parse_stamps.bin")));
        var trusted = BelowMemo(p, "parse", "--debug");
        Assert.That(trusted.All, Does.Not.Contain(Read), "known by their time: not read again");
        Assert.That(Whole(trusted), Does.Contain("nothing changed"));
        // A change after that is still seen: another text, another time.
        p.Write("models/m4.sql", "{{ config(materialized='table') }}\nselect id, 44 as x from {{ ref('m3') }}\n");
        File.SetLastWriteTimeUtc(Path.Combine(p.Dir, "models", "m4.sql"), DateTime.UtcNow.AddSeconds(-30));
        Assert.That(Whole(BelowMemo(p, "compile", "--debug")), Does.Contain("1 edited model file rendered again"));
        Assert.That(p.Read("target/compiled/pp/models/m4.sql"), Does.Contain("44 as x"));
        // A full parse saves new stamps: those kept for the last one go.
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: m1\n");
        Assert.That(Whole(BelowMemo(p, "parse", "--debug")), Does.Contain("parsed again"));
        Assert.That(File.Exists(Path.Combine(p.Dir, "target", "partial_parse_stamps.bin")), Is.False);
    }

    [TestCase(0.3)]
    [TestCase(0.7)]
    [TestCase(0.95)]
    public void A_damaged_saved_parse_is_parsed_again_and_saved_anew(double keep)
    {
        using var p = Small();
        Assert.That(Whole(BelowMemo(p, "parse", "--debug")), Does.EndWith("no saved parse"));
        var saved = Path.Combine(p.Dir, "target", "partial_parse_manifest.bin");
        var bytes = File.ReadAllBytes(saved);
        File.WriteAllBytes(saved, bytes[..(int)(bytes.Length * keep)]);
        var r = BelowMemo(p, "parse", "--debug");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.All);
        Assert.That(Whole(r), Is.EqualTo("partial parse: the saved project was parsed again: the saved parse could not be read"));
        Assert.That(Whole(BelowMemo(p, "parse", "--debug")), Is.EqualTo("partial parse: nothing changed, the saved project was used whole"));
    }

    static string InvocationOf(TestProject p) =>
        System.Text.Json.Nodes.JsonNode.Parse(p.Read("target/manifest.json"))!["metadata"]!["invocation_id"]!.GetValue<string>();

    [Test]
    public void The_manifest_of_the_same_saved_project_is_kept_and_given_this_commands_metadata()
    {
        using var p = Small();
        const string kept = "manifest.json: the file of the command before holds the same project";
        Assert.That(BelowMemo(p, "parse", "--debug").All, Does.Not.Contain(kept));
        var first = InvocationOf(p);
        var r = BelowMemo(p, "parse", "--debug");
        Assert.That(r.All, Does.Contain(kept));
        Assert.That(InvocationOf(p), Is.Not.EqualTo(first), "this command's invocation id");
        Assert.That(BelowMemo(p, "compile", "--debug").All, Does.Not.Contain(kept), "compiled code goes in: another manifest");
        Assert.That(BelowMemo(p, "compile", "--debug").All, Does.Contain(kept));
        Assert.That(p.Read("target/manifest.json"), Does.Contain("\"compiled_code\""));
        p.Run("compile", "--no-partial-parse");
        Assert.That(BelowMemo(p, "compile", "--debug").All, Does.Not.Contain(kept), "a manifest written by a full parse is not known");
        File.AppendAllText(Path.Combine(p.Dir, "target", "manifest.json"), " ");
        Assert.That(BelowMemo(p, "compile", "--debug").All, Does.Not.Contain(kept), "a manifest changed since is written again");
    }


    [Test]
    public void A_mistake_in_a_file_changed_since_the_saved_parse_is_reported_as_a_full_parse_reports_it()
    {
        using var p = Small();
        Assert.That(p.Run("parse").ExitCode, Is.Zero);
        p.Write("models/schema.yml", "version: 2\nmodels:\n  - name: m1\n    columns: [\n");
        var partial = p.Run("parse");
        var cold = p.Run("parse", "--no-partial-parse");
        Assert.That(partial.ExitCode, Is.EqualTo(2), partial.ToString());
        Assert.That(ConsoleText.Untimed(partial.Err), Is.EqualTo(ConsoleText.Untimed(cold.Err)));
        Assert.That(partial.Err, Does.Contain("models/schema.yml:"));
        File.Delete(Path.Combine(p.Dir, "models", "schema.yml"));
        p.Write("models/m3.sql", "select {{ ref('nowhere') }}\n");
        partial = p.Run("parse");
        Assert.That(partial.ExitCode, Is.EqualTo(2), partial.ToString());
        Assert.That(ConsoleText.Untimed(partial.Err), Is.EqualTo(ConsoleText.Untimed(p.Run("parse", "--no-partial-parse").Err)));
        Assert.That(partial.Err, Does.Contain("models/m3.sql:1:"));
    }

    [Test]
    public void No_partial_parse_and_DBT_PARTIAL_PARSE_false_turn_it_off()
    {
        using var p = Small();
        var r = p.Run("parse", "--debug", "--no-partial-parse");
        Assert.That(Reuse(r), Is.Empty, r.ToString());
        Assert.That(File.Exists(Path.Combine(p.Dir, "target", "partial_parse.bin")), Is.False);
        try
        {
            Environment.SetEnvironmentVariable("DBT_PARTIAL_PARSE", "false");
            Assert.That(Reuse(p.Run("parse", "--debug")), Is.Empty);
            Assert.That(File.Exists(Path.Combine(p.Dir, "target", "partial_parse.bin")), Is.False);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DBT_PARTIAL_PARSE", null);
        }
        p.Run("parse");
        p.Write("target/partial_parse.bin", "not a saved parse");
        p.Write("target/partial_parse_manifest.bin", "not a saved parse either");
        Assert.That(Reuse(p.Run("parse", "--debug")), Does.StartWith("partial parse: reused 0 of 5 model files (full parse: the saved parse "));
    }
}
