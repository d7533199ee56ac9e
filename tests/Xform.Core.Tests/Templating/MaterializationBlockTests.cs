using Xform.Core.Diagnostics;
using Xform.Core.Templating;

namespace Xform.Core.Tests.TemplatingTests;

/// <summary><c>{% materialization %}</c> blocks: read as dbt's macros <c>materialization_name_adapter</c>, found by dbt's rules.</summary>
public class MaterializationBlockTests
{
    static MacroPackage Package(string name, MacroPackageKind kind, string text) =>
        new(name, kind, [new TemplateSource($"{name}/macros/m.sql", text)]);

    static TemplateEngine Engine(string root = "", string pkg = "", string adapter = "duckdb") =>
        new([
            Package("dbt", MacroPackageKind.Internal, ""),
            Package("my_project", MacroPackageKind.Root, root),
            Package("pkg", MacroPackageKind.Installed, pkg),
        ], adapter);

    static string Block(string name, string adapter) => $"{{% materialization {name}, {adapter} %}}{{{{ return({{'relations': []}}) }}}}{{% endmaterialization %}}\n";

    [Test]
    public void A_block_is_a_macro_named_by_materialization_and_adapter()
    {
        var e = Engine(root: Block("m", "adapter='duckdb'") + Block("m", "default") + "{% materialization n, adapter=\"postgres\", supported_languages=['sql'] %}{% endmaterialization %}");
        Assert.That(e.AllMacros.Select(m => m.Name), Is.SupersetOf(new[] { "materialization_m_duckdb", "materialization_m_default", "materialization_n_postgres" }));
        Assert.That(e.MaterializationBlocks.Select(b => $"{b.Name}/{b.Adapter}"), Is.EquivalentTo(new[] { "m/duckdb", "m/default", "n/postgres" }));
        Assert.That(e.FindMaterialization("m", false)!.Name, Is.EqualTo("materialization_m_duckdb"), "the adapter's block before default");
        Assert.That(Engine(root: Block("m", "adapter='duckdb'") + Block("m", "default"), adapter: "postgres").FindMaterialization("m", false)!.Name,
            Is.EqualTo("materialization_m_default"));
        Assert.That(e.FindMaterialization("n", false), Is.Null, "a block of another adapter does not apply");
    }

    [Test]
    public void The_adapter_block_of_a_package_beats_the_projects_default_and_the_project_beats_a_package()
    {
        var e = Engine(root: Block("m", "default") + Block("k", "default"), pkg: Block("m", "adapter='duckdb'") + Block("k", "default") + Block("table", "default"));
        Assert.That(e.FindMaterialization("m", false)!.Package, Is.EqualTo("pkg"));
        Assert.That(e.FindMaterialization("k", false)!.Package, Is.EqualTo("my_project"));
        Assert.That(e.FindMaterialization("table", builtIn: true), Is.Null, "a package never replaces a built-in");
        Assert.That(Engine(root: Block("table", "default")).FindMaterialization("table", builtIn: true)!.Package, Is.EqualTo("my_project"));
    }

    [TestCase("{% materialization m %}{% endmaterialization %}", "materialization 'm' needs an adapter")]
    [TestCase("{% materialization m, adapter=1 %}{% endmaterialization %}", "adapter= of a materialization must be a quoted adapter name")]
    [TestCase("{% materialization m, default, adapter='duckdb' %}{% endmaterialization %}", "names its adapter twice")]
    [TestCase("{% materialization m, default, languages=['sql'] %}{% endmaterialization %}", "unknown argument 'languages'")]
    [TestCase("{% materialization m, default, supported_languages='sql' %}{% endmaterialization %}", "must be a list")]
    [TestCase("{% materialization m, default %}", "never closed")]
    public void A_malformed_block_is_a_located_error(string text, string expected)
    {
        var e = Assert.Catch<XformException>(() => Engine(root: "\n" + text))
                ?? throw new AssertionException("no error");
        Assert.That(e.Message, Does.Contain(expected));
        Assert.That(e.Location.Line, Is.EqualTo(2));
    }
}
