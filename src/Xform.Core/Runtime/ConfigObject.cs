using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary><c>config(...)</c> in a template: records keyword configs (parse time) and answers <c>config.get</c>.</summary>
/// <param name="warnings">collects the parse's warnings about config names (a likely typo)</param>
public sealed class ConfigObject(Func<NodeConfig> current, ConfigValues? capture, ICollection<Diagnostics.Warning>? warnings = null) : ITemplateCallable, ITemplateObject
{
    public object? Invoke(TemplateCall call)
    {
        if (capture is null) return "";
        if (call.Args.Count == 1 && call.Args[0] is IDictionary<string, object?> d)
            foreach (var (k, v) in d) Set(k, v, call);
        else if (call.Args.Count > 0)
            throw call.Error("config() takes keyword arguments only, e.g. config(materialized='table')");
        foreach (var (k, v) in call.Kwargs) Set(k, v, call);
        return "";
    }

    void Set(string key, object? value, TemplateCall call)
    {
        ConfigKeys.Check(key, null, call.Location, warnings);
        capture!.Set(key, value, call.Location);
    }

    /// <summary>Whether a template read a member (<c>config.get</c>, <c>require</c>, <c>set</c>): parse and compile answer those differently.</summary>
    public bool MemberRead { get; private set; }

    public bool TryGetMember(string name, out object? value)
    {
        MemberRead = true;
        value = name switch
        {
            "get" => (HostFunction)(c =>
            {
                var key = c.Get(0, "name") as string ?? throw c.Error("config.get needs a config name");
                if (capture is not null && capture.TryGetValue(key, out var captured)) return captured;
                return current().TryGetValue(key, out var v) && v is not null ? v : c.Get(1, "default");
            }),
            // dbt's config.set: recorded while parsing (set_sql_header's way); a no-op when the node runs, as in dbt
            "set" => (HostFunction)(c =>
            {
                var key = c.Get(0, "name") as string ?? throw c.Error("config.set needs a config name");
                if (capture is not null) Set(key, c.Get(1, "value"), c);
                return "";
            }),
            "require" => (HostFunction)(c =>
            {
                var key = c.Get(0, "name") as string ?? throw c.Error("config.require needs a config name");
                return current().TryGetValue(key, out var v) && v is not null ? v : throw c.Error($"config '{key}' is required here");
            }),
            _ => null,
        };
        return value is not null;
    }

    public override string ToString() => "";
}
