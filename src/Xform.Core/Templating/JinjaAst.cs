namespace Xform.Core.Templating;

// Expressions ---------------------------------------------------------------------------------------

internal abstract record Expr(int Pos);
internal sealed record ConstExpr(int Pos, object? Value) : Expr(Pos);
internal sealed record NameExpr(int Pos, string Name) : Expr(Pos);
internal sealed record ListExpr(int Pos, List<Expr> Items, bool IsTuple) : Expr(Pos);
internal sealed record DictExpr(int Pos, List<(Expr Key, Expr Value)> Items) : Expr(Pos);
internal sealed record AttrExpr(int Pos, Expr Target, string Name) : Expr(Pos);
internal sealed record ItemExpr(int Pos, Expr Target, Expr Key) : Expr(Pos);
internal sealed record SliceExpr(int Pos, Expr Target, Expr? Start, Expr? Stop, Expr? Step) : Expr(Pos);
internal sealed record CallExpr(int Pos, Expr Callee, List<Expr> Args, List<(string Name, Expr Value)> Kwargs) : Expr(Pos);
/// <summary><c>value | name(args)</c>. Call arguments named <c>*</c> and <c>**</c> (here and in <see cref="CallExpr"/>) are
/// <c>*args</c> and <c>**kwargs</c>.</summary>
internal sealed record FilterExpr(int Pos, Expr Value, string Name, List<Expr> Args, List<(string Name, Expr Value)> Kwargs) : Expr(Pos)
{
    /// <summary>The name that stands for a block's captured text in the filter chain of a filter block or block set.</summary>
    public const string Captured = "\0captured";
}
internal sealed record TestExpr(int Pos, Expr Value, string Name, List<Expr> Args, bool Negated) : Expr(Pos);
internal sealed record BinaryExpr(int Pos, string Op, Expr Left, Expr Right) : Expr(Pos);
internal sealed record UnaryExpr(int Pos, string Op, Expr Operand) : Expr(Pos);
internal sealed record CompareExpr(int Pos, Expr First, List<(string Op, Expr Right, int OpPos)> Ops) : Expr(Pos);
internal sealed record ConcatExpr(int Pos, List<Expr> Parts) : Expr(Pos);
internal sealed record CondExpr(int Pos, Expr Test, Expr Then, Expr? Else) : Expr(Pos);

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
