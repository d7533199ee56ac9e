using System.CommandLine;
using System.CommandLine.Parsing;
using Xform.Core.Diagnostics;

namespace Xform.Cli;

/// <summary>The parser's errors in the user's terms: unknown options and commands with the closest names.</summary>
static class UsageErrors
{
    const string Unrecognized = "Unrecognized command or argument";
    const string NoCommand = "Required command was not provided";
    const string MissingValue = "Required argument missing for option: ";

    public static IEnumerable<string> Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        string? previous = null;
        foreach (var token in parse.UnmatchedTokens)
        {
            // "--thread 3": the 3 was meant as the unknown option's value, not as an argument of its own.
            if (!(previous is not null && previous.StartsWith('-') && !token.StartsWith('-'))) yield return Unmatched(token, parse.CommandResult);
            previous = token;
        }
        foreach (var error in parse.Errors.Select(e => e.Message).Distinct())
        {
            if (error.StartsWith(Unrecognized, StringComparison.Ordinal)) continue;
            if (error.StartsWith(NoCommand, StringComparison.Ordinal))
            {
                // "xform buidl": the unknown word says more than "no command".
                if (parse.UnmatchedTokens.Count == 0)
                    yield return $"'{CommandPath(parse.CommandResult)}' needs a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
                continue;
            }
            if (error.StartsWith(MissingValue, StringComparison.Ordinal))
            {
                yield return $"{error[MissingValue.Length..].Trim('.', '\'')} needs a value";
                continue;
            }
            yield return error;
        }
    }

    static string Unmatched(string token, CommandResult at)
    {
        var command = at.Command;
        if (token.StartsWith('-'))
        {
            var options = OptionsOf(at).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
            return $"unknown option '{token}' for '{CommandPath(at)}'{Sentence(Suggestions.DidYouMean(token, options))}";
        }
        if (command.Subcommands.Count > 0)
            return $"unknown command '{token}'{Sentence(Suggestions.DidYouMean(token, command.Subcommands.Select(c => c.Name)))}";
        return $"'{CommandPath(at)}' takes no argument '{token}'";
    }

    /// <summary>The command's options and the recursive ones of the commands it is under.</summary>
    static IEnumerable<Option> OptionsOf(CommandResult at)
    {
        foreach (var option in at.Command.Options) yield return option;
        for (var parent = at.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
            foreach (var option in parent.Command.Options.Where(o => o.Recursive)) yield return option;
    }

    /// <summary>A "did you mean" hint after a message: nothing, or a full stop and the hint.</summary>
    public static string Sentence(string hint) => hint.Length == 0 ? "" : "." + hint;

    /// <summary><c>xform docs serve</c>: the words that name the command.</summary>
    public static string CommandPath(CommandResult at)
    {
        var names = new List<string>();
        for (CommandResult? c = at; c is not null; c = c.Parent as CommandResult)
            names.Add(c.Parent is null ? "xform" : c.Command.Name);
        names.Reverse();
        return string.Join(" ", names);
    }
}
