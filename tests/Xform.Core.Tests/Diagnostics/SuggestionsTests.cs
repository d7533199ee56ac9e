using Xform.Core.Diagnostics;

namespace Xform.Core.Tests.Diagnostics;

public class SuggestionsTests
{
    [Test]
    public void Suggests_the_names_a_typo_is_close_to_and_those_that_contain_it()
    {
        string[] names = ["materialized", "enabled", "tags", "incremental_strategy", "unique_key"];
        Assert.That(Suggestions.Closest("materialzed", names), Is.EqualTo(new[] { "materialized" }));
        Assert.That(Suggestions.Closest("strategy", names), Is.EqualTo(new[] { "incremental_strategy" }));
        Assert.That(Suggestions.Closest("TAG", names), Is.EqualTo(new[] { "tags" }));
        Assert.That(Suggestions.DidYouMean("zzzzzzzz", names), Is.Empty);
    }

    /// <summary>The shortcut for candidates far apart in length must not change an answer: checked against the full table.</summary>
    [Test]
    public void Agrees_with_the_edit_distance_of_every_candidate_on_random_names()
    {
        var random = new Random(5);
        string Word(int max) => new(Enumerable.Range(0, random.Next(0, max)).Select(_ => "abcdeAB_"[random.Next(8)]).ToArray());
        for (var round = 0; round < 2000; round++)
        {
            var name = Word(random.Next(1, 25));
            var candidates = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(4) == 0 ? Word(5) + name + Word(5) : Word(30)).ToList();
            Assert.That(Suggestions.Closest(name, candidates), Is.EqualTo(Reference(name, candidates)), $"{name} in {string.Join(",", candidates)}");
        }
    }

    [Test]
    public void A_name_of_100000_characters_is_judged_by_length_against_short_candidates()
    {
        var name = new string('c', 100_000);
        var candidates = Enumerable.Range(0, 500).Select(i => $"macro_{i}").Append(name + "_suffix").ToList();
        Assert.That(Suggestions.Closest(name, candidates), Is.EqualTo(new[] { name + "_suffix" }));
    }

    static List<string> Reference(string name, IEnumerable<string> candidates)
    {
        var limit = Math.Max(2, name.Length / 3);
        return candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (c, d: Suggestions.Distance(name.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(x => x.d <= limit || x.c.Contains(name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal).Take(3).Select(x => x.c).ToList();
    }
}
