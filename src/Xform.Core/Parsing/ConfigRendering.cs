using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Parsing;

/// <summary>
/// Jinja in configuration values, rendered as dbt renders it: the configs of dbt_project.yml's
/// <c>models:</c>/<c>seeds:</c>/... and of YAML <c>config:</c> blocks (<c>+enabled: "{{ var('load', false) }}"</c>,
/// <c>+schema: "{{ target.name }}_x"</c>, <c>env_var</c>), except hooks, which run later with the node's context.
/// A rendered <c>True</c>/<c>true</c>, <c>False</c>/<c>false</c>, <c>None</c> or number becomes that value, as dbt's
/// native rendering makes it.
/// </summary>
internal static class ConfigRendering
{
    static readonly HashSet<string> LateRendered = new(StringComparer.Ordinal) { "pre-hook", "post-hook", "pre_hook", "post_hook" };

    public static ProjectConfig Render(ProjectConfig project, Func<string, SourceLocation, string> render) => project with
    {
        Models = Render(project.Models, render),
        Seeds = Render(project.Seeds, render),
        Snapshots = Render(project.Snapshots, render),
        Tests = Render(project.Tests, render),
        Sources = Render(project.Sources, render),
    };

    public static ConfigScope Render(ConfigScope scope, Func<string, SourceLocation, string> render)
    {
        var children = scope.Children.ToDictionary(c => c.Key, c => Render(c.Value, render), StringComparer.Ordinal);
        return new ConfigScope(Render(scope.Configs, render), children);
    }

    /// <summary>The values rendered, then their types checked (<see cref="ConfigTypes"/>): a wrong one is an error at its line.</summary>
    public static ConfigValues Render(ConfigValues values, Func<string, SourceLocation, string> render)
    {
        if (!values.Any(kv => IsTemplated(kv.Value) && !LateRendered.Contains(kv.Key)))
        {
            ConfigTypes.Check(values);
            return values;
        }
        var rendered = new ConfigValues();
        foreach (var (key, value) in values)
        {
            var at = values.Locations.GetValueOrDefault(key);
            rendered.Set(key, LateRendered.Contains(key) ? value : Value(value, at, render), at);
        }
        ConfigTypes.Check(rendered);
        return rendered;
    }

    static bool IsTemplated(object? value) => value switch
    {
        string s => s.Contains("{{", StringComparison.Ordinal) || s.Contains("{%", StringComparison.Ordinal),
        IEnumerable<object?> list => list.Any(IsTemplated),
        _ => false,
    };

    static object? Value(object? value, SourceLocation at, Func<string, SourceLocation, string> render) => value switch
    {
        string s when IsTemplated(s) => Native(render(s, at)),
        string s => s,
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Value(kv.Value, at, render), StringComparer.Ordinal),
        IEnumerable<object?> list => list.Select(v => Value(v, at, render)).ToList(),
        _ => value,
    };

    /// <summary>What dbt's native rendering turns a rendered text into: a boolean, none, a number, or the text.</summary>
    public static object? Native(string text)
    {
        var t = text.Trim();
        if (t is "True" or "true") return true;
        if (t is "False" or "false") return false;
        if (t is "None" or "none") return null;
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        if (t.Contains('.') && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return text;
    }
}
