using System.Globalization;
using System.Text;
using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

internal enum TokKind { Data, VarBegin, VarEnd, BlockBegin, BlockEnd, Name, String, Int, Float, Op, Eof }

internal readonly record struct Token(TokKind Kind, string Text, int Pos, object? Value = null)
{
    public bool Is(TokKind kind, string text) => Kind == kind && Text == text;
    public bool IsName(string text) => Kind == TokKind.Name && Text == text;
    public bool IsOp(string text) => Kind == TokKind.Op && Text == text;
}

/// <summary>Maps character offsets of a (newline-normalised) source to 1-based line and column.</summary>
internal sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string path, string text) : this(path, text, text.Length)
    {
    }

    /// <param name="length">how much of <paramref name="text"/> is the template (the rest is a dropped trailing newline)</param>
    SourceText(string path, string text, int length)
    {
        Path = path;
        Text = text;
        Length = length;
        // one array of the exact size, the line breaks found by vectorised search (a list grown per line was a tenth of
        // the template parse's allocations)
        var starts = new int[text.AsSpan().Count('\n') + 1];
        for (int line = 1, at = text.IndexOf('\n'); at >= 0; at = text.IndexOf('\n', at + 1)) starts[line++] = at + 1;
        _lineStarts = starts;
    }

    public string Path { get; }
    public string Text { get; }

    /// <summary>The template's length in <see cref="Text"/>: all of it, or all but a trailing newline it keeps.</summary>
    public int Length { get; }

    /// <summary>
    /// A file's text as a template, normalised as <see cref="Normalize"/> does: a text with a carriage return is copied
    /// normalised, any other keeps its trailing newline outside <see cref="Length"/> instead of being copied without it
    /// (every model file, a copy as long as the file).
    /// </summary>
    public static SourceText Of(string path, string text) =>
        text.Contains('\r') ? new SourceText(path, Normalize(text))
        : new SourceText(path, text, text.EndsWith('\n') ? text.Length - 1 : text.Length);

    public SourceLocation Location(int offset)
    {
        var idx = Array.BinarySearch(_lineStarts, offset);
        if (idx < 0) idx = ~idx - 1;
        return new SourceLocation(Path, idx + 1, offset - _lineStarts[idx] + 1);
    }

    public XformException Error(string message, int offset) => new(message, Location(offset));

    /// <summary>Jinja's newline handling: every line ending becomes \n and one trailing newline is dropped
    /// (dbt leaves keep_trailing_newline at its default, False).</summary>
    public static string Normalize(string text)
    {
        if (text.Contains('\r')) text = text.Replace("\r\n", "\n").Replace('\r', '\n');
        if (text.EndsWith('\n')) text = text[..^1];
        return text;
    }
}

/// <summary>
/// Tokenises dbt's Jinja: data, <c>{{ }}</c>, <c>{% %}</c>, comments and raw blocks, with dbt's whitespace
/// settings (trim_blocks and lstrip_blocks off, so only the explicit <c>-</c> markers strip whitespace).
/// </summary>
internal sealed class JinjaLexer
{
    private readonly SourceText _src;
    private readonly string _s;
    // where the template ends in _s: every bound of the lexer is this, not the string's length (a trailing newline lies past it)
    private readonly int _end;
    private readonly List<Token> _tokens;
    private int _pos;

    private JinjaLexer(SourceText src, List<Token> tokens)
    {
        _src = src;
        _s = src.Text;
        _end = src.Length;
        _tokens = tokens;
    }

    /// <summary>The tokens of <paramref name="src"/>, into <paramref name="tokens"/> when given (cleared first).</summary>
    public static List<Token> Tokenize(SourceText src, List<Token>? tokens = null)
    {
        if (tokens is null) tokens = new List<Token>(16 + src.Text.Length / 16); // about one token per 16 characters of SQL with Jinja
        else tokens.Clear();
        var lx = new JinjaLexer(src, tokens);
        lx.Run();
        return lx._tokens;
    }

    private void Run()
    {
        var stripNext = false;
        while (_pos < _end)
        {
            var open = FindOpen(_pos);
            var dataEnd = open < 0 ? _end : open;
            var data = _s[_pos..dataEnd];
            if (stripNext) data = data.TrimStart();
            stripNext = false;
            if (open >= 0 && open + 2 < _end && _s[open + 2] == '-') data = data.TrimEnd();
            if (data.Length > 0) _tokens.Add(new Token(TokKind.Data, data, _pos));
            if (open < 0) { _pos = _end; break; }

            var kind = _s[open + 1];
            var inner = open + 2;
            if (inner < _end && (_s[inner] == '-' || _s[inner] == '+')) inner++;
            if (kind == '#')
            {
                var end = _s.IndexOf("#}", inner, StringComparison.Ordinal);
                if (end < 0) throw _src.Error("unterminated comment: expected '#}'", open);
                stripNext = end > inner && _s[end - 1] == '-';
                _pos = end + 2;
                continue;
            }
            if (kind == '%' && TryRaw(open, inner, ref stripNext)) continue;
            _tokens.Add(new Token(kind == '{' ? TokKind.VarBegin : TokKind.BlockBegin, kind == '{' ? "{{" : "{%", open));
            _pos = inner;
            stripNext = LexTag(kind == '{' ? "}}" : "%}", open);
        }
        _tokens.Add(new Token(TokKind.Eof, "", _end));
    }

    private int FindOpen(int from)
    {
        for (var i = _s.IndexOf('{', from); i >= 0 && i + 1 < _end; i = _s.IndexOf('{', i + 1))
        {
            var c = _s[i + 1];
            if (c == '{' || c == '%' || c == '#') return i;
        }
        return -1;
    }

    private static bool IsWs(char c) => c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';

    /// <summary>A <c>{% raw %}</c> block: its content becomes one data token, untouched.</summary>
    private bool TryRaw(int open, int inner, ref bool stripNext)
    {
        var p = inner;
        while (p < _end && IsWs(_s[p])) p++;
        if (string.CompareOrdinal(_s, p, "raw", 0, 3) != 0) return false;
        p += 3;
        if (p < _end && (char.IsLetterOrDigit(_s[p]) || _s[p] == '_')) return false;
        while (p < _end && IsWs(_s[p])) p++;
        var stripStart = false;
        if (p < _end && (_s[p] == '-' || _s[p] == '+')) { stripStart = _s[p] == '-'; p++; }
        if (string.CompareOrdinal(_s, p, "%}", 0, 2) != 0) throw _src.Error("expected '%}' after 'raw'", p);
        p += 2;
        var contentStart = p;
        var search = p;
        while (true)
        {
            var e = _s.IndexOf("{%", search, StringComparison.Ordinal);
            if (e < 0) throw _src.Error("unterminated 'raw' block: expected '{% endraw %}'", open);
            var q = e + 2;
            var stripEnd = q < _end && _s[q] == '-';
            if (q < _end && (_s[q] == '-' || _s[q] == '+')) q++;
            while (q < _end && IsWs(_s[q])) q++;
            if (string.CompareOrdinal(_s, q, "endraw", 0, 6) == 0)
            {
                q += 6;
                while (q < _end && IsWs(_s[q])) q++;
                var stripAfter = false;
                if (q < _end && (_s[q] == '-' || _s[q] == '+')) { stripAfter = _s[q] == '-'; q++; }
                if (string.CompareOrdinal(_s, q, "%}", 0, 2) != 0) throw _src.Error("expected '%}' after 'endraw'", q);
                var content = _s[contentStart..e];
                if (stripStart) content = content.TrimStart();
                if (stripEnd) content = content.TrimEnd();
                if (content.Length > 0) _tokens.Add(new Token(TokKind.Data, content, contentStart));
                _pos = q + 2;
                stripNext = stripAfter;
                return true;
            }
            search = e + 2;
        }
    }

    /// <summary>Tokens of one tag up to its end marker; returns whether the end marker strips following whitespace.</summary>
    private bool LexTag(string endMarker, int open)
    {
        var depth = 0;
        while (true)
        {
            while (_pos < _end && IsWs(_s[_pos])) _pos++;
            if (_pos >= _end)
                throw _src.Error($"unexpected end of template: expected '{endMarker}' to close the tag opened here", open);
            var c = _s[_pos];
            // '%}' can never continue an expression, so it ends a block tag even inside unbalanced brackets;
            // '}}' ends a variable tag only outside brackets (it may close nested dict literals).
            if (depth == 0 || (endMarker == "%}" && (string.CompareOrdinal(_s, _pos, "%}", 0, 2) == 0 || string.CompareOrdinal(_s, _pos, "-%}", 0, 3) == 0)))
            {
                if (c == '-' && string.CompareOrdinal(_s, _pos + 1, endMarker, 0, 2) == 0)
                {
                    _tokens.Add(new Token(endMarker == "}}" ? TokKind.VarEnd : TokKind.BlockEnd, endMarker, _pos));
                    _pos += 3;
                    return true;
                }
                if (c == '+' && endMarker == "%}" && string.CompareOrdinal(_s, _pos + 1, endMarker, 0, 2) == 0)
                {
                    _tokens.Add(new Token(TokKind.BlockEnd, endMarker, _pos));
                    _pos += 3;
                    return false;
                }
                if (string.CompareOrdinal(_s, _pos, endMarker, 0, 2) == 0)
                {
                    _tokens.Add(new Token(endMarker == "}}" ? TokKind.VarEnd : TokKind.BlockEnd, endMarker, _pos));
                    _pos += 2;
                    return false;
                }
                var other = endMarker == "}}" ? "%}" : "}}";
                if (string.CompareOrdinal(_s, _pos, other, 0, 2) == 0 && !(other == "}}" && depth > 0))
                    throw _src.Error($"unexpected '{other}': expected '{endMarker}'", _pos);
            }
            var start = _pos;
            if (char.IsLetter(c) || c == '_')
            {
                while (_pos < _end && (char.IsLetterOrDigit(_s[_pos]) || _s[_pos] == '_')) _pos++;
                _tokens.Add(new Token(TokKind.Name, _s[start.._pos], start));
            }
            else if (char.IsAsciiDigit(c))
                LexNumber(start);
            else if (c == '\'' || c == '"')
                LexString(start, c);
            else
            {
                var op = Operator(c, _pos + 1 < _end ? _s[_pos + 1] : '\0') ?? throw _src.Error($"unexpected character '{c}'", _pos);
                if (op is "(" or "[" or "{") depth++;
                else if (op is ")" or "]" or "}")
                {
                    if (depth == 0) throw _src.Error($"unexpected '{op}'", _pos);
                    depth--;
                }
                _pos += op.Length;
                _tokens.Add(new Token(TokKind.Op, op, start));
            }
        }
    }

    private const string SingleOperators = "+-*/%~()[]{},.:|=<>";
    private static readonly string[] SingleOperatorTexts = SingleOperators.Select(c => c.ToString()).ToArray();

    /// <summary>The operator starting with <paramref name="c"/> (two characters when they form one), or null.
    /// Returns shared strings: a big project has millions of operator tokens.</summary>
    private static string? Operator(char c, char next) => (c, next) switch
    {
        ('/', '/') => "//",
        ('*', '*') => "**",
        ('=', '=') => "==",
        ('!', '=') => "!=",
        ('<', '=') => "<=",
        ('>', '=') => ">=",
        _ => SingleOperators.IndexOf(c) is var i and >= 0 ? SingleOperatorTexts[i] : null,
    };

    private void LexNumber(int start)
    {
        while (_pos < _end && (char.IsAsciiDigit(_s[_pos]) || _s[_pos] == '_')) _pos++;
        var isFloat = false;
        if (_pos + 1 < _end && _s[_pos] == '.' && char.IsAsciiDigit(_s[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            while (_pos < _end && (char.IsAsciiDigit(_s[_pos]) || _s[_pos] == '_')) _pos++;
        }
        if (_pos < _end && (_s[_pos] == 'e' || _s[_pos] == 'E'))
        {
            var p = _pos + 1;
            if (p < _end && (_s[p] == '+' || _s[p] == '-')) p++;
            if (p < _end && char.IsAsciiDigit(_s[p]))
            {
                isFloat = true;
                _pos = p;
                while (_pos < _end && char.IsAsciiDigit(_s[_pos])) _pos++;
            }
        }
        var text = _s[start.._pos].Replace("_", "");
        if (isFloat)
            _tokens.Add(new Token(TokKind.Float, text, start, double.Parse(text, CultureInfo.InvariantCulture)));
        else if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
            _tokens.Add(new Token(TokKind.Int, text, start, l));
        else
            throw _src.Error($"integer literal '{text}' is too large", start);
    }

    private void LexString(int start, char quote)
    {
        _pos++;
        var close = _s.IndexOf(quote, _pos);
        if (close >= 0 && _s.IndexOf('\\', _pos, close - _pos) < 0)
        {
            // no escapes: the value is the text between the quotes, and the token's text that value alone (not a second
            // copy with its quotes: the parser reads a literal's text only to name it in an error, where it adds them back)
            var value = _s[_pos..close];
            _pos = close + 1;
            _tokens.Add(new Token(TokKind.String, value, start, value));
            return;
        }
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _end) throw _src.Error("unterminated string literal", start);
            var c = _s[_pos];
            if (c == quote) { _pos++; break; }
            if (c == '\\' && _pos + 1 < _end)
            {
                var n = _s[_pos + 1];
                _pos += 2;
                switch (n)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '0': sb.Append('\0'); break;
                    case '\\': sb.Append('\\'); break;
                    case '\'': sb.Append('\''); break;
                    case '"': sb.Append('"'); break;
                    case '\n': break;
                    case 'x' when _pos + 2 <= _end:
                        sb.Append((char)Convert.ToInt32(_s.Substring(_pos, 2), 16)); _pos += 2; break;
                    case 'u' when _pos + 4 <= _end:
                        sb.Append((char)Convert.ToInt32(_s.Substring(_pos, 4), 16)); _pos += 4; break;
                    default: sb.Append('\\').Append(n); break;
                }
                continue;
            }
            sb.Append(c);
            _pos++;
        }
        _tokens.Add(new Token(TokKind.String, _s[start.._pos], start, sb.ToString()));
    }
}
