using System.Diagnostics;
using System.Runtime.CompilerServices;
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
    /// <summary>A template run without its Scriban page: texts and constant calls printed in turn (<see cref="DirectTemplate"/>);
    /// its <see cref="Locs"/> and <see cref="LineLocs"/> then hold each call's place and its statement's, by call id.</summary>
    public object[]? Direct { get; init; }
    public bool IsTest { get; init; }
    public bool IsInternal { get; set; }
    /// <summary>The package of a macro or template (null for a caller body or a macro defined in a template: the enclosing unit's).</summary>
    public string? Package { get; set; }
    /// <summary>A macro's definition as written ('{% macro ... %}' to its end tag), and the macros it calls.</summary>
    public string Text { get; set; } = "";
    public IReadOnlyList<MacroCall> Calls { get; set; } = [];

    private JMacro? _macro;
    public JMacro AsMacro => _macro ??= new JMacro(this, Array.Empty<ScriptObject>());

    /// <summary>
    /// The frame of every template of text and constant calls (<see cref="DirectTemplate"/>): it declares no names and nothing
    /// it runs sets one in its frame (a macro it calls has its own), so one frame serves them all, read-only so that a write
    /// would fail instead of reaching another render.
    /// </summary>
    static readonly ScriptObject DirectFrame = new(0) { IsReadOnly = true };

    /// <summary>A frame for one run of the unit: its names declared (undefined or none), or the shared one of a direct template.</summary>
    public ScriptObject NewFrame()
    {
        if (Direct is not null) return DirectFrame;
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
    [ThreadStatic] private static JinjaContext? _cached;

    /// <summary>A context for one render. Contexts are reused per thread (building a Scriban context costs
    /// more than rendering a small model); a context that saw an exception is never reused.</summary>
    public static JinjaContext Acquire(TemplateEngine engine, IReadOnlyDictionary<string, object?> globals)
    {
        var cx = _cached;
        _cached = null; // a host function rendering re-entrantly on this thread gets a fresh context
        if (cx == null) cx = new JinjaContext(engine, ScribanHelpers.Builtins, globals);
        cx.Engine = engine;
        cx.Globals = globals;
        cx._iterations = 0;
        cx._deadline = Stopwatch.GetTimestamp() + (long)(engine.Limits.MaxRenderTime.TotalSeconds * Stopwatch.Frequency);
        return cx;
    }

    public static void Release(JinjaContext cx)
    {
        if (cx._units.Count != 0 || cx._frames.Count != 0) return;
        cx.KeepStack.Clear();
        cx._failure = null;
        cx._located = null;
        cx.Globals = EmptyGlobals;
        _cached = cx;
    }

    private static readonly IReadOnlyDictionary<string, object?> EmptyGlobals = new Dictionary<string, object?>();

    private JinjaContext(TemplateEngine engine, ScriptObject builtins, IReadOnlyDictionary<string, object?> globals) : base(builtins)
    {
        Engine = engine;
        Globals = globals;
        // The Scriban traps: no auto-indent, no output or string truncation (it cuts silently), no loop or
        // recursion limits of Scriban's own (the engine's TemplateLimits apply instead, as located errors).
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

    // Limits (TemplateLimits) ---------------------------------------------------------------------------

    private long _iterations;
    private long _deadline; // a Stopwatch timestamp

    public TemplateLimits Limits => Engine.Limits;

    /// <summary>Time spent in a host call (a database query) is not the template's: the deadline moves by as much.</summary>
    public void NotTemplateTime(long stopwatchTicks) => _deadline += stopwatchTicks;

    private void CheckTime()
    {
        if (Stopwatch.GetTimestamp() > _deadline)
            throw new JinjaError($"rendering took longer than {Limits.MaxRenderTime.TotalSeconds:0.###} seconds, xform's time limit for one template " +
                                 "(time spent in database queries does not count)");
    }

    /// <summary>Before <paramref name="adding"/> more characters go to the output being written (a template's, a
    /// macro's or a captured block's).</summary>
    public void CheckOutput(long adding)
    {
        if (Output is StringBuilderOutput o && o.Builder.Length + adding > Limits.MaxOutputLength)
            throw new JinjaError($"the rendered text is longer than {Limits.MaxOutputLength:N0} characters, xform's output limit for one template or macro");
    }

    public JinjaError StringTooLong(decimal length) =>
        new($"a string of {length:N0} characters is longer than {Limits.MaxStringLength:N0}, xform's limit for one string value");

    public JinjaError ListTooLong(decimal length) =>
        new($"a list of {length:N0} items is longer than {Limits.MaxListLength:N0}, xform's limit for one list value");

    /// <summary>A value a helper produced, refused if it is a string or list past the size limits.</summary>
    public object? CheckSize(object? v) => v switch
    {
        string s when s.Length > Limits.MaxStringLength => throw StringTooLong(s.Length),
        System.Collections.ICollection c when c.Count > Limits.MaxListLength => throw ListTooLong(c.Count),
        _ => v,
    };

    /// <summary>Every for-loop iteration: the iteration count, the time, and the output a loop of plain text grows.</summary>
    protected override bool OnStepLoop(ScriptLoopStatementBase loop)
    {
        if (++_iterations > Limits.MaxLoopIterations)
            throw new JinjaError($"loops ran more than {Limits.MaxLoopIterations:N0} iterations in one render, xform's loop limit");
        if ((_iterations & 255) == 0) CheckTime(); // the clock costs more than the loop step; 256 steps are microseconds
        CheckOutput(0);
        return true;
    }

    /// <summary>
    /// Scriban evaluates the tree recursively. One template's tree is bounded (TemplateLimits.MaxNesting), but macros
    /// calling macros stack their trees: stop with an error while the stack still has room, rather than letting
    /// a stack overflow kill the process.
    /// </summary>
    public override object? Evaluate(ScriptNode? scriptNode, bool aliasReturnedFunction)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new JinjaError($"nested too deeply to run: {_units.Count} macro calls deep, their expressions and blocks together exhaust the stack");
        return base.Evaluate(scriptNode, aliasReturnedFunction);
    }

    /// <summary>Runs a unit in a fresh frame and returns its output, or its return() value.</summary>
    public object? Run(Unit unit, ScriptObject frame, ScriptObject[] captured, bool isMacro)
    {
        if (_units.Count > TemplateLimits.MaxMacroDepth)
            throw new JinjaError($"macro calls nested deeper than {TemplateLimits.MaxMacroDepth} levels (infinite recursion?)");
        CheckTime();
        foreach (var c in captured) PushGlobal(c);
        PushGlobal(frame);
        _units.Add(unit);
        _frames.Add(frame);
        _returns.Add((false, null));
        _captured.Add(captured);
        PushOutput(OutputAt(_units.Count - 1));
        string text;
        (bool Has, object? Value) ret;
        try
        {
            if (unit.Direct is { } segments) RunDirect(unit, segments);
            else Evaluate(unit.Page);
        }
        catch (ScriptRuntimeException e) when (Locate(e))
        {
            throw; // not reached: Locate only records
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

    /// <summary>
    /// A direct template's segments, as its Scriban page would run them: a text written as is, a call through the helper
    /// the page calls, its value errors at the call and any other failure at the statement (as Scriban wraps it).
    /// </summary>
    private void RunDirect(Unit unit, object[] segments)
    {
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i] is string text)
            {
                if (text.Length > 0) Write(text);
                continue;
            }
            var call = (ScribanHelpers.ConstantCall)segments[i];
            string printed;
            try
            {
                printed = (string)CheckSize(ScribanHelpers.PrintCall(this, call))!;
            }
            catch (Exception e) when (Fn.IsValueError(e))
            {
                throw Error(call.Id, e.Message);
            }
            catch (Exception e) when (e is not (XformException or ScriptRuntimeException))
            {
                throw new XformException(e.Message + unit.Describe, unit.LineLocs[call.Id]);
            }
            Write(printed);
        }
    }

    private readonly List<StringBuilderOutput> _outputs = new();

    /// <summary>
    /// The output of the unit running at <paramref name="depth"/>, emptied: one per depth, kept by this (per-thread) context,
    /// so a render does not grow a new builder for its text and each macro call's (22 MB of a 10,000-model compile). A
    /// builder grown past 64 K characters is not kept.
    /// </summary>
    private StringBuilderOutput OutputAt(int depth)
    {
        while (_outputs.Count <= depth) _outputs.Add(new StringBuilderOutput());
        var output = _outputs[depth];
        if (output.Builder.Capacity > 1 << 16) _outputs[depth] = output = new StringBuilderOutput();
        output.Builder.Clear();
        return output;
    }

    private ScriptRuntimeException? _failure;
    private XformException? _located;

    /// <summary>
    /// Records where a failure happened, from the innermost macro it passes (an exception filter runs before the
    /// stack unwinds, so the unit that failed is still the current one), and lets it go on up unchanged: the
    /// caller of the render reports it (<see cref="Located"/>). Catching and rethrowing at every macro level
    /// instead nests one exception dispatch per level on a stack that may be nearly full, which overflows it.
    /// </summary>
    private bool Locate(ScriptRuntimeException e)
    {
        if (!ReferenceEquals(_failure, e))
        {
            _failure = e;
            _located = Unwrap(e);
        }
        return false;
    }

    /// <summary>The user error a failed render reports: where <see cref="Locate"/> found it, else null.</summary>
    public XformException? Located(ScriptRuntimeException e) => ReferenceEquals(_failure, e) ? _located : null;

    /// <summary>Scriban wraps exceptions thrown by functions; find the user error inside, or map Scriban's own span.</summary>
    private XformException Unwrap(ScriptRuntimeException e)
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
            return cx.CheckSize(_impl(cx, arguments));
        }
        catch (Exception e) when (IsValueError(e))
        {
            if (_hasId) throw cx.Error(ScribanHelpers.Id(arguments[0]), e.Message);
            throw callerContext != null ? cx.ErrorAtSpan(callerContext.Span, e.Message) : cx.Error(-1, e.Message);
        }
    }

    /// <summary>An error a helper raises on the values it was given (a user error at the helper's position).</summary>
    public static bool IsValueError(Exception e) =>
        e is JinjaError or InvalidCastException or ArgumentException or IndexOutOfRangeException or OverflowException
            or KeyNotFoundException or FormatException or InvalidOperationException or NullReferenceException;

    public ValueTask<object?> InvokeAsync(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) =>
        new(Invoke(context, callerContext, arguments, blockStatement));

    public int RequiredParameterCount => 0;
    public int ParameterCount => 0;
    public ScriptVarParamKind VarParamKind => ScriptVarParamKind.Direct;
    public Type ReturnType => typeof(object);
    // Scriban asks for each argument of each call: the names are made once (a new text per argument was 15 MB of a
    // 10,000-model compile).
    static readonly string[] ArgNames = Enumerable.Range(0, 16).Select(i => "arg" + i).ToArray();

    public ScriptParameterInfo GetParameterInfo(int index) => new(typeof(object), index < ArgNames.Length ? ArgNames[index] : "arg" + index);
}
