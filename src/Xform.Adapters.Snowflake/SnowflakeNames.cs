using System.Text;
using System.Text.RegularExpressions;

namespace Xform.Adapters.Snowflake;

/// <summary>
/// Snowflake's identifier rules: an unquoted identifier is stored in upper case, a quoted one exactly as written.
/// xform quotes every identifier it renders, so a plain name (<c>stg_orders</c>) is folded to upper case first
/// (<c>"STG_ORDERS"</c>, the same object as unquoted <c>stg_orders</c>, and safe for reserved words), and any other
/// name (<c>"Order Lines"</c>, <c>"mixedCase-1"</c>) is quoted exactly.
/// </summary>
public static partial class SnowflakeNames
{
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_$]*$")]
    private static partial Regex Plain();

    /// <summary>The name as Snowflake stores it.</summary>
    public static string Fold(string identifier) => Plain().IsMatch(identifier) ? identifier.ToUpperInvariant() : identifier;

    public static string Quote(string identifier) => "\"" + Fold(identifier).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// Splits a script at the semicolons that end statements, skipping those inside strings, quoted names,
    /// <c>$$...$$</c> blocks and comments. Empty statements are dropped.
    /// </summary>
    public static List<string> SplitStatements(string script)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        var i = 0;
        while (i < script.Length)
        {
            var c = script[i];
            if (c == '\'' || c == '"')
            {
                var end = i + 1;
                while (end < script.Length)
                {
                    if (c == '\'' && script[end] == '\\') { end += 2; continue; }
                    if (script[end] == c)
                    {
                        if (end + 1 < script.Length && script[end + 1] == c) { end += 2; continue; }
                        break;
                    }
                    end++;
                }
                end = Math.Min(end + 1, script.Length);
                current.Append(script, i, end - i);
                i = end;
            }
            else if (c == '$' && i + 1 < script.Length && script[i + 1] == '$')
            {
                var close = script.IndexOf("$$", i + 2, StringComparison.Ordinal);
                var end = close < 0 ? script.Length : close + 2;
                current.Append(script, i, end - i);
                i = end;
            }
            else if (c == '-' && i + 1 < script.Length && script[i + 1] == '-' || c == '/' && i + 1 < script.Length && script[i + 1] == '/')
            {
                var nl = script.IndexOf('\n', i);
                var end = nl < 0 ? script.Length : nl;
                current.Append(script, i, end - i);
                i = end;
            }
            else if (c == '/' && i + 1 < script.Length && script[i + 1] == '*')
            {
                var close = script.IndexOf("*/", i + 2, StringComparison.Ordinal);
                var end = close < 0 ? script.Length : close + 2;
                current.Append(script, i, end - i);
                i = end;
            }
            else if (c == ';')
            {
                Flush();
                i++;
            }
            else
            {
                current.Append(c);
                i++;
            }
        }
        Flush();
        return result;

        void Flush()
        {
            var s = current.ToString().Trim();
            if (s.Length > 0 && !OnlyComments(s)) result.Add(s);
            current.Clear();
        }
    }

    static bool OnlyComments(string s)
    {
        var stripped = Regex.Replace(s, @"--[^\n]*|//[^\n]*|/\*.*?\*/", "", RegexOptions.Singleline);
        return stripped.Trim().Length == 0;
    }
}
