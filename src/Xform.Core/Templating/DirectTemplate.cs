using Scriban.Syntax;
using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>
/// Templates that only print text and call a global or macro with constant arguments (<c>{{ config(tags=['a']) }}</c>,
/// <c>{{ ref('x') }}</c>, <c>{{ my_macro('a', n=1) }}</c>: most models of most projects) run as a list of
/// segments, without a Scriban tree. The tree was about a fifth of what a 10,000-model compile allocated, for
/// statements that are one helper call each. Each call goes through the helper the Scriban tree would call
/// (<see cref="ScribanHelpers.PrintCall"/>), in the same context, so values, output and errors are the same; a
/// test renders both forms of each template and compares them.
/// </summary>
internal static class DirectTemplate
{
    static readonly ScriptPage NoPage = new();

    /// <summary>A template's unit to run: its segments when it has only text and constant calls, else its Scriban tree.</summary>
    public static Unit Compile(SourceText src, List<Stmt> body) => TryCompile(src, body) ?? new ScribanEmitter(src).CompileTemplate(body);

    /// <summary>The template as segments (a text, or a call whose value is printed), or null when it holds anything else.</summary>
    public static Unit? TryCompile(SourceText src, List<Stmt> body)
    {
        var calls = 0;
        foreach (var statement in body)
        {
            if (statement is TextStmt) continue;
            if (statement is OutputStmt { Value: CallExpr call } && IsConstantCall(call)) calls++;
            else return null;
        }
        // Sized exactly, no LINQ: a project of 10,000 models makes 10,000 of these.
        var segments = new object[body.Count];
        var locs = new SourceLocation[calls];
        var statementLocs = new SourceLocation[calls];
        for (int i = 0, k = 0; i < body.Count; i++)
        {
            if (body[i] is TextStmt text)
            {
                segments[i] = text.Text;
                continue;
            }
            var call = (CallExpr)((OutputStmt)body[i]).Value;
            locs[k] = src.Location(call.Pos);
            statementLocs[k] = src.Location(body[i].Pos);
            segments[i] = new ScribanHelpers.ConstantCall(k++, ((NameExpr)call.Callee).Name, Values(call.Args), Keywords(call.Kwargs));
        }
        return new Unit
        {
            Name = "template", Kind = UnitKind.Template, Location = src.Location(0), Page = NoPage,
            Locs = locs, LineLocs = statementLocs, UndefinedVars = [], NullVars = [], ParamNames = [], ParamVars = [],
            RequiredCount = 0, CallerVar = null, VarargsVar = null, KwargsVar = null, Children = [], Direct = segments,
        };
    }

    static object?[] Values(List<Expr> args)
    {
        if (args.Count == 0) return [];
        var values = new object?[args.Count];
        for (var i = 0; i < values.Length; i++) values[i] = Value(args[i]);
        return values;
    }

    static (string Name, object? Value)[] Keywords(List<(string Name, Expr Value)> kwargs)
    {
        if (kwargs.Count == 0) return [];
        var values = new (string, object?)[kwargs.Count];
        for (var i = 0; i < values.Length; i++) values[i] = (kwargs[i].Name, Value(kwargs[i].Value));
        return values;
    }

    /// <summary>A constant as the call takes it: a list, tuple or dict of constants made anew each call.</summary>
    static object? Value(Expr e) => e switch
    {
        ConstExpr c => c.Value,
        ListExpr l => new ScribanHelpers.ConstantList(l.IsTuple, null, l.Items.Select(Value).ToArray()),
        DictExpr d => new ScribanHelpers.ConstantList(false, d.Items.Select(kv => (string)((ConstExpr)kv.Key).Value!).ToArray(),
            d.Items.Select(kv => Value(kv.Value)).ToArray()),
        _ => throw new InvalidOperationException("not a constant: " + e.GetType().Name),
    };

    /// <summary>A literal, or a list, tuple or dict (with literal string keys) of constants: what a call takes the same each time.</summary>
    static bool IsConstant(Expr e) => e switch
    {
        ConstExpr => true,
        ListExpr l => l.Items.All(IsConstant),
        DictExpr d => d.Items.All(kv => kv.Key is ConstExpr { Value: string } && IsConstant(kv.Value)),
        _ => false,
    };

    /// <summary>A call of a plain name other than <c>return</c> (which must stand alone) with constant arguments (literals,
    /// or lists, tuples and dicts of them), no <c>*args</c> or <c>**kwargs</c>: the Scriban tree calls it through the same
    /// helper with the same values.</summary>
    static bool IsConstantCall(CallExpr c) =>
        c.Callee is NameExpr { Name: not "return" } && c.Args.All(IsConstant) && c.Kwargs.All(k => IsConstant(k.Value) && k.Name is not ("*" or "**"));
}
