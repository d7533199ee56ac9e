using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>
/// The part of dbt's Jinja context that is the same for every project and command (dbt's BaseContext): the
/// <c>modules</c>, <c>fromjson</c>/<c>tojson</c>, <c>fromyaml</c>/<c>toyaml</c>, <c>local_md5</c>, <c>set</c>,
/// <c>dbt_version</c>. Built once per process; the values are read-only and shared by every render on every thread.
/// </summary>
public static class DbtContext
{
    /// <summary>
    /// The dbt version xform reports in <c>dbt_version</c> and in its artifacts: the dbt release whose behaviour and
    /// artifact shapes it follows, so that packages' <c>require-dbt-version</c> ranges accept it.
    /// </summary>
    public const string Version = "1.10.0";

    /// <summary><c>modules</c>: datetime, pytz, re and itertools, as dbt exports them.</summary>
    internal static readonly ReadOnlyNames Modules = new(new Dictionary<string, object?>
    {
        ["datetime"] = DateTimeModules.DateTimeModule,
        ["pytz"] = DateTimeModules.PytzModule,
        ["re"] = PyRegex.Module,
        ["itertools"] = PyItertools.Module,
    });

    static readonly KeyValuePair<string, object?>[] Members =
    [
        new("modules", Modules),
        new("fromjson", (HostFunction)PyData.FromJson),
        new("tojson", (HostFunction)PyData.ToJson),
        new("fromyaml", (HostFunction)PyYaml.FromYaml),
        new("toyaml", (HostFunction)PyYaml.ToYaml),
        new("local_md5", (HostFunction)PyData.LocalMd5),
        new("set", (HostFunction)PyData.Set),
        new("set_strict", (HostFunction)PyData.SetStrict),
        new("dbt_version", Version),
    ];

    /// <summary>Adds the shared members to a template's globals.</summary>
    public static void AddTo(IDictionary<string, object?> globals)
    {
        foreach (var (name, value) in Members) globals[name] = value;
    }
}
