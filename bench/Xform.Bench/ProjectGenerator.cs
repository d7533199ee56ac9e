using System.Globalization;
using System.Text;

namespace Xform.Bench;

/// <summary>
/// Writes a synthetic xform project of N models, deterministic for a seed: three layers (staging,
/// intermediate, marts) with four domain sub-folders each; every model after the first few has exactly
/// two ref()s to earlier models, one macro call and one config() call (view/table/ephemeral ~ 60/35/5 %);
/// project.yml has folder configs; YAML property files describe every model (500 per file).
/// The issue-17 shape (<c>--shape issue17</c>) differs in two ways: 1 to 3 ref()s per model, and a YAML file per
/// 100 models with two column tests (unique and not_null on id) per model.
/// </summary>
static class ProjectGenerator
{
    public const int RootModels = 4;
    const int ModelsPerPropertyFile = 500;
    static readonly string[] Domains = ["orders", "customers", "products", "payments"];
    static readonly (string Folder, string Prefix, double Share)[] Layers =
        [("staging", "stg", 0.30), ("intermediate", "int", 0.45), ("marts", "fct", 0.25)];

    public sealed record Model(int Index, string Name, string Layer, string Domain, string Materialized, string[] Refs, string Sql);

    public static IReadOnlyList<Model> Plan(int count, ulong seed, bool issue17 = false)
    {
        var rng = new Rng(seed);
        var models = new List<Model>(count);
        var stagingEnd = (int)Math.Round(count * Layers[0].Share);
        var intermediateEnd = stagingEnd + (int)Math.Round(count * Layers[1].Share);
        for (var i = 0; i < count; i++)
        {
            var layer = i < stagingEnd ? Layers[0] : i < intermediateEnd ? Layers[1] : Layers[2];
            var domain = Domains[rng.Below(Domains.Length)];
            var name = $"{layer.Prefix}_{domain}_{i:D5}";
            var roll = rng.Below(100);
            var materialized = roll < 60 ? "view" : roll < 95 ? "table" : "ephemeral";
            string[] refs = [];
            if (i >= RootModels)
            {
                // Half the refs are to a recent model (long chains, like real lineage), half to any earlier one.
                int Pick() => rng.Below(2) == 0 ? i - 1 - rng.Below(Math.Min(i, 50)) : rng.Below(i);
                var wanted = issue17 ? Math.Min(i, 1 + rng.Below(3)) : 2;
                var picked = new List<int>(wanted);
                while (picked.Count < wanted)
                    if (Pick() is var p && !picked.Contains(p)) picked.Add(p);
                refs = picked.Select(p => models[p].Name).ToArray();
            }
            var macro = rng.Below(3);
            models.Add(new Model(i, name, layer.Folder, domain, materialized, refs, Sql(name, layer.Folder, materialized, refs, macro, i)));
        }
        return models;
    }

    static string Sql(string name, string layer, string materialized, string[] refs, int macro, int index)
    {
        var amount = refs.Length switch { 0 => "range * 13", 1 => "a.amount", _ => "a.amount + coalesce(b.amount, 0)" };
        var call = macro switch
        {
            0 => $"{{{{ cents('{amount}') }}}}",
            1 => $"{{{{ safe_divide('{amount}', 'a.customer_id + 1') }}}}",
            _ => $"{{{{ clamp('{amount}', floor={index % 10}) }}}}",
        };
        var sb = new StringBuilder();
        sb.Append("{{ config(materialized='").Append(materialized).Append("') }}\n");
        sb.Append("-- ").Append(name).Append(": synthetic benchmark model, layer ").Append(layer).Append('\n');
        if (refs.Length == 0)
        {
            sb.Append("select\n    range as id,\n    range % 97 as customer_id,\n    ")
              .Append(call.Replace("a.customer_id", "(range % 97)", StringComparison.Ordinal))
              .Append(" as amount,\n    date '2024-01-01' + cast(range % 365 as integer) as updated_at\nfrom range(1000)\n");
            return sb.ToString();
        }
        for (var r = 0; r < refs.Length; r++)
            sb.Append(r == 0 ? "with " : "").Append((char)('a' + r)).Append(" as (\n    select * from {{ ref('").Append(refs[r])
              .Append("') }}\n)").Append(r == refs.Length - 1 ? "\n" : ",\n");
        sb.Append("select\n    a.id,\n    a.customer_id,\n    ").Append(call).Append(" as amount,\n");
        sb.Append(refs.Length == 1 ? "    a.updated_at\n" : "    greatest(a.updated_at, b.updated_at) as updated_at\n");
        sb.Append("from a\n");
        for (var r = 1; r < refs.Length; r++) sb.Append("left join ").Append((char)('a' + r)).Append(" on a.id = ").Append((char)('a' + r)).Append(".id\n");
        sb.Append("where a.id % 7 <> ").Append(index % 7).Append('\n');
        return sb.ToString();
    }

    public static void Write(string dir, int count, ulong seed, bool issue17 = false)
    {
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new BenchException($"'{dir}' exists and is not empty; give an empty or new folder");
        Directory.CreateDirectory(dir);
        var models = Plan(count, seed, issue17);

        File.WriteAllText(Path.Combine(dir, "project.yml"), ProjectYml(count, seed));
        File.WriteAllText(Path.Combine(dir, "profiles.yml"),
            "bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/bench.duckdb\n      threads: 4\n");

        var macros = Path.Combine(dir, "macros");
        Directory.CreateDirectory(macros);
        File.WriteAllText(Path.Combine(macros, "cents.sql"),
            "{% macro cents(col) %}round({{ col }} / 100.0, 2){% endmacro %}\n");
        File.WriteAllText(Path.Combine(macros, "safe_divide.sql"),
            "{% macro safe_divide(numerator, denominator) -%}\n    case when {{ denominator }} = 0 then null else {{ numerator }} / {{ denominator }} end\n{%- endmacro %}\n");
        File.WriteAllText(Path.Combine(macros, "clamp.sql"),
            "{% macro clamp(col, floor=0) -%}\n    greatest({{ col }}, {{ floor }})\n{%- endmacro %}\n");

        foreach (var m in models)
        {
            var folder = Path.Combine(dir, "models", m.Layer, m.Domain);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, m.Name + ".sql"), m.Sql);
        }

        foreach (var layer in models.GroupBy(m => m.Layer))
        {
            var chunk = 0;
            foreach (var part in layer.Chunk(issue17 ? 100 : ModelsPerPropertyFile))
            {
                chunk++;
                var sb = new StringBuilder("version: 2\n\nmodels:\n");
                foreach (var m in part)
                {
                    sb.Append("  - name: ").Append(m.Name).Append('\n');
                    sb.Append("    description: >\n      Synthetic ").Append(m.Layer).Append(" model for the ").Append(m.Domain)
                      .Append(" domain (").Append(m.Materialized).Append(").\n      Reads ")
                      .Append(m.Refs.Length == 0 ? "a generated range" : string.Join(" and ", m.Refs)).Append(".\n");
                    sb.Append("    columns:\n");
                    sb.Append("      - name: id\n        description: Surrogate key of the row.\n");
                    if (issue17) sb.Append("        data_tests: [unique, not_null]\n");
                    sb.Append("      - name: amount\n        description: \"Amount after the macro, in currency units.\"\n");
                }
                File.WriteAllText(Path.Combine(dir, "models", layer.Key, $"_{layer.Key}__models_{chunk.ToString(issue17 ? "D3" : "D2", CultureInfo.InvariantCulture)}.yml"), sb.ToString());
            }
        }
    }

    static string ProjectYml(int count, ulong seed) => string.Create(CultureInfo.InvariantCulture, $"""
        # Generated by xform-bench gen-project --models {count} --seed {seed}
        name: bench
        version: '1.0.0'
        profile: bench

        model-paths: [models]
        macro-paths: [macros]
        target-path: target
        clean-targets: [target]

        models:
          bench:
            staging:
              +materialized: view
              +tags: ['staging']
            intermediate:
              +materialized: view
              +tags: ['intermediate']
            marts:
              +materialized: table
              +tags: ['marts']

        """);
}

sealed class BenchException(string message) : Exception(message);
