using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// dbt's <c>modules.itertools</c> (deprecated by dbt 1.10, still there). Python returns lazy iterators; xform returns
/// the list they would give (tuples as tuples), which loops, <c>| list</c> and <c>| length</c> read the same way.
/// The endless ones (<c>count</c>, <c>cycle</c>, <c>repeat</c> without <c>times</c>) are refused.
/// </summary>
internal static class PyItertools
{

    const int Limit = 10_000_000;

    static void Grow(List<object?> r)
    {
        if (r.Count > Limit) throw new JinjaError($"itertools: more than {Limit} items");
    }

    static List<object?> Items(object? v) => Py.Iterate(v);

    static long R(TemplateCall c, int position, long n, string function)
    {
        var v = c.Get(position, "r");
        if (v is null) return n;
        if (v is bool || !Py.IsInt(v, out var r)) throw c.Error($"{function}(): r must be an integer");
        if (r < 0) throw c.Error("r must be non-negative");
        return r;
    }

    static List<object?> Product(List<List<object?>> pools)
    {
        var result = new List<JTuple> { new() };
        foreach (var pool in pools)
        {
            var next = new List<JTuple>();
            foreach (var prefix in result)
                foreach (var x in pool)
                {
                    next.Add(new JTuple([.. prefix, x]));
                    if (next.Count > Limit) throw new JinjaError($"itertools: more than {Limit} items");
                }
            result = next;
        }
        return [.. result];
    }

    /// <summary>Index tuples in Python's order: combinations (no repeats, increasing), with replacement, or permutations.</summary>
    static List<object?> Choose(List<object?> pool, long r, bool replacement, bool ordered)
    {
        var result = new List<object?>();
        var n = pool.Count;
        var picked = new List<int>();
        void Walk(int from)
        {
            if (picked.Count == r)
            {
                result.Add(new JTuple(picked.Select(i => pool[i])));
                Grow(result);
                return;
            }
            for (var i = ordered ? 0 : from; i < n; i++)
            {
                if (ordered && picked.Contains(i)) continue;
                picked.Add(i);
                Walk(replacement ? i : i + 1);
                picked.RemoveAt(picked.Count - 1);
            }
        }
        if (replacement ? n > 0 || r == 0 : r <= n) Walk(0);
        return result;
    }

    static readonly ITemplateObject Chain = new ChainFunction();

    /// <summary><c>chain(*iterables)</c>, with <c>chain.from_iterable(iterable)</c>.</summary>
    sealed class ChainFunction : ITemplateCallable, ITemplateObject
    {
        public object? Invoke(TemplateCall c)
        {
            PyArgs.Check(c, "chain", int.MaxValue);
            return Flatten(c.Args);
        }

        static List<object?> Flatten(IEnumerable<object?> iterables)
        {
            var r = new List<object?>();
            foreach (var it in iterables) { r.AddRange(Items(it)); Grow(r); }
            return r;
        }

        public bool TryGetMember(string name, out object? value)
        {
            value = name == "from_iterable" ? PyArgs.Function("from_iterable", 1, ["iterable"], c => Flatten(Items(c.Get(0, "iterable")))) : null;
            return value is not null;
        }

        public override string ToString() => "<class 'itertools.chain'>";
    }

    public static readonly ReadOnlyNames Module = new(new Dictionary<string, object?>
    {
        ["count"] = PyArgs.Function("count", 2, ["start", "step"], c => throw c.Error("itertools.count() never ends: use range() in a template")),
        ["cycle"] = PyArgs.Function("cycle", 1, ["iterable"], c => throw c.Error("itertools.cycle() never ends: use loop.cycle() in a template")),
        ["repeat"] = PyArgs.Function("repeat", 2, ["object", "times"], c =>
        {
            if (!c.Has(1, "times")) throw c.Error("itertools.repeat() without times never ends");
            var n = PyArgs.Int(c, 1, "times", "repeat");
            if (n > Limit) throw c.Error($"itertools: more than {Limit} items");
            return Enumerable.Repeat(c.Get(0, "object"), (int)Math.Max(0, n)).ToList();
        }),
        ["accumulate"] = PyArgs.Function("accumulate", 1, ["iterable", "initial"], c =>
        {
            var r = new List<object?>();
            var total = c.Get(PyArgs.KeywordOnly, "initial");
            var started = total is not null;
            if (started) r.Add(total);
            foreach (var x in Items(c.Get(0, "iterable")))
            {
                total = started ? Py.Add(total, x) : x;
                started = true;
                r.Add(total);
            }
            return r;
        }),
        ["chain"] = Chain,
        ["compress"] = PyArgs.Function("compress", 2, ["data", "selectors"], c =>
            Items(c.Get(0, "data")).Zip(Items(c.Get(1, "selectors"))).Where(p => Py.Truthy(p.Second)).Select(p => p.First).ToList()),
        ["islice"] = PyArgs.Function("islice", 4, [], c =>
        {
            var items = Items(c.Get(0, "iterable"));
            long? Arg(int i) => c.Args.Count > i && c.Args[i] is not null ? PyArgs.Int(c, i, "index", "islice") : null;
            var (start, stop, step) = c.Args.Count <= 2 ? (0L, Arg(1), 1L) : (Arg(1) ?? 0, Arg(2), Arg(3) ?? 1);
            if (start < 0 || stop < 0 || step <= 0) throw c.Error("Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
            var r = new List<object?>();
            for (var i = start; i < (stop ?? items.Count) && i < items.Count; i += step) r.Add(items[(int)i]);
            return r;
        }),
        ["starmap"] = PyArgs.Function("starmap", 2, [], c => throw c.Error("itertools.starmap() needs a Python function; call a macro in a loop instead")),
        ["tee"] = PyArgs.Function("tee", 2, ["iterable", "n"], c =>
        {
            var items = Items(c.Get(0, "iterable"));
            var n = PyArgs.Int(c, 1, "n", "tee", 2);
            return new JTuple(Enumerable.Range(0, (int)n).Select(_ => (object?)new List<object?>(items)));
        }),
        ["zip_longest"] = PyArgs.Function("zip_longest", int.MaxValue, ["fillvalue"], c =>
        {
            var lists = c.Args.Select(Items).ToList();
            var fill = c.Get(PyArgs.KeywordOnly, "fillvalue");
            var n = lists.Count == 0 ? 0 : lists.Max(l => l.Count);
            return Enumerable.Range(0, n).Select(i => (object?)new JTuple(lists.Select(l => i < l.Count ? l[i] : fill))).ToList();
        }),
        ["product"] = PyArgs.Function("product", int.MaxValue, ["repeat"], c =>
        {
            var pools = c.Args.Select(Items).ToList();
            var repeat = PyArgs.Int(c, PyArgs.KeywordOnly, "repeat", "product", 1);
            if (repeat < 0) throw c.Error("repeat argument cannot be negative");
            return Product(Enumerable.Range(0, (int)repeat).SelectMany(_ => pools).ToList());
        }),
        ["permutations"] = PyArgs.Function("permutations", 2, ["iterable", "r"], c =>
        {
            var pool = Items(c.Get(0, "iterable"));
            return Choose(pool, R(c, 1, pool.Count, "permutations"), false, true);
        }),
        ["combinations"] = PyArgs.Function("combinations", 2, ["iterable", "r"], c =>
        {
            if (!c.Has(1, "r")) throw c.Error("combinations() missing required argument 'r' (pos 2)");
            var pool = Items(c.Get(0, "iterable"));
            return Choose(pool, R(c, 1, 0, "combinations"), false, false);
        }),
        ["combinations_with_replacement"] = PyArgs.Function("combinations_with_replacement", 2, ["iterable", "r"], c =>
        {
            if (!c.Has(1, "r")) throw c.Error("combinations_with_replacement() missing required argument 'r' (pos 2)");
            var pool = Items(c.Get(0, "iterable"));
            return Choose(pool, R(c, 1, 0, "combinations_with_replacement"), true, false);
        }),
    });
}
