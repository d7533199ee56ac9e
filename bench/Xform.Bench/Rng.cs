namespace Xform.Bench;

/// <summary>SplitMix64: a tiny PRNG whose sequence for a seed never changes across .NET versions.</summary>
sealed class Rng(ulong seed)
{
    ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n).</summary>
    public int Below(int n) => (int)(Next() % (ulong)n);
}
