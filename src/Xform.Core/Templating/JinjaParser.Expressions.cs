using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>The expression half of the parser: precedence climbing from conditional expressions down to primaries, calls and filters.</summary>
internal sealed partial class JinjaParser
{
    // Expressions -----------------------------------------------------------------------------------

    private Expr ParseTuple(bool noCondExpr = false)
    {
        var pos = Cur.Pos;
        var first = noCondExpr ? ParseOr() : ParseExpression();
        if (!Cur.IsOp(",")) return first;
        var items = new List<Expr> { first };
        while (Cur.IsOp(","))
        {
            _i++;
            if (Cur.Kind is TokKind.VarEnd or TokKind.BlockEnd || Cur.IsOp(")")) break;
            items.Add(noCondExpr ? ParseOr() : ParseExpression());
        }
        return new ListExpr(pos, items, true);
    }

    private Expr ParseExpression()
    {
        Enter(Cur.Pos);
        var e = ParseOr();
        while (Cur.IsName("if"))
        {
            var pos = Next().Pos;
            var test = ParseOr();
            Expr? els = null;
            if (Cur.IsName("else"))
            {
                _i++;
                els = ParseExpression();
            }
            e = Deep(new CondExpr(pos, test, e, els));
        }
        return Leave(e);
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Cur.IsName("or"))
        {
            var pos = Next().Pos;
            left = Deep(new BinaryExpr(pos, "or", left, ParseAnd()));
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Cur.IsName("and"))
        {
            var pos = Next().Pos;
            left = Deep(new BinaryExpr(pos, "and", left, ParseNot()));
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Cur.IsName("not"))
        {
            var pos = Next().Pos;
            Enter(pos);
            return Leave(new UnaryExpr(pos, "not", ParseNot()));
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var first = ParseArith(0);
        List<(string, Expr, int)>? ops = null;
        while (true)
        {
            var t = Cur;
            string? op = null;
            if (t.Kind == TokKind.Op && t.Text is "==" or "!=" or "<" or "<=" or ">" or ">=") op = t.Text;
            else if (t.IsName("in")) op = "in";
            else if (t.IsName("not") && Peek().IsName("in")) { op = "not in"; _i++; }
            if (op == null) break;
            _i++;
            (ops ??= new()).Add((op, ParseArith(0), t.Pos));
        }
        return ops == null ? first : Deep(new CompareExpr(first.Pos, first, ops));
    }

    /// <summary>The arithmetic operators of each precedence level, loosest first.</summary>
    private static readonly string[][] ArithOps = [["+", "-"], ["*", "/", "//", "%"], ["**"]];

    /// <summary>A left-to-right chain of the operators of one precedence level (Jinja2 parses <c>**</c> left to right
    /// too: <c>2 ** 3 ** 2</c> is 64, unlike Python), one node however long.</summary>
    private Expr ParseArith(int level)
    {
        Expr Operand() => level switch { 0 => ParseConcat(), 1 => ParseArith(2), _ => ParseUnary(true) };
        var ops = ArithOps[level];
        var first = Operand();
        List<(string, Expr, int)>? rest = null;
        while (Cur.Kind == TokKind.Op && Array.IndexOf(ops, Cur.Text) >= 0)
        {
            var t = Next();
            (rest ??= new()).Add((t.Text, Operand(), t.Pos));
        }
        return rest == null ? first : Deep(new ArithExpr(rest[0].Item3, first, rest));
    }

    private Expr ParseConcat()
    {
        var first = ParseArith(1);
        if (!Cur.IsOp("~")) return first;
        var pos = Cur.Pos;
        var parts = new List<Expr> { first };
        while (Cur.IsOp("~"))
        {
            _i++;
            parts.Add(ParseArith(1));
        }
        return new ConcatExpr(pos, parts);
    }

    private Expr ParseUnary(bool withFilter)
    {
        Expr node;
        if (Cur.IsOp("-") || Cur.IsOp("+"))
        {
            var t = Next();
            Enter(t.Pos);
            node = Leave(new UnaryExpr(t.Pos, t.Text, ParseUnary(false)));
        }
        else
            node = ParsePrimary();
        node = ParsePostfix(node);
        if (withFilter) node = ParseFilterExpr(node);
        return node;
    }

    private Expr ParsePrimary()
    {
        var t = Cur;
        switch (t.Kind)
        {
            case TokKind.Name:
                _i++;
                return t.Text switch
                {
                    "true" or "True" => new ConstExpr(t.Pos, true),
                    "false" or "False" => new ConstExpr(t.Pos, false),
                    "none" or "None" => new ConstExpr(t.Pos, null),
                    _ => new NameExpr(t.Pos, t.Text),
                };
            case TokKind.String:
                {
                    _i++;
                    var s = (string)t.Value!;
                    while (Cur.Kind == TokKind.String) s += (string)Next().Value!;
                    return new ConstExpr(t.Pos, s);
                }
            case TokKind.Int:
            case TokKind.Float:
                _i++;
                return new ConstExpr(t.Pos, t.Value);
            case TokKind.Op when t.Text == "(":
                {
                    _i++;
                    if (Cur.IsOp(")")) { _i++; return new ListExpr(t.Pos, new List<Expr>(), true); }
                    var e = ParseTuple();
                    Expect(TokKind.Op, ")", "')'");
                    return e;
                }
            case TokKind.Op when t.Text == "[":
                {
                    _i++;
                    var items = new List<Expr>();
                    while (!Cur.IsOp("]"))
                    {
                        if (items.Count > 0) Expect(TokKind.Op, ",", "',' or ']' in a list");
                        if (Cur.IsOp("]")) break;
                        items.Add(ParseExpression());
                    }
                    _i++;
                    return new ListExpr(t.Pos, items, false);
                }
            case TokKind.Op when t.Text == "{":
                {
                    _i++;
                    var items = new List<(Expr, Expr)>();
                    while (!Cur.IsOp("}"))
                    {
                        if (items.Count > 0) Expect(TokKind.Op, ",", "',' or '}' in a dict");
                        if (Cur.IsOp("}")) break;
                        var k = ParseExpression();
                        Expect(TokKind.Op, ":", "':' in a dict");
                        items.Add((k, ParseExpression()));
                    }
                    _i++;
                    return new DictExpr(t.Pos, items);
                }
        }
        throw Err($"expected an expression but found {Describe(t)}", t.Pos);
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            var t = Cur;
            if (t.IsOp("."))
            {
                _i++;
                var n = Cur;
                if (n.Kind == TokKind.Name) { _i++; node = Deep(new AttrExpr(n.Pos, node, n.Text)); }
                else if (n.Kind == TokKind.Int) { _i++; node = Deep(new ItemExpr(n.Pos, node, new ConstExpr(n.Pos, n.Value))); }
                else throw Err($"expected an attribute name after '.' but found {Describe(n)}", n.Pos);
            }
            else if (t.IsOp("["))
            {
                _i++;
                node = Deep(ParseSubscript(t.Pos, node));
            }
            else if (t.IsOp("("))
                node = Deep(ParseCall(node));
            else
                return node;
        }
    }

    private Expr ParseSubscript(int pos, Expr target)
    {
        Expr? start = null, stop = null, step = null;
        var isSlice = false;
        if (!Cur.IsOp(":")) start = ParseExpression();
        if (Cur.IsOp(":"))
        {
            isSlice = true;
            _i++;
            if (!Cur.IsOp("]") && !Cur.IsOp(":")) stop = ParseExpression();
            if (Cur.IsOp(":"))
            {
                _i++;
                if (!Cur.IsOp("]")) step = ParseExpression();
            }
        }
        Expect(TokKind.Op, "]", "']'");
        return isSlice ? new SliceExpr(pos, target, start, stop, step) : new ItemExpr(pos, target, start!);
    }

    private (List<Expr>, List<(string, Expr)>) ParseCallArgs()
    {
        Expect(TokKind.Op, "(", "'('");
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!Cur.IsOp(")"))
        {
            if (args.Count + kwargs.Count > 0) Expect(TokKind.Op, ",", "',' or ')' in the argument list");
            if (Cur.IsOp(")")) break;
            if (Cur.IsOp("*") || Cur.IsOp("**"))
            {
                // *args (once, before **kwargs) and **kwargs (once, last), as Jinja allows them
                var star = Next();
                if (kwargs.Any(k => k.Item1 == "**") || (star.Text == "*" && kwargs.Any(k => k.Item1 == "*")))
                    throw Err("invalid syntax for function call expression", star.Pos);
                kwargs.Add((star.Text, ParseExpression()));
                continue;
            }
            if (Cur.Kind == TokKind.Name && Peek().IsOp("="))
            {
                var n = Next();
                _i++;
                if (kwargs.Any(k => k.Item1 == n.Text)) throw Err($"keyword argument '{n.Text}' repeated", n.Pos);
                if (kwargs.Any(k => k.Item1 == "**")) throw Err("keyword argument follows **kwargs", n.Pos);
                kwargs.Add((n.Text, ParseExpression()));
            }
            else
            {
                if (kwargs.Count > 0) throw Err(kwargs.Any(k => k.Item1 is "*" or "**") ? "positional argument follows *args or **kwargs" : "positional argument follows keyword argument", Cur.Pos);
                args.Add(ParseExpression());
            }
        }
        _i++;
        return (args, kwargs);
    }

    private Expr ParseCall(Expr callee)
    {
        var pos = Cur.Pos;
        var (args, kwargs) = ParseCallArgs();
        return new CallExpr(callee is AttrExpr a ? a.Pos : callee.Pos == pos ? pos : callee.Pos, callee, args, kwargs);
    }

    private Expr ParseFilterExpr(Expr node)
    {
        while (true)
        {
            if (Cur.IsOp("|"))
            {
                _i++;
                node = Deep(ParseOneFilter(node));
            }
            else if (Cur.IsName("is"))
            {
                _i++;
                var negated = false;
                if (Cur.IsName("not")) { negated = true; _i++; }
                var nt = Cur;
                string name;
                if (nt.Kind == TokKind.Name) name = nt.Text;
                else if (nt.Kind == TokKind.Op && nt.Text is "==" or "!=" or "<" or ">" or "<=" or ">=") name = nt.Text;
                else throw Err($"expected a test name after 'is' but found {Describe(nt)}", nt.Pos);
                _i++;
                if (!JinjaRuntime.Tests.Contains(name))
                    throw Err($"test '{name}' is not supported by xform's Jinja subset{Hint(name, JinjaRuntime.Tests)}", nt.Pos);
                var args = new List<Expr>();
                if (Cur.IsOp("("))
                {
                    var (a, kw) = ParseCallArgs();
                    if (kw.Count > 0) throw Err("keyword arguments to tests are not supported", nt.Pos);
                    args = a;
                }
                else if ((Cur.Kind is TokKind.Name or TokKind.String or TokKind.Int or TokKind.Float || Cur.IsOp("[") || Cur.IsOp("{"))
                         && !(Cur.IsName("else") || Cur.IsName("or") || Cur.IsName("and") || Cur.IsName("if")))
                {
                    if (Cur.IsName("is")) throw Err("tests cannot be chained with 'is'", Cur.Pos);
                    args.Add(ParsePostfix(ParsePrimary()));
                }
                node = Deep(new TestExpr(nt.Pos, node, name, args, negated));
            }
            else if (Cur.IsOp("("))
                node = Deep(ParseCall(node));
            else
                return node;
        }
    }

    /// <summary>A filter's name and arguments (after its '|'), applied to <paramref name="node"/>.</summary>
    private Expr ParseOneFilter(Expr node)
    {
        var nt = Expect(TokKind.Name, "", "a filter name after '|'");
        if (!JinjaRuntime.Filters.Contains(nt.Text))
            throw Err($"filter '{nt.Text}' is not supported by xform's Jinja subset{Hint(nt.Text, JinjaRuntime.Filters)}", nt.Pos);
        List<Expr> args = new();
        List<(string, Expr)> kwargs = new();
        if (Cur.IsOp("(")) (args, kwargs) = ParseCallArgs();
        return new FilterExpr(nt.Pos, node, nt.Text, args, kwargs);
    }

    /// <summary>The filters of a filter block or block set: <c>f(args) | g</c> (with a leading '|' for a set).</summary>
    private Expr ParseFilterChain(Expr node, bool requireBar)
    {
        if (requireBar) Expect(TokKind.Op, "|", "'|'");
        node = ParseOneFilter(node);
        while (Cur.IsOp("|"))
        {
            _i++;
            node = Deep(ParseOneFilter(node));
        }
        return node;
    }
}
