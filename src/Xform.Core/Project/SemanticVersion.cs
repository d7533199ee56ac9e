using System.Text.RegularExpressions;

namespace Xform.Core.Project;

/// <summary>A package version as the dbt package hub writes them: <c>1.3.0</c>, <c>1.0.0-b2</c>, with an optional <c>+build</c>.</summary>
public sealed partial record SemanticVersion(int Major, int Minor, int Patch, string? Prerelease, string Text) : IComparable<SemanticVersion>
{
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-?([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")]
    private static partial Regex Pattern();

    public static SemanticVersion? Parse(string text)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success || !int.TryParse(m.Groups[1].Value, out var major) || !int.TryParse(m.Groups[2].Value, out var minor)
            || !int.TryParse(m.Groups[3].Value, out var patch)) return null;
        return new SemanticVersion(major, minor, patch, m.Groups[4].Success ? m.Groups[4].Value : null, text.Trim());
    }

    public bool SameRelease(SemanticVersion other) => (Major, Minor, Patch) == (other.Major, other.Minor, other.Patch);

    /// <summary>Semantic-version order: a release sorts after its prereleases; prerelease parts compare numerically when both are numbers.</summary>
    public int CompareTo(SemanticVersion? other)
    {
        if (other is null) return 1;
        var c = (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));
        if (c != 0) return c;
        if (Prerelease is null || other.Prerelease is null) return (Prerelease is null ? 1 : 0) - (other.Prerelease is null ? 1 : 0);
        var a = Prerelease.Split('.');
        var b = other.Prerelease.Split('.');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var an = int.TryParse(a[i], out var x);
            var bn = int.TryParse(b[i], out var y);
            c = an && bn ? x.CompareTo(y) : an ? -1 : bn ? 1 : string.CompareOrdinal(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }

    public override string ToString() => Text;
}

/// <summary>One requirement on a version: <c>&gt;=1.0.0</c>, <c>&lt;2.0.0</c>, <c>1.1.0</c> (exact).</summary>
public sealed partial record VersionRequirement(string Operator, SemanticVersion Version)
{
    [GeneratedRegex(@"^(>=|<=|>|<|=)?(.*)$")]
    private static partial Regex Split();

    /// <summary>Parses one requirement as dbt writes it (no space between the operator and the version); null when it is not one.</summary>
    public static VersionRequirement? Parse(string text)
    {
        var m = Split().Match(text.Trim());
        var op = m.Groups[1].Success && m.Groups[1].Length > 0 ? m.Groups[1].Value : "=";
        // A space after the operator is refused by dbt; accepted here since its meaning is plain.
        return SemanticVersion.Parse(m.Groups[2].Value) is { } v ? new VersionRequirement(op, v) : null;
    }

    public bool Admits(SemanticVersion v)
    {
        var c = v.CompareTo(Version);
        return Operator switch
        {
            ">=" => c >= 0,
            ">" => c > 0,
            "<=" => c <= 0,
            // As dbt: "<2.0.0" does not let in 2.0.0's prereleases.
            "<" => c < 0 && !(v.Prerelease is not null && Version.Prerelease is null && v.SameRelease(Version)),
            _ => c == 0,
        };
    }

    public override string ToString() => (Operator == "=" ? "" : Operator) + Version.Text;
}

/// <summary>dbt's version resolution: every requirement on a package from every project that declares it, one version chosen.</summary>
public static class VersionResolution
{
    /// <summary>
    /// Whether any version at all could meet every requirement (dbt's "versions not compatible" check), so that
    /// contradictory ranges are reported as such rather than as "no version found".
    /// </summary>
    public static bool Compatible(IReadOnlyList<VersionRequirement> requirements)
    {
        var exact = requirements.Where(r => r.Operator == "=").Select(r => r.Version).ToList();
        if (exact.Count > 0) return requirements.All(r => r.Admits(exact[0]));
        var lower = requirements.Where(r => r.Operator is ">=" or ">").MaxBy(r => (r.Version, r.Operator == ">" ? 1 : 0), Order);
        var upper = requirements.Where(r => r.Operator is "<=" or "<").MinBy(r => (r.Version, r.Operator == "<" ? 0 : 1), Order);
        if (lower is null || upper is null) return true;
        // The boundary itself is admitted only when both ends include it.
        var c = lower.Version.CompareTo(upper.Version);
        return c < 0 || (c == 0 && lower.Operator == ">=" && upper.Operator == "<=");
    }

    static readonly Comparer<(SemanticVersion V, int Strict)> Order =
        Comparer<(SemanticVersion V, int Strict)>.Create((a, b) => a.V.CompareTo(b.V) is var c && c != 0 ? c : a.Strict.CompareTo(b.Strict));

    /// <summary>The newest available version meeting every requirement; prereleases only when asked for or named.</summary>
    public static SemanticVersion? Newest(IReadOnlyList<VersionRequirement> requirements, IEnumerable<SemanticVersion> available, bool installPrerelease)
    {
        var prerelease = installPrerelease || requirements.Any(r => r.Version.Prerelease is not null);
        return available.Where(v => (prerelease || v.Prerelease is null) && requirements.All(r => r.Admits(v))).Max();
    }
}
