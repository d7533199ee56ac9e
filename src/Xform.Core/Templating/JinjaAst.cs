namespace Xform.Core.Templating;

// Expressions ---------------------------------------------------------------------------------------

/// <summary>An expression node. <see cref="Depth"/> is computed as the node is built, so the parser can refuse a tree
/// deeper than <see cref="TemplateLimits.MaxNesting"/> before anything walks it recursively.</summary>
internal abstract record Expr(int Pos)
{
    /// <summary>Levels from this node down to its deepest leaf (a name or a constant: 1), as translated and run.</summary>
    public abstract int Depth { get; }

    protected static int Deepest(params Expr?[] items)
    {
        var max = 0;
        foreach (var e in items) if (e != null && e.Depth > max) max = e.Depth;
        return max;
    }

    protected static int Deepest(List<Expr> items)
    {
        var max = 0;
        foreach (var e in items) if (e.Depth > max) max = e.Depth;
        return max;
    }

    protected static int Deepest(List<(string Name, Expr Value)> items)
    {
        var max = 0;
        foreach (var (_, e) in items) if (e.Depth > max) max = e.Depth;
        return max;
    }
}
internal sealed record ConstExpr(int Pos, object? Value) : Expr(Pos)
{
    public override int Depth => 1;
}
internal sealed record NameExpr(int Pos, string Name) : Expr(Pos)
{
    public override int Depth => 1;
}
internal sealed record ListExpr(int Pos, List<Expr> Items, bool IsTuple) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Deepest(Items);
}
internal sealed record DictExpr(int Pos, List<(Expr Key, Expr Value)> Items) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Items.Select(kv => Deepest(kv.Key, kv.Value)).DefaultIfEmpty(0).Max();
}
internal sealed record AttrExpr(int Pos, Expr Target, string Name) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Target.Depth;
}
internal sealed record ItemExpr(int Pos, Expr Target, Expr Key) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Deepest(Target, Key);
}
internal sealed record SliceExpr(int Pos, Expr Target, Expr? Start, Expr? Stop, Expr? Step) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Deepest(Target, Start, Stop, Step);
}
internal sealed record CallExpr(int Pos, Expr Callee, List<Expr> Args, List<(string Name, Expr Value)> Kwargs) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Math.Max(Callee.Depth, Math.Max(Deepest(Args), Deepest(Kwargs)));
}
/// <summary><c>value | name(args)</c>. Call arguments named <c>*</c> and <c>**</c> (here and in <see cref="CallExpr"/>) are
/// <c>*args</c> and <c>**kwargs</c>.</summary>
internal sealed record FilterExpr(int Pos, Expr Value, string Name, List<Expr> Args, List<(string Name, Expr Value)> Kwargs) : Expr(Pos)
{
    /// <summary>The name that stands for a block's captured text in the filter chain of a filter block or block set.</summary>
    public const string Captured = "\0captured";

    public override int Depth { get; } = 1 + Math.Max(Value.Depth, Math.Max(Deepest(Args), Deepest(Kwargs)));
}
internal sealed record TestExpr(int Pos, Expr Value, string Name, List<Expr> Args, bool Negated) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Math.Max(Value.Depth, Deepest(Args));
}
/// <summary><c>and</c> / <c>or</c>; they short-circuit, so each is a level of its own.</summary>
internal sealed record BinaryExpr(int Pos, string Op, Expr Left, Expr Right) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Deepest(Left, Right);
}
/// <summary>
/// Arithmetic operators of one precedence level, left to right: <c>a + b - c</c> is <c>First</c> then (<c>+</c>, b),
/// (<c>-</c>, c). One level however long, so a generated 20,000-term sum is not a tree 20,000 deep.
/// </summary>
internal sealed record ArithExpr(int Pos, Expr First, List<(string Op, Expr Right, int OpPos)> Ops) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Math.Max(First.Depth, Ops.Select(o => o.Right.Depth).DefaultIfEmpty(0).Max());
}
internal sealed record UnaryExpr(int Pos, string Op, Expr Operand) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Operand.Depth;
}
/// <summary>A comparison chain <c>a < b <= c</c>: translated as nested and-s, so each operator is a level.</summary>
internal sealed record CompareExpr(int Pos, Expr First, List<(string Op, Expr Right, int OpPos)> Ops) : Expr(Pos)
{
    public override int Depth { get; } = Ops.Count + Math.Max(First.Depth, Ops.Select(o => o.Right.Depth).DefaultIfEmpty(0).Max());
}
internal sealed record ConcatExpr(int Pos, List<Expr> Parts) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Deepest(Parts);
}
internal sealed record CondExpr(int Pos, Expr Test, Expr Then, Expr? Else) : Expr(Pos)
{
    public override int Depth { get; } = 1 + Deepest(Test, Then, Else);
}

// Statements ----------------------------------------------------------------------------------------

internal abstract record Stmt(int Pos);
internal sealed record TextStmt(int Pos, string Text) : Stmt(Pos);
internal sealed record OutputStmt(int Pos, Expr Value) : Stmt(Pos);
internal sealed record IfStmt(int Pos, List<(Expr Cond, List<Stmt> Body)> Branches, List<Stmt>? Else) : Stmt(Pos);
/// <summary>A for loop; <c>Filter</c> is the condition of <c>{% for x in xs if cond %}</c>.</summary>
internal sealed record ForStmt(int Pos, List<string> Targets, Expr Iter, List<Stmt> Body, List<Stmt>? Else, Expr? Filter = null) : Stmt(Pos);
internal sealed record SetStmt(int Pos, List<string> Targets, Expr Value) : Stmt(Pos);
internal sealed record SetAttrStmt(int Pos, string Target, string Attr, Expr Value) : Stmt(Pos);
/// <summary>A block set, <c>{% set x %}...{% endset %}</c> or <c>{% set ns.attr | filter %}...</c>: <c>Filter</c> is the
/// filter chain applied to the captured text (written over a <see cref="FilterExpr.Captured"/> name), <c>Attr</c> the namespace attribute.</summary>
internal sealed record SetBlockStmt(int Pos, string Target, List<Stmt> Body, Expr? Filter = null, string? Attr = null) : Stmt(Pos);
/// <summary><c>{% filter f | g %}...{% endfilter %}</c>: the body's text through the filter chain (over a <see cref="FilterExpr.Captured"/> name).</summary>
internal sealed record FilterBlockStmt(int Pos, Expr Filter, List<Stmt> Body) : Stmt(Pos);
/// <summary><c>{% with a = 1, b = x %}...{% endwith %}</c>: names visible in the body only.</summary>
internal sealed record WithStmt(int Pos, List<(string Name, Expr Value)> Targets, List<Stmt> Body) : Stmt(Pos);
internal sealed record MacroParam(string Name, Expr? Default);
/// <summary>A macro or test definition; <c>TextStart..TextEnd</c> spans it from its '{%' to the '%}' of its end tag.</summary>
internal sealed record MacroStmt(int Pos, string Name, List<MacroParam> Params, List<Stmt> Body, bool IsTest, int EndPos, int TextStart, int TextEnd) : Stmt(Pos);
internal sealed record CallBlockStmt(int Pos, CallExpr Call, List<MacroParam> CallerParams, List<Stmt> Body) : Stmt(Pos);
internal sealed record DoStmt(int Pos, Expr Value) : Stmt(Pos);
internal sealed record ReturnStmt(int Pos, Expr Value) : Stmt(Pos);
internal sealed record LoopControlStmt(int Pos, bool IsBreak) : Stmt(Pos);
internal sealed record DocsStmt(int Pos, string Name, int BodyStart, int BodyEnd) : Stmt(Pos);
/// <summary>A <c>{% snapshot name %}...{% endsnapshot %}</c> block; its body is the snapshot's select.</summary>
internal sealed record SnapshotStmt(int Pos, string Name, int BodyStart, int BodyEnd) : Stmt(Pos);
