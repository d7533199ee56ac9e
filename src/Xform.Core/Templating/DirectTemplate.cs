using Scriban.Syntax;
using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>
/// Templates that only print text and call a global or macro with constant arguments (<c>{{ config(...) }}</c>,
/// <c>{{ ref('x') }}</c>, <c>{{ my_macro('a', n=1) }}</c>: most models of most projects) run as a list of
/// segments, without a Scriban tree. The tree was about a fifth of what a 10,000-model compile allocated, for
/// statements that are one helper call each. Each call goes through the helper the Scriban tree would call
/// (<see cref="ScribanHelpers.PrintCall"/>), in the same context, so values, output and errors are the same; a
/// test renders both forms of each template and compares them.
/// </summary>
internal static class DirectTemplate
{
    static readonly ScriptPage NoPage = new();

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
        for (var i = 0; i < values.Length; i++) values[i] = ((ConstExpr)args[i]).Value;
        return values;
    }

    static (string Name, object? Value)[] Keywords(List<(string Name, Expr Value)> kwargs)
    {
        if (kwargs.Count == 0) return [];
        var values = new (string, object?)[kwargs.Count];
        for (var i = 0; i < values.Length; i++) values[i] = (kwargs[i].Name, ((ConstExpr)kwargs[i].Value).Value);
        return values;
    }

    /// <summary>A call the translation packs as one constant (<see cref="ScribanEmitter"/>'s ECall): a plain name other
    /// than <c>return</c> (which must stand alone), constant arguments, no <c>*args</c> or <c>**kwargs</c>.</summary>
    static bool IsConstantCall(CallExpr c) =>
        c.Callee is NameExpr { Name: not "return" } && c.Args.All(a => a is ConstExpr) && c.Kwargs.All(k => k.Value is ConstExpr && k.Name is not ("*" or "**"));
}
