using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Selection;

namespace Xform.Core.Tests.Selection;

public class NodeSelectorTests
{
    // raw -> stg_a -> int_ab -> fct ; raw -> stg_b -> int_ab ; other (alone) ; stg_b -> side
    static readonly NodeSelector Selector = new(DependencyGraph.Build(TestManifests.Of(
        TestManifests.Model("raw", "models/staging/raw.sql", [], new() { ["tags"] = new List<object?> { "nightly" } }),
        TestManifests.Model("stg_a", "models/staging/stg_a.sql", ["raw"], new() { ["materialized"] = "view", ["tags"] = new List<object?> { "nightly", "pii" } }),
        TestManifests.Model("stg_b", "models/staging/stg_b.sql", ["raw"], new() { ["materialized"] = "view" }),
        TestManifests.Model("int_ab", "models/intermediate/int_ab.sql", ["stg_a", "stg_b"]),
        TestManifests.Model("fct", "models/marts/fct.sql", ["int_ab"], new() { ["materialized"] = "table" }),
        TestManifests.Model("side", "models/marts/side.sql", ["stg_b"], new() { ["materialized"] = "table" }),
        TestManifests.Model("other", "models/marts/other.sql", []))));

    static string[] Run(string select, string exclude = "") =>
        Selector.Select(select.Length == 0 ? [] : [select], exclude.Length == 0 ? [] : [exclude])
            .ToHashSet().Select(id => id.Split('.')[^1]).OrderBy(x => x, StringComparer.Ordinal).ToArray();

    [TestCase("", "fct int_ab other raw side stg_a stg_b")]
    [TestCase("stg_a", "stg_a")]
    [TestCase("+int_ab", "int_ab raw stg_a stg_b")]
    [TestCase("stg_b+", "fct int_ab side stg_b")]
    [TestCase("1+int_ab", "int_ab stg_a stg_b")]
    [TestCase("stg_b+1", "int_ab side stg_b")]
    [TestCase("2+fct", "fct int_ab stg_a stg_b")]
    [TestCase("@stg_a", "fct int_ab raw stg_a stg_b")]
    [TestCase("@stg_b", "fct int_ab raw side stg_a stg_b")]
    [TestCase("@1+int_ab", "fct int_ab raw stg_a stg_b")]
    [TestCase("@other", "other")]
    [TestCase("tag:nightly", "raw stg_a")]
    [TestCase("tag:nightly,tag:pii", "stg_a")]
    [TestCase("tag:pii stg_b", "stg_a stg_b")]
    [TestCase("stg_a+ stg_a+,tag:pii", "fct int_ab stg_a", TestName = "A criterion repeated in two terms is matched for each (the sets are combined in place)")]
    [TestCase("tag:nightly,stg_b+ tag:nightly", "raw stg_a", TestName = "An empty intersection leaves the same criterion's other term whole")]
    [TestCase("path:models/marts", "fct other side")]
    [TestCase("models/staging/stg_a.sql", "stg_a")]
    [TestCase("config.materialized:table", "fct side")]
    [TestCase("config.materialized:view,stg_b+", "int_ab stg_b", TestName = "config.materialized matches the default view too, as in dbt")]
    [TestCase("staging", "raw stg_a stg_b")]
    [TestCase("proj.marts", "fct other side")]
    [TestCase("proj.staging.stg_a", "stg_a")]
    [TestCase("marts.fct", "fct")]
    [TestCase("stg_*", "stg_a stg_b")]
    [TestCase("resource_type:model,intermediate", "int_ab")]
    [TestCase("*_b", "stg_b")]
    [TestCase("s?g_?", "stg_a stg_b")]
    [TestCase("*t*_*", "int_ab stg_a stg_b")]
    [TestCase("proj.*.s*", "side stg_a stg_b")]
    [TestCase("2+int_ab+1", "fct int_ab raw stg_a stg_b")]
    // several matches walked at once: what any of them reaches within the depth
    [TestCase("tag:nightly+1", "int_ab raw stg_a stg_b")]
    [TestCase("1+tag:nightly", "raw stg_a")]
    [TestCase("stg_*+1", "int_ab side stg_a stg_b")]
    [TestCase("1+stg_*+1", "int_ab raw side stg_a stg_b")]
    [TestCase("other fct+ stg_b+1", "fct int_ab other side stg_b")]
    [TestCase("file:fct.sql", "fct")]
    [TestCase("file:stg_?", "stg_a stg_b")]
    [TestCase("fct.sql", "fct")]
    public void Selects(string select, string expected) =>
        Assert.That(string.Join(" ", Run(select)), Is.EqualTo(expected));

    [TestCase("*", "x", true)]
    [TestCase("", "", true)]
    [TestCase("a*", "a", true)]
    [TestCase("a*c", "abbbc", true)]
    [TestCase("a*c", "abbbcd", false)]
    [TestCase("*a*a", "banana", true)]
    [TestCase("*a*a", "bananb", false)]
    [TestCase("?", "", false)]
    [TestCase("a?c", "abc", true)]
    [TestCase("a.c", "abc", false)]
    public void Wildcard_matches_the_whole_name(string pattern, string text, bool matches) =>
        Assert.That(NodeSelector.Wildcard(pattern, text), Is.EqualTo(matches));

    [Test]
    public void Exclude_removes_after_selecting() =>
        Assert.That(Run("+fct", "tag:nightly"), Is.EqualTo(new[] { "fct", "int_ab", "stg_b" }));

    [Test]
    public void Unknown_method_names_the_closest()
    {
        var e = Assert.Throws<XformException>(() => Run("tags:nightly"))!;
        Assert.That(e.Message, Is.EqualTo("--select 'tags:nightly': unknown selector method 'tags'. Did you mean 'tag'?"));
    }
}
