using System.Runtime.CompilerServices;
using Xform.Adapters.Conformance;

namespace Xform.Adapters.Snowflake.Tests.Conformance;

/// <summary>
/// The statements a snapshot with dbt 1.9's configs sends to Snowflake (renamed metadata columns,
/// <c>dbt_valid_to_current</c>, hard deletes as new records, a new source column), run through the loopback fake:
/// the first build and a later run, each the same as its golden file under <c>SnapshotGolden/</c> (the project's
/// schema written as <c>&lt;schema&gt;</c>). Regenerate after an intended change with
/// <c>XFORM_UPDATE_GOLDEN=1 dotnet test tests/Xform.Adapters.Snowflake.Tests --filter SnapshotGolden</c>, then review the diff.
/// </summary>
[NonParallelizable]
public sealed class SnapshotGoldenTests
{
    const string Config = "unique_key='id', strategy='timestamp', updated_at='updated', hard_deletes='new_record', " +
                          "dbt_valid_to_current=\"to_date('9999-12-31')\", snapshot_meta_column_names={'dbt_valid_from': 'valid_from', " +
                          "'dbt_valid_to': 'valid_to', 'dbt_scd_id': 'version_id', 'dbt_updated_at': 'changed_at', 'dbt_is_deleted': 'is_deleted'}";

    static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    [Test]
    public void Snapshot_statements_match_their_golden_files()
    {
        using var p = new ConformanceProject(SnowflakeTarget.Instance);
        p.Write("seeds/schema.yml", "version: 2\nseeds:\n  - name: orders\n    config:\n      column_types: {id: integer, status: varchar(20), updated: timestamp}\n");
        p.Write("snapshots/orders_snap.sql", $"{{% snapshot orders_snap %}}\n{{{{ config({Config}) }}}}\nselect * from {{{{ ref('orders') }}}}\n{{% endsnapshot %}}\n");
        Run(p, "2024-01-02T00:00:00Z", "id,status,updated\n1,placed,2024-01-01 00:00:00\n2,placed,2024-01-01 00:00:00\n");
        var first = Ran(p);
        Run(p, "2024-01-04T00:00:00Z", "id,status,updated,note\n1,shipped,2024-01-03 00:00:00,fast\n");
        var later = Ran(p);

        Assert.That(p.QueryRows($"select id, status, note, valid_from, valid_to, is_deleted from {p.Rel("orders_snap")} order by id, valid_from")
                .Select(r => string.Join(":", r.Select(v => v is DateTime t ? t.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture) : v?.ToString() ?? "-"))),
            Is.EqualTo(new[]
            {
                "1:placed:-:01-01:01-03:False", "1:shipped:fast:01-03:12-31:False", "2:placed:-:01-01:01-04:False", "2:placed:-:01-04:12-31:True",
            }), "the statements ran on the fake");
        Assert.Multiple(() =>
        {
            Golden("orders_snap.first.sql", first);
            Golden("orders_snap.later.sql", later);
        });
    }

    static void Run(ConformanceProject p, string now, string csv)
    {
        p.Write("seeds/orders.csv", csv);
        var before = Environment.GetEnvironmentVariable("XFORM_NOW");
        Environment.SetEnvironmentVariable("XFORM_NOW", now);
        try { p.Ok("build"); }
        finally { Environment.SetEnvironmentVariable("XFORM_NOW", before); }
    }

    /// <summary>The snapshot's SQL as it ran, its schema name replaced by a placeholder.</summary>
    static string Ran(ConformanceProject p) => RunGoldenTests.RunFile(p, "snapshots/orders_snap.sql");

    static void Golden(string name, string actual) => RunGoldenTests.Golden("SnapshotGolden", name, actual, SourceDirectory());
}
