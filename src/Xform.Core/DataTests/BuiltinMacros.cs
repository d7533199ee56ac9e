using Xform.Core.Templating;

namespace Xform.Core.DataTests;

/// <summary>Macros shipped inside xform itself (the generic data tests), lowest in precedence.</summary>
public static class BuiltinMacros
{
    public static readonly IReadOnlyList<TemplateSource> All = Load();

    static IReadOnlyList<TemplateSource> Load()
    {
        var assembly = typeof(BuiltinMacros).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("xform/macros/", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new TemplateSource($"<xform>/{n["xform/".Length..]}", reader.ReadToEnd());
            })
            .ToList();
    }
}
