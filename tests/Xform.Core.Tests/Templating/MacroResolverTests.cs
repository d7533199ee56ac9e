using Xform.Core.Diagnostics;
using Xform.Core.Templating;

namespace Xform.Core.Tests.TemplatingTests;

/// <summary>
/// dbt's macro search order across packages: the calling package, then the root project, then the internal
/// <c>dbt</c> namespace; <c>package.macro</c> only in that package; adapter.dispatch by macro_namespace.
/// </summary>
public class MacroResolverTests
{
    static MacroPackage Package(string name, MacroPackageKind kind, string text) =>
        new(name, kind, [new TemplateSource($"{(kind == MacroPackageKind.Internal ? "<xform>" : name)}/macros/m.sql", text)]);

    static TemplateEngine Engine(string root = "", string utils = "", string dbt = "",
        IReadOnlyDictionary<string, IReadOnlyList<string>>? dispatch = null) =>
        new([
            Package("dbt", MacroPackageKind.Internal, dbt),
            Package("my_project", MacroPackageKind.Root, root),
            Package("dbt_utils", MacroPackageKind.Installed, utils),
        ], "duckdb", dispatch);

    static string Render(TemplateEngine e, string text, string? package = null) =>
        e.Render(e.Parse(new TemplateSource("models/m.sql", text), package), new Dictionary<string, object?>()).Trim();

    [Test]
    public void The_root_project_overrides_an_internal_macro_and_dbt_dot_reaches_the_internal_one()
    {
        var e = Engine(root: "{% macro greet() %}root{% endmacro %}", dbt: "{% macro greet() %}internal{% endmacro %}");
        Assert.That(Render(e, "{{ greet() }}"), Is.EqualTo("root"));
        Assert.That(Render(e, "{{ dbt.greet() }}"), Is.EqualTo("internal"));
        Assert.That(e.Macros["greet"].Package, Is.EqualTo("my_project"));
    }

    [Test]
    public void A_package_macro_is_called_through_its_namespace_not_by_its_bare_name()
    {
        var e = Engine(utils: "{% macro star(x) %}star of {{ x }}{% endmacro %}");
        Assert.That(Render(e, "{{ dbt_utils.star('t') }}"), Is.EqualTo("star of t"));
        var error = Assert.Throws<XformException>(() => Render(e, "{{ star('t') }}"))!;
        Assert.That(error.Message, Does.StartWith("'star' is undefined"));
    }

    [Test]
    public void Inside_a_package_its_own_macros_come_first_then_the_root_project_then_dbt()
    {
        var e = Engine(
            root: "{% macro helper() %}root helper{% endmacro %}{% macro only_root() %}only root{% endmacro %}",
            utils: "{% macro helper() %}utils helper{% endmacro %}" +
                   "{% macro outer() %}{{ helper() }} / {{ only_root() }} / {{ only_dbt() }}{% endmacro %}",
            dbt: "{% macro only_dbt() %}only dbt{% endmacro %}");
        Assert.That(Render(e, "{{ dbt_utils.outer() }}"), Is.EqualTo("utils helper / only root / only dbt"));
        // A model of the package itself finds the package's macro by its bare name.
        Assert.That(Render(e, "{{ helper() }}", package: "dbt_utils"), Is.EqualTo("utils helper"));
        Assert.That(Render(e, "{{ helper() }}"), Is.EqualTo("root helper"));
    }

    [Test]
    public void Dispatch_with_a_namespace_searches_the_root_project_then_that_package()
    {
        const string utils = "{% macro width() %}{{ return(adapter.dispatch('width', 'dbt_utils')()) }}{% endmacro %}" +
                             "{% macro default__width() %}utils default{% endmacro %}";
        Assert.That(Render(Engine(utils: utils), "{{ dbt_utils.width() }}"), Is.EqualTo("utils default"));
        var overridden = Engine(utils: utils, root: "{% macro duckdb__width() %}root for duckdb{% endmacro %}");
        Assert.That(Render(overridden, "{{ dbt_utils.width() }}"), Is.EqualTo("root for duckdb"));
    }

    [Test]
    public void Dispatch_follows_the_projects_search_order_for_a_namespace()
    {
        var e = Engine(
            root: "{% macro default__width() %}root{% endmacro %}",
            utils: "{% macro width() %}{{ return(adapter.dispatch('width', 'dbt_utils')()) }}{% endmacro %}{% macro default__width() %}utils{% endmacro %}",
            dispatch: new Dictionary<string, IReadOnlyList<string>> { ["dbt_utils"] = ["dbt_utils", "my_project"] });
        Assert.That(Render(e, "{{ dbt_utils.width() }}"), Is.EqualTo("utils"));
    }

    [Test]
    public void Dispatch_that_finds_nothing_names_every_candidate_it_tried()
    {
        var e = Engine(utils: "{% macro width() %}{{ return(adapter.dispatch('width', 'dbt_utils')()) }}{% endmacro %}");
        var error = Assert.Throws<XformException>(() => Render(e, "{{ dbt_utils.width() }}"))!;
        Assert.That(error.Message, Does.Contain(
            "tried macros 'my_project.duckdb__width' and 'my_project.default__width' and 'dbt_utils.duckdb__width' and 'dbt_utils.default__width'"));
    }
}
