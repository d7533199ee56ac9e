using Scriban.Syntax;

namespace Xform.Core.Templating;

/// <summary>The emitter's blocks: if, for (with its loop filter), and the inner scopes of with and filter blocks.</summary>
internal sealed partial class ScribanEmitter
{
    private void EmitIf(IfStmt i, Scope s)
    {
        var u = s.Unit;
        var outer = u.Block;
        if (i.Branches.Count > 1)
        {
            EmitElifChain(i, s);
            return;
        }
        var (cond, body) = i.Branches[0];
        Line(u, cond.Pos);
        var branch = new ScriptIfStatement { Condition = Fn(u, "j_t", E(cond, s)), Then = new ScriptBlockStatement(), Span = u.Span };
        Add(u, branch);
        Enter(u, branch.Then);
        EmitBody(body, s);
        u.Block = outer;
        if (i.Else != null)
        {
            Line(u, i.Pos);
            var otherwise = new ScriptElseStatement { Body = new ScriptBlockStatement(), Span = u.Span };
            branch.Else = otherwise;
            Enter(u, otherwise.Body);
            EmitBody(i.Else, s);
            u.Block = outer;
        }
    }

    /// <summary>
    /// <c>if / elif ... / else</c> as a flat run of ifs guarded by a flag (each branch runs only if no earlier one
    /// did): Scriban's <c>else if</c> nests a level per branch and recurses through them when run, and a
    /// generated template may have thousands of branches.
    /// </summary>
    private void EmitElifChain(IfStmt i, Scope s)
    {
        var u = s.Unit;
        var outer = u.Block;
        var pending = Tmp(u);
        Line(u, i.Pos);
        Add(u, Assign(u, pending, new ScriptLiteral(true) { Span = u.Span }));
        foreach (var (cond, body) in i.Branches)
        {
            Line(u, cond.Pos);
            var branch = new ScriptIfStatement { Condition = And(u, Var(u, pending), Fn(u, "j_t", E(cond, s))), Then = new ScriptBlockStatement(), Span = u.Span };
            Add(u, branch);
            Enter(u, branch.Then);
            Add(u, Assign(u, pending, new ScriptLiteral(false) { Span = u.Span }));
            EmitBody(body, s);
            u.Block = outer;
        }
        if (i.Else == null) return;
        Line(u, i.Pos);
        var otherwise = new ScriptIfStatement { Condition = Var(u, pending), Then = new ScriptBlockStatement(), Span = u.Span };
        Add(u, otherwise);
        Enter(u, otherwise.Then);
        EmitBody(i.Else, s);
        u.Block = outer;
    }

    private void EmitFor(ForStmt f, Scope s)
    {
        var u = s.Unit;
        var inner = new Scope(s, u);
        foreach (var t in f.Targets)
        {
            var v = NewVar(t);
            inner.Vars[t] = v;
            u.NullVars.Add(v);
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        CollectNames(f.Body, names);
        string? loopVar = null;
        if (names.Contains("loop") && !inner.Vars.ContainsKey("loop"))
        {
            loopVar = NewVar("loop");
            inner.Vars["loop"] = loopVar;
            u.NullVars.Add(loopVar);
        }
        var copies = AssignedInside(inner, f.Body);
        var outer = u.Block;
        var it = Tmp(u);
        Line(u, f.Pos);
        Add(u, Assign(u, it, Fn(u, "j_iter", Int(u, Loc(u, f.Iter.Pos)), E(f.Iter, s))));
        if (f.Filter != null) EmitLoopFilter(f, inner, it);
        if (f.Else != null)
        {
            Line(u, f.Pos);
            var ifEmpty = new ScriptIfStatement { Condition = Fn(u, "j_empty", Var(u, it)), Then = new ScriptBlockStatement() };
            Add(u, ifEmpty);
            Enter(u, ifEmpty.Then);
            EmitBody(f.Else, s);
            u.Block = outer;
            Line(u, f.Pos);
            var otherwise = new ScriptElseStatement { Body = new ScriptBlockStatement(), Span = u.Span };
            ifEmpty.Else = otherwise;
            Enter(u, otherwise.Body);
        }
        if (loopVar != null)
        {
            Line(u, f.Pos);
            Add(u, Assign(u, loopVar, Fn(u, "j_loopnew", Var(u, it))));
        }
        var item = Tmp(u);
        Line(u, f.Pos);
        var loop = new ScriptForStatement { Variable = Var(u, item), Iterator = Var(u, it), Body = new ScriptBlockStatement() };
        Add(u, loop);
        Enter(u, loop.Body);
        if (loopVar != null)
        {
            Line(u, f.Pos);
            Add(u, Fn(u, "j_loopnext", Var(u, loopVar)));
        }
        AssignTargets(f, inner, item);
        EmitCopies(u, copies, f.Pos);
        EmitBody(f.Body, inner);
        u.Block = outer; // also leaves the else branch of the empty check, if there is one
    }

    private void AssignTargets(ForStmt f, Scope inner, string item)
    {
        var u = inner.Unit;
        if (f.Targets.Count == 1)
        {
            Line(u, f.Pos);
            Add(u, Assign(u, inner.Vars[f.Targets[0]], Var(u, item)));
        }
        else
            for (var k = 0; k < f.Targets.Count; k++)
            {
                Line(u, f.Pos);
                Add(u, Assign(u, inner.Vars[f.Targets[k]], Fn(u, "j_unpack", Int(u, Loc(u, f.Pos)), Var(u, item), Int(u, k), Int(u, f.Targets.Count))));
            }
    }

    /// <summary><c>{% for x in xs if cond %}</c>: the items the condition keeps, collected before the loop runs
    /// (so loop.length, loop.last and the else branch count only those).</summary>
    private void EmitLoopFilter(ForStmt f, Scope inner, string it)
    {
        var u = inner.Unit;
        var kept = Tmp(u);
        Line(u, f.Pos);
        Add(u, Assign(u, kept, Fn(u, "j_list")));
        var item = Tmp(u);
        var loop = new ScriptForStatement { Variable = Var(u, item), Iterator = Var(u, it), Body = new ScriptBlockStatement() };
        Add(u, loop);
        var outer = Enter(u, loop.Body);
        AssignTargets(f, inner, item);
        Line(u, f.Filter!.Pos);
        var keep = new ScriptIfStatement { Condition = Fn(u, "j_t", E(f.Filter, inner)), Then = new ScriptBlockStatement() };
        Add(u, keep);
        Enter(u, keep.Then);
        Line(u, f.Pos);
        Add(u, Fn(u, "j_append", Var(u, kept), Var(u, item)));
        u.Block = outer;
        Line(u, f.Pos);
        Add(u, Assign(u, it, Var(u, kept)));
    }

    /// <summary>Names assigned in an inner scope's body get their own variables there, starting from the outer value.</summary>
    private List<(string Inner, string? Outer)> AssignedInside(Scope inner, List<Stmt> body)
    {
        var copies = new List<(string Inner, string? Outer)>();
        var assigned = new List<string>();
        CollectAssigned(body, assigned);
        foreach (var n in assigned.Distinct())
        {
            if (inner.Vars.ContainsKey(n)) continue;
            var v = NewVar(n);
            inner.Vars[n] = v;
            inner.Unit.UndefinedVars.Add(v);
            copies.Add((v, inner.Parent?.Resolve(n)));
        }
        return copies;
    }

    private void EmitCopies(UnitBuilder u, List<(string Inner, string? Outer)> copies, int pos)
    {
        foreach (var (iv, ov) in copies)
        {
            Line(u, pos);
            Add(u, Assign(u, iv, ov != null ? Var(u, ov) : Fn(u, "j_undef")));
        }
    }

    /// <summary>A scope of its own for a with or filter block body: what it assigns stays inside.</summary>
    private Scope InnerScope(Scope s, List<Stmt> body, int pos)
    {
        var inner = new Scope(s, s.Unit);
        EmitCopies(s.Unit, AssignedInside(inner, body), pos);
        return inner;
    }

    /// <summary>A scope where <see cref="FilterExpr.Captured"/> names the variable holding a block's text.</summary>
    private static Scope CapturedScope(Scope s, string variable)
    {
        var scope = new Scope(s, s.Unit);
        scope.Vars[FilterExpr.Captured] = variable;
        return scope;
    }
}
