using System.Globalization;
using System.Text;
using Scriban;
using Scriban.Parsing;
using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>
/// Translates the Jinja AST to Scriban script (ScriptOnly mode), one Jinja construct a line. Every value
/// operation goes through a <c>j_*</c> helper that carries the id of its Jinja position, so runtime errors
/// point at the original file; Scriban's own spans map back through the per-line table.
/// Jinja names become mangled Scriban variables (<c>l_name_N</c>), so reserved words such as <c>this</c>
/// never reach Scriban; names not assigned in the template are looked up in the host globals.
/// </summary>
internal sealed class ScribanEmitter
{
    private static readonly LexerOptions Lexer = new() { Mode = ScriptMode.ScriptOnly };

    private readonly SourceText _src;
    private int _counter;

    public ScribanEmitter(SourceText src) => _src = src;

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
        public readonly StringBuilder Code = new();
        public readonly List<SourceLocation> Locs = new();
        public readonly List<SourceLocation> LineLocs = new();
        public readonly List<string> UndefinedVars = new();
        public readonly List<string> NullVars = new();
        public readonly List<Unit> Children = new();
        public bool InMacro;
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
        var u = new UnitBuilder { InMacro = kind != UnitKind.Template };
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
            Line(u, $"if j_isunset({paramVars[i]})", d.Pos);
            Line(u, $"{paramVars[i]} = {E(d, scope)}", d.Pos);
            Line(u, "end", d.Pos);
        }
        EmitBody(body, scope);

        var code = u.Code.ToString();
        var template = Template.Parse(code, _src.Path, null, Lexer);
        if (template.HasErrors)
        {
            var m = template.Messages[0];
            var line = m.Span.Start.Line;
            var loc = line >= 0 && line < u.LineLocs.Count ? u.LineLocs[line] : _src.Location(pos);
            throw new XformException($"internal error translating the template to Scriban: {m.Message}", loc);
        }
        return new Unit
        {
            Name = name,
            Kind = kind,
            Location = _src.Location(pos),
            Page = template.Page!,
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
            GeneratedCode = code,
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
                case SetBlockStmt x: into.Add(x.Target); CollectAssigned(x.Body, into); break;
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
                case SetBlockStmt x: CollectNames(x.Body, into); break;
                case IfStmt x:
                    foreach (var b in x.Branches) { CollectNames(b.Cond, into); CollectNames(b.Body, into); }
                    if (x.Else != null) CollectNames(x.Else, into);
                    break;
                case ForStmt x:
                    CollectNames(x.Iter, into);
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

    private void Line(UnitBuilder u, string code, int pos)
    {
        u.Code.Append(code).Append('\n');
        u.LineLocs.Add(_src.Location(pos));
    }

    private void EmitBody(List<Stmt> body, Scope s)
    {
        var u = s.Unit;
        foreach (var st in body)
        {
            switch (st)
            {
                case TextStmt t:
                    Line(u, Lit(t.Text), t.Pos);
                    break;
                case OutputStmt o:
                    Line(u, o.Value is CallExpr oc ? ECall(oc, s, print: true) : $"j_p({E(o.Value, s)})", o.Pos);
                    break;
                case ReturnStmt r:
                    Line(u, $"j_ret({E(r.Value, s)})", r.Pos);
                    Line(u, "ret", r.Pos);
                    break;
                case DoStmt d:
                    Line(u, $"j_discard({E(d.Value, s)})", d.Pos);
                    break;
                case IfStmt i:
                    for (var b = 0; b < i.Branches.Count; b++)
                    {
                        var (cond, bodyB) = i.Branches[b];
                        Line(u, $"{(b == 0 ? "if" : "else if")} j_t({E(cond, s)})", cond.Pos);
                        EmitBody(bodyB, s);
                    }
                    if (i.Else != null)
                    {
                        Line(u, "else", i.Pos);
                        EmitBody(i.Else, s);
                    }
                    Line(u, "end", i.Pos);
                    break;
                case ForStmt f:
                    EmitFor(f, s);
                    break;
                case SetStmt set:
                    if (set.Targets.Count == 1)
                        Line(u, $"{s.Resolve(set.Targets[0])} = {E(set.Value, s)}", set.Pos);
                    else
                    {
                        var tmp = Tmp(u);
                        Line(u, $"{tmp} = {E(set.Value, s)}", set.Pos);
                        for (var k = 0; k < set.Targets.Count; k++)
                            Line(u, $"{s.Resolve(set.Targets[k])} = j_unpack({Loc(u, set.Pos)}, {tmp}, {k}, {set.Targets.Count})", set.Pos);
                    }
                    break;
                case SetAttrStmt sa:
                    Line(u, $"j_setattr({Loc(u, sa.Pos)}, {E(new NameExpr(sa.Pos, sa.Target), s)}, {Lit(sa.Attr)}, {E(sa.Value, s)})", sa.Pos);
                    break;
                case SetBlockStmt sb:
                    Line(u, $"capture {s.Resolve(sb.Target)}", sb.Pos);
                    EmitBody(sb.Body, s);
                    Line(u, "end", sb.Pos);
                    Line(u, $"{s.Resolve(sb.Target)} = j_captured({s.Resolve(sb.Target)})", sb.Pos);
                    break;
                case MacroStmt m:
                    {
                        var child = CompileUnit(m.Name, UnitKind.Macro, m.Params, m.Body, s, m.Pos, m.IsTest);
                        u.Children.Add(child);
                        Line(u, $"{s.Resolve(m.Name)} = j_macro({u.Children.Count - 1})", m.Pos);
                        break;
                    }
                case CallBlockStmt cb:
                    {
                        var child = CompileUnit("caller", UnitKind.Caller, cb.CallerParams, cb.Body, s, cb.Pos, false);
                        u.Children.Add(child);
                        var call = cb.Call with { Kwargs = new List<(string, Expr)>(cb.Call.Kwargs) };
                        Line(u, ECall(call, s, $"j_macro({u.Children.Count - 1})", print: true), cb.Pos);
                        break;
                    }
                case LoopControlStmt lc:
                    Line(u, lc.IsBreak ? "break" : "continue", lc.Pos);
                    break;
                case DocsStmt:
                    break;
                default:
                    throw _src.Error($"internal error: unexpected statement {st.GetType().Name}", st.Pos);
            }
        }
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
        var copies = new List<(string Inner, string? Outer)>();
        var assigned = new List<string>();
        CollectAssigned(f.Body, assigned);
        foreach (var n in assigned.Distinct())
        {
            if (inner.Vars.ContainsKey(n)) continue;
            var v = NewVar(n);
            inner.Vars[n] = v;
            u.UndefinedVars.Add(v);
            copies.Add((v, s.Resolve(n)));
        }

        var it = Tmp(u);
        Line(u, $"{it} = j_iter({Loc(u, f.Iter.Pos)}, {E(f.Iter, s)})", f.Pos);
        if (f.Else != null)
        {
            Line(u, $"if j_empty({it})", f.Pos);
            EmitBody(f.Else, s);
            Line(u, "else", f.Pos);
        }
        if (loopVar != null) Line(u, $"{loopVar} = j_loopnew({it})", f.Pos);
        var item = Tmp(u);
        Line(u, $"for {item} in {it}", f.Pos);
        if (loopVar != null) Line(u, $"j_loopnext({loopVar})", f.Pos);
        if (f.Targets.Count == 1)
            Line(u, $"{inner.Vars[f.Targets[0]]} = {item}", f.Pos);
        else
            for (var k = 0; k < f.Targets.Count; k++)
                Line(u, $"{inner.Vars[f.Targets[k]]} = j_unpack({Loc(u, f.Pos)}, {item}, {k}, {f.Targets.Count})", f.Pos);
        foreach (var (iv, ov) in copies)
            Line(u, $"{iv} = {ov ?? "j_undef()"}", f.Pos);
        EmitBody(f.Body, inner);
        Line(u, "end", f.Pos);
        if (f.Else != null) Line(u, "end", f.Pos);
    }

    // Expressions -------------------------------------------------------------------------------------

    private int Loc(UnitBuilder u, int pos)
    {
        u.Locs.Add(_src.Location(pos));
        return u.Locs.Count - 1;
    }

    internal static string Lit(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private string Const(object? v) => v switch
    {
        null => "null",
        true => "true",
        false => "false",
        string s => Lit(s),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => $"j_float({Lit(d.ToString("R", CultureInfo.InvariantCulture))})",
        _ => throw new InvalidOperationException("unexpected constant " + v.GetType()),
    };

    /// <summary>Call arguments as <c>, npos, positional..., "kw1", value1, ...</c> (no helper node per keyword).</summary>
    private string Args(List<Expr> args, List<(string Name, Expr Value)> kwargs, Scope s, string? extraKwValue = null, string extraKwName = "caller")
    {
        var sb = new StringBuilder().Append(", ").Append(args.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var a in args) sb.Append(", ").Append(E(a, s));
        foreach (var (name, value) in kwargs) sb.Append(", ").Append(Lit(name)).Append(", ").Append(E(value, s));
        if (extraKwValue != null) sb.Append(", ").Append(Lit(extraKwName)).Append(", ").Append(extraKwValue);
        return sb.ToString();
    }

    private string ECall(CallExpr c, Scope s, string? extra = null, bool print = false)
    {
        var u = s.Unit;
        var id = Loc(u, c.Pos);
        string code;
        if (c.Callee is AttrExpr { Target: NameExpr { Name: "adapter" }, Name: "dispatch" } && s.Resolve("adapter") == null)
            code = $"j_dispatch({id}{Args(c.Args, c.Kwargs, s)})";
        else if (c.Callee is AttrExpr a)
            code = $"j_meth({id}, {E(a.Target, s)}, {Lit(a.Name)}{Args(c.Args, c.Kwargs, s, extra)})";
        else if (c.Callee is NameExpr n && n.Name != "return" && s.Resolve(n.Name) == null)
            // the common case (ref, source, config, var, macros): one fused helper, printing included
            return $"{(print ? "j_pgcall" : "j_gcall")}({id}, {Lit(n.Name)}{Args(c.Args, c.Kwargs, s, extra)})";
        else
            code = $"j_call({id}, {E(c.Callee, s)}{Args(c.Args, c.Kwargs, s, extra)})";
        return print ? $"j_p({code})" : code;
    }

    private string E(Expr e, Scope s)
    {
        var u = s.Unit;
        switch (e)
        {
            case ConstExpr c:
                return Const(c.Value);
            case NameExpr n:
                {
                    if (n.Name == "return") throw _src.Error("return() must be used on its own, as '{{ return(value) }}' or '{% do return(value) %}'", n.Pos);
                    var v = s.Resolve(n.Name);
                    return v != null ? $"j_lv({Loc(u, n.Pos)}, {Lit(n.Name)}, {v})" : $"j_name({Loc(u, n.Pos)}, {Lit(n.Name)})";
                }
            case ListExpr l:
                {
                    var items = string.Join(", ", l.Items.Select(i => E(i, s)));
                    return l.IsTuple ? $"j_tuple({items})" : $"j_list({items})";
                }
            case DictExpr d:
                return $"j_dict({Loc(u, d.Pos)}{string.Concat(d.Items.Select(kv => $", {E(kv.Key, s)}, {E(kv.Value, s)}"))})";
            case AttrExpr a:
                return $"j_attr({Loc(u, a.Pos)}, {E(a.Target, s)}, {Lit(a.Name)})";
            case ItemExpr i:
                return $"j_item({Loc(u, i.Pos)}, {E(i.Target, s)}, {E(i.Key, s)})";
            case SliceExpr sl:
                return $"j_slice({Loc(u, sl.Pos)}, {E(sl.Target, s)}, {Opt(sl.Start, s)}, {Opt(sl.Stop, s)}, {Opt(sl.Step, s)})";
            case CallExpr c:
                return ECall(c, s);
            case FilterExpr f:
                {
                    var value = f.Name is "default" or "d" ? Soft(f.Value, s) : E(f.Value, s);
                    return $"j_filter({Loc(u, f.Pos)}, {Lit(f.Name)}, {value}{Args(f.Args, f.Kwargs, s)})";
                }
            case TestExpr t:
                {
                    var value = t.Name is "defined" or "undefined" or "none" ? Soft(t.Value, s) : E(t.Value, s);
                    return $"j_test({Loc(u, t.Pos)}, {Lit(t.Name)}, {(t.Negated ? "true" : "false")}, {value}{string.Concat(t.Args.Select(x => ", " + E(x, s)))})";
                }
            case UnaryExpr un:
                return un.Op switch
                {
                    "not" => $"j_not({E(un.Operand, s)})",
                    "-" => $"j_neg({Loc(u, un.Pos)}, {E(un.Operand, s)})",
                    _ => $"j_add({Loc(u, un.Pos)}, 0, {E(un.Operand, s)})",
                };
            case BinaryExpr b:
                return b.Op switch
                {
                    "or" => $"j_take((j_keepif({E(b.Left, s)}) || j_keep({E(b.Right, s)})))",
                    "and" => $"j_take((j_keepifnot({E(b.Left, s)}) || j_keep({E(b.Right, s)})))",
                    _ => $"{BinaryFn(b.Op)}({Loc(u, b.Pos)}, {E(b.Left, s)}, {E(b.Right, s)})",
                };
            case ConcatExpr cat:
                return $"j_cat({string.Join(", ", cat.Parts.Select(p => E(p, s)))})";
            case CondExpr ce:
                {
                    var els = ce.Else != null ? E(ce.Else, s) : Lit("");
                    return $"j_take(((j_t({E(ce.Test, s)}) && j_keep({E(ce.Then, s)})) || j_keep({els})))";
                }
            case CompareExpr cmp:
                {
                    string One(string op, string l, string r, int pos) => op switch
                    {
                        "==" => $"j_eq({l}, {r})",
                        "!=" => $"j_ne({l}, {r})",
                        "<" => $"j_lt({Loc(u, pos)}, {l}, {r})",
                        "<=" => $"j_le({Loc(u, pos)}, {l}, {r})",
                        ">" => $"j_gt({Loc(u, pos)}, {l}, {r})",
                        ">=" => $"j_ge({Loc(u, pos)}, {l}, {r})",
                        "in" => $"j_in({Loc(u, pos)}, {l}, {r})",
                        _ => $"j_not(j_in({Loc(u, pos)}, {l}, {r}))",
                    };
                    var left = E(cmp.First, s);
                    var result = "";
                    for (var k = 0; k < cmp.Ops.Count; k++)
                    {
                        var (op, rightE, pos) = cmp.Ops[k];
                        var right = E(rightE, s);
                        var one = One(op, left, right, pos);
                        result = k == 0 ? one : $"j_take((j_keepifnot({result}) || j_keep({one})))";
                        left = right;
                    }
                    return result;
                }
        }
        throw _src.Error($"internal error: unexpected expression {e.GetType().Name}", e.Pos);
    }

    private string Opt(Expr? e, Scope s) => e == null ? "null" : E(e, s);

    /// <summary>The operand of <c>is defined</c>, <c>is none</c> and <c>| default</c>: a missing name or
    /// attribute gives Undefined instead of an error (only the outermost access is soft, as in Jinja).</summary>
    private string Soft(Expr e, Scope s)
    {
        switch (e)
        {
            case NameExpr n:
                {
                    var v = s.Resolve(n.Name);
                    return v ?? $"j_gsoft({Lit(n.Name)})";
                }
            case AttrExpr a:
                return $"j_attrsoft({E(a.Target, s)}, {Lit(a.Name)})";
            case ItemExpr i:
                return $"j_itemsoft({E(i.Target, s)}, {E(i.Key, s)})";
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
