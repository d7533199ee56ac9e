using System.Security.Cryptography;
using System.Text;
using Xform.Core.Parsing;

namespace Xform.Core.Tests.Parsing;

public class CacheCodecTests
{
    [Test]
    public void A_key_is_the_sha256_of_each_texts_utf8_and_a_zero_byte_so_keys_saved_before_still_match()
    {
        string?[] texts = ["select 1", null, "", "naïve — ünïcode ✓", new string('x', 200_000) + "é", "last"];
        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(texts.Select(t => (t ?? "\u0001") + "\0")))));
        Assert.That(CacheCodec.KeyOf(texts), Is.EqualTo(expected));
        Assert.That(CacheCodec.KeyOf(["ab", "c"]), Is.Not.EqualTo(CacheCodec.KeyOf(["a", "bc"])), "texts are kept apart");
        Assert.That(CacheCodec.KeyOf([null]), Is.Not.EqualTo(CacheCodec.KeyOf([""])), "null differs from empty");
    }
}
