using Xform.Adapters.DuckDb;
using Xform.Core.Docs;

namespace Xform.Cli.Tests.Docs;

/// <summary>The column lineage resolver on small SQL, parsed by DuckDB. Tables: orders(id, customer_id, amount, status),
/// customers(id, name, country), events (columns not known), src.raw (a source, columns not known).</summary>
[TestFixture]
public sealed class LineageResolverTests
{
    DuckDbSqlParser _parser = null!;

    [OneTimeSetUp]
    public void Open() => _parser = new DuckDbSqlParser();

    [OneTimeTearDown]
    public void Close() => _parser.Dispose();

    static readonly Dictionary<string, string> Tables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["orders"] = "model.p.orders", ["main.orders"] = "model.p.orders",
        ["customers"] = "model.p.customers", ["main.customers"] = "model.p.customers",
        ["events"] = "model.p.events",
        ["src.raw"] = "source.p.src.raw",
    };

    static readonly Dictionary<string, string[]> Columns = new()
    {
        ["model.p.orders"] = ["id", "customer_id", "amount", "status"],
        ["model.p.customers"] = ["id", "name", "country"],
    };

    NodeLineage Resolve(string sql, IReadOnlyList<string>? actual = null) =>
        new LineageResolver(_parser, parts => Tables.GetValueOrDefault(string.Join('.', parts)), id => Columns.GetValueOrDefault(id),
                name => name == "__dbt__cte__eph" ? "model.p.eph" : null)
            .Resolve("model.p.x", sql, actual);

    /// <summary>column -> "node.column" sources (short node names), "!" suffix when direct, "?" entries for unknown parts.</summary>
    Dictionary<string, string> Map(string sql, IReadOnlyList<string>? actual = null)
    {
        var l = Resolve(sql, actual);
        Assert.That(l.Error, Is.Null);
        return l.Columns.ToDictionary(c => c.Column, c =>
            string.Join(",", c.Sources.Select(s => $"{s.NodeId.Split('.')[^1]}.{s.Column}")) + (c.Direct ? "!" : "") + (c.Unknown.Count > 0 ? "?" : ""));
    }

    [Test]
    public void Direct_columns_aliases_and_expressions()
    {
        var m = Map("select id, o.amount as total, amount * 2 as doubled, upper(status) s, 1 as one from orders o");
        Assert.That(m["id"], Is.EqualTo("orders.id!"));
        Assert.That(m["total"], Is.EqualTo("orders.amount!"));
        Assert.That(m["doubled"], Is.EqualTo("orders.amount"));
        Assert.That(m["s"], Is.EqualTo("orders.status"));
        Assert.That(m["one"], Is.EqualTo(""));
    }

    [Test]
    public void Joins_with_table_aliases_and_schema_qualified_names()
    {
        var m = Map("select o.id, customers.name, main.customers.country, o.amount + customers.id as mix from main.orders as o join main.customers on customers.id = o.customer_id");
        Assert.That(m["id"], Is.EqualTo("orders.id!"));
        Assert.That(m["name"], Is.EqualTo("customers.name!"));
        Assert.That(m["country"], Is.EqualTo("customers.country!"));
        Assert.That(m["mix"], Is.EqualTo("customers.id,orders.amount"));
    }

    [Test]
    public void Unqualified_names_resolve_to_the_one_relation_that_has_them()
    {
        var m = Map("select name, amount from orders o join customers c on c.id = o.customer_id");
        Assert.That(m["name"], Is.EqualTo("customers.name!"));
        Assert.That(m["amount"], Is.EqualTo("orders.amount!"));
    }

    [Test]
    public void Ctes_and_subqueries_chain_to_the_base_tables()
    {
        var m = Map("""
            with a as (select customer_id as cid, sum(amount) as spent from orders group by 1),
                 b as (select cid, spent / 100 as hundreds from a)
            select b.cid, hundreds, sub.n from b cross join (select count(*) as n, max(name) as top from customers) sub
            """);
        Assert.That(m["cid"], Is.EqualTo("orders.customer_id!"));
        Assert.That(m["hundreds"], Is.EqualTo("orders.amount"));
        Assert.That(m["n"], Is.EqualTo(""), "count(*) reads no column");
    }

    [Test]
    public void Aggregates_windows_and_case_count_their_inputs()
    {
        var m = Map("""
            select customer_id,
                   sum(amount) as total,
                   row_number() over (partition by customer_id order by amount desc) as rn,
                   case when status = 'paid' then amount else 0 end as paid,
                   string_agg(status, ',' order by id) as statuses
            from orders group by all
            """);
        Assert.That(m["total"], Is.EqualTo("orders.amount"));
        Assert.That(m["rn"], Is.EqualTo("orders.amount,orders.customer_id"));
        Assert.That(m["paid"], Is.EqualTo("orders.amount,orders.status"));
        Assert.That(m["statuses"], Is.EqualTo("orders.id,orders.status"));
    }

    [Test]
    public void Star_expands_from_known_columns_with_exclude_replace_and_using()
    {
        var m = Map("select * exclude (status) replace (amount * 2 as amount) from orders");
        Assert.That(m.Keys, Is.EqualTo(new[] { "id", "customer_id", "amount" }));
        Assert.That(m["amount"], Is.EqualTo("orders.amount"));
        var j = Map("select c.*, o.amount from customers c join orders o on o.customer_id = c.id");
        Assert.That(j.Keys, Is.EqualTo(new[] { "id", "name", "country", "amount" }));
        var u = Map("select id from (select id, name from customers) a join (select id, amount from orders) b using (id)");
        Assert.That(u["id"], Is.EqualTo("customers.id,orders.id"));
    }

    [Test]
    public void Star_over_a_table_with_unknown_columns_passes_names_through_to_it()
    {
        var m = Map("with e as (select * from events) select e.kind, e.at as happened from e");
        Assert.That(m["kind"], Is.EqualTo("events.kind!"));
        Assert.That(m["happened"], Is.EqualTo("events.at!"));
        // The output names come from the engine when the SQL cannot enumerate them.
        var n = Map("select * from events", ["kind", "at"]);
        Assert.That(n["kind"], Is.EqualTo("events.kind!"));
    }

    [Test]
    public void Scalar_and_correlated_subqueries_in_the_select_list()
    {
        var m = Map("select c.id, (select sum(o.amount) from orders o where o.customer_id = c.id) as spent, c.id in (select customer_id from orders) as buyer from customers c");
        Assert.That(m["spent"], Is.EqualTo("orders.amount"));
        Assert.That(m["buyer"], Is.EqualTo("customers.id,orders.customer_id"));
    }

    [Test]
    public void Set_operations_merge_by_position()
    {
        var m = Map("select id, name as label from customers union all select id, status from orders");
        Assert.That(m["id"], Is.EqualTo("customers.id,orders.id"));
        Assert.That(m["label"], Is.EqualTo("customers.name,orders.status"));
    }

    [Test]
    public void Lateral_aliases_and_ephemeral_ctes()
    {
        var m = Map("select amount * 2 as a2, a2 + 1 as a3 from orders");
        Assert.That(m["a3"], Is.EqualTo("orders.amount"));
        var e = Map("with __dbt__cte__eph as (select id from orders) select id from __dbt__cte__eph");
        Assert.That(e["id"], Is.EqualTo("eph.id!"), "an ephemeral model is a node of its own");
    }

    [Test]
    public void Positional_names_from_the_engine_for_unaliased_expressions()
    {
        var m = Map("select id, amount + 1 from orders", ["id", "(amount + 1)"]);
        Assert.That(m["(amount + 1)"], Is.EqualTo("orders.amount"));
    }

    [Test]
    public void What_cannot_be_resolved_is_marked_unknown_not_guessed()
    {
        Assert.That(Map("select a from read_csv('x.csv')")["a"], Is.EqualTo("?"), "table function");
        Assert.That(Map("select x from some_other_table")["x"], Is.EqualTo("?"), "not a node");
        Assert.That(Map("select kind from events e, src.raw r")["kind"], Is.EqualTo("?"), "two relations whose columns are unknown");
        Assert.That(Map("select * from (values (1, 2)) v(a, b)", ["a", "b"])["a"], Is.EqualTo("?"), "VALUES");
        Assert.That(Map("select list_transform([amount], x -> x + 1) as l from orders")["l"], Does.EndWith("?"), "lambda");
        Assert.That(Map("select * from events e join src.raw r on true", ["kind"])["kind"], Is.EqualTo("?"), "* over two unknown relations");
        Assert.That(Map("with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select n from r")["n"], Is.EqualTo("?"), "recursive CTE");
        var broken = Resolve("select from where", ["a"]);
        Assert.That(broken.Error, Does.Contain("could not be parsed"));
        Assert.That(broken.Columns[0].Unknown, Is.Not.Empty);
    }

    [Test]
    public void Filters_and_join_conditions_are_not_sources()
    {
        var m = Map("select o.id from orders o join customers c on c.id = o.customer_id where c.country = 'UK' and o.status = 'paid'");
        Assert.That(m["id"], Is.EqualTo("orders.id!"));
    }
}
