using System.Text;

namespace Xform.Retail.Generator;

/// <summary>
/// Writes UTF-8 (no BOM) bytes into a large buffer and flushes it to a stream. Numbers are formatted
/// straight into the buffer: no strings, no allocation per row.
/// </summary>
internal sealed class CsvOutput(Stream stream, int bufferSize = 1 << 20) : IDisposable
{
    private readonly byte[] buf = new byte[bufferSize];
    private int pos;

    public long BytesWritten { get; private set; }

    /// <summary>RFC 4180: quote a field that holds a comma, quote, CR or LF; double inner quotes.</summary>
    public static byte[] Field(string value)
    {
        bool quote = value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        string s = quote ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
        return Encoding.UTF8.GetBytes(s);
    }

    private void Ensure(int n)
    {
        if (pos + n > buf.Length)
        {
            Flush();
        }
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > buf.Length - pos)
        {
            Flush();
            if (bytes.Length > buf.Length)
            {
                stream.Write(bytes);
                BytesWritten += bytes.Length;
                return;
            }
        }
        bytes.CopyTo(buf.AsSpan(pos));
        pos += bytes.Length;
    }

    public void Byte(byte b)
    {
        Ensure(1);
        buf[pos++] = b;
    }

    public void Long(long v)
    {
        Ensure(21);
        if (v < 0)
        {
            buf[pos++] = (byte)'-';
            v = -v;
        }
        pos += WriteDigits(buf.AsSpan(pos), (ulong)v);
    }

    /// <summary>A price in thousandths, shortest form: 18000 => 18, 2100 => 2.1, 1 => 0.001.</summary>
    public void Milli(long milli)
    {
        Ensure(24);
        if (milli < 0)
        {
            buf[pos++] = (byte)'-';
            milli = -milli;
        }
        long whole = milli / 1000;
        int frac = (int)(milli % 1000);
        pos += WriteDigits(buf.AsSpan(pos), (ulong)whole);
        if (frac != 0)
        {
            buf[pos++] = (byte)'.';
            buf[pos++] = (byte)('0' + frac / 100);
            if (frac % 100 != 0)
            {
                buf[pos++] = (byte)('0' + frac / 10 % 10);
                if (frac % 10 != 0)
                {
                    buf[pos++] = (byte)('0' + frac % 10);
                }
            }
        }
    }

    public static int WriteDigits(Span<byte> dest, ulong v)
    {
        Span<byte> tmp = stackalloc byte[20];
        int n = 0;
        do
        {
            tmp[n++] = (byte)('0' + (int)(v % 10));
            v /= 10;
        }
        while (v != 0);
        for (int i = 0; i < n; i++)
        {
            dest[i] = tmp[n - 1 - i];
        }
        return n;
    }

    public void Flush()
    {
        if (pos > 0)
        {
            stream.Write(buf, 0, pos);
            BytesWritten += pos;
            pos = 0;
        }
    }

    public void Dispose() => Flush();
}
