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

    [Test]
    public void A_statement_without_a_with_gets_one_before_it()
    {
        Assert.That(Inject("select * from __dbt__cte__enriched"), Is.EqualTo($"with {Defs} select * from __dbt__cte__enriched"));
    }

    [Test]
    public void The_ctes_keep_the_order_given_each_after_what_it_reads()
    {
        var sql = Inject("select 1");
        Assert.That(sql.IndexOf("__dbt__cte__stg as", StringComparison.Ordinal), Is.LessThan(sql.IndexOf("__dbt__cte__enriched as", StringComparison.Ordinal)));
    }

    [Test]
    public void A_statement_with_its_own_with_gets_the_ctes_first_inside_it()
    {
        var sql = Inject("with totals as (select count(*) as n from __dbt__cte__enriched) select * from totals");
        Assert.That(sql, Is.EqualTo($"with {Defs}, totals as (select count(*) as n from __dbt__cte__enriched) select * from totals"));
        Assert.That(Withs(sql), Is.EqualTo(1), "one WITH clause: a second would be a syntax error");
    }

    [Test]
    public void An_upper_case_with_is_found_and_kept()
    {
        Assert.That(Inject("WITH t AS (SELECT 1) SELECT * FROM t"), Is.EqualTo($"WITH {Defs}, t AS (SELECT 1) SELECT * FROM t"));
    }

    [Test]
    public void With_recursive_keeps_recursive_right_after_with()
    {
        var sql = Inject("with recursive n(i) as (select 1 union all select i + 1 from n where i < 3) select * from n");
        Assert.That(sql, Is.EqualTo($"with recursive {Defs}, n(i) as (select 1 union all select i + 1 from n where i < 3) select * from n"));
    }

    [Test]
    public void Leading_comments_and_whitespace_stay_in_front_of_the_statements_with()
    {
        var sql = Inject("\n  -- orders by day\n/* owner: data */\n  with t as (select 1) select * from t");
        Assert.That(sql, Is.EqualTo($"-- orders by day /* owner: data */ with {Defs}, t as (select 1) select * from t"));
    }

    [Test]
    public void A_with_opened_after_a_leading_line_comment_starts_on_its_own_line()
    {
        var raw = Compiler.InjectCtes("-- orders by day\nselect * from __dbt__cte__stg", Ctes);
        var firstLine = raw.Split('\n')[0];
        Assert.That(firstLine, Is.EqualTo("-- orders by day"), "a WITH on the comment's line would be commented out");
        Assert.That(Squash(raw), Is.EqualTo($"-- orders by day with {Defs} select * from __dbt__cte__stg"));
    }

    [Test]
    public void A_comment_between_with_and_the_first_cte_is_kept()
    {
        var sql = Inject("with /* the totals */ t as (select 1) select * from t");
        Assert.That(sql, Is.EqualTo($"with {Defs}, /* the totals */ t as (select 1) select * from t"));
    }
}
