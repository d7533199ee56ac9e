using System.Globalization;
using Xform.Core.Diagnostics;

namespace Xform.Core.Selection;

/// <summary>
/// One criterion, <c>[@][N+]method:value[+N]</c>: the graph operators around a method and its value.
/// <see cref="Up"/>/<see cref="Down"/> say whether ancestors/descendants come along; a null depth means all of them.
/// </summary>
public sealed record Criterion(string Raw, string Method, string Sub, string Value, bool ChildrensParents,
    bool Up, int? UpDepth, bool Down, int? DownDepth);

/// <summary>A space-separated part of a selector: the intersection of its comma-separated criteria.</summary>
public sealed record SelectorTerm(string Raw, IReadOnlyList<Criterion> Criteria);

/// <summary>
/// Reads dbt's selector syntax, strictly: a selector that cannot mean anything (a misplaced '+', a method with no
/// value, an unknown method, a depth that is no number) is an error naming it, found before the project is read.
/// A well-formed selector that matches nothing is not an error; the selector warns about it, as dbt does.
/// </summary>
public static class SelectorSyntax
{
    public static readonly IReadOnlyList<string> Methods =
        ["tag", "path", "file", "config", "resource_type", "source", "fqn", "package", "test_type", "test_name", "state", "result", "source_status",
         "version", "group", "access", "exposure", "metric", "semantic_model", "saved_query", "unit_test"];

    /// <summary>The methods that read the --state run's artifacts.</summary>
    static readonly string[] StateMethods = ["state", "result", "source_status"];

    /// <summary>The statuses <c>result:</c> compares with: those of dbt's run_results.json (models, seeds, snapshots and tests).</summary>
    public static readonly IReadOnlyList<string> ResultStatuses = ["success", "error", "skipped", "fail", "warn", "pass"];

    /// <summary>The values of the <c>version:</c> method: the latest version, those above it, those below it, unversioned models.</summary>
    static readonly string[] VersionKinds = ["latest", "prerelease", "old", "none"];

    static readonly string[] AccessKinds = ["private", "protected", "public"];


    /// <summary>dbt's resource types; those xform has no nodes of (analysis, unit_test, ...) simply match nothing.</summary>
    static readonly string[] ResourceTypes =
        ["model", "seed", "source", "test", "snapshot", "analysis", "operation", "exposure", "metric", "group", "saved_query", "semantic_model", "unit_test", "function"];

    static readonly string[] TestTypes = ["generic", "schema", "singular", "data", "unit"];

    /// <summary>The parts of a node <c>state:modified.PART</c> can compare.</summary>
    public static readonly IReadOnlyList<string> ModifiedParts = ["body", "configs", "relation", "persisted_descriptions", "macros", "contract", "properties"];

    /// <summary>The terms of every selector given to <paramref name="option"/> (<c>--select</c>, <c>--exclude</c>).</summary>
    public static IReadOnlyList<SelectorTerm> Parse(IReadOnlyList<string> specs, string option)
    {
        var terms = new List<SelectorTerm>();
        foreach (var spec in specs)
        {
            var parts = spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
                throw new XformException($"{option} is empty; give a selector such as 'my_model', '+my_model' or 'tag:nightly'");
            foreach (var term in parts)
            {
                var criteria = new List<Criterion>();
                foreach (var part in term.Split(','))
                {
                    if (part.Length == 0)
                        throw new XformException($"{option} '{term}': an empty criterion between commas (write 'a,b' with no spaces for an intersection)");
                    criteria.Add(Criterion(part, option));
                }
                terms.Add(new SelectorTerm(term, criteria));
            }
        }
        return terms;
    }

    /// <summary>One criterion, as selectors.yml's method/value entries are read (<paramref name="option"/> names where it was written).</summary>
    public static Criterion ParseCriterion(string text, string option) => Criterion(text, option);

    /// <summary>Every selector of both options, read for their errors; <c>state:</c> needs <paramref name="haveState"/>.</summary>
    public static void Check(IReadOnlyList<string> select, IReadOnlyList<string> exclude, bool haveState)
    {
        foreach (var (specs, option) in new[] { (select, "--select"), (exclude, "--exclude") })
            foreach (var term in Parse(specs, option))
                if (!haveState && term.Criteria.FirstOrDefault(c => StateMethods.Contains(c.Method)) is { } c)
                    throw NeedsState(c);
    }

    /// <summary>Whether a selector reads the --state run's manifest (so --state must hold one).</summary>
    public static bool ReadsStateManifest(IReadOnlyList<string> select, IReadOnlyList<string> exclude) =>
        Parse(select, "--select").Concat(Parse(exclude, "--exclude")).SelectMany(t => t.Criteria).Any(c => c.Method == "state");

    public static XformException NeedsState(Criterion c) => c.Method switch
    {
        "result" => new($"'{c.Raw}' reads the results of a previous run: pass --state DIR (the target folder holding its run_results.json)"),
        "source_status" => new($"'{c.Raw}' compares source freshness with a previous run: pass --state DIR (the target folder holding its sources.json)"),
        _ => new($"'{c.Raw}' compares with a previous run: pass --state DIR (the target folder holding its manifest.json)"),
    };

    static Criterion Criterion(string text, string option)
    {
        XformException Error(string problem) => new($"{option} '{text}': {problem}");

        var i = 0;
        var at = text.StartsWith('@');
        if (at) i++;

        // N+ before the value: digits, then '+'. Digits without a '+' belong to the value (a model named 2024_orders).
        var j = i;
        while (j < text.Length && char.IsAsciiDigit(text[j])) j++;
        var up = j < text.Length && text[j] == '+';
        int? upDepth = up ? Depth(text[i..j]) : null;
        if (up) i = j + 1;

        // +N after the value, read from the end.
        var k = text.Length;
        while (k > i && char.IsAsciiDigit(text[k - 1])) k--;
        var down = k > i && text[k - 1] == '+';
        int? downDepth = down ? Depth(text[k..]) : null;
        var body = down ? text[i..(k - 1)] : text[i..];

        if (body.Length == 0) throw Error("it names no node; write a name, a path or method:value between the graph operators");
        if (at && down)
            throw Error("'@' cannot be combined with a trailing '+' ('@name' already takes every descendant and their ancestors)");

        var (method, sub, value) = Split(body);
        if (method.Length > 0 && value.Length == 0)
            throw Error($"'{method}{(sub.Length > 0 ? "." + sub : "")}:' needs a value after the colon, e.g. {Example(method)}");
        if (value.StartsWith('+') || value.EndsWith('+'))
            throw Error("misplaced '+'; graph operators go before the name ('+name', '2+name') or after it ('name+', 'name+3'), once each");
        if (method is "" or "fqn" or "tag" or "source" or "package" or "test_name" && !value.Contains('/') && value.IndexOf('+') is var plus and > 0)
        {
            var before = value[..plus];
            var after = value[(plus + 1)..];
            if (char.IsAsciiDigit(before[0]) && before.All(char.IsAsciiLetterOrDigit) && !before.All(char.IsAsciiDigit))
                throw Error($"'{before}' before '+' is not a number of generations; write a whole number, as in '2+name'");
            if (after.Length > 0 && char.IsAsciiDigit(after[0]) && after.All(char.IsAsciiLetterOrDigit) && !after.All(char.IsAsciiDigit))
                throw Error($"'{after}' after '+' is not a number of generations; write a whole number, as in 'name+2'");
        }
        CheckMethod(method, sub, value, Error);
        return new Criterion(text, method, sub, value, at, up, upDepth, down, downDepth);

        int? Depth(string digits)
        {
            if (digits.Length == 0) return null;
            return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw Error($"the depth {digits} is too large");
        }
    }

    /// <summary>dbt's reading: a method is the word characters (and dots) before the first ':'; else the whole body is the value.</summary>
    static (string Method, string Sub, string Value) Split(string body)
    {
        var colon = body.IndexOf(':');
        if (colon <= 0 || !body[..colon].All(c => char.IsLetterOrDigit(c) || c is '_' or '.'))
            return ("", "", body);
        var method = body[..colon];
        var sub = "";
        var dot = method.IndexOf('.');
        if (dot >= 0) (method, sub) = (method[..dot], method[(dot + 1)..]);
        return (method, sub, body[(colon + 1)..]);
    }

    static void CheckMethod(string method, string sub, string value, Func<string, XformException> error)
    {
        switch (method)
        {
            case "":
                return;
            case "config" when sub.Length == 0:
                throw error("'config' selectors name the config key: 'config.materialized:table'");
            case "resource_type" when !ResourceTypes.Contains(value.ToLowerInvariant()):
                throw error($"'{value}' is not a resource type; use one of {string.Join(", ", ResourceTypes.Take(5))}.{Suggestions.DidYouMean(value, ResourceTypes)}");
            case "version" when !VersionKinds.Contains(value):
                throw error($"'{value}' is not a version selector; use latest, prerelease, old or none (to pick one version, select 'model_name.v2').{Suggestions.DidYouMean(value, VersionKinds)}");
            case "access" when !AccessKinds.Contains(value):
                throw error($"'{value}' is not an access; use private, protected or public.{Suggestions.DidYouMean(value, AccessKinds)}");
            case "test_type" when !TestTypes.Contains(value):
                throw error($"'{value}' is not a test type; use generic, singular, data or unit.{Suggestions.DidYouMean(value, TestTypes)}");
            case "state":
                var dot = value.IndexOf('.');
                var (kind, part) = dot < 0 ? (value, "") : (value[..dot], value[(dot + 1)..]);
                if (kind is "new" or "old" or "unmodified" && dot < 0) return;
                if (kind == "modified" && (dot < 0 || ModifiedParts.Contains(part))) return;
                if (kind == "modified")
                    throw error($"unknown part '{part}' of state:modified; use one of {string.Join(", ", ModifiedParts)}.{Suggestions.DidYouMean(part, ModifiedParts)}");
                throw error("use state:new, state:old, state:modified, state:unmodified or state:modified.PART");
            case "result" when !ResultStatuses.Contains(value):
                throw error($"'{value}' is not a result status; use one of {string.Join(", ", ResultStatuses)}.{Suggestions.DidYouMean(value, ResultStatuses)}");
            case "source_status" when value != "fresher":
                throw error($"'{value}' is not a source status; dbt's only one is 'fresher' (sources with newer data than at the --state run's freshness check)");
            default:
                if (Methods.Contains(method)) return;
                if (method == "selector")
                    throw error("'selector' names a selector of selectors.yml: use --selector NAME on the command line ('method: selector' inside selectors.yml)");
                throw error($"unknown selector method '{method}'.{Suggestions.DidYouMean(method, Methods)}");
        }
    }

    static string Example(string method) => method switch
    {
        "tag" => "'tag:nightly'",
        "path" => "'path:models/staging'",
        "file" => "'file:stg_orders.sql'",
        "config" => "'config.materialized:table'",
        "resource_type" => "'resource_type:seed'",
        "source" => "'source:raw.orders'",
        "state" => "'state:modified'",
        "result" => "'result:error'",
        "source_status" => "'source_status:fresher'",
        "test_type" => "'test_type:generic'",
        _ => $"'{method}:name'",
    };
}
