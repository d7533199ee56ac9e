using Xform.Core.Project;

namespace Xform.Core.Tests.Project;

/// <summary>Package version requirements and resolution, as dbt's semver module decides them.</summary>
public class SemanticVersionTests
{
    static IReadOnlyList<VersionRequirement> Reqs(params string[] texts) => texts.Select(t => VersionRequirement.Parse(t)!).ToList();
    static IEnumerable<SemanticVersion> Versions(params string[] texts) => texts.Select(t => SemanticVersion.Parse(t)!);

    [TestCase("1.0.0", "1.0.1", -1)]
    [TestCase("1.10.0", "1.9.0", 1)]
    [TestCase("1.0.0-b1", "1.0.0", -1)]
    [TestCase("1.0.0-b.2", "1.0.0-b.10", -1)]
    [TestCase("1.0.0-b2", "1.0.0-b10", 1)] // text parts compare as text, as in dbt
    [TestCase("1.0.0-alpha", "1.0.0-beta", -1)]
    [TestCase("1.0.0-1", "1.0.0-alpha", -1)]
    [TestCase("1.0.0+build5", "1.0.0", 0)]
    public void Versions_order_as_semantic_versions(string a, string b, int expected) =>
        Assert.That(Math.Sign(SemanticVersion.Parse(a)!.CompareTo(SemanticVersion.Parse(b))), Is.EqualTo(expected));

    [TestCase("1.0")]
    [TestCase("~1.0.0")]
    [TestCase("latest")]
    [TestCase("01.0.0")]
    public void What_is_not_a_requirement_is_refused(string text) => Assert.That(VersionRequirement.Parse(text), Is.Null);

    [Test]
    public void The_newest_version_every_requirement_admits_is_chosen_and_prereleases_only_when_named()
    {
        var available = Versions("0.9.0", "1.0.0", "1.1.0", "1.2.0-rc1", "1.2.0", "2.0.0-b1", "2.0.0").ToList();
        Assert.That(VersionResolution.Newest(Reqs(">=1.0.0", "<2.0.0"), available, false)!.Text, Is.EqualTo("1.2.0"));
        Assert.That(VersionResolution.Newest(Reqs(">=1.0.0", "<1.2.0"), available, false)!.Text, Is.EqualTo("1.1.0"), "<1.2.0 keeps 1.2.0-rc1 out, as in dbt");
        Assert.That(VersionResolution.Newest(Reqs(">=1.0.0", "<=1.2.0"), available, true)!.Text, Is.EqualTo("1.2.0"));
        Assert.That(VersionResolution.Newest(Reqs(">=2.0.0-b1"), Versions("2.0.0-b1"), false)!.Text, Is.EqualTo("2.0.0-b1"), "a prerelease named in a requirement lets prereleases in");
        Assert.That(VersionResolution.Newest(Reqs("1.1.0"), available, false)!.Text, Is.EqualTo("1.1.0"));
        Assert.That(VersionResolution.Newest(Reqs(">1.2.0"), available.Where(v => v.Prerelease is null), false)!.Text, Is.EqualTo("2.0.0"));
        Assert.That(VersionResolution.Newest(Reqs(">=3.0.0"), available, false), Is.Null);
    }

    [TestCase(new[] { ">=1.0.0", "<2.0.0", ">=1.5.0", "<1.8.0" }, true)]
    [TestCase(new[] { ">=1.2.0", "<1.2.0" }, false)]
    [TestCase(new[] { ">=1.2.0", "<=1.2.0" }, true)]
    [TestCase(new[] { ">1.2.0", "<=1.2.0" }, false)]
    [TestCase(new[] { "1.1.0", "1.1.0" }, true)]
    [TestCase(new[] { "1.1.0", "1.2.0" }, false)]
    [TestCase(new[] { "1.1.0", "<1.1.0" }, false)]
    [TestCase(new[] { "1.1.0", ">=1.0.0", "<2.0.0" }, true)]
    [TestCase(new string[0], true)]
    public void Contradicting_requirements_are_found_before_any_version_is_looked_at(string[] requirements, bool compatible) =>
        Assert.That(VersionResolution.Compatible(Reqs(requirements)), Is.EqualTo(compatible));
}
