using System.Text.RegularExpressions;
using Xform.Core.Diagnostics;

namespace Xform.Core.Tasks;

/// <summary><c>xform init</c>: a starter project that builds on embedded DuckDB as it is.</summary>
public static partial class InitTask
{
    /// <summary>Writes the project into a new folder <paramref name="name"/> under <paramref name="parentDir"/>; returns that folder.</summary>
    public static string Create(string parentDir, string name)
    {
        if (!ProjectName().IsMatch(name))
            throw new XformException($"project name '{name}' must be letters, digits and underscores, not starting with a digit");
        var dir = Path.Combine(parentDir, name);
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new XformException($"folder '{name}' already exists and is not empty");
        Write(dir, name);
        return dir;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex ProjectName();

    static void Write(string dir, string name)
    {
        void File(string path, string text)
        {
            var full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            System.IO.File.WriteAllText(full, text.ReplaceLineEndings("\n"));
        }

        File("project.yml", $"""
            name: {name}
            version: '1.0.0'
            profile: {name}

            model-paths: [models]
            seed-paths: [seeds]
            macro-paths: [macros]
            test-paths: [tests]
            target-path: target
            clean-targets: [target]

            vars:
              min_amount: 0

            models:
              {name}:
                staging:
                  +materialized: view
                marts:
                  +materialized: table

            """);
        File("profiles.yml", $"""
            {name}:
              target: dev
              outputs:
                dev:
                  type: duckdb
                  path: target/{name}.duckdb
                  threads: 4

            """);
        File("seeds/raw_orders.csv", """
            order_id,customer_id,ordered_at,amount
            1,10,2024-01-03,19.90
            2,11,2024-01-04,5.00
            3,10,2024-02-11,42.50

            """);
        File("macros/cents.sql", """
            {% macro to_cents(column) -%}
                cast(round({{ column }} * 100) as bigint)
            {%- endmacro %}

            """);
        File("models/staging/stg_orders.sql", """
            select
                order_id,
                customer_id,
                cast(ordered_at as date) as ordered_at,
                {{ to_cents('amount') }} as amount_cents
            from {{ ref('raw_orders') }}
            where amount >= {{ var('min_amount') }}

            """);
        File("models/marts/customer_totals.sql", """
            select
                customer_id,
                count(*) as orders,
                sum(amount_cents) as total_cents
            from {{ ref('stg_orders') }}
            group by customer_id

            """);
        File("models/marts/schema.yml", """
            version: 2
            models:
              - name: customer_totals
                description: One row per customer with the number and value of their orders.
                columns:
                  - name: customer_id
                    description: The customer.

            """);
        File(".gitignore", "target/\n");
    }
}
