namespace Xform.Core.Templating;

/// <summary>
/// What one template may cost. Each limit is far above what a real dbt project uses and turns a runaway
/// template (a typo'd loop bound, a string multiplied by a billion, an expression nested thousands deep) into
/// a located error instead of a crash, an out-of-memory or a hang.
/// </summary>
public sealed record TemplateLimits
{
    public static TemplateLimits Default { get; } = new();

    /// <summary>
    /// How deep expressions and blocks may nest in one template or macro: parentheses, brackets, calls, filters,
    /// attribute chains, operators, and if/for/set blocks all count a level. Parsing, translating and running a
    /// template recurse once per level, so this keeps each of them far inside a thread's stack (each level costs
    /// up to ~4 KB of stack before the JIT optimizes, and a thread may have only 1 MB). Hand-written templates
    /// stay under 30; a flat chain of arithmetic (<c>1 + 2 - 3 ...</c>) or of <c>~</c> is one level however long it is.
    /// A constant, not a setting: it protects the process, not a policy.
    /// </summary>
    public const int MaxNesting = 200;

    /// <summary>Macro calls in progress at once: a recursive macro that never stops is told so. A constant for the
    /// same reason as <see cref="MaxNesting"/>.</summary>
    public const int MaxMacroDepth = 200;

    /// <summary>Characters one template or macro may render (a node's SQL): 100 million, a 100 MB query.</summary>
    public long MaxOutputLength { get; init; } = 100_000_000;

    /// <summary>Characters in one string value. As large as the output, because <c>{% set sql %}...{% endset %}</c>
    /// captures output in a string.</summary>
    public long MaxStringLength { get; init; } = 100_000_000;

    /// <summary>Items in one list: 10 million (about 80 MB of references before the values themselves).</summary>
    public long MaxListLength { get; init; } = 10_000_000;

    /// <summary>
    /// For-loop iterations in one render, all loops and the macros it calls together: 5 million, a few seconds of
    /// work. range() alone stops at 100,000 items, as in dbt's sandbox, but nested loops multiply; loops over a
    /// project's columns, relations or query rows stay far below this.
    /// </summary>
    public long MaxLoopIterations { get; init; } = 5_000_000;

    /// <summary>
    /// Time one render may take, not counting the time spent in host calls such as <c>run_query</c> (a
    /// warehouse query may legitimately take minutes). Checked at every loop iteration and macro call.
    /// </summary>
    public TimeSpan MaxRenderTime { get; init; } = TimeSpan.FromSeconds(60);
}
