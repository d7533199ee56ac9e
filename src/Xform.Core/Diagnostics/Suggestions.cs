namespace Xform.Core.Diagnostics;

/// <summary>"Did you mean" hints for unknown names, by edit distance.</summary>
public static class Suggestions
{
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates, int max = 3)
    {
        var limit = Math.Max(2, name.Length / 3);
        var lower = name.ToLowerInvariant();
        // A candidate is close (within the limit) or holds the name. The distance is at least the difference in length, and
        // exactly that for a candidate holding the name: one too far apart in length is judged without the quadratic table (a
        // name of 100,000 characters against each macro took seconds).
        int? Closeness(string c)
        {
            var gap = Math.Abs(c.Length - name.Length);
            if (gap > limit) return c.Contains(name, StringComparison.OrdinalIgnoreCase) ? gap : null;
            var distance = Distance(lower, c.ToLowerInvariant());
            return distance <= limit || c.Contains(name, StringComparison.OrdinalIgnoreCase) ? distance : null;
        }
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (c, d: Closeness(c)))
            .Where(x => x.d is not null)
            .OrderBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.c)
            .ToList();
    }

    /// <summary>" Did you mean 'a' or 'b'?" or an empty string.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        var close = Closest(name, candidates);
        return close.Count == 0 ? "" : $" Did you mean {string.Join(" or ", close.Select(c => $"'{c}'"))}?";
    }

    /// <summary>
    /// A name as a message quotes it: whole up to 80 characters, else its first 60 and its length, so that a mistyped
    /// name of a whole line (or a runaway one of 100,000 characters) leaves the message readable.
    /// </summary>
    public static string Shorten(string name) =>
        name.Length <= 80 ? name : $"{name[..60]}... ({name.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} characters)";

    internal static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
