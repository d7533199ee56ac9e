using System.Text.RegularExpressions;
using Xform.Core.Diagnostics;

namespace Xform.Core.Tasks;

/// <summary>
/// <c>xform init</c>: a starter project that builds on embedded DuckDB as it is, offline, and shows each kind of node once:
/// seeds, a source, staging and mart models with unique/not_null/relationships tests, an incremental model, a unit
/// test and a docs block.
/// </summary>
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
        // Seeds stand in for what a loader would land: raw_customers is read as the source 'shop', raw_orders by ref().
        File("seeds/raw_customers.csv", """
            customer_id,name,country,signed_up_at
            10,Ada Lovelace,GB,2023-11-02
            11,Grace Hopper,US,2023-12-15
            12,Alan Turing,GB,2024-01-20

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
        File("models/staging/sources.yml", """
            version: 2
            sources:
              - name: shop
                description: The shop's raw tables. Here the seed raw_customers stands in for the table a loader writes.
                schema: main
                tables:
                  - name: customers
                    identifier: raw_customers

            """);
        // The depends_on comment orders the seed before this model, as a loader would run before it.
        File("models/staging/stg_customers.sql", """
            -- depends_on: {{ ref('raw_customers') }}
            select
                customer_id,
                name as customer_name,
                country,
                cast(signed_up_at as date) as signed_up_on
            from {{ source('shop', 'customers') }}

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
        File("models/staging/schema.yml", """
            version: 2
            models:
              - name: stg_customers
                description: One row per customer, typed and renamed.
                columns:
                  - name: customer_id
                    description: '{{ doc("customer_id") }}'
                    data_tests: [unique, not_null]
              - name: stg_orders
                description: One row per order, amounts in cents.
                columns:
                  - name: order_id
                    data_tests: [unique, not_null]
                  - name: customer_id
                    description: '{{ doc("customer_id") }}'
                    data_tests:
                      - not_null
                      - relationships:
                          to: ref('stg_customers')
                          field: customer_id

            """);
        File("models/marts/customers.sql", """
            select
                c.customer_id,
                c.customer_name,
                count(o.order_id) as orders,
                coalesce(sum(o.amount_cents), 0) as total_cents
            from {{ ref('stg_customers') }} c
            left join {{ ref('stg_orders') }} o on o.customer_id = c.customer_id
            group by c.customer_id, c.customer_name

            """);
        File("models/marts/fct_orders.sql", """
            {{ config(materialized='incremental', unique_key='order_id') }}
            -- Later runs add only the orders of the newest day or after (merged on order_id, so re-runs are idempotent).
            select order_id, customer_id, ordered_at, amount_cents
            from {{ ref('stg_orders') }}
            {% if is_incremental() %}
            where ordered_at >= (select max(ordered_at) from {{ this }})
            {% endif %}

            """);
        File("models/marts/schema.yml", """
            version: 2
            models:
              - name: customers
                description: One row per customer with the number and value of their orders.
                columns:
                  - name: customer_id
                    description: '{{ doc("customer_id") }}'
                    data_tests: [unique, not_null]
                  - name: total_cents
                    description: What the customer spent, in cents (0 without orders).
                    data_tests: [not_null]
              - name: fct_orders
                description: Every order, built incrementally.
                columns:
                  - name: order_id
                    data_tests: [unique, not_null]

            unit_tests:
              - name: customers_without_orders_count_zero
                description: Order counts and totals per customer, and a customer with no order gets 0, not null.
                model: customers
                given:
                  - input: ref('stg_customers')
                    rows:
                      - {customer_id: 1, customer_name: Ada}
                      - {customer_id: 2, customer_name: Bo}
                  - input: ref('stg_orders')
                    rows:
                      - {order_id: 7, customer_id: 1, amount_cents: 500}
                      - {order_id: 8, customer_id: 1, amount_cents: 250}
                expect:
                  rows:
                    - {customer_id: 1, orders: 2, total_cents: 750}
                    - {customer_id: 2, orders: 0, total_cents: 0}

            """);
        File("models/docs.md", """
            {% docs customer_id %}
            The customer's number in the shop's system; `raw_customers` has one row per customer.
            {% enddocs %}

            """);
        File(".gitignore", "target/\n");
    }
}
