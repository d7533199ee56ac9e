using System.Globalization;
using System.Text;

namespace Xform.Adapters.Snowflake.Tests;

/// <summary>
/// How <see cref="FakeSnowflake"/> turns one Snowflake statement into DuckDB SQL, token by token, following
/// Snowflake's SQL reference where DuckDB differs:
/// <list type="bullet">
/// <item>unquoted identifiers are stored and resolved in upper case (identifiers-syntax); quoted ones are kept as
/// written (DuckDB still resolves them without regard to case, which Snowflake does not);</item>
/// <item>string literals take backslash escapes (<c>'a\\b'</c> is <c>a\b</c>) and <c>$$...$$</c>; <c>//</c> starts a comment;</item>
/// <item>types: <c>NUMBER</c> (default precision and scale 38,0), <c>TIMESTAMP_NTZ/LTZ/TZ</c>, and <c>FLOAT</c>, <c>FLOAT4</c>,
/// <c>FLOAT8</c>, <c>REAL</c>, which are all 64-bit; <c>TRANSIENT</c> tables are plain tables here;
/// <c>create table x clone y</c> (zero-copy) is a copy of y's rows;</item>
/// <item>a division by zero is an error (100051), where DuckDB returns infinity or NULL: every divisor is
/// checked by <c>__SF_DIVISOR</c>;</item>
/// <item>date parts are identifiers (<c>DATEADD(day, 1, d)</c>); <c>TABLE(GENERATOR(ROWCOUNT => n))</c> is DuckDB's
/// <c>RANGE(n)</c>; <c>TABLE(FLATTEN(INPUT => array))</c> is a row per element, with its <c>VALUE</c> and its
/// 0-based <c>INDEX</c> (the other FLATTEN columns and arguments are not there); <c>CURRENT_TIMESTAMP()</c> takes
/// parentheses; <c>SEQ4()</c>, <c>DATEADD</c>, <c>CONVERT_TIMEZONE</c>, <c>TO_DATE(text)</c>, <c>ARRAY_GENERATE_RANGE(start, stop)</c> are
/// macros defined by <see cref="Setup"/>;</item>
/// <item><c>[db.]INFORMATION_SCHEMA.TABLES</c> and <c>COLUMNS</c> read views with Snowflake's shape and type names.</item>
/// </list>
/// </summary>
public static class FakeSnowflakeSql
{
    enum Kind { Space, Comment, String, Quoted, Word, Number, Symbol }

    readonly record struct Token(Kind Kind, string Text)
    {
        public bool Is(string word) => Kind == Kind.Word && Text == word || Kind == Kind.Symbol && Text == word;
        public bool Significant => Kind is not (Kind.Space or Kind.Comment);
    }

    static readonly HashSet<string> DatePartFunctions = ["DATEADD", "DATEDIFF", "TIMEADD", "TIMEDIFF", "TIMESTAMPADD", "TIMESTAMPDIFF", "DATE_TRUNC", "DATE_PART"];

    /// <summary>DuckDB statements that define the macros and views the translation calls, for the given database.</summary>
    public static IEnumerable<string> Setup(string database)
    {
        var db = database.Replace("'", "''", StringComparison.Ordinal);
        yield return "create temp sequence \"__SF_SEQ\"";
        // SEQ4: increasing numbers, with gaps (documented as not gap-free)
        yield return "create temp macro SEQ4() as nextval('__SF_SEQ')";
        yield return "create temp macro SEQ8() as nextval('__SF_SEQ')";
        // DATEADD of a DATE gives a TIMESTAMP here (Snowflake keeps a DATE for parts of a day or more)
        yield return "create temp macro DATEADD(part, n, d) as d + cast('1 ' || part as interval) * n";
        yield return "create temp macro CONVERT_TIMEZONE(tz, ts) as timezone(tz, ts)";
        // start, start + 1, ... below stop (the two-argument form)
        yield return "create temp macro ARRAY_GENERATE_RANGE(a, b) as range(a, b)";
        // TO_DATE of a text in the default format (YYYY-MM-DD)
        yield return "create temp macro TO_DATE(s) as cast(s as date)";
        yield return "create temp macro \"__SF_DIVISOR\"(x) as case when x = 0 then error('Division by zero') else x end";
        yield return $"""
            create temp view "__SF_TABLES" as
            select table_catalog as "TABLE_CATALOG", table_schema as "TABLE_SCHEMA", table_name as "TABLE_NAME",
                   case table_type when 'VIEW' then 'VIEW' else 'BASE TABLE' end as "TABLE_TYPE", table_comment as "COMMENT"
            from information_schema.tables where table_catalog = '{db}'
            """;
        yield return $"""
            create temp view "__SF_COLUMNS" as
            select table_catalog as "TABLE_CATALOG", table_schema as "TABLE_SCHEMA", table_name as "TABLE_NAME", column_name as "COLUMN_NAME",
                   ordinal_position as "ORDINAL_POSITION", column_default as "COLUMN_DEFAULT", is_nullable as "IS_NULLABLE", sf_type as "DATA_TYPE",
                   case when sf_type = 'TEXT' then 16777216 end as "CHARACTER_MAXIMUM_LENGTH",
                   case when sf_type = 'TEXT' then 16777216 end as "CHARACTER_OCTET_LENGTH",
                   case when sf_type = 'NUMBER' then coalesce(numeric_precision_if_decimal, 38) end as "NUMERIC_PRECISION",
                   case when sf_type = 'NUMBER' then 10 end as "NUMERIC_PRECISION_RADIX",
                   case when sf_type = 'NUMBER' then coalesce(numeric_scale_if_decimal, 0) end as "NUMERIC_SCALE",
                   column_comment as "COMMENT"
            from (
                select *,
                       case when data_type like 'DECIMAL%' then numeric_precision end as numeric_precision_if_decimal,
                       case when data_type like 'DECIMAL%' then numeric_scale end as numeric_scale_if_decimal,
                       case
                           when data_type in ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT') or data_type like 'DECIMAL%' then 'NUMBER'
                           when data_type in ('DOUBLE', 'FLOAT') then 'FLOAT'
                           when data_type = 'VARCHAR' then 'TEXT'
                           when data_type = 'TIMESTAMP' then 'TIMESTAMP_NTZ'
                           when data_type = 'TIMESTAMP WITH TIME ZONE' then 'TIMESTAMP_LTZ'
                           when data_type = 'BLOB' then 'BINARY'
                           else data_type
                       end as sf_type
                from information_schema.columns where table_catalog = '{db}'
            ) as t
            """;
    }

    public static string Translate(string sql)
    {
        // ALTER VIEW v ALTER COLUMN c COMMENT '...' (COMMENT ON COLUMN takes table columns only) is DuckDB's COMMENT ON COLUMN.
        var viewColumnComment = System.Text.RegularExpressions.Regex.Match(sql,
            @"^\s*alter\s+view\s+(?<view>.+?)\s+alter\s+column\s+(?<column>\S+)\s+comment\s+(?<text>'(?:[^'\\]|''|\\.)*')\s*;?\s*$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline);
        if (viewColumnComment.Success)
            sql = $"comment on column {viewColumnComment.Groups["view"].Value}.{viewColumnComment.Groups["column"].Value} is {viewColumnComment.Groups["text"].Value}";
        // ALTER TABLE t ALTER COLUMN c SET DATA TYPE x is DuckDB's ALTER COLUMN c TYPE x.
        sql = System.Text.RegularExpressions.Regex.Replace(sql, @"^(\s*alter\s+table\s+.+?\s+alter\s+column\s+\S+\s+)set\s+data\s+type\s+",
            "$1type ", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline);
        var tokens = Lex(sql);
        tokens = Rewrite(tokens);
        tokens = CheckDivisors(tokens);
        var sb = new StringBuilder();
        foreach (var t in tokens) sb.Append(t.Text);
        return sb.ToString();
    }

    static List<Token> Lex(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            var start = i;
            if (char.IsWhiteSpace(c))
            {
                while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
                tokens.Add(new Token(Kind.Space, s[start..i]));
            }
            else if (c == '-' && At(s, i + 1, '-') || c == '/' && At(s, i + 1, '/'))
            {
                while (i < s.Length && s[i] != '\n') i++;
                tokens.Add(new Token(Kind.Comment, "--" + s[(start + 2)..i]));
            }
            else if (c == '/' && At(s, i + 1, '*'))
            {
                var close = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? s.Length : close + 2;
                tokens.Add(new Token(Kind.Comment, s[start..i]));
            }
            else if (c == '\'')
            {
                var value = new StringBuilder();
                i++;
                while (i < s.Length)
                {
                    if (s[i] == '\'' && At(s, i + 1, '\'')) { value.Append('\''); i += 2; }
                    else if (s[i] == '\'') { i++; break; }
                    else if (s[i] == '\\' && i + 1 < s.Length) { i = Escape(s, i + 1, value); }
                    else value.Append(s[i++]);
                }
                tokens.Add(new Token(Kind.String, Literal(value.ToString())));
            }
            else if (c == '$' && At(s, i + 1, '$'))
            {
                var close = s.IndexOf("$$", i + 2, StringComparison.Ordinal);
                var end = close < 0 ? s.Length : close;
                tokens.Add(new Token(Kind.String, Literal(s[(i + 2)..end])));
                i = close < 0 ? s.Length : close + 2;
            }
            else if (c == '"')
            {
                i++;
                while (i < s.Length && !(s[i] == '"' && !At(s, i + 1, '"'))) i += s[i] == '"' ? 2 : 1;
                i = Math.Min(i + 1, s.Length);
                tokens.Add(new Token(Kind.Quoted, s[start..i]));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '_' or '$')) i++;
                tokens.Add(new Token(Kind.Word, s[start..i]));
            }
            else if (char.IsAsciiDigit(c) || c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]))
            {
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '.' ||
                                        s[i] is '+' or '-' && s[i - 1] is 'e' or 'E')) i++;
                tokens.Add(new Token(Kind.Number, s[start..i]));
            }
            else
            {
                var two = i + 1 < s.Length ? s.Substring(i, 2) : "";
                var len = two is "::" or "=>" or "<=" or ">=" or "<>" or "!=" or "||" ? 2 : 1;
                tokens.Add(new Token(Kind.Symbol, s.Substring(i, len)));
                i += len;
            }
        }
        return tokens;
    }

    static bool At(string s, int i, char c) => i < s.Length && s[i] == c;

    /// <summary>One of Snowflake's escape sequences in a single-quoted string; returns the index after it.</summary>
    static int Escape(string s, int i, StringBuilder value)
    {
        var c = s[i];
        switch (c)
        {
            case 'n': value.Append('\n'); return i + 1;
            case 't': value.Append('\t'); return i + 1;
            case 'r': value.Append('\r'); return i + 1;
            case 'b': value.Append('\b'); return i + 1;
            case 'f': value.Append('\f'); return i + 1;
            case '0' when !(i + 2 < s.Length && char.IsAsciiDigit(s[i + 1]) && char.IsAsciiDigit(s[i + 2])): value.Append('\0'); return i + 1;
            case 'x' when i + 2 < s.Length && char.IsAsciiHexDigit(s[i + 1]) && char.IsAsciiHexDigit(s[i + 2]):
                value.Append((char)int.Parse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                return i + 3;
            case 'u' when i + 4 < s.Length && s.AsSpan(i + 1, 4).ToString().All(char.IsAsciiHexDigit):
                value.Append((char)int.Parse(s.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                return i + 5;
            case >= '0' and <= '7' when i + 2 < s.Length && s[i + 1] is >= '0' and <= '7' && s[i + 2] is >= '0' and <= '7':
                value.Append((char)Convert.ToInt32(s.Substring(i, 3), 8));
                return i + 3;
            default: value.Append(c); return i + 1;
        }
    }

    static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    static int Next(List<Token> t, int i)
    {
        while (i < t.Count && !t[i].Significant) i++;
        return i;
    }

    static int Previous(List<Token> t, int i)
    {
        while (i >= 0 && !t[i].Significant) i--;
        return i;
    }

    static bool IsAt(List<Token> t, int i, string text) => i >= 0 && i < t.Count && t[i].Is(text);

    /// <summary>The index of the parenthesis closing the one at <paramref name="open"/>, or -1.</summary>
    static int Close(List<Token> t, int open)
    {
        var depth = 0;
        for (var i = open; i < t.Count; i++)
        {
            if (t[i].Is("(")) depth++;
            else if (t[i].Is(")") && --depth == 0) return i;
        }
        return -1;
    }

    static List<Token> Rewrite(List<Token> input)
    {
        // unquoted identifiers fold to upper case; '$' is allowed in them but not in DuckDB's
        var t = input.Select(x => x.Kind != Kind.Word ? x
            : x.Text.Contains('$') ? new Token(Kind.Quoted, "\"" + x.Text.ToUpperInvariant() + "\"")
            : x with { Text = x.Text.ToUpperInvariant() }).ToList();
        var output = new List<Token>();
        for (var i = 0; i < t.Count; i++)
        {
            var tok = t[i];
            if (tok.Kind != Kind.Word)
            {
                output.Add(tok);
                continue;
            }
            var next = Next(t, i + 1);
            var prev = Previous(t, i - 1);
            switch (tok.Text)
            {
                case "TRANSIENT" when IsAt(t, next, "TABLE"):
                    i = next - 1; // a transient table has no Fail-safe: nothing to replay
                    continue;
                case "CLONE" when prev >= 0 && t[prev].Kind is Kind.Quoted or Kind.Word:
                    // create table x clone y: a zero-copy clone has y's rows at that moment, which a copy replays
                    output.AddRange(Lex("AS SELECT * FROM"));
                    continue;
                case "NUMBER" when IsAt(t, next, "("):
                    output.Add(tok with { Text = "DECIMAL" });
                    continue;
                case "NUMBER" when IsAt(t, prev, "::") || IsAt(t, prev, "AS") || prev >= 0 && t[prev].Kind == Kind.Quoted:
                    output.Add(tok with { Text = "DECIMAL(38,0)" });
                    continue;
                case "TIMESTAMP_NTZ":
                    output.Add(tok with { Text = "TIMESTAMP" });
                    continue;
                case "TIMESTAMP_LTZ" or "TIMESTAMP_TZ":
                    output.Add(tok with { Text = "TIMESTAMPTZ" });
                    continue;
                case "FLOAT" or "FLOAT4" or "FLOAT8" or "REAL":
                    output.Add(tok with { Text = "DOUBLE" });
                    continue;
                case "CURRENT_TIMESTAMP" when IsAt(t, next, "(") && IsAt(t, Next(t, next + 1), ")"):
                    output.Add(tok);
                    i = Next(t, next + 1);
                    continue;
                case "TABLE" when IsAt(t, next, "(") && Next(t, next + 1) is var g && IsAt(t, g, "GENERATOR"):
                {
                    // TABLE(GENERATOR(ROWCOUNT => n)) -> RANGE(n)
                    var outer = Close(t, next);
                    var open = Next(t, g + 1);
                    var arrow = Next(t, Next(t, open + 1) + 1);
                    if (outer < 0 || !IsAt(t, open, "(") || !IsAt(t, Next(t, open + 1), "ROWCOUNT") || !IsAt(t, arrow, "=>")) break;
                    output.Add(new Token(Kind.Word, "RANGE"));
                    output.Add(new Token(Kind.Symbol, "("));
                    output.AddRange(t.Skip(arrow + 1).Take(Close(t, open) - arrow - 1));
                    output.Add(new Token(Kind.Symbol, ")"));
                    i = outer;
                    continue;
                }
                case "TABLE" when IsAt(t, next, "(") && Next(t, next + 1) is var f && IsAt(t, f, "FLATTEN"):
                {
                    // TABLE(FLATTEN(INPUT => a)) -> (SELECT UNNEST(a) AS "VALUE", GENERATE_SUBSCRIPTS(a, 1) - 1 AS "INDEX")
                    var outer = Close(t, next);
                    var open = Next(t, f + 1);
                    var arrow = Next(t, Next(t, open + 1) + 1);
                    if (outer < 0 || !IsAt(t, open, "(") || !IsAt(t, Next(t, open + 1), "INPUT") || !IsAt(t, arrow, "=>")) break;
                    var array = Rewrite(t.Skip(arrow + 1).Take(Close(t, open) - arrow - 1).ToList());
                    output.AddRange(Lex("(SELECT UNNEST("));
                    output.AddRange(array);
                    output.AddRange(Lex(") AS \"VALUE\", GENERATE_SUBSCRIPTS("));
                    output.AddRange(array);
                    output.AddRange(Lex(", 1) - 1 AS \"INDEX\")"));
                    i = outer;
                    continue;
                }
                case "INFORMATION_SCHEMA" when IsAt(t, next, ".") && Next(t, next + 1) is var v && v < t.Count && t[v].Text is "TABLES" or "COLUMNS":
                {
                    // [database.]INFORMATION_SCHEMA.view: the fake has one database
                    if (IsAt(t, prev, "."))
                    {
                        var db = Previous(t, prev - 1);
                        output.RemoveRange(output.Count - (i - db), i - db);
                    }
                    output.Add(new Token(Kind.Quoted, $"\"__SF_{t[v].Text}\""));
                    i = v;
                    continue;
                }
                case var f when DatePartFunctions.Contains(f) && IsAt(t, next, "(") && Next(t, next + 1) is var p && p < t.Count && t[p].Kind == Kind.Word
                                && IsAt(t, Next(t, p + 1), ","):
                    // the date part is an identifier in Snowflake, a string in DuckDB
                    output.AddRange(t.Skip(i).Take(p - i));
                    output.Add(new Token(Kind.String, Literal(t[p].Text.ToLowerInvariant())));
                    i = p;
                    continue;
            }
            output.Add(tok);
        }
        return output;
    }

    /// <summary>Wraps the right operand of every <c>/</c> in <c>"__SF_DIVISOR"(...)</c>, which raises on zero.</summary>
    static List<Token> CheckDivisors(List<Token> t)
    {
        for (var i = 0; i < t.Count; i++)
        {
            if (!t[i].Is("/")) continue;
            var start = Next(t, i + 1);
            var end = Operand(t, start);
            if (end < 0) continue;
            t.Insert(end + 1, new Token(Kind.Symbol, ")"));
            t.Insert(start, new Token(Kind.Symbol, "("));
            t.Insert(start, new Token(Kind.Quoted, "\"__SF_DIVISOR\""));
        }
        return t;
    }

    /// <summary>The last token of the operand starting at <paramref name="i"/> (a primary with its unary signs,
    /// calls, window clauses and <c>::</c> casts), or -1 when it is not recognised.</summary>
    static int Operand(List<Token> t, int i)
    {
        while (IsAt(t, i, "-") || IsAt(t, i, "+")) i = Next(t, i + 1);
        if (i >= t.Count) return -1;
        int end;
        var tok = t[i];
        if (tok.Is("(")) end = Close(t, i);
        else if (tok.Is("CASE"))
        {
            end = -1;
            for (int j = i + 1, depth = 1; j < t.Count; j++)
            {
                if (t[j].Is("CASE")) depth++;
                else if (t[j].Is("END") && --depth == 0) { end = j; break; }
            }
        }
        else if (tok.Kind is Kind.Number or Kind.String || tok.Is("?")) end = i;
        else if (tok.Kind is Kind.Word or Kind.Quoted)
        {
            end = i;
            if (tok.Text is "DATE" or "TIMESTAMP" or "INTERVAL" && Next(t, i + 1) is var lit && lit < t.Count && t[lit].Kind == Kind.String) end = lit;
            while (IsAt(t, Next(t, end + 1), ".") && Next(t, Next(t, end + 1) + 1) is var part && part < t.Count && t[part].Kind is Kind.Word or Kind.Quoted)
                end = part;
            if (IsAt(t, Next(t, end + 1), "("))
            {
                end = Close(t, Next(t, end + 1));
                for (var clause = Next(t, end + 1); end >= 0 && clause < t.Count; clause = Next(t, end + 1))
                {
                    if (t[clause].Is("WITHIN") && IsAt(t, Next(t, clause + 1), "GROUP")) clause = Next(t, clause + 1);
                    else if (!(t[clause].Is("OVER") || t[clause].Is("FILTER"))) break;
                    var open = Next(t, clause + 1);
                    end = IsAt(t, open, "(") ? Close(t, open) : open < t.Count && t[open].Kind == Kind.Word ? open : -1;
                }
            }
        }
        else return -1;
        while (end >= 0 && IsAt(t, Next(t, end + 1), "::"))
        {
            end = Next(t, Next(t, end + 1) + 1);
            if (end >= t.Count || t[end].Kind != Kind.Word) return -1;
            if (IsAt(t, Next(t, end + 1), "(")) end = Close(t, Next(t, end + 1));
        }
        return end;
    }
}
