using System.Text;
using Xform.Core.YamlReading;

namespace Xform.Core.Tests.YamlReading;

public class TextFileTests
{
    static IEnumerable<byte[]> Contents()
    {
        yield return [];
        yield return "select 1\n"u8.ToArray();
        yield return [0xEF, 0xBB, 0xBF, .. "select 'é'\r\n"u8.ToArray()];
        yield return [0xEF, 0xBB, 0xBF];
        yield return [.. "bad \xC3"u8.ToArray(), 0xC3, 0x28, 0xFF, (byte)'x', 0xE2, 0x82];
        yield return [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("utf-16 ü")];
        yield return [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes("utf-16be ü")];
        yield return [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes("utf-32 ü")];
        yield return Encoding.UTF8.GetBytes(new string('x', 300_000) + "ü€𝄞");
    }

    [Test]
    public void Reads_every_file_as_File_ReadAllText_does()
    {
        var path = Path.Combine(Path.GetTempPath(), $"xform-textfile-{Guid.NewGuid():N}.sql");
        try
        {
            foreach (var bytes in Contents())
            {
                File.WriteAllBytes(path, bytes);
                Assert.That(TextFile.Read(path), Is.EqualTo(File.ReadAllText(path)), Convert.ToHexString(bytes.Take(16).ToArray()));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
