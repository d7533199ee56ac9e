using Xform.Core.Artifacts;

namespace Xform.Core.Tests.Artifacts;

public class FileRangesTests : TempFolderTest
{
    static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Test]
    public void Ranges_are_copied_between_the_given_offsets_whatever_their_size()
    {
        // larger than the buffer the copy falls back to (1 MB), with ranges that start and end inside it
        var source = Bytes(3_000_123, 1);
        File.WriteAllBytes(Path.Combine(Dir, "from"), source);
        using (var from = new FileStream(Path.Combine(Dir, "from"), FileMode.Open, FileAccess.Read))
        using (var to = new FileStream(Path.Combine(Dir, "to"), FileMode.CreateNew, FileAccess.ReadWrite))
        {
            FileRanges.Copy(from, 17, to, 0, 2_000_000);
            RandomAccess.Write(to.SafeFileHandle, "middle"u8, 2_000_000);
            FileRanges.Copy(from, 2_500_000, to, 2_000_006, 500_123);
            FileRanges.Copy(from, 0, to, 2_500_129, 0); // nothing
        }
        var copied = File.ReadAllBytes(Path.Combine(Dir, "to"));
        var expected = source.AsSpan(17, 2_000_000).ToArray().Concat("middle"u8.ToArray()).Concat(source.AsSpan(2_500_000, 500_123).ToArray()).ToArray();
        Assert.That(copied, Is.EqualTo(expected));
    }

    [Test]
    public void A_copy_past_the_end_of_the_source_is_an_error_not_a_short_file()
    {
        File.WriteAllBytes(Path.Combine(Dir, "from"), Bytes(1000, 2));
        using var from = new FileStream(Path.Combine(Dir, "from"), FileMode.Open, FileAccess.Read);
        using var to = new FileStream(Path.Combine(Dir, "to"), FileMode.CreateNew, FileAccess.ReadWrite);
        Assert.Throws<EndOfStreamException>(() => FileRanges.Copy(from, 900, to, 0, 200));
    }

    [Test]
    public void A_new_file_takes_the_old_ones_place_and_the_old_is_removed()
    {
        var (path, temp) = (Path.Combine(Dir, "manifest.json"), Path.Combine(Dir, "manifest.json.tmp"));
        File.WriteAllText(path, "old");
        File.WriteAllText(temp, "new");
        using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete))
        {
            FileRanges.Replace(temp, path).Wait();
            // a reader of the old file still reads it whole
            using var text = new StreamReader(reader);
            Assert.That(text.ReadToEnd(), Is.EqualTo("old"));
        }
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        Assert.That(File.Exists(temp), Is.False);
        // no file there yet: moved into place
        File.WriteAllText(temp, "first");
        var fresh = Path.Combine(Dir, "fresh.json");
        FileRanges.Replace(temp, fresh).Wait();
        Assert.That(File.ReadAllText(fresh), Is.EqualTo("first"));
        Assert.That(File.Exists(temp), Is.False);
    }
}
