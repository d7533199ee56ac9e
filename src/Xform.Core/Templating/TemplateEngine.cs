using System.Text.RegularExpressions;
using Scriban.Runtime;
using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>
/// Parsed template, ready to render many times on any thread. It keeps the Jinja syntax tree, not Scriban's:
/// Scriban's tree is three times the size, and a big project keeping 10,000 of them alive paid for it in
/// garbage collection; translating again for a render is cheap. The translation made when parsing (which
/// checks the template) serves the first render.
/// </summary>
public sealed class CompiledTemplate
{
    private SourceText? _src;
    private List<Stmt>? _body;
    private Unit? _firstUnit;
    private Func<(SourceText, List<Stmt>)>? _parse;

    internal CompiledTemplate(TemplateSource source, SourceText src, List<Stmt> body, Unit unit, string? package)
    {
        Source = source;
        Package = package;
        unit.Package = package;
        _src = src;
        _body = body;
        _firstUnit = unit;
    }

    /// <summary>A template parsed when first rendered (partial parsing: a file unchanged since the last parse, whose
    /// macro calls are known), so a command that renders nothing never parses it.</summary>
    internal CompiledTemplate(TemplateSource source, string? package, IReadOnlyList<MacroCall> calls, Func<(SourceText, List<Stmt>)> parse)
    {
        Source = source;
        Package = package;
        _calls = calls;
        _parse = parse;
    }

    public TemplateSource Source { get; }

    /// <summary>The package the file belongs to (null: the root project).</summary>
    public string? Package { get; }

    IReadOnlyList<MacroCall>? _calls;

    /// <summary>The macros the template calls, read from its syntax tree (once).</summary>
    public IReadOnlyList<MacroCall> Calls => _calls ??= JinjaCalls.Of(Parsed().Body);

    private readonly object _gate = new();

    (SourceText Src, List<Stmt> Body) Parsed()
    {
        if (Volatile.Read(ref _body) is null)
            lock (_gate)
                if (_body is null)
                {
                    var (src, body) = _parse!();
                    _src = src;
                    Volatile.Write(ref _body, body);
                    _parse = null;
                }
        return (_src!, _body!);
    }

    /// <summary>A unit to run (a Scriban tree, or a direct template's segments): the first one made, once, then a new one each time.</summary>
    internal Unit TakeUnit()
    {
        if (Interlocked.Exchange(ref _firstUnit, null) is { } first) return first;
        var (src, body) = Parsed();
        var unit = DirectTemplate.Compile(src, body);
        unit.Package = Package;
        return unit;
    }

    /// <summary>The Scriban script the template is translated to, printed from its syntax tree (for debugging the front end).</summary>
    public string GeneratedScript => Parsed() is var (src, body) ? new ScribanEmitter(src, printable: true).CompileTemplate(body).Page.ToString() ?? "" : "";
}

/// <summary>
/// dbt's Jinja subset, translated to Scriban and executed there (a template of text and constant calls only is run
/// directly: <see cref="DirectTemplate"/>). Thread-safe after construction: macros are
/// parsed and translated once, and every render gets its own Scriban context.
/// </summary>
public sealed partial class TemplateEngine
{
    /// <param name="internalMacros">macros shipped with xform and the adapter (lowest priority; dbt's <c>dbt</c> namespace)</param>
    /// <param name="projectMacros">the project's macro files; they override internal macros of the same name</param>
    /// <param name="adapterType">for adapter.dispatch: <c>{adapterType}__name</c>, then <c>default__name</c></param>
    /// <param name="projectName">the root project's name, also a namespace in templates (<c>my_project.macro()</c>)</param>
    public TemplateEngine(IEnumerable<TemplateSource> internalMacros, IEnumerable<TemplateSource> projectMacros, string adapterType,
        string projectName = "root")
        : this([new MacroPackage(MacroResolver.InternalNamespace, MacroPackageKind.Internal, internalMacros.ToList()),
                new MacroPackage(projectName, MacroPackageKind.Root, projectMacros.ToList())], adapterType)
    {
    }

    /// <param name="packages">the root project, installed packages and the internal ones, each with its macro files</param>
    /// <param name="adapterType">for adapter.dispatch: <c>{adapterType}__name</c>, then <c>default__name</c></param>
    /// <param name="dispatchOrder">the root project's <c>dispatch:</c> config: macro namespace -> packages to search</param>
    public TemplateEngine(IEnumerable<MacroPackage> packages, string adapterType, IReadOnlyDictionary<string, IReadOnlyList<string>>? dispatchOrder = null)
    {
        AdapterType = adapterType;
        var errors = new List<XformException>();
        Resolver = new MacroResolver(packages, adapterType, dispatchOrder, errors);
        if (errors.Count > 0) throw new XformAggregateException(errors);
        // One MacroInfo per macro: the manifest and the state comparison resolve calls to them per node.
        _infos = Resolver.All().ToDictionary(u => u, Info);
        Macros = Resolver.Visible().ToDictionary(u => u.Name, u => _infos[u], StringComparer.Ordinal);
    }

    public string AdapterType { get; }

    /// <summary>The root project's name (its macros' package).</summary>
    public string RootPackage => Resolver.RootPackage;

    /// <summary>What one render may cost (output, strings, loop iterations, time).</summary>
    public TemplateLimits Limits { get; init; } = TemplateLimits.Default;

    /// <summary>Packages packages.yml declares that are not installed: a template naming one is told to run deps.</summary>
    public IReadOnlySet<string> DeclaredNotInstalled { get; init; } = new HashSet<string>();

    /// <summary>The macros the root project sees by name (its own over the internal ones).</summary>
    public IReadOnlyDictionary<string, MacroInfo> Macros { get; }

    internal MacroResolver Resolver { get; }

    readonly Dictionary<Unit, MacroInfo> _infos;

    /// <summary>Every macro of every package (root, installed, internal), shadowed ones included.</summary>
    public IEnumerable<MacroInfo> AllMacros => _infos.Values;

    /// <summary>The macro a call made in <paramref name="fromPackage"/> (null: the root project) reaches, or null.</summary>
    public MacroInfo? Resolve(MacroCall call, string? fromPackage) => Resolver.Resolve(call, fromPackage) is { } unit ? _infos[unit] : null;

    private static MacroInfo Info(Unit u) => new(u.Name, u.ParamNames, u.Location, u.IsTest, u.IsInternal, u.Package ?? "")
    {
        Sql = u.Text,
        Calls = u.Calls,
        TakesKwargs = u.KwargsVar is not null,
        RequiredCount = u.RequiredCount,
    };

    /// <summary>Translates and parses a model or test template once. Throws <see cref="XformException"/>
    /// with the position in the original file on syntax errors or constructs outside the subset.</summary>
    /// <param name="package">the package the file belongs to, whose macros its unqualified calls find first (null: the root project)</param>
    public CompiledTemplate Parse(TemplateSource source, string? package = null)
    {
        var src = SourceText.Of(source.Path, source.Text);
        var body = JinjaParser.Parse(src);
        var unit = DirectTemplate.Compile(src, body);
        return new CompiledTemplate(source, src, body, unit, package);
    }

    /// <summary>
    /// A template known to parse (its text parsed before, with the same macros), parsed only when first rendered;
    /// <paramref name="calls"/> are its macro calls as that parse found them.
    /// </summary>
    public CompiledTemplate ParseLater(TemplateSource source, string? package, IReadOnlyList<MacroCall> calls) =>
        new(source, package, calls, () =>
        {
            var src = SourceText.Of(source.Path, source.Text);
            return (src, JinjaParser.Parse(src));
        });

    /// <summary>Renders a parsed template. Safe to call concurrently from many threads.</summary>
    public string Render(CompiledTemplate template, IReadOnlyDictionary<string, object?> globals) => Render(template.TakeUnit(), template.Source, globals);

    /// <summary>Renders one translation of a template (tests render its direct and its Scriban form and compare them).</summary>
    internal string Render(Unit unit, TemplateSource source, IReadOnlyDictionary<string, object?> globals)
    {
        var cx = JinjaContext.Acquire(this, globals);
        var result = (string)Run(cx, () => cx.Run(unit, unit.NewFrame(), Array.Empty<ScriptObject>(), false), source)!;
        JinjaContext.Release(cx);
        return result;
    }

    /// <summary>
    /// The macro a call of <paramref name="name"/> finds from <paramref name="localPackage"/> (null: the root
    /// project): a qualified <c>package.name</c> only in that package, else dbt's search order.
    /// </summary>
    public MacroInfo? FindMacro(string name, string? localPackage) => Lookup(name, localPackage) is { } unit ? _infos[unit] : null;

    /// <summary>The <c>{% materialization %}</c> block a model materialized as <paramref name="name"/> runs on this adapter, or
    /// null (see <see cref="MacroResolver.FindMaterialization"/>).</summary>
    public MacroInfo? FindMaterialization(string name, bool builtIn) => Resolver.FindMaterialization(name, builtIn) is { } unit ? _infos[unit] : null;

    /// <summary>Every materialization block of every package, whatever its adapter: name, adapter, macro.</summary>
    public IEnumerable<(string Name, string Adapter, MacroInfo Macro)> MaterializationBlocks =>
        Resolver.MaterializationBlocks().Select(b => (b.Name, b.Adapter, _infos[b.Unit]));

    /// <summary>Whether <paramref name="name"/> is an installed package (or the root project): a namespace of its own macros.</summary>
    public bool IsPackage(string name) => name != MacroResolver.InternalNamespace && Resolver.IsNamespace(name);

    private Unit? Lookup(string name, string? localPackage)
    {
        var dot = name.IndexOf('.');
        return dot > 0 ? Resolver.FindIn(name[..dot], name[(dot + 1)..]) : Resolver.Find(name, localPackage);
    }

    /// <summary>Calls a macro by name (<c>package.name</c> for one of an installed package's).</summary>
    public object? CallMacro(string name, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs,
        IReadOnlyDictionary<string, object?> globals)
    {
        var unit = Lookup(name, null)
                   ?? throw new XformException($"macro '{name}' is not defined.{Suggestions.DidYouMean(name, Macros.Keys)}".TrimEnd('.'));
        var cx = JinjaContext.Acquire(this, globals);
        var normArgs = args.Select(Py.Norm).ToList();
        var normKw = kwargs.ToDictionary(kv => kv.Key, kv => Py.Norm(kv.Value), StringComparer.Ordinal);
        var result = Run(cx, () => ScribanHelpers.InvokeMacro(cx, unit.AsMacro, normArgs, normKw), macro: unit);
        JinjaContext.Release(cx);
        return result;
    }

    private static object? Run(JinjaContext cx, Func<object?> f, TemplateSource? template = null, Unit? macro = null)
    {
        try
        {
            return f();
        }
        catch (JinjaError e)
        {
            // argument binding errors of a host call (reported at the macro definition), or a limit hit before
            // the first statement ran (a render started with the stack nearly full)
            throw new XformException(e.Message, macro?.Location ?? (template != null ? new SourceLocation(template.Path, 1, 1) : default));
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            if (cx.Located(e) is { } located) throw located;
            for (Exception? x = e; x != null; x = x.InnerException)
                if (x is XformException xe) throw xe;
            throw new XformException(e.OriginalMessage, macro?.Location ?? default, e);
        }
    }

    /// <summary>
    /// The <c>{% snapshot name %}...{% endsnapshot %}</c> blocks of a file, each body padded with the lines before
    /// it so that positions in it are those of the file.
    /// </summary>
    public static IReadOnlyList<SnapshotBlock> ExtractSnapshots(TemplateSource source)
    {
        var src = SourceText.Of(source.Path, source.Text);
        var blocks = new List<SnapshotBlock>();
        foreach (var s in JinjaParser.Parse(src).OfType<SnapshotStmt>())
        {
            var line = src.Location(s.BodyStart).Line - 1;
            // The block starts at its '{%', just before the tag name.
            var start = src.Location(src.Text.LastIndexOf("{%", s.Pos, StringComparison.Ordinal));
            blocks.Add(new SnapshotBlock(s.Name, new string('\n', line) + src.Text[s.BodyStart..s.BodyEnd], start));
        }
        return blocks;
    }

    /// <summary>The <c>{% docs name %}...{% enddocs %}</c> blocks of a Markdown file.</summary>
    public static IReadOnlyList<DocsBlock> ExtractDocs(TemplateSource source)
    {
        // As dbt, only the top-level {% docs %} blocks of a .md file count: the text around them is Markdown (code samples
        // with "{{" included) and is never parsed as a template. Comments are blanked first, keeping every offset.
        var src = new SourceText(source.Path, SourceText.Normalize(source.Text));
        var text = DocsComment().Replace(src.Text, m => new string(' ', m.Length));
        var result = new List<DocsBlock>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        (string Name, int Pos, int BodyStart)? open = null;
        foreach (Match m in DocsTag().Matches(text))
        {
            var keyword = m.Groups["kw"];
            var args = m.Groups["args"].Value.Trim().TrimEnd('-').Trim();
            if (keyword.Value == "docs")
            {
                if (open is { } o)
                    throw src.Error($"docs block '{o.Name}' is not closed before the next docs block (expected '{{% enddocs %}}')", o.Pos);
                if (!DocsName().IsMatch(args)) throw src.Error("a docs block needs a name: {% docs name %}", keyword.Index);
                if (seen.TryGetValue(args, out var first))
                    throw src.Error($"docs block '{args}' is defined twice in this file (first at {src.Location(first)})", keyword.Index);
                seen[args] = keyword.Index;
                open = (args, keyword.Index, m.Index + m.Length);
            }
            else
            {
                if (open is not { } o) throw src.Error("'enddocs' without a docs block before it", keyword.Index);
                result.Add(new DocsBlock(o.Name, src.Text[o.BodyStart..m.Index], src.Location(o.Pos)));
                open = null;
            }
        }
        if (open is { } unclosed)
            throw src.Error("unexpected end of template: 'docs' opened here was never closed (expected '{% enddocs %}')", unclosed.Pos);
        return result;
    }

    [GeneratedRegex(@"\{%-?\s*(?<kw>enddocs|docs)\b(?<args>[^%]*)%\}")]
    private static partial Regex DocsTag();

    [GeneratedRegex(@"\{#.*?#\}", RegexOptions.Singleline)]
    private static partial Regex DocsComment();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex DocsName();
}
