using Scriban.Parsing;
using Scriban.Syntax;
using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>
/// Translates the Jinja AST into Scriban's syntax tree, one Scriban statement a Jinja construct. The tree is
/// built directly rather than printed as Scriban script and parsed again: parsing the script was about half
/// the cost of loading a big project. Every value operation goes through a <c>j_*</c> helper that carries the
/// id of its Jinja position, so runtime errors point at the original file; every node's span carries the
/// index of its statement in the per-statement location table, for errors Scriban raises itself.
/// Jinja names become mangled Scriban variables (<c>l_name_N</c>), so reserved words such as <c>this</c>
/// never reach Scriban; names not assigned in the template are looked up in the host globals.
/// </summary>
internal sealed partial class ScribanEmitter
{
    private readonly SourceText _src;
    private int _counter;

    private readonly bool _printable;

    /// <param name="printable">adds the parentheses Scriban's printer needs to show calls as script (for
    /// <see cref="CompiledTemplate.GeneratedScript"/>; running does not need them)</param>
    public ScribanEmitter(SourceText src, bool printable = false)
    {
        _src = src;
        _printable = printable;
    }

    private sealed class Scope
    {
        public Scope(Scope? parent, UnitBuilder unit)
        {
            Parent = parent;
            Unit = unit;
        }

        public Scope? Parent { get; }
        public UnitBuilder Unit { get; }
        public Dictionary<string, string> Vars { get; } = new(StringComparer.Ordinal);

        public string? Resolve(string name)
        {
            for (var s = this; s != null; s = s.Parent)
                if (s.Vars.TryGetValue(name, out var v)) return v;
            return null;
        }
    }

    private sealed class UnitBuilder
    {
        public ScriptBlockStatement Block = new();
        public SourceSpan Span;
        public readonly List<SourceLocation> Locs = new();
        public readonly List<SourceLocation> LineLocs = new();
        public readonly List<string> UndefinedVars = new();
        public readonly List<string> NullVars = new();
        public readonly List<Unit> Children = new();
        public bool InMacro;
        public bool Printable;
    }

    public Unit CompileTemplate(List<Stmt> body) =>
        CompileUnit("template", UnitKind.Template, new List<MacroParam>(), body, null, 0, false);

    public Unit CompileMacro(MacroStmt m) =>
        CompileUnit(m.Name, UnitKind.Macro, m.Params, m.Body, null, m.Pos, m.IsTest);

    private string NewVar(string name)
    {
        var n = ++_counter;
        var ascii = name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return ascii ? $"l_{name}_{n}" : $"l{n}";
    }

    private string Tmp(UnitBuilder u)
    {
        var v = $"t_{++_counter}";
        u.NullVars.Add(v);
        return v;
    }

    private Unit CompileUnit(string name, UnitKind kind, List<MacroParam> ps, List<Stmt> body, Scope? enclosing, int pos, bool isTest)
    {
        var u = new UnitBuilder { InMacro = kind != UnitKind.Template, Printable = _printable };
        var scope = new Scope(enclosing, u);
        var paramVars = new List<string>();
        foreach (var p in ps)
        {
            var v = NewVar(p.Name);
            scope.Vars[p.Name] = v;
            paramVars.Add(v);
            u.UndefinedVars.Add(v);
        }
        string? callerVar = null, varargsVar = null, kwargsVar = null;
        if (kind != UnitKind.Template)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            CollectNames(body, used);
            foreach (var p in ps) if (p.Default != null) CollectNames(p.Default, used);
            string? Special(string n)
            {
                if (!used.Contains(n) || scope.Vars.ContainsKey(n)) return null;
                var v = NewVar(n);
                scope.Vars[n] = v;
                u.UndefinedVars.Add(v);
                return v;
            }
            callerVar = Special("caller");
            varargsVar = Special("varargs");
            kwargsVar = Special("kwargs");
        }
        Declare(scope, body, u.UndefinedVars);

        // defaults are evaluated in the macro's own scope, when the argument was not given
        for (var i = 0; i < ps.Count; i++)
        {
            if (ps[i].Default is not { } d) continue;
            Line(u, d.Pos);
            var ifUnset = new ScriptIfStatement { Condition = Fn(u, "j_isunset", Var(u, paramVars[i])), Then = new ScriptBlockStatement() };
            Add(u, ifUnset);
            var outer = Enter(u, ifUnset.Then);
            Line(u, d.Pos);
            Add(u, Assign(u, paramVars[i], E(d, scope)));
            u.Block = outer;
        }
        EmitBody(body, scope);

        return new Unit
        {
            Name = name,
            Kind = kind,
            Location = _src.Location(pos),
            Page = new ScriptPage { Body = u.Block },
            Locs = u.Locs.ToArray(),
            LineLocs = u.LineLocs.ToArray(),
            UndefinedVars = u.UndefinedVars.Distinct().ToArray(),
            NullVars = u.NullVars.ToArray(),
            ParamNames = ps.Select(p => p.Name).ToArray(),
            ParamVars = paramVars.ToArray(),
            RequiredCount = ps.TakeWhile(p => p.Default == null).Count(),
            CallerVar = callerVar,
            VarargsVar = varargsVar,
            KwargsVar = kwargsVar,
            Children = u.Children.ToArray(),
            IsTest = isTest,
        };
    }

    /// <summary>Declares, in <paramref name="scope"/>, every name assigned directly in <paramref name="body"/>
    /// (Jinja decides scoping at compile time: if blocks share their scope, for bodies and macros do not).</summary>
    private void Declare(Scope scope, List<Stmt> body, List<string> frameVars)
    {
        var names = new List<string>();
        CollectAssigned(body, names);
        foreach (var n in names)
        {
            if (scope.Vars.ContainsKey(n)) continue;
            var v = NewVar(n);
            scope.Vars[n] = v;
            frameVars.Add(v);
        }
    }

    private static void CollectAssigned(List<Stmt> body, List<string> into)
    {
        foreach (var s in body)
        {
            switch (s)
            {
                case SetStmt x: into.AddRange(x.Targets); break;
                case SetBlockStmt x:
                    if (x.Attr == null) into.Add(x.Target);
                    CollectAssigned(x.Body, into);
                    break;
                case MacroStmt x: into.Add(x.Name); break;
                case IfStmt x:
                    foreach (var b in x.Branches) CollectAssigned(b.Body, into);
                    if (x.Else != null) CollectAssigned(x.Else, into);
                    break;
                case ForStmt x:
                    if (x.Else != null) CollectAssigned(x.Else, into);
                    break;
            }
        }
    }

    private static void CollectNames(List<Stmt> body, HashSet<string> into)
    {
        foreach (var s in body)
        {
            switch (s)
            {
                case OutputStmt x: CollectNames(x.Value, into); break;
                case ReturnStmt x: CollectNames(x.Value, into); break;
                case DoStmt x: CollectNames(x.Value, into); break;
                case SetStmt x: CollectNames(x.Value, into); break;
                case SetAttrStmt x: into.Add(x.Target); CollectNames(x.Value, into); break;
                case SetBlockStmt x:
                    if (x.Attr != null) into.Add(x.Target);
                    if (x.Filter != null) CollectNames(x.Filter, into);
                    CollectNames(x.Body, into);
                    break;
                case FilterBlockStmt x: CollectNames(x.Filter, into); CollectNames(x.Body, into); break;
                case WithStmt x:
                    foreach (var (_, v) in x.Targets) CollectNames(v, into);
                    CollectNames(x.Body, into);
                    break;
                case IfStmt x:
                    foreach (var b in x.Branches) { CollectNames(b.Cond, into); CollectNames(b.Body, into); }
                    if (x.Else != null) CollectNames(x.Else, into);
                    break;
                case ForStmt x:
                    CollectNames(x.Iter, into);
                    if (x.Filter != null) CollectNames(x.Filter, into);
                    CollectNames(x.Body, into);
                    if (x.Else != null) CollectNames(x.Else, into);
                    break;
                case CallBlockStmt x: CollectNames(x.Call, into); CollectNames(x.Body, into); break;
                case MacroStmt x: CollectNames(x.Body, into); break;
            }
        }
    }

    private static void CollectNames(Expr e, HashSet<string> into)
    {
        switch (e)
        {
            case NameExpr n: into.Add(n.Name); break;
            case ListExpr l: foreach (var i in l.Items) CollectNames(i, into); break;
            case DictExpr d: foreach (var (k, v) in d.Items) { CollectNames(k, into); CollectNames(v, into); } break;
            case AttrExpr a: CollectNames(a.Target, into); break;
            case ItemExpr i: CollectNames(i.Target, into); CollectNames(i.Key, into); break;
            case SliceExpr s:
                CollectNames(s.Target, into);
                if (s.Start != null) CollectNames(s.Start, into);
                if (s.Stop != null) CollectNames(s.Stop, into);
                if (s.Step != null) CollectNames(s.Step, into);
                break;
            case CallExpr c:
                CollectNames(c.Callee, into);
                foreach (var a in c.Args) CollectNames(a, into);
                foreach (var (_, v) in c.Kwargs) CollectNames(v, into);
                break;
            case FilterExpr f:
                CollectNames(f.Value, into);
                foreach (var a in f.Args) CollectNames(a, into);
                foreach (var (_, v) in f.Kwargs) CollectNames(v, into);
                break;
            case TestExpr t: CollectNames(t.Value, into); foreach (var a in t.Args) CollectNames(a, into); break;
            case BinaryExpr b: CollectNames(b.Left, into); CollectNames(b.Right, into); break;
            case ArithExpr a: CollectNames(a.First, into); foreach (var (_, r, _) in a.Ops) CollectNames(r, into); break;
            case UnaryExpr u: CollectNames(u.Operand, into); break;
            case CompareExpr c: CollectNames(c.First, into); foreach (var (_, r, _) in c.Ops) CollectNames(r, into); break;
            case ConcatExpr c: foreach (var p in c.Parts) CollectNames(p, into); break;
            case CondExpr c:
                CollectNames(c.Test, into);
                CollectNames(c.Then, into);
                if (c.Else != null) CollectNames(c.Else, into);
                break;
        }
    }

    // Statements --------------------------------------------------------------------------------------

    /// <summary>Starts a statement: its Jinja position goes in the location table, and the nodes built for it
    /// carry that entry's index as their line.</summary>
    private void Line(UnitBuilder u, int pos)
    {
        var index = u.LineLocs.Count;
        u.LineLocs.Add(_src.Location(pos));
        var at = new TextPosition(0, index, 0);
        u.Span = new SourceSpan(_src.Path, at, at);
    }

    private static void Add(UnitBuilder u, ScriptStatement statement)
    {
        statement.Span = u.Span;
        u.Block.Statements.Add(statement);
    }

    private static void Add(UnitBuilder u, ScriptExpression expression) =>
        Add(u, new ScriptExpressionStatement { Expression = expression });

    /// <summary>Makes <paramref name="block"/> the one statements are added to; returns the previous one.</summary>
    private static ScriptBlockStatement Enter(UnitBuilder u, ScriptBlockStatement block)
    {
        var outer = u.Block;
        block.Span = u.Span;
        u.Block = block;
        return outer;
    }

    private void EmitBody(List<Stmt> body, Scope s)
    {
        var u = s.Unit;
        foreach (var st in body)
        {
            switch (st)
            {
                case TextStmt t:
                    Line(u, t.Pos);
                    Add(u, new ScriptRawStatement { Text = new ScriptStringSlice(t.Text) });
                    break;
                case OutputStmt o:
                    Line(u, o.Pos);
                    Add(u, o.Value is CallExpr oc ? ECall(oc, s, print: true) : Fn(u, "j_p", E(o.Value, s)));
                    break;
                case ReturnStmt r:
                    Line(u, r.Pos);
                    Add(u, Fn(u, "j_ret", E(r.Value, s)));
                    Line(u, r.Pos);
                    Add(u, new ScriptReturnStatement());
                    break;
                case DoStmt d:
                    Line(u, d.Pos);
                    Add(u, Fn(u, "j_discard", E(d.Value, s)));
                    break;
                case IfStmt i:
                    EmitIf(i, s);
                    break;
                case ForStmt f:
                    EmitFor(f, s);
                    break;
                case SetStmt set:
                    Line(u, set.Pos);
                    if (set.Targets.Count == 1)
                        Add(u, Assign(u, s.Resolve(set.Targets[0])!, E(set.Value, s)));
                    else
                    {
                        var tmp = Tmp(u);
                        Add(u, Assign(u, tmp, E(set.Value, s)));
                        for (var k = 0; k < set.Targets.Count; k++)
                        {
                            Line(u, set.Pos);
                            Add(u, Assign(u, s.Resolve(set.Targets[k])!,
                                Fn(u, "j_unpack", Int(u, Loc(u, set.Pos)), Var(u, tmp), Int(u, k), Int(u, set.Targets.Count))));
                        }
                    }
                    break;
                case SetAttrStmt sa:
                    Line(u, sa.Pos);
                    Add(u, Fn(u, "j_setattr", Int(u, Loc(u, sa.Pos)), E(new NameExpr(sa.Pos, sa.Target), s), Str(u, sa.Attr), E(sa.Value, s)));
                    break;
                case SetBlockStmt sb:
                    {
                        var target = sb.Attr == null ? s.Resolve(sb.Target)! : Tmp(u);
                        Line(u, sb.Pos);
                        var capture = new ScriptCaptureStatement { Target = Var(u, target), Body = new ScriptBlockStatement() };
                        Add(u, capture);
                        var outer = Enter(u, capture.Body);
                        EmitBody(sb.Body, s);
                        u.Block = outer;
                        Line(u, sb.Pos);
                        Add(u, Assign(u, target, Fn(u, "j_captured", Var(u, target))));
                        if (sb.Filter != null)
                        {
                            Line(u, sb.Pos);
                            Add(u, Assign(u, target, E(sb.Filter, CapturedScope(s, target))));
                        }
                        if (sb.Attr != null)
                        {
                            Line(u, sb.Pos);
                            Add(u, Fn(u, "j_setattr", Int(u, Loc(u, sb.Pos)), E(new NameExpr(sb.Pos, sb.Target), s), Str(u, sb.Attr), Var(u, target)));
                        }
                        break;
                    }
                case FilterBlockStmt fb:
                    {
                        var inner = InnerScope(s, fb.Body, fb.Pos);
                        var target = Tmp(u);
                        Line(u, fb.Pos);
                        var capture = new ScriptCaptureStatement { Target = Var(u, target), Body = new ScriptBlockStatement() };
                        Add(u, capture);
                        var outer = Enter(u, capture.Body);
                        EmitBody(fb.Body, inner);
                        u.Block = outer;
                        Line(u, fb.Pos);
                        Add(u, Assign(u, target, Fn(u, "j_captured", Var(u, target))));
                        Line(u, fb.Pos);
                        Add(u, Fn(u, "j_p", E(fb.Filter, CapturedScope(s, target))));
                        break;
                    }
                case WithStmt w:
                    {
                        // the values are evaluated outside, left to right, then the names bound inside
                        var values = new List<string>();
                        foreach (var (_, value) in w.Targets)
                        {
                            var tmp = Tmp(u);
                            Line(u, value.Pos);
                            Add(u, Assign(u, tmp, E(value, s)));
                            values.Add(tmp);
                        }
                        var inner = new Scope(s, u);
                        for (var k = 0; k < w.Targets.Count; k++)
                        {
                            if (!inner.Vars.TryGetValue(w.Targets[k].Name, out var v))
                            {
                                v = NewVar(w.Targets[k].Name);
                                inner.Vars[w.Targets[k].Name] = v;
                                u.NullVars.Add(v);
                            }
                            Line(u, w.Pos);
                            Add(u, Assign(u, v, Var(u, values[k])));
                        }
                        EmitBody(w.Body, InnerScope(inner, w.Body, w.Pos));
                        break;
                    }
                case MacroStmt m:
                    {
                        var child = CompileUnit(m.Name, UnitKind.Macro, m.Params, m.Body, s, m.Pos, m.IsTest);
                        u.Children.Add(child);
                        Line(u, m.Pos);
                        Add(u, Assign(u, s.Resolve(m.Name)!, Fn(u, "j_macro", Int(u, u.Children.Count - 1))));
                        break;
                    }
                case CallBlockStmt cb:
                    {
                        var child = CompileUnit("caller", UnitKind.Caller, cb.CallerParams, cb.Body, s, cb.Pos, false);
                        u.Children.Add(child);
                        var call = cb.Call with { Kwargs = new List<(string, Expr)>(cb.Call.Kwargs) };
                        Line(u, cb.Pos);
                        Add(u, ECall(call, s, Fn(u, "j_macro", Int(u, u.Children.Count - 1)), print: true));
                        break;
                    }
                case LoopControlStmt lc:
                    Line(u, lc.Pos);
                    Add(u, lc.IsBreak ? new ScriptBreakStatement() : new ScriptContinueStatement());
                    break;
                case DocsStmt:
                    break;
                case SnapshotStmt:
                    throw _src.Error("a {% snapshot %} block belongs in a file under snapshot-paths", st.Pos);
                default:
                    throw _src.Error($"internal error: unexpected statement {st.GetType().Name}", st.Pos);
            }
        }
    }

    // Nodes -------------------------------------------------------------------------------------------

    private static ScriptVariableGlobal Var(UnitBuilder u, string name) => new(name) { Span = u.Span };

    private static ScriptLiteral Str(UnitBuilder u, string value) => new(value) { Span = u.Span };

    /// <summary>Integers as Scriban's parser would type them: int when they fit, else long.</summary>
    private static ScriptLiteral Int(UnitBuilder u, long value) =>
        new(value is >= int.MinValue and <= int.MaxValue ? (object)(int)value : value) { Span = u.Span };

    private static ScriptExpression Assign(UnitBuilder u, string variable, ScriptExpression value) =>
        new ScriptAssignExpression { Target = Var(u, variable), Value = value, Span = u.Span };

    private static ScriptFunctionCall Fn(UnitBuilder u, string helper, params ScriptExpression[] args) => Fn(u, helper, (IEnumerable<ScriptExpression>)args);

    private static ScriptFunctionCall Fn(UnitBuilder u, string helper, IEnumerable<ScriptExpression> args)
    {
        var call = new ScriptFunctionCall { Target = Var(u, helper), ExplicitCall = true, Span = u.Span };
        if (u.Printable)
        {
            call.OpenParent = ScriptToken.OpenParen();
            call.CloseParen = ScriptToken.CloseParen();
        }
        foreach (var a in args) call.Arguments.Add(a);
        return call;
    }

    /// <summary><c>a || b</c> (Scriban's short-circuit), the core of Jinja's value-returning and/or.</summary>
    private static ScriptExpression Or(UnitBuilder u, ScriptExpression left, ScriptExpression right) =>
        new ScriptBinaryExpression { Left = left, Operator = ScriptBinaryOperator.Or, Right = right, Span = u.Span };

    private static ScriptExpression And(UnitBuilder u, ScriptExpression left, ScriptExpression right) =>
        new ScriptBinaryExpression { Left = left, Operator = ScriptBinaryOperator.And, Right = right, Span = u.Span };
}
