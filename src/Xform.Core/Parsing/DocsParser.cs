using Xform.Core.Diagnostics;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>Docs blocks (<c>{% docs name %}</c>) of the .md files under a project folder.</summary>
internal static class DocsParser
{
    public static void Read(ProjectFiles files, FileIndex index, string folder, Dictionary<string, DocsBlock> docs)
    {
        foreach (var f in files.Of([folder], ".md"))
            foreach (var block in TemplateEngine.ExtractDocs(new TemplateSource(f.Relative, index.Read(f, "docs"))))
            {
                if (docs.TryGetValue(block.Name, out var first))
                    throw new XformException($"docs block '{block.Name}' is defined twice (first at {first.Location})", block.Location);
                docs[block.Name] = block;
            }
    }
}
