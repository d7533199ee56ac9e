using System.Buffers;
using System.Text.Json;

namespace Xform.Core.Parsing;

/// <summary>
/// A JSON writer into this thread's buffer, both reused call after call, for the small documents written only to be hashed
/// (a test's id, a test's checksum): a new pair for each of 100,000 tests was a large share of the parse's and of
/// manifest.json's allocations.
/// </summary>
internal static class HashedJson
{
    [ThreadStatic] static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] static Utf8JsonWriter? _writer;

    /// <summary>The thread's writer, emptied. Read what it wrote with <see cref="Written"/> before the thread's next call.</summary>
    public static Utf8JsonWriter Start()
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var w = _writer ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        return w;
    }

    /// <summary>The bytes written since <see cref="Start"/>: they lie in the thread's buffer until its next call.</summary>
    public static ReadOnlySpan<byte> Written(Utf8JsonWriter w)
    {
        w.Flush();
        return _buffer!.WrittenSpan;
    }
}
