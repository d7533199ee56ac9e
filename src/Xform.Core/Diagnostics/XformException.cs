namespace Xform.Core.Diagnostics;

/// <summary>
/// An error the user can fix: bad project files, templates, refs, command line or connection.
/// The CLI prints <see cref="Format"/> and exits 2 with no stack trace.
/// </summary>
public class XformException : Exception
{
    public XformException(string message, SourceLocation location = default, Exception? inner = null)
        : base(message, inner)
    {
        Location = location;
    }

    public SourceLocation Location { get; }

    /// <summary><c>file:line:col: error: message</c>, or just the message when the location is unknown.</summary>
    public string Format() => Location.IsKnown ? $"{Location}: error: {Message}" : $"error: {Message}";
}

/// <summary>
/// Several user errors found in one pass (e.g. every parse error in a project), each said once: an error inside a macro that
/// several models call is the same error, at the same place, for each of them.
/// </summary>
public sealed class XformAggregateException : XformException
{
    public XformAggregateException(IReadOnlyList<XformException> errors) : this(Distinct(errors))
    {
    }

    XformAggregateException(List<XformException> distinct)
        : base(string.Join(Environment.NewLine, distinct.Select(e => e.Format())), distinct[0].Location)
    {
        Errors = distinct;
    }

    static List<XformException> Distinct(IReadOnlyList<XformException> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return errors.Where(e => seen.Add(e.Format())).ToList();
    }

    public IReadOnlyList<XformException> Errors { get; }

    public new string Format() => Message;
}
