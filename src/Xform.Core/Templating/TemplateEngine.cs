using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>Parsed template, ready to render many times on any thread.</summary>
public sealed class CompiledTemplate
{
    internal CompiledTemplate(TemplateSource source) => Source = source;

    public TemplateSource Source { get; }
}

/// <summary>
/// dbt's Jinja subset, translated to Scriban and executed there. STUB: implemented in Templating/.
/// </summary>
public sealed class TemplateEngine
{
    /// <param name="internalMacros">macros shipped with xform and the adapter (lowest priority)</param>
    /// <param name="projectMacros">the project's macro files; they override internal macros of the same name</param>
    /// <param name="adapterType">for adapter.dispatch: <c>{adapterType}__name</c>, then <c>default__name</c></param>
    public TemplateEngine(IEnumerable<TemplateSource> internalMacros, IEnumerable<TemplateSource> projectMacros, string adapterType)
    {
        _ = internalMacros; _ = projectMacros; AdapterType = adapterType;
    }

    public string AdapterType { get; }

    public IReadOnlyDictionary<string, MacroInfo> Macros { get; } = new Dictionary<string, MacroInfo>();

    public CompiledTemplate Parse(TemplateSource source) => new(source);

    public string Render(CompiledTemplate template, IReadOnlyDictionary<string, object?> globals) =>
        throw new NotImplementedException();

    public object? CallMacro(string name, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs,
        IReadOnlyDictionary<string, object?> globals) => throw new NotImplementedException();

    public static IReadOnlyList<DocsBlock> ExtractDocs(TemplateSource source) => throw new NotImplementedException();
}
