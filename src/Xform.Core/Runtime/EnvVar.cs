using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary><c>env_var('NAME', 'default')</c>: an unset variable with no default is an error.</summary>
public static class EnvVar
{
    public static object? Call(TemplateCall call)
    {
        var name = call.Get(0, "var") as string ?? throw call.Error("env_var needs the name of an environment variable");
        var value = Environment.GetEnvironmentVariable(name);
        if (value is not null) return value;
        if (call.Has(1, "default")) return call.Get(1, "default");
        throw call.Error($"environment variable '{name}' is not set and env_var() was given no default");
    }
}
