using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>A template file: its project-relative path (used in every error) and its text.</summary>
public sealed record TemplateSource(string Path, string Text);

/// <summary>The arguments of a call from a template into host code, with the call's position.</summary>
public sealed class TemplateCall
{
    public TemplateCall(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, SourceLocation location)
    {
        Args = args;
        Kwargs = kwargs;
        Location = location;
    }

    public IReadOnlyList<object?> Args { get; }
    public IReadOnlyDictionary<string, object?> Kwargs { get; }
    public SourceLocation Location { get; }

    /// <summary>The argument at <paramref name="position"/> or named <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int position, string name, object? fallback = null) =>
        Kwargs.TryGetValue(name, out var v) ? v : position < Args.Count ? Args[position] : fallback;

    public bool Has(int position, string name) => Kwargs.ContainsKey(name) || position < Args.Count;

    public XformException Error(string message) => new(message, Location);
}

/// <summary>A function the host exposes to templates (ref, source, var, config, log, ...).</summary>
public delegate object? HostFunction(TemplateCall call);

/// <summary>A host object whose attributes templates read (<c>target.schema</c>, <c>this.identifier</c>).
/// Rendered with <c>ToString()</c>.</summary>
public interface ITemplateObject
{
    bool TryGetMember(string name, out object? value);
}

/// <summary>A host object Jinja treats as a mapping (<c>is mapping</c>) and as a dict key by its text, as dbt's Relation.</summary>
public interface ITemplateMapping;

/// <summary>
/// A dict whose missing keys read as Jinja's default Undefined (print empty, are false), as dbt's <c>target</c> does
/// for a field its output lacks (<c>target.host</c> on DuckDB); other dicts keep the error that catches typos.
/// </summary>
public interface ILenientMapping;

/// <summary>A host object that is also callable (dbt's <c>config(...)</c> with <c>config.get(...)</c>).</summary>
public interface ITemplateCallable
{
    object? Invoke(TemplateCall call);
}

/// <summary>A macro known to the engine, and the package it belongs to.</summary>
public sealed record MacroInfo(string Name, IReadOnlyList<string> Parameters, SourceLocation Location, bool IsTest, bool IsInternal, string Package = "")
{
    /// <summary>The definition as written, '{% macro ... %}' to its end tag (manifest macro_sql, state checksums).</summary>
    public string Sql { get; init; } = "";

    /// <summary>Its body reads <c>kwargs</c>, so it takes keyword arguments it does not name (a generic test passing them on).</summary>
    public bool TakesKwargs { get; init; }

    /// <summary>How many of <see cref="Parameters"/>, from the first, have no default: a call must give each.</summary>
    public int RequiredCount { get; init; }

    /// <summary>The macros its body calls, read from its syntax tree.</summary>
    public IReadOnlyList<MacroCall> Calls { get; init; } = [];
}

/// <summary>A <c>{% docs name %}...{% enddocs %}</c> block.</summary>
public sealed record DocsBlock(string Name, string Text, SourceLocation Location);

/// <summary>A <c>{% snapshot name %}...{% endsnapshot %}</c> block: its name, its body (the select) and where it starts.</summary>
public sealed record SnapshotBlock(string Name, string Body, SourceLocation Location);

/// <summary>
/// A host value that takes part in Python's operators as the Python object it stands for does (a date plus a
/// timedelta, two datetimes compared). The engine asks it before it reports an unsupported operation.
/// </summary>
public interface ITemplateOperand
{
    /// <summary>The Python type's name, for messages: <c>datetime.date</c>.</summary>
    string TypeName { get; }

    /// <summary>
    /// <c>this op other</c>, or <c>other op this</c> when <paramref name="reflected"/>. <paramref name="op"/> is one of
    /// <c>+ - * / // %</c>, <c>neg</c>, <c>cmp</c> (the result an int: negative, zero or positive) or <c>bool</c> (the
    /// truth value, where it is not always true). False when Python does not define the operation for these operands.
    /// </summary>
    bool TryOperate(string op, object? other, bool reflected, out object? result);
}

/// <summary>
/// A unit test's <c>overrides: macros:</c>, passed to a render as the global of this name (a name to value mapping): a name
/// found there resolves to its value before any macro or global.
/// </summary>
public static class MacroOverrides
{
    public const string GlobalName = "__xform_macro_overrides__";
}
