using Scriban.Parsing;
using Scriban.Syntax;
using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>The expression half of the emitter: Jinja expressions as Scriban expressions and helper calls.</summary>
internal sealed partial class ScribanEmitter
{
    // Expressions -------------------------------------------------------------------------------------

    private int Loc(UnitBuilder u, int pos)
    {
        u.Locs.Add(_src.Location(pos));
        return u.Locs.Count - 1;
    }

    private static ScriptExpression Const(UnitBuilder u, object? v) => v switch
    {
        null => new ScriptLiteral(null) { Span = u.Span },
        bool b => new ScriptLiteral(b) { Span = u.Span },
        string s => Str(u, s),
        long l => Int(u, l),
        double d => new ScriptLiteral(d) { Span = u.Span },
        _ => throw new InvalidOperationException("unexpected constant " + v.GetType()),
    };

    /// <summary>Call arguments as <c>npos, positional..., "kw1", value1, ...</c> (no helper node per keyword).</summary>
    private void Args(List<ScriptExpression> into, List<Expr> args, List<(string Name, Expr Value)> kwargs, Scope s,
        ScriptExpression? extraKwValue = null, string extraKwName = "caller")
    {
        var u = s.Unit;
        into.Add(Int(u, args.Count));
        foreach (var a in args) into.Add(E(a, s));
        foreach (var (name, value) in kwargs)
        {
            into.Add(Str(u, name));
            into.Add(E(value, s));
        }
        if (extraKwValue != null)
        {
            into.Add(Str(u, extraKwName));
            into.Add(extraKwValue);
        }
    }

    private ScriptExpression ECall(CallExpr c, Scope s, ScriptExpression? extra = null, bool print = false)
    {
        var u = s.Unit;
        var id = Loc(u, c.Pos);
        var args = new List<ScriptExpression> { Int(u, id) };
        string helper;
        if (c.Callee is AttrExpr { Target: NameExpr { Name: "adapter" }, Name: "dispatch" } && s.Resolve("adapter") == null)
            helper = "j_dispatch";
        else if (c.Callee is AttrExpr a)
        {
            helper = "j_meth";
            args.Add(E(a.Target, s));
            args.Add(Str(u, a.Name));
        }
        else if (c.Callee is NameExpr n && n.Name != "return" && s.Resolve(n.Name) == null)
        {
            if (extra == null && c.Args.All(x => x is ConstExpr) && c.Kwargs.All(k => k.Value is ConstExpr && k.Name is not ("*" or "**")))
            {
                var packed = new ScribanHelpers.ConstantCall(id, n.Name,
                    c.Args.Select(x => ((ConstExpr)x).Value).ToArray(), c.Kwargs.Select(k => (k.Name, ((ConstExpr)k.Value).Value)).ToArray());
                return Fn(u, print ? "j_pgcallk" : "j_gcallk", new ScriptLiteral(packed) { Span = u.Span });
            }
            // the common case (ref, source, config, var, macros): one fused helper, printing included
            args.Add(Str(u, n.Name));
            Args(args, c.Args, c.Kwargs, s, extra);
            return Fn(u, print ? "j_pgcall" : "j_gcall", args);
        }
        else
        {
            helper = "j_call";
            args.Add(E(c.Callee, s));
        }
        Args(args, c.Args, c.Kwargs, s, helper == "j_dispatch" ? null : extra);
        var call = Fn(u, helper, args);
        return print ? Fn(u, "j_p", call) : call;
    }

    private ScriptExpression E(Expr e, Scope s)
    {
        var u = s.Unit;
        switch (e)
        {
            case ConstExpr c:
                return Const(u, c.Value);
            case NameExpr n:
                {
                    if (n.Name == "return") throw _src.Error("return() must be used on its own, as '{{ return(value) }}' or '{% do return(value) %}'", n.Pos);
                    var v = s.Resolve(n.Name);
                    return v != null
                        ? Fn(u, "j_lv", Int(u, Loc(u, n.Pos)), Str(u, n.Name), Var(u, v))
                        : Fn(u, "j_name", Int(u, Loc(u, n.Pos)), Str(u, n.Name));
                }
            case ListExpr l:
                return Fn(u, l.IsTuple ? "j_tuple" : "j_list", l.Items.Select(i => E(i, s)).ToList());
            case DictExpr d:
                {
                    var args = new List<ScriptExpression> { Int(u, Loc(u, d.Pos)) };
                    foreach (var (k, v) in d.Items)
                    {
                        args.Add(E(k, s));
                        args.Add(E(v, s));
                    }
                    return Fn(u, "j_dict", args);
                }
            case AttrExpr a:
                return Fn(u, "j_attr", Int(u, Loc(u, a.Pos)), E(a.Target, s), Str(u, a.Name));
            case ItemExpr i:
                return Fn(u, "j_item", Int(u, Loc(u, i.Pos)), E(i.Target, s), E(i.Key, s));
            case SliceExpr sl:
                return Fn(u, "j_slice", Int(u, Loc(u, sl.Pos)), E(sl.Target, s), Opt(sl.Start, s), Opt(sl.Stop, s), Opt(sl.Step, s));
            case CallExpr c:
                return ECall(c, s);
            case FilterExpr f:
                {
                    var args = new List<ScriptExpression> { Int(u, Loc(u, f.Pos)), Str(u, f.Name) };
                    args.Add(JinjaRuntime.TakesUndefined(f.Name) ? Soft(f.Value, s) : E(f.Value, s));
                    Args(args, f.Args, f.Kwargs, s);
                    return Fn(u, "j_filter", args);
                }
            case TestExpr t:
                {
                    var args = new List<ScriptExpression> { Int(u, Loc(u, t.Pos)), Str(u, t.Name), Const(u, t.Negated) };
                    args.Add(Soft(t.Value, s)); // a test gets Undefined, and fails only if it uses the value
                    foreach (var x in t.Args) args.Add(E(x, s));
                    return Fn(u, "j_test", args);
                }
            case UnaryExpr un:
                return un.Op switch
                {
                    "not" => Fn(u, "j_not", E(un.Operand, s)),
                    "-" => Fn(u, "j_neg", Int(u, Loc(u, un.Pos)), E(un.Operand, s)),
                    _ => Fn(u, "j_add", Int(u, Loc(u, un.Pos)), Int(u, 0), E(un.Operand, s)),
                };
            case BinaryExpr b:
                return b.Op == "or"
                    ? Fn(u, "j_take", Or(u, Fn(u, "j_keepif", E(b.Left, s)), Fn(u, "j_keep", E(b.Right, s))))
                    : Fn(u, "j_take", Or(u, Fn(u, "j_keepifnot", E(b.Left, s)), Fn(u, "j_keep", E(b.Right, s))));
            case ArithExpr { Ops: [var (op, right, pos)] } ar:
                return Fn(u, BinaryFn(op), Int(u, Loc(u, pos)), E(ar.First, s), E(right, s));
            case ArithExpr ar:
                {
                    // a longer chain: one helper applying the operators in turn, so the Scriban tree stays flat
                    var args = new List<ScriptExpression> { E(ar.First, s) };
                    foreach (var (op, right, pos) in ar.Ops)
                    {
                        args.Add(Int(u, Loc(u, pos)));
                        args.Add(Str(u, op));
                        args.Add(E(right, s));
                    }
                    return Fn(u, "j_arith", args);
                }
            case ConcatExpr cat:
                return Fn(u, "j_cat", cat.Parts.Select(p => E(p, s)).Prepend(Int(u, Loc(u, cat.Pos))).ToList());
            case CondExpr ce:
                {
                    var test = Fn(u, "j_t", E(ce.Test, s));
                    var then = Fn(u, "j_keep", E(ce.Then, s));
                    var otherwise = Fn(u, "j_keep", ce.Else != null ? E(ce.Else, s) : Str(u, ""));
                    return Fn(u, "j_take", Or(u, And(u, test, then), otherwise));
                }
            case CompareExpr cmp:
                {
                    ScriptExpression One(string op, ScriptExpression l, ScriptExpression r, int pos) => op switch
                    {
                        "==" => Fn(u, "j_eq", l, r),
                        "!=" => Fn(u, "j_ne", l, r),
                        "<" => Fn(u, "j_lt", Int(u, Loc(u, pos)), l, r),
                        "<=" => Fn(u, "j_le", Int(u, Loc(u, pos)), l, r),
                        ">" => Fn(u, "j_gt", Int(u, Loc(u, pos)), l, r),
                        ">=" => Fn(u, "j_ge", Int(u, Loc(u, pos)), l, r),
                        "in" => Fn(u, "j_in", Int(u, Loc(u, pos)), l, r),
                        _ => Fn(u, "j_not", Fn(u, "j_in", Int(u, Loc(u, pos)), l, r)),
                    };
                    // a middle operand is built (and evaluated) twice: in its own comparison and the next
                    var left = cmp.First;
                    ScriptExpression? result = null;
                    for (var k = 0; k < cmp.Ops.Count; k++)
                    {
                        var (op, right, pos) = cmp.Ops[k];
                        var one = One(op, E(left, s), E(right, s), pos);
                        result = result == null ? one : Fn(u, "j_take", Or(u, Fn(u, "j_keepifnot", result), Fn(u, "j_keep", one)));
                        left = right;
                    }
                    return result!;
                }
        }
        throw _src.Error($"internal error: unexpected expression {e.GetType().Name}", e.Pos);
    }

    private ScriptExpression Opt(Expr? e, Scope s) => e == null ? Const(s.Unit, null) : E(e, s);

    /// <summary>The operand of <c>is defined</c>, <c>is none</c> and <c>| default</c>: a missing name or
    /// attribute gives Undefined instead of an error (only the outermost access is soft, as in Jinja).</summary>
    private ScriptExpression Soft(Expr e, Scope s)
    {
        var u = s.Unit;
        switch (e)
        {
            case NameExpr n:
                {
                    var v = s.Resolve(n.Name);
                    return v != null ? Var(u, v) : Fn(u, "j_gsoft", Str(u, n.Name));
                }
            case AttrExpr a:
                return Fn(u, "j_attrsoft", E(a.Target, s), Str(u, a.Name));
            case ItemExpr i:
                return Fn(u, "j_itemsoft", E(i.Target, s), E(i.Key, s));
            default:
                return E(e, s);
        }
    }

    private static string BinaryFn(string op) => op switch
    {
        "+" => "j_add",
        "-" => "j_sub",
        "*" => "j_mul",
        "/" => "j_div",
        "//" => "j_fdiv",
        "%" => "j_mod",
        "**" => "j_pow",
        _ => throw new InvalidOperationException(op),
    };
}
