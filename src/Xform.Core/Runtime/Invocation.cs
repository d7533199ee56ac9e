using System.Globalization;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// One run of a command as templates see it (dbt's <c>invocation_id</c>, <c>run_started_at</c> and <c>flags</c>); the
/// artifacts the command writes carry the same id.
/// </summary>
/// <param name="Flags">dbt's flag names (<c>FULL_REFRESH</c>, <c>WHICH</c>, ...) and their values for this command.</param>
public sealed record Invocation(string Id, DateTime StartedAtUtc, IReadOnlyDictionary<string, object?> Flags)
{
    /// <summary>An invocation with a fresh id, started now, with no flags given (each flag its default).</summary>
    public static Invocation New() => new(Guid.NewGuid().ToString(), DateTime.UtcNow, new Dictionary<string, object?>());
}

/// <summary>
/// <c>flags</c>: dbt's flag object (an argparse Namespace), upper-case names with this command's values. A flag xform
/// has no counterpart for is <c>none</c>, as is any name dbt does not have.
/// </summary>
internal sealed class FlagsObject : ITemplateObject
{
    /// <summary>The names dbt puts in <c>flags</c> (dbt/flags.py, get_flag_obj), with what they are when the command line does not say.</summary>
    static readonly (string Name, object? Default)[] Known =
    [
        ("CACHE_SELECTED_ONLY", false), ("DEBUG", false), ("EMPTY", false), ("FAIL_FAST", false), ("FULL_REFRESH", false),
        ("INDIRECT_SELECTION", "eager"), ("INTROSPECT", true), ("INVOCATION_COMMAND", null), ("LOG_CACHE_EVENTS", false),
        ("LOG_FORMAT", "text"), ("LOG_PATH", null), ("NO_PRINT", false), ("PARTIAL_PARSE", false), ("PRINTER_WIDTH", 80L),
        ("PROFILES_DIR", null), ("QUIET", false), ("REQUIRE_SQL_HEADER_IN_TEST_CONFIGS", false), ("SEND_ANONYMOUS_USAGE_STATS", false),
        ("STATIC_PARSER", null), ("STORE_FAILURES", false), ("TARGET_PATH", null), ("USE_COLORS", true),
        ("USE_EXPERIMENTAL_PARSER", null), ("VERSION_CHECK", null), ("WARN_ERROR", false), ("WARN_ERROR_OPTIONS", null),
        ("WHICH", null), ("WRITE_JSON", true),
    ];

    readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public FlagsObject(IReadOnlyDictionary<string, object?> given)
    {
        foreach (var (name, dflt) in Known) _values[name] = dflt;
        foreach (var (name, value) in given) _values[name.ToUpperInvariant()] = value is int i ? (long)i : value;
    }

    /// <summary>Every name answers: the ones dbt and xform do not have are none.</summary>
    public bool TryGetMember(string name, out object? value)
    {
        if (!_values.TryGetValue(name, out value)) value = null;
        return true;
    }

    /// <summary>As Python shows a Namespace: <c>Namespace(DEBUG=False, ...)</c>, names sorted.</summary>
    public override string ToString() =>
        "Namespace(" + string.Join(", ", _values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + Py.Repr(kv.Value))) + ")";

    /// <summary>dbt's WHICH for an xform command: the leaf command's name, with dbt's spelling where it differs.</summary>
    public static string Which(string command) => command switch
    {
        "ls" => "list",
        _ => command.ToLower(CultureInfo.InvariantCulture),
    };
}
