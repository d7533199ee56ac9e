namespace Xform.Retail.Generator;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Our own so that the stream of numbers for a seed never
/// depends on the runtime version, the process or the platform (System.Random's algorithm is an
/// implementation detail). Only integer arithmetic and exact double conversions are used.
/// </summary>
internal sealed class Rng
{
    private ulong s0, s1, s2, s3;

    public Rng(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n) (n &gt; 0); multiply-shift, bias below 2^-32.</summary>
    public int Next(int n) => (int)(((NextULong() >> 32) * (ulong)n) >> 32);

    /// <summary>Uniform in [lo, hi] inclusive.</summary>
    public int Between(int lo, int hi) => lo + Next(hi - lo + 1);

    public bool Chance(double p) => NextDouble() < p;
}

/// <summary>A discrete distribution over 0..n-1 from non-negative weights (cumulative + binary search).</summary>
internal sealed class Discrete
{
    private readonly double[] cum;

    public Discrete(IReadOnlyList<double> weights)
    {
        cum = new double[weights.Count];
        double t = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            t += weights[i];
            cum[i] = t;
        }
        if (!(t > 0))
        {
            throw new ArgumentException("weights must have a positive sum", nameof(weights));
        }
    }

    public int Count => cum.Length;

    public int Sample(Rng rng)
    {
        double x = rng.NextDouble() * cum[^1];
        int lo = 0, hi = cum.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (cum[mid] > x)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
