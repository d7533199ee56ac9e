using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>
/// Model contracts on a real PostgreSQL server: the columns checked with PostgreSQL's type names, tables created with the
/// declared columns and every kind of constraint, foreign keys included, and a row breaking one failing the build while
/// the old table stays.
/// </summary>
public class ContractOnPostgresTests
{
    readonly List<ConformanceProject> _projects = [];

    [TearDown]
    public void Cleanup()
    {
        foreach (var p in _projects) p.Dispose();
        _projects.Clear();
    }

    const string Yaml = """
        version: 2
        models:
          - name: customers
            config:
              contract: {enforced: true}
            columns:
              - name: id
                data_type: int
                constraints:
                  - type: primary_key
              - name: name
                data_type: text
                constraints:
                  - type: not_null
              - name: score
                data_type: numeric(10,2)
                constraints:
                  - type: check
                    name: score_positive
                    expression: "score >= 0"
          - name: orders
            config:
              contract: {enforced: true}
            constraints:
              - type: unique
                columns: [order_id, line]
            columns:
              - name: order_id
                data_type: integer
              - name: line
                data_type: integer
              - name: customer_id
                data_type: integer
                constraints:
                  - type: foreign_key
                    to: ref('customers')
                    to_columns: [id]
        """;

    ConformanceProject Project()
    {
        ServerFixture.Require();
        var p = new ConformanceProject(PostgresTarget.Instance);
        _projects.Add(p);
        p.Write("models/schema.yml", Yaml);
        p.Write("models/customers.sql", "{{ config(materialized='table') }}\nselect 1 as id, 'ann'::text as name, 2.5::numeric(10,2) as score");
        p.Write("models/orders.sql", "{{ config(materialized='table') }}\nselect order_id, 1 as line, 1 as customer_id from {{ ref('customers') }}, generate_series(1, 2) as order_id");
        return p;
    }

    string[] Constraints(ConformanceProject p, string table) =>
        p.QueryRows($"select contype::text, pg_get_constraintdef(oid) from pg_constraint where conrelid = '{p.Rel(table)}'::regclass order by 1, 2")
            .Select(r => $"{r[0]}: {r[1]}").ToArray();

    [Test]
    public void Tables_are_built_with_the_declared_columns_and_every_constraint()
    {
        var p = Project();
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Not.Contain("warning:"), "PostgreSQL enforces every constraint");
        Assert.That(p.Columns("customers").Select(c => $"{c.Name} {c.DataType}"), Is.EqualTo(new[] { "id integer", "name text", "score numeric(10,2)" }));
        Assert.That(Constraints(p, "customers"), Is.EqualTo(new[] { "c: CHECK ((score >= (0)::numeric))", "p: PRIMARY KEY (id)" }));
        Assert.That(p.Long($"select count(*) from pg_attribute where attrelid = '{p.Rel("customers")}'::regclass and attname = 'name' and attnotnull"), Is.EqualTo(1L));
        Assert.That(Constraints(p, "orders"), Is.EqualTo(new[]
        {
            $"f: FOREIGN KEY (customer_id) REFERENCES {p.Schema}.customers(id)", "u: UNIQUE (order_id, line)",
        }));
        Assert.That(p.Long($"select count(*) from {p.Rel("orders")}"), Is.EqualTo(2L));
    }

    [Test]
    public void A_row_breaking_a_foreign_key_fails_the_build_and_the_old_table_stays()
    {
        var p = Project();
        p.Ok("run");
        p.Write("models/orders.sql", "{{ config(materialized='table') }}\nselect 1 as order_id, 1 as line, 99 as customer_id");
        var r = p.Run("run", "-s", "orders");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Not.Contain("   at "));
        Assert.That(r.All, Does.Contain("models/orders.sql: database error:"));
        Assert.That(r.All, Does.Contain("violates foreign key constraint"));
        Assert.That(p.Long($"select count(*) from {p.Rel("orders")}"), Is.EqualTo(2L), "the old table is intact");
        Assert.That(p.Relations().Keys, Is.EquivalentTo(new[] { "customers", "orders" }), "no staging table left");
    }

    [Test]
    public void A_mismatch_lists_every_difference_in_PostgreSQL_type_names()
    {
        var p = Project();
        p.Ok("run");
        p.Write("models/customers.sql", "{{ config(materialized='table') }}\nselect '1'::text as id, 'ann'::text as name, 2.5::float8 as score, true as vip");
        var r = p.Run("run", "-s", "customers");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString());
        Assert.That(r.All, Does.Contain("models/customers.sql:1:1: error: model 'customers' has an enforced contract that failed."));
        Assert.That(r.All, Does.Contain("| id          | text             | integer       | data type mismatch  |"));
        Assert.That(r.All, Does.Contain("| score       | double precision | numeric(10,2) | data type mismatch  |"));
        Assert.That(r.All, Does.Contain("| vip         | boolean          |               | missing in contract |"));
        Assert.That(p.Long($"select id from {p.Rel("customers")}"), Is.EqualTo(1L), "the old table is intact");
    }
}
