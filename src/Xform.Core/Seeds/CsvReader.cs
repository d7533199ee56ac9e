using System.Buffers;
using System.Text;
using Xform.Core.Diagnostics;

namespace Xform.Core.Seeds;

/// <summary>
/// A streaming RFC 4180 reader over UTF-8 bytes: one record at a time, fields as spans into its buffer
/// (no allocation per field). Quoted fields may hold the delimiter, doubled quotes and line breaks.
/// Lines end with <c>\n</c> or <c>\r\n</c>; a UTF-8 byte order mark is skipped; blank lines are skipped
/// unless <see cref="SkipBlankLines"/> is off (DuckDB skips them in files of several columns, and reads
/// them as NULL in a one-column file, where a blank line is an empty field). Every field knows the physical line and character column where it starts,
/// so errors point at the file. Spans are valid until the next <see cref="Read"/>.
/// </summary>
public sealed class CsvReader : IDisposable
{
    readonly Stream _stream;
    readonly string _file;
    readonly byte _delimiter;
    readonly SearchValues<byte> _unquotedStops;
    byte[] _buffer;
    int _length;      // valid bytes in _buffer
    int _position;    // start of the next record
    bool _eof;
    bool _started;
    int _line = 1;          // physical line at _position
    int _lineStart;         // buffer offset where that line starts
    Field[] _fields = new Field[16];
    int _count;
    int _recordEnd;

    const byte Quote = (byte)'"';

    struct Field
    {
        public int Start;      // content start (after an opening quote)
        public int End;        // content end (before a closing quote)
        public int RawStart;   // where the field starts, quote included
        public int Line;
        public int LineStart;
        public bool Quoted;
        public bool Escaped;   // holds doubled quotes
    }

    public CsvReader(Stream stream, string displayFile, byte delimiter = (byte)',', int bufferSize = 1 << 20)
    {
        if (delimiter is Quote or (byte)'\n' or (byte)'\r')
            throw new XformException($"the delimiter cannot be {(char)delimiter switch { '"' => "a double quote", _ => "a line break" }}",
                new SourceLocation(displayFile, 0, 0));
        _stream = stream;
        _file = displayFile;
        _delimiter = delimiter;
        _buffer = new byte[Math.Max(bufferSize, 16)];
        _unquotedStops = SearchValues.Create([delimiter, (byte)'\n', (byte)'\r', Quote]);
    }

    /// <summary>Opens a file for reading; <paramref name="displayFile"/> is the path used in messages.</summary>
    public static CsvReader Open(string fullPath, string displayFile, byte delimiter = (byte)',') =>
        new(new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan), displayFile, delimiter);

    public string File => _file;
    public int FieldCount => _count;
    /// <summary>Physical line (1-based) where the current record starts.</summary>
    public int Line { get; private set; }
    /// <summary>Skip empty lines (the default), or read each as a record of one empty field.</summary>
    public bool SkipBlankLines { get; set; } = true;
    /// <summary>Whether the file started with a UTF-8 byte order mark.</summary>
    public bool HadByteOrderMark { get; private set; }

    /// <summary>The field's content: without its surrounding quotes, doubled quotes not yet undone.</summary>
    public ReadOnlySpan<byte> Raw(int i) => _buffer.AsSpan(_fields[i].Start, _fields[i].End - _fields[i].Start);

    public bool IsQuoted(int i) => _fields[i].Quoted;

    /// <summary>True when the quoted field holds doubled quotes, so <see cref="Raw"/> is not its value.</summary>
    public bool HasEscapedQuotes(int i) => _fields[i].Escaped;

    /// <summary>An empty field, quoted or not: loaded as NULL.</summary>
    public bool IsEmpty(int i) => _fields[i].End == _fields[i].Start;

    /// <summary>The field's value as a string (doubled quotes undone).</summary>
    public string GetString(int i)
    {
        var s = Encoding.UTF8.GetString(Raw(i));
        return _fields[i].Escaped ? s.Replace("\"\"", "\"", StringComparison.Ordinal) : s;
    }

    /// <summary>Where field <paramref name="i"/> starts: physical line and 1-based character column.</summary>
    public SourceLocation LocationOf(int i) => new(_file, _fields[i].Line, Column(_fields[i].LineStart, _fields[i].RawStart));

    /// <summary>Where byte <paramref name="offset"/> of <see cref="Raw"/>(<paramref name="i"/>) is: a quoted field may span lines.</summary>
    public SourceLocation LocationWithin(int i, int offset)
    {
        var f = _fields[i];
        var before = _buffer.AsSpan(f.Start, offset);
        var nl = before.LastIndexOf((byte)'\n');
        return nl < 0
            ? new SourceLocation(_file, f.Line, Column(f.LineStart, f.Start + offset))
            : new SourceLocation(_file, f.Line + before.Count((byte)'\n'), Column(f.Start + nl + 1, f.Start + offset));
    }

    /// <summary>Just past the end of the current record (where a missing field would start).</summary>
    public SourceLocation EndLocation
    {
        get
        {
            var last = _fields[_count - 1];
            var lineStart = last.LineStart;
            // a quoted last field may span lines: find the start of the line the record ends on
            var nl = _buffer.AsSpan(lineStart, _recordEnd - lineStart).LastIndexOf((byte)'\n');
            var line = last.Line;
            if (nl >= 0)
            {
                line += _buffer.AsSpan(lineStart, nl + 1).Count((byte)'\n');
                lineStart += nl + 1;
            }
            return new SourceLocation(_file, line, Column(lineStart, _recordEnd));
        }
    }

    int Column(int lineStart, int offset)
    {
        // characters, not bytes: count the bytes that start a UTF-8 sequence
        var column = 1;
        foreach (var b in _buffer.AsSpan(lineStart, offset - lineStart))
            if ((b & 0xC0) != 0x80) column++;
        return column;
    }

    /// <summary>Reads the next record; false at the end of the file.</summary>
    public bool Read()
    {
        if (!_started)
        {
            _started = true;
            Fill();
            if (_length >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
            {
                HadByteOrderMark = true;
                _position = _lineStart = 3;
            }
        }
        while (true)
        {
            // blank lines are skipped
            while (SkipBlankLines)
            {
                if (_position < _length && _buffer[_position] == (byte)'\n') { _position++; _line++; _lineStart = _position; continue; }
                if (_position + 1 < _length && _buffer[_position] == (byte)'\r' && _buffer[_position + 1] == (byte)'\n') { _position += 2; _line++; _lineStart = _position; continue; }
                if (_position + 1 >= _length && !_eof) { if (Compact()) continue; }
                break;
            }
            if (_position >= _length && _eof) return false;
            var result = TryParseRecord();
            if (result) return true;
            if (!Compact()) throw new InvalidOperationException("unreachable: no progress in CSV reader");
        }
    }

    /// <summary>Parses one record starting at _position; false if it runs past the buffered bytes (and more can be read).</summary>
    bool TryParseRecord()
    {
        var buffer = _buffer;
        var pos = _position;
        var line = _line;
        var lineStart = _lineStart;
        var count = 0;
        while (true)
        {
            if (count == _fields.Length) Array.Resize(ref _fields, count * 2);
            ref var f = ref _fields[count++];
            f.RawStart = pos;
            f.Line = line;
            f.LineStart = lineStart;
            f.Escaped = false;
            if (pos < _length && buffer[pos] == Quote)
            {
                f.Quoted = true;
                f.Start = pos + 1;
                var i = pos + 1;
                while (true)
                {
                    var rest = buffer.AsSpan(i, _length - i);
                    var q = rest.IndexOf(Quote);
                    if (q < 0)
                    {
                        if (!_eof) return false;
                        throw new XformException("this quoted field is never closed: a '\"' is missing (a quote inside a quoted field is written '\"\"')",
                            new SourceLocation(_file, f.Line, Column(f.LineStart, f.RawStart)));
                    }
                    var nlCount = rest[..q].Count((byte)'\n');
                    if (nlCount > 0)
                    {
                        line += nlCount;
                        lineStart = i + rest[..q].LastIndexOf((byte)'\n') + 1;
                    }
                    i += q + 1;
                    if (i >= _length && !_eof) return false;
                    if (i < _length && buffer[i] == Quote) { f.Escaped = true; i++; continue; }
                    break;
                }
                f.End = i - 1;
                pos = i;
                if (pos < _length && buffer[pos] != _delimiter && buffer[pos] != (byte)'\n' && buffer[pos] != (byte)'\r')
                    throw new XformException(
                        $"unexpected {Describe(buffer[pos])} after the closing quote of a field; expected '{(char)_delimiter}' or the end of the line",
                        new SourceLocation(_file, line, Column(lineStart, pos)));
            }
            else
            {
                f.Quoted = false;
                f.Start = pos;
                var stop = buffer.AsSpan(pos, _length - pos).IndexOfAny(_unquotedStops);
                if (stop < 0)
                {
                    if (!_eof) return false;
                    pos = _length;
                }
                else
                {
                    pos += stop;
                }
                f.End = pos;
                if (pos < _length && buffer[pos] == Quote)
                    throw new XformException(
                        "unexpected '\"' inside an unquoted field; quote the whole field and double the quotes inside it",
                        new SourceLocation(_file, line, Column(lineStart, pos)));
            }
            // pos is at a delimiter, a line break or the end of the data
            if (pos >= _length)
            {
                if (!_eof) return false;
                Finish(count, pos, pos, line, pos);
                return true;
            }
            var b = buffer[pos];
            if (b == _delimiter) { pos++; continue; }
            if (b == (byte)'\n') { Finish(count, pos, pos + 1, line + 1, pos + 1); return true; }
            // '\r'
            if (pos + 1 >= _length && !_eof) return false;
            if (pos + 1 < _length && buffer[pos + 1] == (byte)'\n') { Finish(count, pos, pos + 2, line + 1, pos + 2); return true; }
            throw new XformException("a carriage return that is not followed by a line feed; lines must end with \\n or \\r\\n",
                new SourceLocation(_file, line, Column(lineStart, pos)));
        }
    }

    void Finish(int count, int recordEnd, int next, int nextLine, int nextLineStart)
    {
        _count = count;
        _recordEnd = recordEnd;
        Line = _fields[0].Line;
        _position = next;
        _line = nextLine;
        _lineStart = nextLineStart;
    }

    static string Describe(byte b) => b is >= 0x20 and < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";

    /// <summary>Moves the unread bytes to the front (growing the buffer if one record fills it) and reads more.</summary>
    bool Compact()
    {
        if (_eof) return false;
        // keep the start of the current line so columns can still be computed
        var keep = Math.Min(_position, _lineStart);
        if (keep == 0 && _length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        else if (keep > 0)
        {
            Buffer.BlockCopy(_buffer, keep, _buffer, 0, _length - keep);
            _length -= keep;
            _position -= keep;
            _lineStart -= keep;
        }
        Fill();
        return true;
    }

    void Fill()
    {
        while (_length < _buffer.Length)
        {
            var n = _stream.Read(_buffer, _length, _buffer.Length - _length);
            if (n == 0) { _eof = true; return; }
            _length += n;
        }
    }

    public void Dispose() => _stream.Dispose();
}
