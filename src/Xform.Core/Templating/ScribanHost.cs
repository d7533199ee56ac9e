using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;
using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>
/// One translated body: a template, a macro, or a <c>{% call %}</c> caller body. Immutable once built and
/// shared by every render on every thread.
/// </summary>
internal sealed class Unit
{
    public required string Name { get; init; }
    public required UnitKind Kind { get; init; }
    public required SourceLocation Location { get; init; }
    public required ScriptPage Page { get; init; }
    public required SourceLocation[] Locs { get; init; }
    public required SourceLocation[] LineLocs { get; init; }
    public required string[] UndefinedVars { get; init; }
    public required string[] NullVars { get; init; }
    public required string[] ParamNames { get; init; }
    public required string[] ParamVars { get; init; }
    public required int RequiredCount { get; init; }
    public required string? CallerVar { get; init; }
    public required string? VarargsVar { get; init; }
    public required string? KwargsVar { get; init; }
    public required Unit[] Children { get; init; }
    public bool IsTest { get; init; }
    public bool IsInternal { get; set; }
    /// <summary>The package of a macro or template (null for a caller body or a macro defined in a template: the enclosing unit's).</summary>
    public string? Package { get; set; }
    /// <summary>A macro's definition as written ('{% macro ... %}' to its end tag), and the macros it calls.</summary>
    public string Text { get; set; } = "";
    public IReadOnlyList<MacroCall> Calls { get; set; } = [];

    private JMacro? _macro;
    public JMacro AsMacro => _macro ??= new JMacro(this, Array.Empty<ScriptObject>());

    public ScriptObject NewFrame()
    {
        var f = new ScriptObject(UndefinedVars.Length + NullVars.Length + 4);
        foreach (var v in UndefinedVars) f.SetValue(v, JUndefined.Unassigned, false);
        foreach (var v in NullVars) f.SetValue(v, null, false);
        return f;
    }

    public SourceLocation LineLocation(int generatedLine) =>
        generatedLine >= 0 && generatedLine < LineLocs.Length ? LineLocs[generatedLine] : Location;

    public string Describe => Kind switch
    {
        UnitKind.Macro => $" (in macro '{Name}')",
        UnitKind.Caller => " (in a {% call %} body)",
        _ => "",
    };
}

internal enum UnitKind { Template, Macro, Caller }

/// <summary>A macro value: a unit plus the frames it closes over (for macros defined inside templates and caller bodies).</summary>
internal sealed class JMacro
{
    public JMacro(Unit unit, ScriptObject[] captured)
    {
        Unit = unit;
        Captured = captured;
    }

    public Unit Unit { get; }
    public ScriptObject[] Captured { get; }
    public string Name => Unit.Name;
}

/// <summary>Per-render state: the host globals, the macro stack, return values and the and/or value stack.</summary>
internal sealed class JinjaContext : TemplateContext
{
    private const int MaxMacroDepth = 200;

    [ThreadStatic] private static JinjaContext? _cached;

    /// <summary>A context for one render. Contexts are reused per thread (building a Scriban context costs
    /// more than rendering a small model); a context that saw an exception is never reused.</summary>
    public static JinjaContext Acquire(TemplateEngine engine, IReadOnlyDictionary<string, object?> globals)
    {
        var cx = _cached;
        _cached = null; // a host function rendering re-entrantly on this thread gets a fresh context
        if (cx == null) return new JinjaContext(engine, ScribanHelpers.Builtins, globals);
        cx.Engine = engine;
        cx.Globals = globals;
        return cx;
    }

    public static void Release(JinjaContext cx)
    {
        if (cx._units.Count != 0 || cx._frames.Count != 0) return;
        cx.KeepStack.Clear();
        cx.Globals = EmptyGlobals;
        _cached = cx;
    }

    private static readonly IReadOnlyDictionary<string, object?> EmptyGlobals = new Dictionary<string, object?>();

    private JinjaContext(TemplateEngine engine, ScriptObject builtins, IReadOnlyDictionary<string, object?> globals) : base(builtins)
    {
        Engine = engine;
        Globals = globals;
        // The Scriban traps: no auto-indent, no output or string truncation, no loop or recursion limits a
        // real project could hit (macro recursion is bounded by MaxMacroDepth instead).
        AutoIndent = false;
        IndentOnEmptyLines = false;
        LimitToString = 0;
        OutputLimit = 0;
        LoopLimit = 0;
        LoopLimitQueryable = 0;
        RecursiveLimit = 0;
        ObjectRecursionLimit = 0;
        StrictVariables = false;
        EnableRelaxedMemberAccess = true;
        NewLine = "\n";
    }

    public TemplateEngine Engine { get; private set; }
    public IReadOnlyDictionary<string, object?> Globals { get; private set; }
    public readonly List<object?> KeepStack = new();
    private readonly List<Unit> _units = new();
    private readonly List<ScriptObject> _frames = new();
    private readonly List<(bool Has, object? Value)> _returns = new();
    private readonly List<ScriptObject[]> _captured = new();

    public ScriptObject[] CapturedOfCurrent => _captured.Count > 0 ? _captured[^1] : Array.Empty<ScriptObject>();

    public Unit CurrentUnit => _units[^1];

    /// <summary>The package whose macros an unqualified call finds first: that of the innermost macro or template running.</summary>
    public string? LocalPackage
    {
        get
        {
            for (var i = _units.Count - 1; i >= 0; i--)
                if (_units[i].Package is { } p) return p;
            return null;
        }
    }
    public ScriptObject CurrentFrame => _frames[^1];

    public XformException Error(int id, string message)
    {
        var u = CurrentUnit;
        var loc = id >= 0 && id < u.Locs.Length ? u.Locs[id] : u.Location;
        return new XformException(message + u.Describe, loc);
    }

    public XformException ErrorAtSpan(SourceSpan span, string message)
    {
        var u = CurrentUnit;
        return new XformException(message + u.Describe, u.LineLocation(span.Start.Line));
    }

    public void SetReturn(object? value) => _returns[^1] = (true, value);

    /// <summary>Runs a unit in a fresh frame and returns its output, or its return() value.</summary>
    public object? Run(Unit unit, ScriptObject frame, ScriptObject[] captured, bool isMacro)
    {
        if (_units.Count > MaxMacroDepth) throw new JinjaError($"macro calls nested deeper than {MaxMacroDepth} levels (infinite recursion?)");
        foreach (var c in captured) PushGlobal(c);
        PushGlobal(frame);
        _units.Add(unit);
        _frames.Add(frame);
        _returns.Add((false, null));
        _captured.Add(captured);
        PushOutput(new StringBuilderOutput());
        string text;
        (bool Has, object? Value) ret;
        try
        {
            Evaluate(unit.Page);
        }
        catch (ScriptRuntimeException e)
        {
            throw Unwrap(e);
        }
        finally
        {
            text = PopOutput().ToString() ?? "";
            ret = _returns[^1];
            _returns.RemoveAt(_returns.Count - 1);
            _captured.RemoveAt(_captured.Count - 1);
            _frames.RemoveAt(_frames.Count - 1);
            _units.RemoveAt(_units.Count - 1);
            PopGlobal();
            for (var i = 0; i < captured.Length; i++) PopGlobal();
        }
        _ = isMacro;
        return ret.Has ? ret.Value : text;
    }

    /// <summary>Scriban wraps exceptions thrown by functions; find the user error inside, or map Scriban's own span.</summary>
    private Exception Unwrap(ScriptRuntimeException e)
    {
        for (Exception? x = e; x != null; x = x.InnerException)
            if (x is XformException xe) return xe;
        return ErrorAtSpan(e.Span, e.OriginalMessage);
    }
}

/// <summary>A helper function exposed to the generated Scriban code.</summary>
internal sealed class Fn : IScriptCustomFunction
{
    private readonly Func<JinjaContext, ScriptArray, object?> _impl;
    private readonly bool _hasId;

    public Fn(bool hasId, Func<JinjaContext, ScriptArray, object?> impl)
    {
        _hasId = hasId;
        _impl = impl;
    }

    public object? Invoke(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement)
    {
        var cx = (JinjaContext)context;
        try
        {
            return _impl(cx, arguments);
        }
        catch (Exception e) when (e is JinjaError or InvalidCastException or ArgumentException or IndexOutOfRangeException
                                       or OverflowException or KeyNotFoundException or FormatException or InvalidOperationException or NullReferenceException)
        {
            if (_hasId) throw cx.Error(ScribanHelpers.Id(arguments[0]), e.Message);
            throw callerContext != null ? cx.ErrorAtSpan(callerContext.Span, e.Message) : cx.Error(-1, e.Message);
        }
    }

    public ValueTask<object?> InvokeAsync(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) =>
        new(Invoke(context, callerContext, arguments, blockStatement));

    public int RequiredParameterCount => 0;
    public int ParameterCount => 0;
    public ScriptVarParamKind VarParamKind => ScriptVarParamKind.Direct;
    public Type ReturnType => typeof(object);
    public ScriptParameterInfo GetParameterInfo(int index) => new(typeof(object), "arg" + index);
}
