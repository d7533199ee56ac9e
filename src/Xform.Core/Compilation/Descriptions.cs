using Xform.Core.Templating;

namespace Xform.Core.Compilation;

/// <summary>Descriptions as dbt shows them: <c>{{ doc('name') }}</c> replaced by the <c>{% docs %}</c> block's text.</summary>
public static class Descriptions
{
    static readonly TemplateEngine Engine = new([], [], "docs");

    /// <summary>
    /// A description with its <c>{{ doc('name') }}</c> (or <c>doc('package', 'name')</c>) references replaced by the
    /// <c>{% docs %}</c> blocks, rendered as a template; a description that is not a valid template is kept as written.
    /// </summary>
    public static string Render(string description, IReadOnlyDictionary<string, DocsBlock> docs)
    {
        if (!description.Contains("{{", StringComparison.Ordinal) && !description.Contains("{%", StringComparison.Ordinal)) return description;
        var globals = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["doc"] = (HostFunction)(call =>
            {
                var name = call.Args.Count > 0 ? Convert.ToString(call.Args[^1], System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";
                return docs.TryGetValue(name, out var block) ? block.Text.Trim() : $"(missing docs block '{name}')";
            }),
        };
        try
        {
            return Engine.Render(Engine.Parse(new TemplateSource("<description>", description)), globals);
        }
        catch (Diagnostics.XformException)
        {
            return description;
        }
    }
}
