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
internal sealed record FilterExpr(int Pos, Expr Value, string Name, List<Expr> Args, List<(string Name, Expr Value)> Kwargs) : Expr(Pos);
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
internal sealed record ForStmt(int Pos, List<string> Targets, Expr Iter, List<Stmt> Body, List<Stmt>? Else) : Stmt(Pos);
internal sealed record SetStmt(int Pos, List<string> Targets, Expr Value) : Stmt(Pos);
internal sealed record SetAttrStmt(int Pos, string Target, string Attr, Expr Value) : Stmt(Pos);
internal sealed record SetBlockStmt(int Pos, string Target, List<Stmt> Body) : Stmt(Pos);
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
