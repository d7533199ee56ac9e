using System.Globalization;
using System.Text;
using NUnit.Framework;

namespace Xform.Cli.Tests.Retail;

/// <summary>
/// The retail project fed as a shop feeds it: a folder of daily raw files (xform-retail-gen --daily), built once,
/// then one new day at a time, a late file carrying lines of earlier days among them. After every step the marts must
/// equal, row for row, what a --full-refresh build of the same files gives. Then the raw input changes under the
/// incremental tables (a file rewritten, the var pointed at another folder) and the build must stop before it starts.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RetailIncrementalTests
{
    const int HeldBackDays = 4;
    const string Vars = "{raw_transactions_path: data/daily}";

    TestProject _project = null!;
    string[] _dayFiles = [];
    string[] _lateLines = [];

    string Daily => Path.Combine(_project.Dir, "data", "daily");
    string Db => Path.Combine(_project.Dir, "target", "retail.duckdb");

    /// <summary>Every table the incremental path writes, as rows in a stable order (ingested_at left out: it is the
    /// time of the run). History marts keep a row per snapshot date; only the latest is comparable to a fresh build.</summary>
    static readonly (string Table, string Sql)[] Compared =
    [
        ("obt_customer_kpis_and_segmentation", "select * from obt_customer_kpis_and_segmentation order by all"),
        ("obt_customer_dau_mau_stickiness", "select * from obt_customer_dau_mau_stickiness order by all"),
        ("obt_overall_customer_kpis", "select * from obt_overall_customer_kpis where snapshot_date = (select max(snapshot_date) from obt_overall_customer_kpis) order by all"),
        ("fct_customer_metrics", "select * from fct_customer_metrics where snapshot_date = (select max(snapshot_date) from fct_customer_metrics) order by all"),
        ("dim_customer", "select * from dim_customer order by all"),
        ("dim_cltv_group", "select * from dim_cltv_group order by all"),
        ("dim_churn_group", "select * from dim_churn_group order by all"),
        ("dim_rfm_group", "select * from dim_rfm_group order by all"),
        ("rpt_data_loss", "select * from rpt_data_loss order by all"),
        ("rpt_sanity_checks", "select * from rpt_sanity_checks order by all"),
        ("int_customer_totals", "select * exclude (ingested_at) from int_customer_totals order by all"),
        ("int_customer_active_days", "select * exclude (ingested_at) from int_customer_active_days order by all"),
        ("int_customer_daily_returns", "select * exclude (ingested_at) from int_customer_daily_returns order by all"),
        ("int_category_totals", "select transaction_category, invoice_day, sum(row_count), sum(gross_value) from int_category_totals group by all order by all"),
        ("int_daily_engagement", "select * exclude (ingested_at) from int_daily_engagement order by all"),
        ("stg_transaction_logs", "select * exclude (ingested_at, loaded_at) from stg_transaction_logs order by all"),
    ];

    [OneTimeSetUp]
    public void Generate()
    {
        _project = RetailProjectTests.CopyRetailProject("retail-incremental");
        var incoming = Path.Combine(_project.Dir, "incoming");
        var output = new StringWriter();
        var code = Xform.Retail.Generator.Program.Run(
            ["--rows", "60000", "--days", "45", "--seed", "11", "--daily", "--out", incoming], output, output);
        Assert.That(code, Is.EqualTo(0), output.ToString());
        _dayFiles = [.. Directory.GetFiles(incoming, "*.csv").Order(StringComparer.Ordinal)];
        Assert.That(_dayFiles.Length, Is.GreaterThan(HeldBackDays + 10), "the generator writes one file per trading day");
        Directory.CreateDirectory(Daily);
        // A day three days before the first new one misses a third of its lines in its export; they come late, in a
        // file of their own that arrives with the second new day.
        var day = _dayFiles[^(HeldBackDays + 3)];
        var lines = File.ReadAllLines(day);
        _lateLines = [lines[0], .. lines.Skip(1).Where((_, n) => n % 3 == 0)];
        File.WriteAllLines(day, lines.Where((_, n) => n == 0 || (n - 1) % 3 != 0), new UTF8Encoding(false));
    }

    [OneTimeTearDown]
    public void CleanUp() => _project.Dispose();

    void Arrive(string file, string? asName = null) =>
        File.Copy(file, Path.Combine(Daily, asName ?? Path.GetFileName(file)));

    CliResult Build(params string[] extra)
    {
        var result = _project.Run(["build", "--threads", "1", "--vars", Vars, .. extra]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Contain("ERROR=0"));
        return result;
    }

    Dictionary<string, List<string>> Snapshot() =>
        Compared.ToDictionary(c => c.Table, c => _project.Query(c.Sql, Db).Select(Row).ToList());

    static string Row(object?[] values) =>
        string.Join(" | ", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "NULL"));

    void AssertEqualToFullRefresh(string step)
    {
        var incremental = Snapshot();
        var check = _project.Clone();
        try
        {
            var full = check.Run("build", "--threads", "1", "--vars", Vars, "--full-refresh");
            Assert.That(full.ExitCode, Is.EqualTo(0), full.ToString());
            var db = Path.Combine(check.Dir, "target", "retail.duckdb");
            foreach (var (table, sql) in Compared)
            {
                var fresh = check.Query(sql, db).Select(Row).ToList();
                Assert.That(incremental[table], Has.Count.GreaterThan(0), $"{step}: {table} is empty");
                Assert.That(incremental[table], Is.EqualTo(fresh), $"{step}: {table} differs from a --full-refresh build");
            }
        }
        finally
        {
            check.Dispose();
        }
    }

    [Test, Order(1)]
    public void EachNewDayAndALateFileGiveTheFullRefreshResult()
    {
        foreach (var file in _dayFiles[..^HeldBackDays])
        {
            Arrive(file);
        }
        Build();
        var before = Convert.ToInt64(_project.Query("select count(*) from stg_transaction_logs", Db)[0][0], CultureInfo.InvariantCulture);

        // Day by day; the second new day brings the late lines of an earlier day with it.
        for (var i = HeldBackDays; i >= 1; i--)
        {
            var day = _dayFiles[^i];
            Arrive(day);
            if (i == HeldBackDays - 1)
            {
                File.WriteAllLines(Path.Combine(Daily, Path.GetFileName(day).Replace(".csv", "_late.csv", StringComparison.Ordinal)),
                    _lateLines, new UTF8Encoding(false));
            }
            Build();
        }
        var after = Convert.ToInt64(_project.Query("select count(*) from stg_transaction_logs", Db)[0][0], CultureInfo.InvariantCulture);
        Assert.That(after, Is.GreaterThan(before));
        AssertEqualToFullRefresh("after the daily runs");
    }

    /// <summary>Proof that an incremental run never opens the files it has read: one of them is overwritten with
    /// bytes no CSV reader accepts (its modification time put back, so the input check sees it unchanged), and a run
    /// that brings a new day still succeeds. A full read would fail on it.</summary>
    [Test, Order(2)]
    public void AnIncrementalRunDoesNotOpenTheFilesItHasRead()
    {
        var old = Path.Combine(Daily, Path.GetFileName(_dayFiles[0]));
        var content = File.ReadAllBytes(old);
        var written = File.GetLastWriteTimeUtc(old);
        try
        {
            File.WriteAllBytes(old, [0x1f, 0x8b, 0, 0, 0xff, 0xfe, (byte)'"', (byte)'\n']);
            File.SetLastWriteTimeUtc(old, written);
            File.WriteAllLines(Path.Combine(Daily, "transaction_logs_9999-extra.csv"),
                ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
                 "581999,22111,SCANDINAVIAN REDS RIBBONS,2,2011-01-20 10:00:00,1.25,12394,United Kingdom"], new UTF8Encoding(false));
            var result = Build();
            Assert.That(_project.Query("select count(*) from stg_transaction_logs where invoice_no = '581999'", Db)[0][0], Is.EqualTo(1L), result.Out);
        }
        finally
        {
            File.WriteAllBytes(old, content);
            File.SetLastWriteTimeUtc(old, written);
        }
    }

    /// <summary>A file read before is rewritten, then the var names another folder: each time the build stops before
    /// anything runs, names what changed and says to run --full-refresh; every table keeps its rows. A --full-refresh
    /// then rebuilds from the new input.</summary>
    [Test, Order(3)]
    public void AChangedInputStopsTheBuildBeforeItStarts()
    {
        var before = Snapshot();
        var rewritten = Path.Combine(Daily, Path.GetFileName(_dayFiles[1]));
        File.AppendAllLines(rewritten, ["581998,22112,CHOCOLATE HOT WATER BOTTLE,1,2010-12-02 11:00:00,4.95,12394,United Kingdom"]);
        File.SetLastWriteTimeUtc(rewritten, DateTime.UtcNow.AddMinutes(1));

        var stopped = _project.Run("build", "--threads", "1", "--vars", Vars);
        Assert.That(stopped.ExitCode, Is.Not.EqualTo(0), stopped.ToString());
        Assert.That(stopped.All, Does.Contain(Path.GetFileName(rewritten) + " was modified after it was read"));
        Assert.That(stopped.All, Does.Contain("xform build --full-refresh"));
        Assert.That(stopped.Out, Does.Contain("PASS=0"), "nothing runs");
        Assert.That(Snapshot(), Is.EqualTo(before), "every table keeps its rows");

        // another folder: the files read before are gone from the input
        var other = Path.Combine(_project.Dir, "data", "other");
        Directory.CreateDirectory(other);
        File.Copy(_dayFiles[0], Path.Combine(other, "transaction_logs_2010-12-01.csv"));
        var elsewhere = _project.Run("build", "--threads", "1", "--vars", "{raw_transactions_path: data/other}");
        Assert.That(elsewhere.ExitCode, Is.Not.EqualTo(0), elsewhere.ToString());
        Assert.That(elsewhere.All, Does.Contain("is no longer in the input"));
        Assert.That(Snapshot(), Is.EqualTo(before), "every table keeps its rows");

        Build("--full-refresh");
        Assert.That(_project.Query("select count(*) from stg_transaction_logs where invoice_no = '581998'", Db)[0][0], Is.EqualTo(1L));
        Build();
    }
}
