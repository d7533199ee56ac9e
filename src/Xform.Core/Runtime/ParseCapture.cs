using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Runtime;

/// <summary>Parse-mode globals: ref() and source() are recorded and answered with placeholders.</summary>
internal sealed class ParseCapture(CompileSession session, NodeConfig config, string package)
{
    public List<Reference> Refs { get; } = [];
    public List<Reference> Sources { get; } = [];
    public ConfigValues Config { get; } = new();
    /// <summary>Warnings of this render (one list per capture: models are parsed in parallel).</summary>
    public List<Diagnostics.Warning> Warnings { get; } = [];

    ConfigObject? _config;

    /// <summary>Whether the render read <c>config.get</c> (or another member), which a compile answers from the whole config.</summary>
    public bool ReadConfig => _config?.MemberRead == true;

    /// <summary>What ref('name') is while parsing: the name in the target's schema (a model of default naming's own relation).</summary>
    public static RelationName RefPlaceholder(CompileSession session, string name) => new(null, session.Target.Schema, name);

    /// <summary>What source('s', 't') is while parsing: table t in schema s (a source of default naming's own relation).</summary>
    public static RelationName SourcePlaceholder(string source, string table) => new(null, source, table);

    public RenderGlobals Globals(RelationName self)
    {
        var g = session.ParseGlobals(package);
        g["ref"] = (HostFunction)(c =>
        {
            var (package, name) = RefArgs(c);
            Refs.Add(new Reference(name, package, c.Location, Version: RefVersion(c)));
            return new RelationObject(RefPlaceholder(session, name), session.Quote);
        });
        g["source"] = (HostFunction)(c =>
        {
            var s = c.Get(0, "source_name") as string ?? throw c.Error("source() needs a source name and a table name");
            var t = c.Get(1, "table_name") as string ?? throw c.Error("source() needs a source name and a table name");
            Sources.Add(new Reference(t, null, c.Location, s));
            return new RelationObject(SourcePlaceholder(s, t), session.Quote);
        });
        g["config"] = _config = new ConfigObject(() => config.With(Config), Config, Warnings);
        g["this"] = new RelationObject(self, session.Quote);
        return g;
    }

    /// <summary>The <c>v=</c> (or <c>version=</c>) of a ref() call, as text; null when absent.</summary>
    internal static string? RefVersion(TemplateCall c)
    {
        var v = c.Kwargs.GetValueOrDefault("v") ?? c.Kwargs.GetValueOrDefault("version");
        return v switch
        {
            null => null,
            string or long or int or double or decimal => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
            _ => throw c.Error("the version of a ref() (v=) must be a number or text"),
        };
    }

    internal static (string? Package, string Name) RefArgs(TemplateCall c)
    {
        // the text arguments, by index (no list: a ref() of every model goes through here, at parse and at compile)
        string? first = null, second = null;
        var count = 0;
        foreach (var arg in c.Args)
        {
            if (arg is not string text) continue;
            if (++count == 1) first = text;
            else if (count == 2) second = text;
        }
        return count switch
        {
            1 => (null, first!),
            2 => (first, second!),
            _ => throw c.Error("ref() takes a model name, or a package name and a model name"),
        };
    }
}
