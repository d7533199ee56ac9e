using Xform.Core.Project;

namespace Xform.Core.Tests.Project;

/// <summary>
/// The grants config merged down the layers as dbt merges it (a privilege named again replaces its grantees, '+select'
/// adds to them, other privileges stay), and dbt's diff_of_two_dicts, which decides what is revoked and granted.
/// </summary>
public class GrantsTests
{
    static Dictionary<string, object?> Layer(object? grants) => new(StringComparer.Ordinal) { ["+grants"] = grants };

    static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    static Dictionary<string, string> Flat(NodeConfig config) =>
        Grants.Of(config).ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value));

    [Test]
    public void A_privilege_named_again_replaces_its_grantees_and_the_others_stay()
    {
        var config = NodeConfig.Empty
            .With(Layer(Map(("select", new List<object?> { "reporter", "bi" }), ("insert", "loader"))))
            .With(Layer(Map(("select", new List<object?> { "analyst" }))));
        Assert.That(Flat(config), Is.EqualTo(new Dictionary<string, string> { ["select"] = "analyst", ["insert"] = "loader" }));
    }

    [Test]
    public void A_plus_on_the_privilege_adds_to_the_inherited_grantees()
    {
        var config = NodeConfig.Empty
            .With(Layer(Map(("select", new List<object?> { "reporter" }))))
            .With(Layer(Map(("+select", "bi"))));
        Assert.That(Flat(config), Is.EqualTo(new Dictionary<string, string> { ["select"] = "reporter,bi" }));
        Assert.That(Flat(NodeConfig.Empty.With(Layer(Map(("+select", "bi"))))), Is.EqualTo(new Dictionary<string, string> { ["select"] = "bi" }),
            "with nothing inherited, '+select' is select");
    }

    [Test]
    public void An_empty_list_grants_nothing_for_that_privilege()
    {
        var config = NodeConfig.Empty.With(Layer(Map(("select", new List<object?> { "reporter" })))).With(Layer(Map(("select", new List<object?>()))));
        Assert.That(Grants.Of(config), Is.Empty);
    }

    [Test]
    public void Missing_compares_privileges_and_grantees_without_regard_to_case()
    {
        var wanted = new Dictionary<string, IReadOnlyList<string>> { ["select"] = ["reporter", "bi"], ["insert"] = ["loader"] };
        var current = new Dictionary<string, IReadOnlyList<string>> { ["SELECT"] = ["REPORTER", "OLD_ROLE"] };
        Assert.That(Grants.Missing(wanted, current).ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value)),
            Is.EqualTo(new Dictionary<string, string> { ["select"] = "bi", ["insert"] = "loader" }), "to grant");
        Assert.That(Grants.Missing(current, wanted).ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value)),
            Is.EqualTo(new Dictionary<string, string> { ["SELECT"] = "OLD_ROLE" }), "to revoke");
    }
}
