using System.Text;
using Xform.Core.Diagnostics;
using Xform.Core.Seeds;

namespace Xform.Adapters.DuckDb.Tests.Seeds;

/// <summary>The engine-neutral reader on its own, including records cut at every possible buffer boundary.</summary>
public class CsvReaderTests
{
    const string Tricky =
        "\uFEFFid,text,\"q\"\"h\"\r\n" +
        "1,\"a,b\",\"x\"\"y\"\r\n" +
        "2,\"multi\r\nline\n\",\"\"\r\n" +
        "\r\n" +
        "3,日本語,\"\"\"\"\"\"\n" +
        "4,,last";

    static List<string> ReadAll(string csv, int bufferSize)
    {
        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "t.csv", (byte)',', bufferSize);
        var records = new List<string>();
        while (reader.Read())
            records.Add($"{reader.Line}:" + string.Join("|", Enumerable.Range(0, reader.FieldCount)
                .Select(i => (reader.IsQuoted(i) ? "q" : "") + reader.GetString(i) + "@" + reader.LocationOf(i).Column)));
        return records;
    }

    [Test]
    public void Reads_quotes_escapes_line_breaks_bom_and_a_missing_final_newline()
    {
        Assert.That(ReadAll(Tricky, 1 << 20), Is.EqualTo(new[]
        {
            "1:id@1|text@4|qq\"h@9",
            "2:1@1|qa,b@3|qx\"y@9",
            "3:2@1|qmulti\r\nline\n@3|q@3", // the last field starts on line 5, column 3
            "7:3@1|日本語@3|q\"\"@7",
            "8:4@1|@3|last@4",
        }));
    }

    [Test]
    public void Every_buffer_size_gives_the_same_records()
    {
        var expected = ReadAll(Tricky, 1 << 20);
        for (var size = 16; size <= 64; size++)
            Assert.That(ReadAll(Tricky, size), Is.EqualTo(expected), $"buffer of {size} bytes");
    }

    [Test]
    public void Error_positions_survive_small_buffers()
    {
        var csv = "a,b\n" + string.Concat(Enumerable.Repeat("1,\"x\ny\"\n", 20)) + "2,\"oops\"!\n";
        foreach (var size in new[] { 16, 17, 33, 1 << 20 })
        {
            var e = Assert.Throws<XformException>(() => ReadAll(csv, size))!;
            Assert.That(e.Format(), Is.EqualTo(
                "t.csv:42:9: error: unexpected '!' after the closing quote of a field; expected ',' or the end of the line"), $"buffer {size}");
        }
    }
}
