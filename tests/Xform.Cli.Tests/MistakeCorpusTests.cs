namespace Xform.Cli.Tests;

/// <summary>
/// The corpus of user mistakes the suite checks one by one (each: exit 2, the exact located message, no stack trace,
/// and, injected into a built project, its tables unchanged by row count and checksum): project and YAML errors,
/// templates, refs, configs, seeds, selectors, options and connections. This test keeps the corpus from shrinking
/// and its cases distinct.
/// </summary>
public class MistakeCorpusTests
{
    static IEnumerable<(string Source, string Name, string Expected)> Corpus() =>
        ErrorMessageTests.Cases().Select(c => ("ErrorMessageTests", c.Name, c.Expected))
            .Concat(ConfigErrorTests.Cases().Select(c => ("ConfigErrorTests", c.Name, c.Expected)))
            .Concat(SelectorErrorTests.Cases().Select(c => ("SelectorErrorTests", c.Name, c.Expected)))
            .Concat(ProjectFileTypeTests.Cases().Select(c => ("ProjectFileTypeTests", c.Name, c.Expected)))
            .Concat(CliMessageTests.UsageCases().Concat(CliMessageTests.OptionValueCases()).Concat(CliMessageTests.YamlCases())
                .Select(c => ("CliMessageTests", c.Name, c.Expected)))
            .Concat(ConnectionErrorTests.Cases().Select(c => ("ConnectionErrorTests", c.Name, c.Expected)))
            .Concat(PreflightTests.Cases().Select(c => ("PreflightTests", c.Name, string.Join("\n", c.Expected))));

    [Test]
    public void At_least_80_distinct_mistakes_each_with_its_own_message()
    {
        var corpus = Corpus().ToList();
        TestContext.Out.WriteLine(string.Join("\n", corpus.GroupBy(c => c.Source).Select(g => $"{g.Key}: {g.Count()}")) + $"\ntotal: {corpus.Count}");
        Assert.That(corpus, Has.Count.GreaterThanOrEqualTo(80));
        Assert.That(corpus.Select(c => (c.Source, c.Name.ToLowerInvariant())).Distinct().Count(), Is.EqualTo(corpus.Count), "each case once in its class");
        var repeated = corpus.GroupBy(c => c.Expected).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c.Name))}").ToList();
        Assert.That(corpus.Select(c => c.Expected).Distinct().Count(), Is.GreaterThanOrEqualTo(80), "distinct messages:\n" + string.Join("\n", repeated));
        Assert.That(corpus, Has.All.Matches<(string, string, string Expected)>(c => c.Expected.Contains("error:")), "every expectation is an error line");
    }
}
