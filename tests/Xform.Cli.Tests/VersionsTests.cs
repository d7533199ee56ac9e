using System.Text.Json;

namespace Xform.Cli.Tests;

/// <summary>dbt's model versions: versions:, defined_in, latest_version, ref(v=), relation names, ids, selection (issue 14, item 1).</summary>
public class VersionsTests
{
    const string Yml = """
        models:
          - name: dim_customers
            description: customers
            latest_version: 2
            columns:
              - name: id
                data_tests: [not_null]
              - name: name
              - name: country
            versions:
              - v: 1
                deprecation_date: 2020-01-01
                columns:
                  - include: all
                    exclude: [country]
              - v: 2
              - v: 3
                defined_in: dim_customers_next
                config:
                  materialized: table
        """;

    static TestProject Project()
    {
        var p = new TestProject();
        p.Write("models/schema.yml", Yml);
        p.Write("models/dim_customers_v1.sql", "select 1 as id, 'a' as name");
        p.Write("models/dim_customers_v2.sql", "select 2 as id, 'b' as name, 'FR' as country");
        p.Write("models/dim_customers_next.sql", "select 3 as id, 'c' as name, 'DE' as country");
        p.Write("models/latest_reader.sql", "select * from {{ ref('dim_customers') }}");
        p.Write("models/v3_reader.sql", "select * from {{ ref('dim_customers', v=3) }}");
        p.Write("models/v1_reader.sql", "select * from {{ ref('dim_customers', version=1) }}");
        return p;
    }

    static void Clean(CliResult r)
    {
        Assert.That(r.All, Does.Not.Contain("   at "));
        Assert.That(r.All, Does.Not.Contain("internal error"));
    }

    [Test]
    public void Each_version_is_built_as_name_v_version_and_refs_pick_the_latest_or_the_one_asked_for()
    {
        using var p = Project();
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var relations = p.Relations();
        Assert.That(relations.Keys, Is.SupersetOf(new[] { "dim_customers_v1", "dim_customers_v2", "dim_customers_v3" }));
        Assert.That(relations.Keys, Has.None.EqualTo("dim_customers"));
        Assert.That(relations["dim_customers_v3"], Is.EqualTo("BASE TABLE"), "a version's own config applies to it only");
        Assert.That(relations["dim_customers_v2"], Is.EqualTo("VIEW"));
        Assert.That(p.Scalar("select id from latest_reader"), Is.EqualTo(2), "latest_version: 2, although v3 exists");
        Assert.That(p.Scalar("select id from v3_reader"), Is.EqualTo(3));
        Assert.That(p.Scalar("select id from v1_reader"), Is.EqualTo(1));
        Assert.That(p.Read("target/compiled/proj/models/latest_reader.sql"), Does.Contain("\"dim_customers_v2\""));
        // The model's column test runs on every version, named as dbt names it.
        Assert.That(r.All, Does.Contain("not_null_dim_customers_v1_id").And.Contain("not_null_dim_customers_v3_id"));
    }

    [Test]
    public void A_past_deprecation_date_is_warned_about_where_the_version_is_referenced()
    {
        using var p = Project();
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.All, Does.Contain("models/v1_reader.sql:1:18: warning: While compiling 'v1_reader': Found a reference to proj.dim_customers.v1, " +
                                        "which was deprecated on '2020-01-01'. A new version of 'dim_customers' is available. Migrate now: {{ ref('proj', 'dim_customers', v='2') }}"));
        Assert.That(r.All, Does.Contain("Model dim_customers.v1 has passed its deprecation date of 2020-01-01"));
        Assert.That(r.All, Does.Not.Contain("'versions' in model properties is accepted but not used"));
    }

    [Test]
    public void The_manifest_has_version_ids_fields_and_per_version_columns()
    {
        using var p = Project();
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(p.Read("target/manifest.json"));
        var nodes = doc.RootElement.GetProperty("nodes");
        var v1 = nodes.GetProperty("model.proj.dim_customers.v1");
        Assert.That(v1.GetProperty("name").GetString(), Is.EqualTo("dim_customers"));
        Assert.That(v1.GetProperty("version").GetInt32(), Is.EqualTo(1));
        Assert.That(v1.GetProperty("latest_version").GetInt32(), Is.EqualTo(2));
        Assert.That(v1.GetProperty("deprecation_date").GetString(), Is.EqualTo("2020-01-01"));
        Assert.That(v1.GetProperty("alias").GetString(), Is.EqualTo("dim_customers_v1"));
        Assert.That(v1.GetProperty("fqn").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "proj", "dim_customers", "v1" }));
        Assert.That(v1.GetProperty("columns").EnumerateObject().Select(c => c.Name), Is.EqualTo(new[] { "id", "name" }), "exclude: [country]");
        Assert.That(nodes.GetProperty("model.proj.dim_customers.v3").GetProperty("columns").EnumerateObject().Select(c => c.Name),
            Is.EqualTo(new[] { "id", "name", "country" }));
        var reader = nodes.GetProperty("model.proj.v3_reader");
        Assert.That(reader.GetProperty("refs")[0].GetProperty("version").GetInt32(), Is.EqualTo(3));
        Assert.That(reader.GetProperty("depends_on").GetProperty("nodes")[0].GetString(), Is.EqualTo("model.proj.dim_customers.v3"));
        Assert.That(nodes.GetProperty("model.proj.latest_reader").GetProperty("version").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public void Ls_shows_versions_and_selection_by_name_by_version_and_by_the_version_method()
    {
        using var p = Project();
        string[] Ls(params string[] args)
        {
            var r = p.Run(["ls", "--resource-type", "model", "--output", "name", .. args]);
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            Clean(r);
            return r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.Contains(": warning: ")).ToArray();
        }
        Assert.That(Ls("--select", "dim_customers"), Is.EquivalentTo(new[] { "dim_customers.v1", "dim_customers.v2", "dim_customers.v3" }));
        Assert.That(Ls("--select", "dim_customers.v2"), Is.EqualTo(new[] { "dim_customers.v2" }));
        Assert.That(Ls("--select", "version:latest"), Is.EqualTo(new[] { "dim_customers.v2" }));
        Assert.That(Ls("--select", "version:prerelease"), Is.EqualTo(new[] { "dim_customers.v3" }));
        Assert.That(Ls("--select", "version:old"), Is.EqualTo(new[] { "dim_customers.v1" }));
        Assert.That(Ls("--select", "version:none"), Is.EquivalentTo(new[] { "latest_reader", "v1_reader", "v3_reader" }));
        Assert.That(Ls("--select", "dim_customers.v1+"), Is.EquivalentTo(new[] { "dim_customers.v1", "v1_reader" }));
        var selectors = p.Run("ls", "--resource-type", "model", "--select", "dim_customers.v3");
        Assert.That(selectors.Out, Does.Contain("\nproj.dim_customers.v3").Or.StartWith("proj.dim_customers.v3"));
    }

    [Test]
    public void A_ref_to_a_version_that_does_not_exist_is_an_error_at_the_ref()
    {
        using var p = Project();
        p.Write("models/v3_reader.sql", "select 1 as x\nunion all select id from {{ ref('dim_customers', v=7) }}");
        var r = p.Run("build");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Clean(r);
        Assert.That(r.Err, Does.Contain("models/v3_reader.sql:2:29: error: v3_reader refers to ref('dim_customers', v=7), which is not a version of model 'dim_customers' (its versions: 1, 2, 3)"));
        Assert.That(p.Exists("target/test.duckdb") && p.Relations().Count > 0, Is.False, "nothing was built");
    }

    [Test]
    public void A_version_without_its_file_and_a_latest_version_that_is_not_a_version_are_errors_at_their_lines()
    {
        using (var p = Project())
        {
            p.Write("models/schema.yml", Yml.Replace("defined_in: dim_customers_next", "defined_in: dim_customers_later"));
            var r = p.Run("parse");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Clean(r);
            Assert.That(r.Err, Does.Contain("models/schema.yml:17:9: error: version 3 of model 'dim_customers' is defined in 'dim_customers_later', and no model file of that name (.sql) exists"));
        }
        using (var p = Project())
        {
            p.Write("models/schema.yml", Yml.Replace("latest_version: 2", "latest_version: 5"));
            var r = p.Run("parse");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Clean(r);
            Assert.That(r.Err, Does.Contain("models/schema.yml:2:5: error: latest_version 5 of model 'dim_customers' is not one of its versions (1, 2, 3)"));
        }
        using (var p = Project())
        {
            p.Write("models/dim_customers.sql", "select 1 as id");
            var r = p.Run("parse");
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Assert.That(r.Err, Does.Contain("models/schema.yml:2:5: error: model 'dim_customers' has versions, so its file 'dim_customers.sql' must be one of them"));
        }
    }

    [Test]
    public void Without_latest_version_the_highest_version_is_the_latest()
    {
        using var p = Project();
        p.Write("models/schema.yml", Yml.Replace("    latest_version: 2\n", ""));
        var r = p.Run("build", "--select", "+latest_reader");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Scalar("select id from latest_reader"), Is.EqualTo(3));
        Assert.That(p.Relations().Keys, Has.None.EqualTo("dim_customers_v1"), "+latest_reader brings only the version it reads");
    }
}
