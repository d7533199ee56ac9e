using NUnit.Framework;

namespace Xform.Cli.Tests.Retail;

/// <summary>
/// <c>xform build --empty</c> of the retail project: every seed, model and snapshot relation is built with the columns
/// and types a full build gives it, and no rows.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RetailEmptyBuildTests
{
    // Reads the RFM grid seed and fails when it has not 125 rows: emptied, it fails, in dbt too.
    const string NeedsTheSeedRows = "assert_rfm_mapping_covers_125_combinations_once";

    // Rows these models make from constants or aggregates, which an empty input does not remove: the three CLTV tiers,
    // the four named sanity checks, one max() over no rows.
    static readonly string[] MadeOfConstants = ["dim_cltv_group", "int_snapshot_date", "rpt_sanity_checks"];

    [Test]
    public void Every_relation_is_built_with_its_columns_and_no_rows()
    {
        using var project = RetailProjectTests.CopyRetailProject("retail_empty");
        var db = Path.Combine(project.Dir, "target", "retail.duckdb");
        var empty = project.Run("build", "--empty", "--threads", "1", "--exclude", NeedsTheSeedRows);
        Assert.That(empty.ExitCode, Is.Zero, empty.ToString());
        Assert.That(empty.Out, Does.Contain("ERROR=0"));

        var relations = project.Query("select table_name, table_type from information_schema.tables where table_schema = 'main' order by 1", db)
            .Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
        Assert.That(relations, Has.Count.GreaterThanOrEqualTo(30), "the seeds and every non-ephemeral model");
        var withRows = relations.Where(r => !Equals(project.Query($"select count(*) from main.\"{r.Item1}\"", db)[0][0], 0L)).Select(r => r.Item1);
        Assert.That(withRows, Is.EquivalentTo(MadeOfConstants), "every other relation is empty");
        var emptyColumns = Columns(project, db);
        Assert.That(project.Read("target/compiled/retail/models/staging/stg_transaction_logs.sql"), Does.Contain("where false limit 0)"));

        var full = project.Run("build", "--threads", "1");
        Assert.That(full.ExitCode, Is.Zero, full.ToString());
        Assert.That(emptyColumns, Is.EqualTo(Columns(project, db)), "the same columns and types as a full build");
        Assert.That(project.Query("select count(*) from main.fct_customer_metrics", db)[0][0], Is.Not.EqualTo(0L));
    }

    static List<string> Columns(TestProject project, string db) =>
        project.Query("select table_name, column_name, data_type from information_schema.columns where table_schema = 'main' order by 1, ordinal_position", db)
            .Select(r => $"{r[0]}.{r[1]} {r[2]}").ToList();
}
