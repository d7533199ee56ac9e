using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary><c>env_var('NAME', 'default')</c>: an unset variable with no default is an error.</summary>
public static class EnvVar
{
    public static object? Call(TemplateCall call) => Call(call, null);

    /// <param name="reads">records each variable read and its value (null: unset), for partial parsing</param>
    public static object? Call(TemplateCall call, System.Collections.Concurrent.ConcurrentDictionary<string, string?>? reads)
    {
        var name = call.Get(0, "var") as string ?? throw call.Error("env_var needs the name of an environment variable");
        var value = Environment.GetEnvironmentVariable(name);
        if (reads is not null) reads[name] = value;
        if (value is not null) return value;
        if (call.Has(1, "default")) return call.Get(1, "default");
        throw call.Error($"environment variable '{name}' is not set and env_var() was given no default");
    }
}
