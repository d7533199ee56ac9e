namespace Xform.Adapters.Snowflake.Tests;

/// <summary>The fake's Snowflake-to-DuckDB translation, statement by statement.</summary>
public class FakeSnowflakeSqlTests
{
    [TestCase("select id, \"Mixed\" from t", "SELECT ID, \"Mixed\" FROM T")]
    [TestCase("select 'it''s a\\\\b\\n' as s", "SELECT 'it''s a\\b\n' AS S")]
    [TestCase("select $$a'b$$ // note", "SELECT 'a''b' -- note")]
    [TestCase("create or replace transient table \"X\" (\"A\" number(38,0), \"B\" number, \"C\" timestamp_ntz, \"D\" float)",
        "CREATE OR REPLACE TABLE \"X\" (\"A\" DECIMAL(38,0), \"B\" DECIMAL(38,0), \"C\" TIMESTAMP, \"D\" DOUBLE)")]
    [TestCase("select a / b, 1 / (case when count(*) > 1 then 0 else 1 end), x / t.y::int, s / sum(v) over (partition by k)",
        "SELECT A / \"__SF_DIVISOR\"(B), 1 / \"__SF_DIVISOR\"((CASE WHEN COUNT(*) > 1 THEN 0 ELSE 1 END)), X / \"__SF_DIVISOR\"(T.Y::INT), S / \"__SF_DIVISOR\"(SUM(V) OVER (PARTITION BY K))")]
    [TestCase("select a / -b / (c) /* a / b */, my$col from t", "SELECT A / \"__SF_DIVISOR\"(-B) / \"__SF_DIVISOR\"((C)) /* a / b */, \"MY$COL\" FROM T")]
    [TestCase("select datediff(day, a, b), dateadd(month, 1, c), date_trunc('month', d)",
        "SELECT DATEDIFF('day', A, B), DATEADD('month', 1, C), DATE_TRUNC('month', D)")]
    [TestCase("select seq4() from table(generator(rowcount => 100))", "SELECT SEQ4() FROM RANGE( 100)")]
    [TestCase("select cast(value as integer) from table(flatten(input => array_generate_range(1, datediff(day, a, b) + 1)))",
        "SELECT CAST(VALUE AS INTEGER) FROM (SELECT UNNEST( ARRAY_GENERATE_RANGE(1, DATEDIFF('day', A, B) + 1)) AS \"VALUE\", GENERATE_SUBSCRIPTS( ARRAY_GENERATE_RANGE(1, DATEDIFF('day', A, B) + 1), 1) - 1 AS \"INDEX\")")]
    [TestCase("select current_timestamp()", "SELECT CURRENT_TIMESTAMP")]
    [TestCase("select column_name from \"ANALYTICS\".information_schema.columns where x", "SELECT COLUMN_NAME FROM \"__SF_COLUMNS\" WHERE X")]
    [TestCase("select table_name from information_schema.tables", "SELECT TABLE_NAME FROM \"__SF_TABLES\"")]
    public void Translates(string snowflake, string duckDb) => Assert.That(FakeSnowflakeSql.Translate(snowflake), Is.EqualTo(duckDb));
}
