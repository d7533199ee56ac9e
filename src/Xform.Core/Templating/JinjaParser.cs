using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>
/// Recursive-descent parser for dbt's Jinja subset, with Jinja2's operator precedence. Everything outside
/// the subset is rejected here, with the position of the offending tag, filter or test.
/// </summary>
internal sealed partial class JinjaParser
{
    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "include", "extends", "block", "import", "from", "autoescape", "trans", "pluralize",
        "snapshot", "endblock", "endautoescape",
    };

    private readonly SourceText _src;
    private readonly List<Token> _t;
    private int _i;
    private int _macroDepth;
    private int _loopDepth;
    private int _depth; // nesting levels open: blocks, and the parser's own recursion into sub-expressions

    private JinjaParser(SourceText src, List<Token>? tokens = null)
    {
        _src = src;
        _t = JinjaLexer.Tokenize(src, tokens);
    }

    public static List<Stmt> Parse(SourceText src)
    {
        // The token list is the thread's, reused parse after parse (the syntax tree keeps no token); taken while in use, so
        // a parse started inside another on the same thread gets a list of its own.
        var tokens = _tokens;
        _tokens = null;
        var p = new JinjaParser(src, tokens);
        var body = p.ParseStatements(Array.Empty<string>(), null, out _);
        if (p._t.Capacity <= 1 << 16) _tokens = p._t; // a huge file's list is not kept
        return body;
    }

    [ThreadStatic] static List<Token>? _tokens;

    private static string Hint(string name, IEnumerable<string> candidates)
    {
        var h = Suggestions.DidYouMean(name, candidates);
        return h.Length > 0 ? "." + h : "";
    }

    private Token Cur => _t[_i];
    private Token Peek(int n = 1) => _t[Math.Min(_i + n, _t.Count - 1)];
    private Token Next() => _t[_i++];

    private XformException Err(string message, int pos) => _src.Error(message, pos);

    // Nesting ---------------------------------------------------------------------------------------
    // The parser, the translation and Scriban all recurse once per level of the tree; a limit keeps each of them
    // within the stack (a stack overflow kills the process, with no message). See TemplateLimits.MaxNesting.

    /// <summary>Opens a level: a block, or a recursion into a sub-expression (parentheses, brackets, call arguments,
    /// operands of <c>not</c> and unary minus).</summary>
    private void Enter(int pos)
    {
        if (++_depth > TemplateLimits.MaxNesting) throw TooDeep(pos);
    }

    /// <summary>Closes a level opened by <see cref="Enter"/>, checking the expression built inside it.</summary>
    private T Leave<T>(T e) where T : Expr
    {
        Deep(e);
        _depth--;
        return e;
    }

    /// <summary>A node built in a loop (an attribute or filter chain, and/or) checked as it is built: its own depth
    /// on top of the levels open around it.</summary>
    private T Deep<T>(T e) where T : Expr => _depth + e.Depth - 1 > TemplateLimits.MaxNesting ? throw TooDeep(e.Pos) : e;

    private XformException TooDeep(int pos) =>
        Err($"nested deeper than {TemplateLimits.MaxNesting} levels, xform's limit for expressions and blocks in one template or macro " +
            "(every parenthesis, bracket, call, filter, attribute, operator and block counts)", pos);

    private string Describe(Token t) => t.Kind switch
    {
        TokKind.Eof => "end of template",
        TokKind.BlockEnd => "end of tag '%}'",
        TokKind.VarEnd => "end of expression '}}'",
        TokKind.Data => "text",
        // a literal without escapes keeps only its value (JinjaLexer.LexString): its text is that between its quotes
        TokKind.String when ReferenceEquals(t.Text, t.Value) => $"'{_src.Text[t.Pos]}{t.Text}{_src.Text[t.Pos]}'",
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
                        Enter(tag.Pos);
                        body.Add(ParseTag(tag));
                        _depth--;
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
            case "materialization": return ParseMaterialization(pos);
            case "call": return ParseCallBlock(pos);
            case "filter":
                {
                    var chain = ParseFilterChain(new NameExpr(pos, FilterExpr.Captured), requireBar: false);
                    ExpectBlockEnd("filter");
                    var body = ParseStatements(new[] { "endfilter" }, ("filter", pos), out _);
                    ExpectBlockEnd("endfilter");
                    return new FilterBlockStmt(pos, chain, body);
                }
            case "with":
                {
                    var targets = new List<(string, Expr)>();
                    while (Cur.Kind != TokKind.BlockEnd)
                    {
                        if (targets.Count > 0) Expect(TokKind.Op, ",", "',' or '%}' in 'with'");
                        var name = ExpectName("a variable name in 'with'");
                        Expect(TokKind.Op, "=", "'=' in 'with'");
                        targets.Add((name, ParseExpression()));
                    }
                    ExpectBlockEnd("with");
                    var body = ParseStatements(new[] { "endwith" }, ("with", pos), out _);
                    ExpectBlockEnd("endwith");
                    return new WithStmt(pos, targets, body);
                }
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
        Expr? filter = null;
        if (Cur.IsName("if"))
        {
            _i++;
            filter = ParseExpression();
        }
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
        return new ForStmt(pos, targets, iter, body, elseBody, filter);
    }

    private Stmt ParseSet(int pos)
    {
        if (Cur.Kind == TokKind.Name && Peek().IsOp("."))
        {
            var target = Next().Text;
            _i++;
            var attr = ExpectName("an attribute name");
            if (Cur.Kind == TokKind.BlockEnd || Cur.IsOp("|")) return ParseSetBlock(pos, target, attr);
            Expect(TokKind.Op, "=", "'='");
            var v = ParseTuple();
            ExpectBlockEnd("set");
            return new SetAttrStmt(pos, target, attr, v);
        }
        var targets = ParseTargets("set");
        if (Cur.Kind == TokKind.BlockEnd || Cur.IsOp("|"))
        {
            if (targets.Count != 1) throw Err("a block 'set' assigns exactly one variable", pos);
            return ParseSetBlock(pos, targets[0], null);
        }
        Expect(TokKind.Op, "=", "'=' in 'set'");
        var value = ParseTuple();
        ExpectBlockEnd("set");
        return new SetStmt(pos, targets, value);
    }

    /// <summary>The rest of <c>{% set x | filters %}...{% endset %}</c> (filters optional).</summary>
    private Stmt ParseSetBlock(int pos, string target, string? attr)
    {
        Expr? filter = null;
        if (Cur.IsOp("|")) filter = ParseFilterChain(new NameExpr(pos, FilterExpr.Captured), requireBar: true);
        ExpectBlockEnd("set");
        var body = ParseStatements(new[] { "endset" }, ("set", pos), out _);
        ExpectBlockEnd("endset");
        return new SetBlockStmt(pos, target, body, filter, attr);
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

    /// <summary>
    /// <c>{% materialization name, adapter='duckdb' %}...{% endmaterialization %}</c> (or <c>default</c> for every
    /// adapter; <c>supported_languages=[...]</c> is read and must be a list): as in dbt, a macro with no parameters
    /// named <c>materialization_{name}_{adapter}</c>, which the runner calls with the model's context.
    /// </summary>
    private Stmt ParseMaterialization(int pos)
    {
        var name = ExpectName("a materialization name");
        var adapter = "";
        while (Cur.IsOp(","))
        {
            _i++;
            if (Cur.IsName("default") && (Peek().IsOp(",") || Peek().Kind == TokKind.BlockEnd))
            {
                _i++;
                adapter = adapter.Length == 0 ? "default" : throw Err("materialization names its adapter twice", pos);
                continue;
            }
            var key = Expect(TokKind.Name, "", "'adapter=', 'supported_languages=' or 'default'");
            Expect(TokKind.Op, "=", $"'=' after '{key.Text}'");
            var value = ParseExpression();
            switch (key.Text)
            {
                case "adapter" when value is ConstExpr { Value: string a } && a.Length > 0:
                    adapter = adapter.Length == 0 ? a : throw Err("materialization names its adapter twice", key.Pos);
                    break;
                case "adapter":
                    throw Err("adapter= of a materialization must be a quoted adapter name such as 'duckdb'", value.Pos);
                case "supported_languages" when value is ListExpr:
                    break;
                case "supported_languages":
                    throw Err("supported_languages= of a materialization must be a list such as ['sql']", value.Pos);
                default:
                    throw Err($"unknown argument '{key.Text}' of materialization '{name}': expected adapter=, supported_languages= or default", key.Pos);
            }
        }
        if (adapter.Length == 0) throw Err($"materialization '{name}' needs an adapter: add ', default' or \", adapter='duckdb'\"", pos);
        ExpectBlockEnd("materialization");
        _macroDepth++;
        var savedLoop = _loopDepth;
        _loopDepth = 0;
        var body = ParseStatements(new[] { "endmaterialization" }, ("materialization", pos), out _);
        _loopDepth = savedLoop;
        _macroDepth--;
        var endPos = _t[_i - 2].Pos;
        ExpectBlockEnd("endmaterialization");
        var textStart = _src.Text.LastIndexOf("{%", pos, StringComparison.Ordinal);
        var textEnd = _src.Text.IndexOf("%}", _t[_i - 1].Pos, StringComparison.Ordinal) + 2;
        return new MacroStmt(pos, $"materialization_{name}_{adapter}", [], body, false, endPos, textStart, textEnd);
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
}
