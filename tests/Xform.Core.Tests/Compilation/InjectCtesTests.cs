using System.Text.RegularExpressions;
using Xform.Core.Compilation;
using Xform.Core.Project;

namespace Xform.Core.Tests.Compilation;

/// <summary>
/// Ephemeral models are inlined as CTEs named <c>__dbt__cte__name</c>, as dbt does: added to the statement's own
/// WITH clause, or a WITH opened before a statement that has none. Whitespace is compared squashed.
/// </summary>
public class InjectCtesTests
{
    static readonly IReadOnlyList<(Node, string)> Ctes =
    [
        (TestManifests.Model("stg", "models/stg.sql", [], new() { ["materialized"] = "ephemeral" }), "select 1 as id\n"),
        (TestManifests.Model("enriched", "models/enriched.sql", ["stg"], new() { ["materialized"] = "ephemeral" }), "  select id from __dbt__cte__stg  "),
    ];

    const string Defs = "__dbt__cte__stg as ( select 1 as id ), __dbt__cte__enriched as ( select id from __dbt__cte__stg )";

    static string Inject(string sql) => Squash(Compiler.InjectCtes(sql, Ctes));

    static string Squash(string sql) => Regex.Replace(sql, @"\s+", " ").Trim();

    static int Withs(string sql) => Regex.Matches(sql, @"\bwith\b", RegexOptions.IgnoreCase).Count;

    // {defs} stands for the two CTE definitions, stg's first.
    [TestCase("select * from __dbt__cte__enriched", "with {defs} select * from __dbt__cte__enriched",
        TestName = "A statement without a WITH gets one before it")]
    [TestCase("with totals as (select count(*) as n from __dbt__cte__enriched) select * from totals",
        "with {defs}, totals as (select count(*) as n from __dbt__cte__enriched) select * from totals",
        TestName = "A statement with its own WITH gets the CTEs first inside it")]
    [TestCase("WITH t AS (SELECT 1) SELECT * FROM t", "WITH {defs}, t AS (SELECT 1) SELECT * FROM t",
        TestName = "An upper-case WITH is found and kept")]
    [TestCase("with recursive n(i) as (select 1 union all select i + 1 from n where i < 3) select * from n",
        "with recursive {defs}, n(i) as (select 1 union all select i + 1 from n where i < 3) select * from n",
        TestName = "WITH RECURSIVE keeps RECURSIVE right after WITH")]
    [TestCase("with recursive_orders as (select 1) select * from recursive_orders",
        "with {defs}, recursive_orders as (select 1) select * from recursive_orders",
        TestName = "A CTE whose name starts with recursive is a name, not the keyword")]
    [TestCase("\n  -- orders by day\n/* owner: data */\n  with t as (select 1) select * from t",
        "-- orders by day /* owner: data */ with {defs}, t as (select 1) select * from t",
        TestName = "Leading comments and whitespace stay in front of the statement's WITH")]
    [TestCase("with /* the totals */ t as (select 1) select * from t", "with {defs}, /* the totals */ t as (select 1) select * from t",
        TestName = "A comment between WITH and the first CTE is kept")]
    public void Injects(string sql, string expected)
    {
        var injected = Inject(sql);
        Assert.That(injected, Is.EqualTo(expected.Replace("{defs}", Defs)));
        Assert.That(Withs(injected), Is.EqualTo(1), "one WITH clause: a second would be a syntax error");
    }

    [Test]
    public void The_ctes_keep_the_order_given_each_after_what_it_reads()
    {
        var sql = Inject("select 1");
        Assert.That(sql.IndexOf("__dbt__cte__stg as", StringComparison.Ordinal), Is.LessThan(sql.IndexOf("__dbt__cte__enriched as", StringComparison.Ordinal)));
    }

    [Test]
    public void A_with_opened_after_a_leading_line_comment_starts_on_its_own_line()
    {
        var raw = Compiler.InjectCtes("-- orders by day\nselect * from __dbt__cte__stg", Ctes);
        var firstLine = raw.Split('\n')[0];
        Assert.That(firstLine, Is.EqualTo("-- orders by day"), "a WITH on the comment's line would be commented out");
        Assert.That(Squash(raw), Is.EqualTo($"-- orders by day with {Defs} select * from __dbt__cte__stg"));
    }
}
