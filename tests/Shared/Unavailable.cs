using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Xform.Tests;

/// <summary>
/// What a test does when a tool it needs is missing (PostgreSQL server binaries, Python's Jinja2, Chromium):
/// on a developer's machine it is ignored with the reason; when the environment variable <c>CI</c> is
/// <c>true</c> (any case), where <c>.ci/run</c> installs every tool, it fails with the same reason, so a
/// missing tool cannot pass a CI run unseen. Linked as source into each test project that needs it
/// (internal, so every assembly holds its own copy).
/// </summary>
static class Unavailable
{
    static readonly ConcurrentDictionary<string, bool> Printed = new(StringComparer.Ordinal);

    /// <summary>True when the environment variable <c>CI</c> is <c>true</c> (case-insensitive).</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Ignores the current test with <paramref name="reason"/>, or fails it when CI=true; prints each reason once.</summary>
    [DoesNotReturn]
    public static void Skip(string reason)
    {
        var ci = InCi;
        if (Printed.TryAdd((ci ? "failed" : "skipped") + reason, true))
            TestContext.Progress.WriteLine(ci ? $"failed (CI=true): {reason}" : $"skipped: {reason}");
        if (ci) Assert.Fail($"{reason} (CI=true: a missing tool fails the test instead of ignoring it)");
        Assert.Ignore(reason);
    }
}
