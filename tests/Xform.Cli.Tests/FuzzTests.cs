using System.Diagnostics;
using System.Text;
using Xform.Cli.Tests.Retail;

namespace Xform.Cli.Tests;

/// <summary>
/// Seeded random mutations of the retail project's models, macros and YAML (spans deleted or duplicated, braces
/// and quotes inserted, unicode, NUL, very long lines) through <c>xform parse</c> and <c>xform compile</c>
/// (alternately; compile parses first): every run must end with exit 0, 1 or 2, print no stack trace and no "internal error",
/// and take under 10 s. Deterministic: a failure names the seed and iteration that reproduce it.
/// </summary>
[NonParallelizable]
public class FuzzTests
{
    const int Seed = 20261204;
    const int Mutations = 1000;

    static readonly string[] Inserts =
    [
        "{{", "}}", "{%", "%}", "{#", "#}", "'", "\"", "(", ")", "[", "]", "{", "}", ":", "|", ",", "-", "~", "\\",
        "{% if %}", "{% endif %}", "{% for x in %}", "{{ ref( }}", "{{ config(materialized='x') }}", "{% macro m( %}",
        "\t", "\n", "  - ", ": [", "&anchor", "*alias", "!!python/object", "? ", "---\n",
        "é", "ß", "\u202e", "\u0301", "😀", "\uFEFF", "\0", "\u2028",
    ];

    [Test]
    public void Seeded_mutations_of_the_retail_project_never_crash_hang_or_leak_a_stack_trace()
    {
        using var project = RetailProjectTests.CopyRetailProject("fuzz");
        var files = Directory.EnumerateFiles(project.Dir, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".sql", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}target{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        var originals = files.ToDictionary(f => f, File.ReadAllText);
        var random = new Random(Seed);
        var failures = new List<string>();
        var exits = new int[3];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < Mutations; i++)
        {
            var file = files[random.Next(files.Length)];
            var (text, what) = Mutate(originals[file], random);
            File.WriteAllText(file, text);
            try
            {
                // compile parses first, so alternating covers both commands at one run per mutation.
                var command = i % 2 == 0 ? "parse" : "compile";
                var r = Run(project, command, out var took);
                Check(r, took, command);
                exits[r.ExitCode is >= 0 and <= 2 ? r.ExitCode : 0]++;
            }
            finally
            {
                File.WriteAllText(file, originals[file]);
            }

            void Check(CliResult r, TimeSpan took, string command)
            {
                var problem =
                    r.ExitCode is < 0 or > 2 ? $"exit {r.ExitCode}" :
                    r.All.Contains("   at ", StringComparison.Ordinal) ? "a stack trace" :
                    r.All.Contains("internal error", StringComparison.OrdinalIgnoreCase) ? "an internal error" :
                    took > TimeSpan.FromSeconds(10) ? $"{took.TotalSeconds:F1} s" : null;
                if (problem is not null)
                    failures.Add($"seed {Seed} iteration {i}: {command} after {what} in {Path.GetRelativePath(project.Dir, file)}: {problem}\n{Excerpt(r.All)}");
            }
        }
        TestContext.Out.WriteLine($"{Mutations} mutations in {total.Elapsed.TotalSeconds:F1} s; exits 0/1/2: {exits[0]}/{exits[1]}/{exits[2]}");
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures.Take(10)));
        // The mutations must reach both outcomes, or the test proves nothing about one of them.
        Assert.That(exits[0], Is.GreaterThan(20), "some mutations still parse and compile");
        Assert.That(exits[2], Is.GreaterThan(Mutations / 4), "most mutations are user errors");
    }

    static CliResult Run(TestProject project, string command, out TimeSpan took)
    {
        var watch = Stopwatch.StartNew();
        var r = project.Run(command, "-q");
        took = watch.Elapsed;
        return r;
    }

    static string Excerpt(string output) => output.Length > 1500 ? output[..1500] + "..." : output;

    /// <summary>One mutation of a file's text, and what it was (for the failure message).</summary>
    static (string Text, string What) Mutate(string text, Random random)
    {
        var at = text.Length == 0 ? 0 : random.Next(text.Length);
        var length = Math.Min(text.Length - at, 1 + random.Next(40));
        switch (random.Next(7))
        {
            case 0:
                return (text.Remove(at, length), $"deleting {length} chars at {at}");
            case 1:
                return (text.Insert(at, text.Substring(at, length)), $"duplicating {length} chars at {at}");
            case 2:
            case 3:
                var insert = Inserts[random.Next(Inserts.Length)];
                return (text.Insert(at, insert), $"inserting {Printable(insert)} at {at}");
            case 4:
                var line = new string((char)('a' + random.Next(26)), 50_000 + random.Next(100_000));
                return (text.Insert(at, line), $"inserting a {line.Length}-char line at {at}");
            case 5:
                // A run of several inserts at once: unbalanced nesting, mixed quotes.
                var burst = new StringBuilder();
                for (var k = 0; k < 2 + random.Next(6); k++) burst.Append(Inserts[random.Next(Inserts.Length)]);
                return (text.Insert(at, burst.ToString()), $"inserting {Printable(burst.ToString())} at {at}");
            default:
                var cut = Math.Min(text.Length, at + random.Next(200));
                return (text[..at] + text[cut..], $"cutting chars {at}..{cut} (truncating a construct)");
        }
    }

    static string Printable(string s) =>
        "'" + string.Concat(s.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:X4}" : c.ToString())) + "'";
}
