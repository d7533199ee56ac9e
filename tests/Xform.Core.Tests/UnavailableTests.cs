using Xform.Tests;

namespace Xform.Core.Tests;

/// <summary>The shared decision for a missing tool: ignored with its reason, failed with it when CI=true.</summary>
[TestFixture, NonParallelizable]
public sealed class UnavailableTests
{
    const string Reason = "example-tool is not installed (a test of the helper itself)";
    string? _ci;

    [SetUp]
    public void SaveCi() => _ci = Environment.GetEnvironmentVariable("CI");

    [TearDown]
    public void RestoreCi() => Environment.SetEnvironmentVariable("CI", _ci);

    [TestCase(null), TestCase(""), TestCase("false"), TestCase("1"), TestCase(" true")]
    public void Outside_CI_the_test_is_ignored_with_the_reason(string? ci)
    {
        Environment.SetEnvironmentVariable("CI", ci);
        var ignored = Assert.Throws<IgnoreException>(() => Unavailable.Skip(Reason));
        Assert.That(ignored!.Message, Is.EqualTo(Reason));
    }

    [TestCase("true"), TestCase("TRUE"), TestCase("True")]
    public void With_CI_true_the_test_fails_with_the_reason(string ci)
    {
        Environment.SetEnvironmentVariable("CI", ci);
        var failed = Assert.Throws<AssertionException>(() => Unavailable.Skip(Reason));
        Assert.That(failed!.Message, Does.StartWith(Reason).And.Contain("CI=true"));
    }
}
