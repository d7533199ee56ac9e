namespace Xform.Core.Templating;

/// <summary>
/// A macro a template calls: <c>name(...)</c>, <c>package.name(...)</c>, or through
/// <c>adapter.dispatch('name', 'namespace')</c>. Read from the syntax tree, so SQL text, comments and strings
/// that merely look like a call are not calls.
/// </summary>
public sealed record MacroCall(string Name, string? Package = null, bool Dispatched = false, string? DispatchNamespace = null);

/// <summary>Walks a template's syntax tree for the macro calls it makes.</summary>
internal static class JinjaCalls
{
    /// <summary>One value per plainly called name (ref, config, a macro): every template calls the same few.</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, MacroCall> Plain = new(StringComparer.Ordinal);

    public static IReadOnlyList<MacroCall> Of(IEnumerable<Stmt> body)
    {
        var found = new List<MacroCall>();
        foreach (var s in body) Visit(s, found);
        return found.Count == 0 ? [] : found.ToArray();
    }

    static void Visit(Stmt s, List<MacroCall> found)
    {
        switch (s)
        {
            case OutputStmt o: Visit(o.Value, found); break;
            case DoStmt d: Visit(d.Value, found); break;
            case ReturnStmt r: Visit(r.Value, found); break;
            case SetStmt set: Visit(set.Value, found); break;
            case SetAttrStmt sa: Visit(sa.Value, found); break;
            case SetBlockStmt sb: Visit(sb.Filter, found); VisitAll(sb.Body, found); break;
            case FilterBlockStmt fb: Visit(fb.Filter, found); VisitAll(fb.Body, found); break;
            case WithStmt w:
                foreach (var (_, v) in w.Targets) Visit(v, found);
                VisitAll(w.Body, found);
                break;
            case IfStmt i:
                foreach (var (cond, branch) in i.Branches) { Visit(cond, found); VisitAll(branch, found); }
                if (i.Else is { } e) VisitAll(e, found);
                break;
            case ForStmt f:
                Visit(f.Iter, found);
                Visit(f.Filter, found);
                VisitAll(f.Body, found);
                if (f.Else is { } fe) VisitAll(fe, found);
                break;
            case MacroStmt m:
                foreach (var p in m.Params) if (p.Default is { } dflt) Visit(dflt, found);
                VisitAll(m.Body, found);
                break;
            case CallBlockStmt c:
                Visit(c.Call, found);
                foreach (var p in c.CallerParams) if (p.Default is { } dflt) Visit(dflt, found);
                VisitAll(c.Body, found);
                break;
        }
    }

    static void VisitAll(List<Stmt> body, List<MacroCall> found)
    {
        foreach (var s in body) Visit(s, found);
    }

    static void Visit(Expr? e, List<MacroCall> found)
    {
        switch (e)
        {
            case null or ConstExpr or NameExpr: break;
            case CallExpr c:
                if (Call(c) is { } call) found.Add(call);
                Visit(c.Callee, found);
                foreach (var a in c.Args) Visit(a, found);
                foreach (var (_, v) in c.Kwargs) Visit(v, found);
                break;
            case ListExpr l: foreach (var i in l.Items) Visit(i, found); break;
            case DictExpr d: foreach (var (k, v) in d.Items) { Visit(k, found); Visit(v, found); } break;
            case AttrExpr a: Visit(a.Target, found); break;
            case ItemExpr it: Visit(it.Target, found); Visit(it.Key, found); break;
            case SliceExpr sl: Visit(sl.Target, found); Visit(sl.Start, found); Visit(sl.Stop, found); Visit(sl.Step, found); break;
            case FilterExpr f:
                Visit(f.Value, found);
                foreach (var a in f.Args) Visit(a, found);
                foreach (var (_, v) in f.Kwargs) Visit(v, found);
                break;
            case TestExpr t: Visit(t.Value, found); foreach (var a in t.Args) Visit(a, found); break;
            case BinaryExpr b: Visit(b.Left, found); Visit(b.Right, found); break;
            case ArithExpr ar: Visit(ar.First, found); foreach (var (_, r, _) in ar.Ops) Visit(r, found); break;
            case UnaryExpr u: Visit(u.Operand, found); break;
            case CompareExpr cmp: Visit(cmp.First, found); foreach (var (_, r, _) in cmp.Ops) Visit(r, found); break;
            case ConcatExpr cc: foreach (var p in cc.Parts) Visit(p, found); break;
            case CondExpr ce: Visit(ce.Test, found); Visit(ce.Then, found); Visit(ce.Else, found); break;
        }
    }

    /// <summary>The macro a call names, if its callee is a name, a package member or adapter.dispatch('name').</summary>
    static MacroCall? Call(CallExpr c) => c.Callee switch
    {
        NameExpr n => Plain.GetOrAdd(n.Name, name => new MacroCall(name)),
        AttrExpr { Target: NameExpr { Name: "adapter" }, Name: "dispatch" } =>
            Argument(c, 0, "macro_name") is { } name ? new MacroCall(name, Dispatched: true, DispatchNamespace: Argument(c, 1, "macro_namespace")) : null,
        AttrExpr { Target: NameExpr package, Name: var member } => new MacroCall(member, package.Name),
        _ => null,
    };

    static string? Argument(CallExpr c, int position, string keyword) =>
        c.Kwargs.FirstOrDefault(k => k.Name == keyword).Value is ConstExpr { Value: string kw } ? kw
        : position < c.Args.Count && c.Args[position] is ConstExpr { Value: string s } ? s : null;
}

/// <summary>
/// A <c>ref(...)</c> or <c>source(...)</c> call written as a value, such as a test argument
/// (<c>to: ref('customers')</c>): the function and its positional arguments (null where one is not a string literal).
/// </summary>
public sealed record RelationCall(string Function, IReadOnlyList<string?> Args, bool HasKeywords)
{
    /// <summary>The call, when the whole text is one ref() or source() call; else null.</summary>
    public static RelationCall? Read(string text)
    {
        var trimmed = text.Trim();
        if (!(trimmed.StartsWith("ref", StringComparison.Ordinal) || trimmed.StartsWith("source", StringComparison.Ordinal))) return null;
        List<Stmt> body;
        try
        {
            body = JinjaParser.Parse(new SourceText("<value>", "{{ " + trimmed + " }}"));
        }
        catch (Diagnostics.XformException)
        {
            return null;
        }
        return body is [OutputStmt { Value: CallExpr { Callee: NameExpr { Name: "ref" or "source" } callee } call }]
            ? new RelationCall(callee.Name, call.Args.Select(a => a is ConstExpr { Value: string s } ? s : null).ToList(), call.Kwargs.Count > 0)
            : null;
    }

    /// <summary>The literal arguments, when every argument is a string literal and none is a keyword.</summary>
    public IReadOnlyList<string>? Literals => !HasKeywords && Args.All(a => a is not null) ? Args.Select(a => a!).ToList() : null;
}
