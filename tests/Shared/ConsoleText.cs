using System.Text.RegularExpressions;

namespace Xform.Tests;

/// <summary>
/// The console's text without the wall-clock time ("16:48:07  ") the CLI puts before each line, so two runs' output
/// can be compared even when a second ticks between them. Linked as source into each test project that needs it.
/// </summary>
static class ConsoleText
{
    static readonly Regex Clock = new(@"^\d\d:\d\d:\d\d  ", RegexOptions.Multiline);

    /// <summary>The text with the time taken off every line (and a Windows line end off one line).</summary>
    public static string Untimed(string text) => Clock.Replace(text.Contains('\n') ? text : text.TrimEnd('\r'), "");

    /// <summary>The non-empty lines of <paramref name="text"/>, each without its time.</summary>
    public static string[] UntimedLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Untimed(l.TrimEnd('\r'))).ToArray();
}
