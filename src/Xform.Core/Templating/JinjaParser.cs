using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>
/// Recursive-descent parser for dbt's Jinja subset, with Jinja2's operator precedence. Everything outside
/// the subset is rejected here, with the position of the offending tag, filter or test.
/// </summary>
internal sealed class JinjaParser
{
    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "include", "extends", "block", "import", "from", "filter", "with", "autoescape", "trans", "pluralize",
        "materialization", "snapshot", "endblock", "endfilter", "endwith", "endautoescape",
    };

    private readonly SourceText _src;
    private readonly List<Token> _t;
    private int _i;
    private int _macroDepth;
    private int _loopDepth;

    private JinjaParser(SourceText src)
    {
        _src = src;
        _t = JinjaLexer.Tokenize(src);
    }

    public static List<Stmt> Parse(SourceText src)
    {
        var p = new JinjaParser(src);
        var body = p.ParseStatements(Array.Empty<string>(), null, out _);
        return body;
    }

    private static string Hint(string name, IEnumerable<string> candidates)
    {
        var h = Suggestions.DidYouMean(name, candidates);
        return h.Length > 0 ? "." + h : "";
    }

    private Token Cur => _t[_i];
    private Token Peek(int n = 1) => _t[Math.Min(_i + n, _t.Count - 1)];
    private Token Next() => _t[_i++];

    private XformException Err(string message, int pos) => _src.Error(message, pos);

    private static string Describe(Token t) => t.Kind switch
    {
        TokKind.Eof => "end of template",
        TokKind.BlockEnd => "end of tag '%}'",
        TokKind.VarEnd => "end of expression '}}'",
        TokKind.Data => "text",
        _ => $"'{t.Text}'",
    };

    private Token Expect(TokKind kind, string text, string what)
    {
        var t = Cur;
        if (t.Kind != kind || (text.Length > 0 && t.Text != text))
            throw Err($"expected {what} but found {Describe(t)}", t.Pos);
        _i++;
        return t;
    }

    private void ExpectBlockEnd(string tag) => Expect(TokKind.BlockEnd, "", $"'%}}' to close '{tag}'");

    private string ExpectName(string what) => Expect(TokKind.Name, "", what).Text;

    // Statements ------------------------------------------------------------------------------------

    /// <summary>Parses statements until one of <paramref name="endTags"/> (consumed, name returned in <paramref name="ended"/>).</summary>
    private List<Stmt> ParseStatements(string[] endTags, (string Tag, int Pos)? opener, out string ended)
    {
        var body = new List<Stmt>();
        while (true)
        {
            var t = Cur;
            switch (t.Kind)
            {
                case TokKind.Data:
                    _i++;
                    body.Add(new TextStmt(t.Pos, t.Text));
                    break;
                case TokKind.VarBegin:
                    {
                        _i++;
                        var e = ParseTuple();
                        Expect(TokKind.VarEnd, "", "'}}'");
                        body.Add(MakeOutput(t.Pos, e));
                        break;
                    }
                case TokKind.BlockBegin:
                    {
                        var tag = Peek();
                        if (tag.Kind != TokKind.Name) throw Err($"expected a tag name after '{{%' but found {Describe(tag)}", tag.Pos);
                        if (Array.IndexOf(endTags, tag.Text) >= 0)
                        {
                            _i += 2;
                            ended = tag.Text;
                            return body;
                        }
                        _i += 2;
                        body.Add(ParseTag(tag));
                        break;
                    }
                case TokKind.Eof:
                    if (opener is { } o)
                        throw Err($"unexpected end of template: '{o.Tag}' opened here was never closed (expected {string.Join(" or ", endTags.Select(x => $"'{{% {x} %}}'"))})", o.Pos);
                    ended = "";
                    return body;
                default:
                    throw Err($"unexpected {Describe(t)}", t.Pos);
            }
        }
    }

    private Stmt MakeOutput(int pos, Expr e)
    {
        if (e is CallExpr { Callee: NameExpr { Name: "return" } } c)
        {
            if (_macroDepth == 0) throw Err("return() can only be used inside a macro", pos);
            if (c.Args.Count != 1 || c.Kwargs.Count != 0) throw Err("return() takes exactly one argument", c.Pos);
            return new ReturnStmt(c.Pos, c.Args[0]);
        }
        return new OutputStmt(e.Pos, e);
    }

    private Stmt ParseTag(Token tag)
    {
        var pos = tag.Pos;
        switch (tag.Text)
        {
            case "if": return ParseIf(pos);
            case "for": return ParseFor(pos);
            case "set": return ParseSet(pos);
            case "macro": return ParseMacro(pos, false);
            case "test": return ParseMacro(pos, true);
            case "call": return ParseCallBlock(pos);
            case "do":
                {
                    var e = ParseTuple();
                    ExpectBlockEnd("do");
                    var s = MakeOutput(pos, e);
                    return s is ReturnStmt ? s : new DoStmt(pos, e);
                }
            case "break":
            case "continue":
                if (_loopDepth == 0) throw Err($"'{tag.Text}' is only allowed inside a for loop", pos);
                ExpectBlockEnd(tag.Text);
                return new LoopControlStmt(pos, tag.Text == "break");
            case "docs":
                {
                    var name = ExpectName("a docs block name");
                    ExpectBlockEnd("docs");
                    var start = _i;
                    var bodyStart = _t[_i - 1].Pos + 2;
                    ParseStatements(new[] { "enddocs" }, ("docs", pos), out _);
                    var endTagPos = _t[_i - 2].Pos;
                    ExpectBlockEnd("enddocs");
                    _ = start;
                    return new DocsStmt(pos, name, bodyStart, endTagPos);
                }
            case "snapshot":
                {
                    var name = ExpectName("a snapshot name");
                    ExpectBlockEnd("snapshot");
                    var bodyStart = _src.Text.IndexOf("%}", _t[_i - 1].Pos, StringComparison.Ordinal) + 2;
                    ParseStatements(new[] { "endsnapshot" }, ("snapshot", pos), out _);
                    var endTagPos = _t[_i - 2].Pos;
                    ExpectBlockEnd("endsnapshot");
                    return new SnapshotStmt(pos, name, bodyStart, endTagPos);
                }
            case "raw":
                throw Err("malformed 'raw' tag", pos);
        }
        if (Unsupported.Contains(tag.Text))
            throw Err($"'{{% {tag.Text} %}}' is not supported by xform's Jinja subset", pos);
        if (tag.Text.StartsWith("end", StringComparison.Ordinal) || tag.Text is "else" or "elif")
            throw Err($"unexpected '{{% {tag.Text} %}}' with no open block to close", pos);
        throw Err($"unknown tag '{tag.Text}'", pos);
    }

    private Stmt ParseIf(int pos)
    {
        var branches = new List<(Expr, List<Stmt>)>();
        List<Stmt>? elseBody = null;
        var cond = ParseTuple();
        ExpectBlockEnd("if");
        while (true)
        {
            var body = ParseStatements(new[] { "elif", "else", "endif" }, ("if", pos), out var ended);
            branches.Add((cond, body));
            if (ended == "elif")
            {
                cond = ParseTuple();
                ExpectBlockEnd("elif");
                continue;
            }
            if (ended == "else")
            {
                ExpectBlockEnd("else");
                elseBody = ParseStatements(new[] { "endif" }, ("if", pos), out _);
            }
            ExpectBlockEnd("endif");
            return new IfStmt(pos, branches, elseBody);
        }
    }

    private List<string> ParseTargets(string tag)
    {
        var names = new List<string>();
        var paren = Cur.IsOp("(");
        if (paren) _i++;
        do
        {
            names.Add(ExpectName($"a variable name in '{tag}'"));
        } while (Cur.IsOp(",") && Next().Kind == TokKind.Op);
        if (paren) Expect(TokKind.Op, ")", "')'");
        return names;
    }

    private Stmt ParseFor(int pos)
    {
        var targets = ParseTargets("for");
        if (!Cur.IsName("in")) throw Err($"expected 'in' in 'for' but found {Describe(Cur)}", Cur.Pos);
        _i++;
        var iter = ParseTuple(noCondExpr: true);
        if (Cur.IsName("if")) throw Err("'for ... if ...' loop filters are not supported by xform's Jinja subset; use an 'if' inside the loop", Cur.Pos);
        if (Cur.IsName("recursive")) throw Err("recursive loops are not supported by xform's Jinja subset", Cur.Pos);
        ExpectBlockEnd("for");
        _loopDepth++;
        var body = ParseStatements(new[] { "else", "endfor" }, ("for", pos), out var ended);
        _loopDepth--;
        List<Stmt>? elseBody = null;
        if (ended == "else")
        {
            ExpectBlockEnd("else");
            var saved = _loopDepth;
            _loopDepth = 0;
            elseBody = ParseStatements(new[] { "endfor" }, ("for", pos), out _);
            _loopDepth = saved;
        }
        ExpectBlockEnd("endfor");
        return new ForStmt(pos, targets, iter, body, elseBody);
    }

    private Stmt ParseSet(int pos)
    {
        if (Cur.Kind == TokKind.Name && Peek().IsOp("."))
        {
            var target = Next().Text;
            _i++;
            var attr = ExpectName("an attribute name");
            Expect(TokKind.Op, "=", "'='");
            var v = ParseTuple();
            ExpectBlockEnd("set");
            return new SetAttrStmt(pos, target, attr, v);
        }
        var targets = ParseTargets("set");
        if (Cur.Kind == TokKind.BlockEnd)
        {
            if (targets.Count != 1) throw Err("a block 'set' assigns exactly one variable", pos);
            ExpectBlockEnd("set");
            var body = ParseStatements(new[] { "endset" }, ("set", pos), out _);
            ExpectBlockEnd("endset");
            return new SetBlockStmt(pos, targets[0], body);
        }
        if (Cur.IsOp("|")) throw Err("filters on a block 'set' are not supported by xform's Jinja subset", Cur.Pos);
        Expect(TokKind.Op, "=", "'=' in 'set'");
        var value = ParseTuple();
        ExpectBlockEnd("set");
        return new SetStmt(pos, targets, value);
    }

    private List<MacroParam> ParseSignature(string what)
    {
        var ps = new List<MacroParam>();
        Expect(TokKind.Op, "(", $"'(' after the {what} name");
        var seenDefault = false;
        while (!Cur.IsOp(")"))
        {
            if (ps.Count > 0) Expect(TokKind.Op, ",", "',' or ')'");
            if (Cur.IsOp(")")) break;
            var nameTok = Expect(TokKind.Name, "", "a parameter name");
            if (ps.Any(p => p.Name == nameTok.Text)) throw Err($"duplicate parameter '{nameTok.Text}'", nameTok.Pos);
            Expr? def = null;
            if (Cur.IsOp("="))
            {
                _i++;
                def = ParseExpression();
                seenDefault = true;
            }
            else if (seenDefault)
                throw Err($"parameter '{nameTok.Text}' without a default follows a parameter with a default", nameTok.Pos);
            ps.Add(new MacroParam(nameTok.Text, def));
        }
        _i++;
        return ps;
    }

    private Stmt ParseMacro(int pos, bool isTest)
    {
        var kind = isTest ? "test" : "macro";
        var name = ExpectName($"a {kind} name");
        var ps = ParseSignature(kind);
        ExpectBlockEnd(kind);
        _macroDepth++;
        var savedLoop = _loopDepth;
        _loopDepth = 0;
        var body = ParseStatements(new[] { "end" + kind }, (kind, pos), out _);
        _loopDepth = savedLoop;
        _macroDepth--;
        var endPos = _t[_i - 2].Pos;
        if (Cur.Kind == TokKind.Name) _i++; // {% endmacro name %}
        ExpectBlockEnd("end" + kind);
        // The definition's text, '{%' to '%}': the opening '{%' is just before the tag name (with '-', '+' or blanks between).
        var textStart = _src.Text.LastIndexOf("{%", pos, StringComparison.Ordinal);
        var textEnd = _src.Text.IndexOf("%}", _t[_i - 1].Pos, StringComparison.Ordinal) + 2;
        return new MacroStmt(pos, isTest ? "test_" + name : name, ps, body, isTest, endPos, textStart, textEnd);
    }

    private Stmt ParseCallBlock(int pos)
    {
        var callerParams = Cur.IsOp("(") ? ParseSignature("caller") : new List<MacroParam>();
        var e = ParseExpression();
        if (e is not CallExpr call) throw Err("'{% call %}' expects a macro call such as 'call my_macro(x)'", e.Pos);
        ExpectBlockEnd("call");
        _macroDepth++;
        var savedLoop = _loopDepth;
        _loopDepth = 0;
        var body = ParseStatements(new[] { "endcall" }, ("call", pos), out _);
        _loopDepth = savedLoop;
        _macroDepth--;
        ExpectBlockEnd("endcall");
        return new CallBlockStmt(pos, call, callerParams, body);
    }

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
            e = new CondExpr(pos, test, e, els);
        }
        return e;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Cur.IsName("or"))
        {
            var pos = Next().Pos;
            left = new BinaryExpr(pos, "or", left, ParseAnd());
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Cur.IsName("and"))
        {
            var pos = Next().Pos;
            left = new BinaryExpr(pos, "and", left, ParseNot());
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Cur.IsName("not"))
        {
            var pos = Next().Pos;
            return new UnaryExpr(pos, "not", ParseNot());
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var first = ParseMath1();
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
            (ops ??= new()).Add((op, ParseMath1(), t.Pos));
        }
        return ops == null ? first : new CompareExpr(first.Pos, first, ops);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Cur.IsOp("+") || Cur.IsOp("-"))
        {
            var t = Next();
            left = new BinaryExpr(t.Pos, t.Text, left, ParseConcat());
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var first = ParseMath2();
        if (!Cur.IsOp("~")) return first;
        var pos = Cur.Pos;
        var parts = new List<Expr> { first };
        while (Cur.IsOp("~"))
        {
            _i++;
            parts.Add(ParseMath2());
        }
        return new ConcatExpr(pos, parts);
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Cur.Kind == TokKind.Op && Cur.Text is "*" or "/" or "//" or "%")
        {
            var t = Next();
            left = new BinaryExpr(t.Pos, t.Text, left, ParsePow());
        }
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(true);
        while (Cur.IsOp("**"))
        {
            var t = Next();
            left = new BinaryExpr(t.Pos, "**", left, ParseUnary(true));
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        Expr node;
        if (Cur.IsOp("-") || Cur.IsOp("+"))
        {
            var t = Next();
            node = new UnaryExpr(t.Pos, t.Text, ParseUnary(false));
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
                if (n.Kind == TokKind.Name) { _i++; node = new AttrExpr(n.Pos, node, n.Text); }
                else if (n.Kind == TokKind.Int) { _i++; node = new ItemExpr(n.Pos, node, new ConstExpr(n.Pos, n.Value)); }
                else throw Err($"expected an attribute name after '.' but found {Describe(n)}", n.Pos);
            }
            else if (t.IsOp("["))
            {
                _i++;
                node = ParseSubscript(t.Pos, node);
            }
            else if (t.IsOp("("))
                node = ParseCall(node);
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
                throw Err("'*args' and '**kwargs' in calls are not supported by xform's Jinja subset", Cur.Pos);
            if (Cur.Kind == TokKind.Name && Peek().IsOp("="))
            {
                var n = Next();
                _i++;
                if (kwargs.Any(k => k.Item1 == n.Text)) throw Err($"keyword argument '{n.Text}' repeated", n.Pos);
                kwargs.Add((n.Text, ParseExpression()));
            }
            else
            {
                if (kwargs.Count > 0) throw Err("positional argument follows keyword argument", Cur.Pos);
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
                var nt = Expect(TokKind.Name, "", "a filter name after '|'");
                if (!JinjaRuntime.Filters.Contains(nt.Text))
                    throw Err($"filter '{nt.Text}' is not supported by xform's Jinja subset{Hint(nt.Text, JinjaRuntime.Filters)}", nt.Pos);
                List<Expr> args = new();
                List<(string, Expr)> kwargs = new();
                if (Cur.IsOp("(")) (args, kwargs) = ParseCallArgs();
                node = new FilterExpr(nt.Pos, node, nt.Text, args, kwargs);
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
                node = new TestExpr(nt.Pos, node, name, args, negated);
            }
            else if (Cur.IsOp("("))
                node = ParseCall(node);
            else
                return node;
        }
    }
}
