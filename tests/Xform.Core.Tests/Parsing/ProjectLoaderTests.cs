using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Tests.Parsing;

/// <summary>The parse of a project on disk: one parser per resource type, and the index of the files it read.</summary>
public class ProjectLoaderTests : TempFolderTest
{
    [SetUp]
    public void SetUp()
    {
        Write("project.yml", "name: proj\nprofile: proj\n");
        Write("models/staging/stg_orders.sql", "select * from {{ source('raw', 'orders') }}");
        Write("models/orders.sql", "{{ config(materialized='table') }}select * from {{ ref('stg_orders') }} join {{ ref('countries') }} using (country)");
        Write("models/schema.yml", "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests: [unique]\n" +
                                   "sources:\n  - name: raw\n    tables:\n      - name: orders\n");
        Write("models/overview.md", "{% docs orders %}One row per order.{% enddocs %}");
        Write("seeds/countries.csv", "country\nNL\n");
        Write("snapshots/orders_snapshot.sql", "{% snapshot orders_snapshot %}{{ config(unique_key='id', strategy='check', check_cols='all') }}select * from {{ ref('orders') }}{% endsnapshot %}");
        Write("tests/no_negative.sql", "select * from {{ ref('orders') }} where id < 0");
        Write("macros/cents.sql", "{% macro cents(x) %}{{ x }} / 100{% endmacro %}");
    }

    LoadedProject Load() => TestManifests.Load(Dir);

    [Test]
    public void Each_resource_type_becomes_its_nodes()
    {
        var nodes = Load().Manifest.Nodes;
        // A generic test's id ends in a hash of its arguments; compare up to it.
        var ids = nodes.Keys.Select(id => id.StartsWith("test.proj.unique_", StringComparison.Ordinal) ? id[..id.LastIndexOf('.')] + ".*" : id);
        Assert.That(ids.Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "model.proj.orders", "model.proj.stg_orders", "seed.proj.countries", "snapshot.proj.orders_snapshot",
            "source.proj.raw.orders", "test.proj.no_negative", "test.proj.unique_orders_id.*",
        }));
        Assert.That(nodes["model.proj.orders"].Refs.Select(r => r.Name), Is.EqualTo(new[] { "stg_orders", "countries" }));
        Assert.That(nodes["model.proj.orders"].Materialized, Is.EqualTo("table"));
        Assert.That(nodes["model.proj.stg_orders"].Fqn, Is.EqualTo(new[] { "proj", "staging", "stg_orders" }));
        Assert.That(nodes["snapshot.proj.orders_snapshot"].Refs.Select(r => r.Name), Is.EqualTo(new[] { "orders" }));
    }

    [Test]
    public void Every_file_read_is_indexed_with_its_kind_and_a_checksum_of_its_content()
    {
        var files = Load().Files.ToDictionary(f => f.Path);
        Assert.That(files.Keys, Is.EquivalentTo(new[]
        {
            "macros/cents.sql", "models/orders.sql", "models/overview.md", "models/schema.yml", "models/staging/stg_orders.sql",
            "seeds/countries.csv", "snapshots/orders_snapshot.sql", "tests/no_negative.sql",
        }));
        Assert.That(files.Values.Select(f => (f.Path, f.Kind)), Is.SupersetOf(new[]
        {
            ("macros/cents.sql", "macro"), ("models/orders.sql", "model"), ("models/overview.md", "docs"), ("models/schema.yml", "properties"),
            ("seeds/countries.csv", "seed"), ("snapshots/orders_snapshot.sql", "snapshot"), ("tests/no_negative.sql", "test"),
        }));
        Assert.That(files.Values.Select(f => f.Package).Distinct(), Is.EqualTo(new[] { "proj" }));
        var before = files["models/orders.sql"].Checksum;
        Assert.That(Load().Files.Single(f => f.Path == "models/orders.sql").Checksum, Is.EqualTo(before), "same content, same checksum");
        Write("models/orders.sql", "select 2 as id");
        Assert.That(Load().Files.Single(f => f.Path == "models/orders.sql").Checksum, Is.Not.EqualTo(before));
    }

    [Test]
    public void Properties_files_parsed_ahead_are_still_read_in_order_and_the_first_broken_one_is_reported()
    {
        // More files than are parsed ahead, a broken one late and another after it: the first in the folder's order is the error.
        for (var i = 0; i < 30; i++)
            Write($"models/props_{i:D2}.yml", $"version: 2\nmodels:\n  - name: m{i:D2}\n    description: file {i}\n");
        Write("models/props_21.yml", "version: 2\nmodels:\n  - name: [unclosed\n");
        Write("models/props_25.yml", "version: 2\nmodels: {\n");
        var error = Assert.Catch<Xform.Core.Diagnostics.XformException>(() => Load());
        Assert.That(error!.Message + error.Location, Does.Contain("props_21.yml"));

        Write("models/props_21.yml", "version: 2\nmodels:\n  - name: m21\n");
        Write("models/props_25.yml", "version: 2\nmodels:\n  - name: m25\n");
        Write("models/props_29.yml", "version: 2\nmodels:\n  - name: orders\n    description: described twice\n");
        // the duplicate is the later file's, as when the files were read one after another
        var duplicate = Assert.Catch<Xform.Core.Diagnostics.XformException>(() => Load());
        Assert.That(duplicate!.Message + duplicate.Location, Does.Contain("props_29.yml"));
    }
}
