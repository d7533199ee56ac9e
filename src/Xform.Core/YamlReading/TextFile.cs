using System.Buffers;
using System.Text;

namespace Xform.Core.YamlReading;

/// <summary>
/// Reads a project file as <see cref="File.ReadAllText(string)"/> does, but allocates only the string: a
/// project has thousands of small files, and a stream and its buffers per file cost more than the text.
/// </summary>
public static class TextFile
{
    static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
    static ReadOnlySpan<byte> Utf16BigEndianBom => [0xFE, 0xFF];
    static ReadOnlySpan<byte> Utf16LittleEndianBom => [0xFF, 0xFE];
    static ReadOnlySpan<byte> Utf32BigEndianBom => [0x00, 0x00, 0xFE, 0xFF];

    public static string Read(string path)
    {
        using var handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        // Empty or special files (length unknown) and huge ones: the framework's reader.
        if (length is 0 or > 64 * 1024 * 1024) return File.ReadAllText(path);
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read);
                if (n == 0) break;
                read += n;
            }
            var bytes = buffer.AsSpan(0, read);
            if (bytes.StartsWith(Utf8Bom)) return Encoding.UTF8.GetString(bytes[Utf8Bom.Length..]);
            // A UTF-16 or UTF-32 byte order mark: let the framework pick the encoding.
            if (bytes.StartsWith(Utf16BigEndianBom) || bytes.StartsWith(Utf16LittleEndianBom) || bytes.StartsWith(Utf32BigEndianBom))
                return File.ReadAllText(path);
            return Encoding.UTF8.GetString(bytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
