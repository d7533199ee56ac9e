using Xform.Core.Tasks;

namespace Xform.Core.Tests.Tasks;

/// <summary>show's limit: appended as dbt's get_limit_sql, or a wrapping subquery when the query limits itself.</summary>
public class ShowLimitTests
{
    [TestCase("select * from t order by 1 limit 3", true)]
    [TestCase("select * from t LIMIT 3 OFFSET 2", true)]
    [TestCase("select * from t offset 2 rows fetch first 3 rows only", true)]
    [TestCase("select * from (select * from t limit 3) x", false, TestName = "a limit in a subquery is not the query's")]
    [TestCase("select 'limit 3' as a, \"limit\" from t", false, TestName = "nor one in a string or a quoted name")]
    [TestCase("select a from t -- limit 3\n/* limit 4 */ order by a", false, TestName = "nor one in a comment")]
    [TestCase("select no_limit, limited from t", false, TestName = "nor a word that contains it")]
    [TestCase("with l as (select 1 limit 1) select * from l", false)]
    public void The_querys_own_limit_is_found_outside_parentheses_strings_and_comments(string sql, bool limits) =>
        Assert.That(ShowTask.LimitsItself(sql), Is.EqualTo(limits));

    [Test]
    public void The_limit_is_appended_or_wraps_the_query()
    {
        Assert.That(ShowTask.WithLimit("select a from t order by a;\n", 6), Is.EqualTo("select a from t order by a\nlimit 6"));
        Assert.That(ShowTask.WithLimit("select a from t limit 2", 6), Is.EqualTo("select * from (\nselect a from t limit 2\n) as model_limit_subq\nlimit 6"));
        Assert.That(ShowTask.WithLimit("select a from t ;", null), Is.EqualTo("select a from t"));
    }
}
