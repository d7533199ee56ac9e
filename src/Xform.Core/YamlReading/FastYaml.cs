namespace Xform.Core.YamlReading;

/// <summary>
/// A quick reader for the plain YAML that property files are written in: block mappings and sequences,
/// one-line plain and quoted scalars, one-line flow collections, and literal or folded block scalars.
/// It gives up (returns false) on anything else, including every error, and <see cref="Yaml"/> then reads
/// the text with YamlDotNet, whose messages xform reports. Where it succeeds it builds the same tree with the
/// same positions as YamlDotNet (YamlDotNet takes ~40 times longer on a large project).
/// </summary>
internal sealed class FastYaml
{
    readonly string _text;
    readonly List<int> _lineStarts;
    readonly System.Text.StringBuilder _builder = new();
    // Keys and short scalars repeat (name, description, id, not_null): one string each per document.
    readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    readonly Stack<List<YamlEntry>> _entryLists = new();
    readonly Stack<List<YamlValue>> _itemLists = new();
    int _line; // the line being read, 0-based
    int _flowDepth;

    // Deeper nesting is left to YamlDotNet, so reading cannot overflow the stack.
    const int MaxIndent = 200;

    FastYaml(string text)
    {
        _text = text;
        _lineStarts = new List<int>(text.Length / 24 + 1);
    }

    /// <summary>True with the document's root (null for none) when the text is in the subset read here.</summary>
    public static bool TryParse(string text, out YamlValue? root)
    {
        root = null;
        if (!Supported(text)) return false;
        var reader = new FastYaml(text);
        try
        {
            return reader.Document(out root);
        }
        catch (Unsupported)
        {
            root = null;
            return false;
        }
    }

    /// <summary>Thrown to give up; caught in <see cref="TryParse"/>.</summary>
    sealed class Unsupported : Exception;

    static bool Supported(string text)
    {
        foreach (var c in text)
            if ((c < ' ' && c != '\n') || c is >= '\x7F' and <= '\x9F' or '\u2028' or '\u2029' or '\uFEFF' or '\uFFFE' or '\uFFFF')
                return false;
        return true;
    }

    static Unsupported GiveUp() => new();

    bool Document(out YamlValue? root)
    {
        root = null;
        for (var i = 0; i <= _text.Length; i = _text.IndexOf('\n', i) is var n and >= 0 ? n + 1 : _text.Length + 1)
        {
            _lineStarts.Add(i);
            // Directives and document markers (several documents) are left to YamlDotNet.
            if (i < _text.Length && (_text[i] == '%' || At(i, "---") || At(i, "...")))
                return false;
        }
        SkipBlankLines();
        if (_line >= Lines) return true; // no document: only comments or nothing
        var indent = Indent(_line);
        root = _text[LineStart(_line) + indent] is '{' or '[' ? RootFlow(indent)
            : IsDashEntry(_line, indent) ? Sequence(indent) : Mapping(indent, indent);
        SkipBlankLines();
        return _line >= Lines;
    }

    /// <summary>
    /// A document that is one flow collection on one line: how dbt's documentation writes <c>--vars '{key: value}'</c>,
    /// which would otherwise load YamlDotNet on every such command (tens of milliseconds of a cold start).
    /// </summary>
    YamlValue RootFlow(int indent)
    {
        var i = LineStart(_line) + indent;
        var end = LineEnd(_line);
        var value = Flow(ref i, end);
        SkipSpaces(ref i, end);
        if (i < end && !(_text[i] == '#' && _text[i - 1] == ' ')) throw GiveUp();
        _line++;
        return value;
    }

    bool At(int i, string s) => string.CompareOrdinal(_text, i, s, 0, s.Length) == 0;

    int Lines => _lineStarts.Count;
    int LineStart(int line) => _lineStarts[line];
    int LineEnd(int line) => line + 1 < Lines ? _lineStarts[line + 1] - 1 : _text.Length;

    int Indent(int line)
    {
        var i = LineStart(line);
        while (i < LineEnd(line) && _text[i] == ' ') i++;
        return i - LineStart(line);
    }

    /// <summary>Blank or comment only.</summary>
    bool IsBlank(int line)
    {
        var i = LineStart(line) + Indent(line);
        return i == LineEnd(line) || _text[i] == '#';
    }

    void SkipBlankLines()
    {
        while (_line < Lines && IsBlank(_line)) _line++;
    }

    bool IsDashEntry(int line, int column)
    {
        var i = LineStart(line) + column;
        return i < LineEnd(line) && _text[i] == '-' && (i + 1 == LineEnd(line) || _text[i + 1] == ' ');
    }

    /// <summary>
    /// A block mapping whose keys stand at <paramref name="indent"/>; the first key may follow a sequence's dash
    /// on the current line at <paramref name="firstColumn"/> (then equal to indent).
    /// </summary>
    YamlMapping Mapping(int indent, int firstColumn)
    {
        if (indent > MaxIndent) throw GiveUp();
        var entries = Rent(_entryLists);
        var start = (Line: _line + 1, Column: firstColumn + 1);
        while (true)
        {
            var key = Key(_line, indent);
            foreach (var e in entries)
                if (((YamlScalar)e.KeyNode).Value == key.Scalar.Value) throw GiveUp(); // YamlDotNet's duplicate-key error
            var value = Value(key.After, indent, allowIndentless: true);
            entries.Add(new YamlEntry(key.Scalar, value));

            SkipBlankLines();
            if (_line >= Lines) break;
            var next = Indent(_line);
            if (next < indent) break;
            if (next > indent || IsDashEntry(_line, next)) throw GiveUp();
        }
        return new YamlMapping(Return(_entryLists, entries), start.Line, start.Column);
    }

    /// <summary>A block sequence whose dashes stand at <paramref name="indent"/>.</summary>
    YamlSequence Sequence(int indent)
    {
        if (indent > MaxIndent) throw GiveUp();
        var items = Rent(_itemLists);
        var start = (Line: _line + 1, Column: indent + 1);
        while (true)
        {
            var i = LineStart(_line) + indent + 1; // after the dash
            while (i < LineEnd(_line) && _text[i] == ' ') i++;
            if (i == LineEnd(_line) || _text[i] == '#')
            {
                // The item starts on a later line, further in.
                _line++;
                SkipBlankLines();
                if (_line >= Lines || Indent(_line) <= indent) throw GiveUp(); // an empty item
                var inner = Indent(_line);
                items.Add(IsDashEntry(_line, inner) ? Sequence(inner) : Mapping(inner, inner));
            }
            else if (_text[i] == '-' && (i + 1 == LineEnd(_line) || _text[i + 1] == ' '))
            {
                throw GiveUp(); // "- - x"
            }
            else if (LooksLikeKey(i))
            {
                var column = i - LineStart(_line);
                items.Add(Mapping(column, column));
            }
            else
            {
                items.Add(Value(i, indent, allowIndentless: false));
            }

            SkipBlankLines();
            if (_line >= Lines) break;
            var next = Indent(_line);
            if (next < indent || (next == indent && !IsDashEntry(_line, next))) break;
            if (next > indent) throw GiveUp();
        }
        return new YamlSequence(Return(_itemLists, items), start.Line, start.Column);
    }

    /// <summary>Whether the text at <paramref name="i"/> is <c>key:</c> (a compact mapping after a dash).</summary>
    bool LooksLikeKey(int i)
    {
        var end = LineEnd(_line);
        if (_text[i] is '[' or '{') return false;
        if (_text[i] is '"' or '\'')
        {
            var close = _text.IndexOf(_text[i], i + 1);
            return close > 0 && close < end && _text.AsSpan(close + 1, end - close - 1).TrimStart(' ').StartsWith(':');
        }
        var colon = KeyColon(i, end);
        return colon >= 0;
    }

    /// <summary>The colon ending a plain key starting at <paramref name="i"/>: the first ':' followed by a
    /// space or the line's end, before any comment; -1 if none.</summary>
    int KeyColon(int i, int end)
    {
        for (var j = i; j < end; j++)
        {
            if (_text[j] == '#' && j > i && _text[j - 1] == ' ') return -1;
            if (_text[j] == ':' && (j + 1 == end || _text[j + 1] == ' ')) return j;
        }
        return -1;
    }

    /// <summary>A key at column <paramref name="column"/> of line <paramref name="line"/>; After is the index after its colon.</summary>
    (YamlScalar Scalar, int After) Key(int line, int column)
    {
        var i = LineStart(line) + column;
        var end = LineEnd(line);
        YamlScalar key;
        int after;
        if (_text[i] is '"' or '\'')
        {
            (key, after) = Quoted(i, end);
            while (after < end && _text[after] == ' ') after++;
            if (after == end || _text[after] != ':') throw GiveUp();
            after++;
        }
        else
        {
            if (IsIndicator(_text[i])) throw GiveUp();
            var colon = KeyColon(i, end);
            if (colon < 0) throw GiveUp();
            var text = _text.AsSpan(i, colon - i).TrimEnd(' ');
            // '*' in a document's first key trips YamlDotNet (it reports an invalid mapping): its call.
            if (text.Length > 1000 || text.ContainsAny("[]{},*")) throw GiveUp();
            key = new YamlScalar(Text(text), true, line + 1, column + 1);
            after = colon + 1;
        }
        if (after < end && _text[after] != ' ') throw GiveUp();
        return (key, after);
    }

    string Text(ReadOnlySpan<char> span)
    {
        if (span.Length > 64) return span.ToString();
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(span, out var text)) lookup[span] = text = span.ToString();
        return text;
    }

    /// <summary>Collections are gathered in reused lists and kept as arrays of their exact size.</summary>
    static List<T> Rent<T>(Stack<List<T>> pool) => pool.Count > 0 ? pool.Pop() : [];

    static T[] Return<T>(Stack<List<T>> pool, List<T> list)
    {
        var done = list.ToArray();
        list.Clear();
        pool.Push(list);
        return done;
    }

    static bool IsIndicator(char c) => c is '-' or '?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!'
        or '|' or '>' or '\'' or '"' or '%' or '@' or '`';

    /// <summary>
    /// The value after a key's colon or a dash, from index <paramref name="i"/> of the current line. Nothing there
    /// means a nested block below (or, for a key, a sequence at the key's own column). Leaves the current line at
    /// the one after the value.
    /// </summary>
    YamlValue Value(int i, int parentIndent, bool allowIndentless)
    {
        var end = LineEnd(_line);
        // An absent value is an empty plain scalar where the value would start, just after the colon.
        var absent = new YamlScalar("", true, _line + 1, i - LineStart(_line) + 1);
        while (i < end && _text[i] == ' ') i++;
        if (i == end || _text[i] == '#')
        {
            _line++;
            SkipBlankLines();
            if (_line < Lines)
            {
                var indent = Indent(_line);
                if (indent > parentIndent) return IsDashEntry(_line, indent) ? Sequence(indent) : Mapping(indent, indent);
                if (indent == parentIndent && allowIndentless && IsDashEntry(_line, indent)) return Sequence(indent);
            }
            return absent;
        }

        YamlValue value;
        var c = _text[i];
        if (c is '|' or '>') return BlockScalar(i, parentIndent);
        if (c is '"' or '\'')
        {
            (var scalar, i) = Quoted(i, end);
            value = scalar;
        }
        else if (c is '[' or '{')
        {
            value = Flow(ref i, end);
        }
        else
        {
            if (IsIndicator(c) && !(c == '-' && i + 1 < end && _text[i + 1] != ' ')) throw GiveUp();
            var stop = end;
            for (var j = i; j < end; j++)
                if (_text[j] == '#' && _text[j - 1] == ' ')
                {
                    stop = j;
                    break;
                }
            var text = _text.AsSpan(i, stop - i).TrimEnd(' ');
            // "a: b: c" is an error, and "a:" would start a mapping: YamlDotNet's to judge.
            if (text.Contains(": ", StringComparison.Ordinal) || text.EndsWith(':')) throw GiveUp();
            value = new YamlScalar(Text(text), true, _line + 1, i - LineStart(_line) + 1);
            i = stop;
        }
        // Only a comment may follow on the line, and the next line must not continue the value.
        while (i < end && _text[i] == ' ') i++;
        if (i < end && !(_text[i] == '#' && _text[i - 1] == ' ')) throw GiveUp();
        _line++;
        SkipBlankLines();
        if (_line < Lines && Indent(_line) > parentIndent) throw GiveUp();
        return value;
    }

    /// <summary>A quoted scalar that closes on its line; returns the index after the closing quote.</summary>
    (YamlScalar Scalar, int After) Quoted(int i, int end)
    {
        var quote = _text[i];
        var column = i - LineStart(_line) + 1;
        // Most quoted scalars have no escapes: take them as they stand.
        var close = _text.IndexOf(quote, i + 1, end - i - 1);
        if (close > 0 && (quote == '"' ? _text.IndexOf('\\', i + 1, close - i - 1) < 0 : close + 1 >= end || _text[close + 1] != '\''))
            return (new YamlScalar(Text(_text.AsSpan(i + 1, close - i - 1)), false, _line + 1, column), close + 1);

        var sb = _builder.Clear();
        var j = i + 1;
        while (true)
        {
            if (j >= end) throw GiveUp(); // continues on the next line
            var c = _text[j];
            if (c == quote)
            {
                if (quote == '\'' && j + 1 < end && _text[j + 1] == '\'')
                {
                    sb.Append('\'');
                    j += 2;
                    continue;
                }
                break;
            }
            if (c == '\\' && quote == '"')
            {
                if (j + 1 >= end) throw GiveUp();
                sb.Append(_text[j + 1] switch
                {
                    '\\' => '\\',
                    '"' => '"',
                    'n' => '\n',
                    't' => '\t',
                    _ => throw GiveUp(),
                });
                j += 2;
                continue;
            }
            sb.Append(c);
            j++;
        }
        return (new YamlScalar(sb.ToString(), false, _line + 1, column), j + 1);
    }

    /// <summary>A flow sequence or mapping that closes on its line.</summary>
    YamlValue Flow(ref int i, int end)
    {
        if (++_flowDepth > MaxIndent) throw GiveUp();
        var open = _text[i];
        var close = open == '[' ? ']' : '}';
        var line = _line + 1;
        var column = i - LineStart(_line) + 1;
        i++;
        var items = Rent(_itemLists);
        var entries = Rent(_entryLists);
        SkipSpaces(ref i, end);
        var empty = i < end && _text[i] == close;
        if (empty) i++;
        while (!empty)
        {
            if (open == '[')
            {
                items.Add(FlowItem(ref i, end));
            }
            else
            {
                var key = FlowItem(ref i, end);
                if (key is not YamlScalar keyScalar || i >= end || _text[i] != ':') throw GiveUp();
                i++;
                if (i >= end || _text[i] != ' ') throw GiveUp();
                SkipSpaces(ref i, end);
                var value = FlowItem(ref i, end);
                foreach (var e in entries)
                    if (((YamlScalar)e.KeyNode).Value == keyScalar.Value) throw GiveUp();
                entries.Add(new YamlEntry(keyScalar, value));
            }
            SkipSpaces(ref i, end);
            if (i >= end) throw GiveUp();
            if (_text[i] == close)
            {
                i++;
                break;
            }
            if (_text[i] != ',') throw GiveUp();
            i++;
            SkipSpaces(ref i, end);
            if (i >= end || _text[i] == close || _text[i] == ',') throw GiveUp(); // "[a, ]" and "[a,,b]"
        }
        _flowDepth--;
        var sequence = Return(_itemLists, items);
        var mapping = Return(_entryLists, entries);
        return open == '[' ? new YamlSequence(sequence, line, column) : new YamlMapping(mapping, line, column);
    }

    void SkipSpaces(ref int i, int end)
    {
        while (i < end && _text[i] == ' ') i++;
    }

    /// <summary>An item of a flow collection: a quoted or plain scalar, or a nested flow collection.</summary>
    YamlValue FlowItem(ref int i, int end)
    {
        if (i >= end) throw GiveUp();
        var c = _text[i];
        if (c is '[' or '{') return Flow(ref i, end);
        if (c is '"' or '\'')
        {
            (var scalar, i) = Quoted(i, end);
            return scalar;
        }
        if (IsIndicator(c) && !(c == '-' && i + 1 < end && _text[i + 1] is not (' ' or ',' or ']' or '}'))) throw GiveUp();
        var start = i;
        while (i < end && _text[i] is not (',' or '[' or ']' or '{' or '}' or ':' or '#')) i++;
        if (i < end && _text[i] is '[' or '{' or '#') throw GiveUp();
        if (i < end && _text[i] == ':' && (i + 1 >= end || _text[i + 1] != ' ')) throw GiveUp(); // "a:b" in a flow
        var text = _text.AsSpan(start, i - start).TrimEnd(' ');
        return new YamlScalar(Text(text), true, _line + 1, start - LineStart(_line) + 1);
    }

    /// <summary>
    /// A literal (|) or folded (>) block scalar with optional '-' (strip) chomping. Folded text with more-indented
    /// lines, '+' chomping, explicit indentation and leading blank lines are left to YamlDotNet.
    /// </summary>
    YamlScalar BlockScalar(int i, int parentIndent)
    {
        var end = LineEnd(_line);
        var literal = _text[i] == '|';
        var line = _line + 1;
        var column = i - LineStart(_line) + 1;
        var j = i + 1;
        var strip = j < end && _text[j] == '-';
        if (strip) j++;
        SkipSpaces(ref j, end);
        if (j < end && !(_text[j] == '#' && _text[j - 1] == ' ')) throw GiveUp();

        _line++;
        if (_line >= Lines || IsWhitespace(_line)) throw GiveUp();
        var indent = Indent(_line);
        if (indent <= parentIndent) throw GiveUp(); // an empty block scalar

        var sb = _builder.Clear();
        var blankRun = 0;
        var first = true;
        while (_line < Lines)
        {
            if (IsWhitespace(_line))
            {
                if (LineEnd(_line) - LineStart(_line) > indent) throw GiveUp();
                blankRun++;
                _line++;
                continue;
            }
            var lineIndent = Indent(_line);
            if (lineIndent < indent) break;
            if (lineIndent > indent && !literal) throw GiveUp();
            if (!first)
            {
                if (literal) sb.Append('\n', blankRun + 1);
                else if (blankRun > 0) sb.Append('\n', blankRun);
                else sb.Append(' ');
            }
            sb.Append(_text, LineStart(_line) + indent, LineEnd(_line) - LineStart(_line) - indent);
            // The last line needs its line break for YamlDotNet's clipping to match.
            if (_line + 1 >= Lines) throw GiveUp();
            first = false;
            blankRun = 0;
            _line++;
        }
        if (!strip) sb.Append('\n');
        // Like after any value: the lines that follow must be back at the parent's level or above.
        SkipBlankLines();
        if (_line < Lines && Indent(_line) > parentIndent) throw GiveUp();
        return new YamlScalar(sb.ToString(), false, line, column);
    }

    bool IsWhitespace(int line) => Indent(line) == LineEnd(line) - LineStart(line);
}
