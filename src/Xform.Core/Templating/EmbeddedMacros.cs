using System.Reflection;

namespace Xform.Core.Templating;

/// <summary>Macro files shipped as embedded resources of an assembly (xform's own and each adapter's).</summary>
public static class EmbeddedMacros
{
    /// <summary>Every resource whose name starts with <paramref name="prefix"/>, shown as <c>&lt;xform&gt;/{owner}/{name}</c> in errors.</summary>
    public static IReadOnlyList<TemplateSource> Load(Assembly assembly, string prefix, string owner) =>
        assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new TemplateSource($"<xform>/{owner}/{n[prefix.Length..]}", reader.ReadToEnd());
            })
            .ToList();
}
