using Xform.Core.Project;

namespace Xform.Core.Tests.Project;

/// <summary>ref() and source() by (package, name), in dbt's order: the root project, the caller's package, any package.</summary>
public class NodeLookupTests
{
    static Node In(string package, string name) => TestManifests.Model(name, $"models/{name}.sql", []) with
    {
        UniqueId = $"model.{package}.{name}", PackageName = package,
    };

    static readonly NodeLookup Lookup = new(TestManifests.Of(
        In("proj", "orders"), In("utils", "orders"), In("utils", "calendar"), In("a", "shared"), In("b", "shared")));

    [Test]
    public void A_bare_name_finds_the_root_projects_node_before_a_packages()
    {
        Assert.That(Lookup.Ref("orders", null, "utils")!.UniqueId, Is.EqualTo("model.proj.orders"));
        Assert.That(Lookup.Ref("orders", "utils", "proj")!.UniqueId, Is.EqualTo("model.utils.orders"));
    }

    [Test]
    public void A_bare_name_only_a_package_has_is_found_there_unless_two_packages_have_it()
    {
        Assert.That(Lookup.Ref("calendar", null, "proj")!.UniqueId, Is.EqualTo("model.utils.calendar"));
        Assert.That(Lookup.Ref("shared", null, "proj"), Is.Null, "ambiguous between packages a and b");
        Assert.That(Lookup.Ref("shared", null, "b")!.UniqueId, Is.EqualTo("model.b.shared"), "the caller's own package decides");
    }

    [Test]
    public void A_package_qualified_name_looks_only_in_that_package()
    {
        Assert.That(Lookup.Ref("calendar", "proj", "proj"), Is.Null);
        Assert.That(Lookup.HasPackage("utils"), Is.True);
        Assert.That(Lookup.HasPackage("nope"), Is.False);
    }

    [Test]
    public void Sources_are_found_by_source_and_table_name()
    {
        var source = TestManifests.Source("raw", "orders");
        var lookup = new NodeLookup(TestManifests.Of(source));
        Assert.That(lookup.Source("raw", "orders", "proj"), Is.SameAs(source));
        Assert.That(lookup.Source("raw", "order", "proj"), Is.Null);
        Assert.That(lookup.SourceNames, Is.EqualTo(new[] { "raw.orders" }));
    }
}
