using Xform.Core.Diagnostics;

namespace Xform.Core.Templating;

/// <summary>Where a package's macros come from: the root project, an installed package, or xform itself.</summary>
public enum MacroPackageKind { Root, Installed, Internal }

/// <summary>The macro files of one package (<c>dbt_utils</c>, the root project, xform's own <c>dbt</c>).</summary>
public sealed record MacroPackage(string Name, MacroPackageKind Kind, IReadOnlyList<TemplateSource> Files);

/// <summary>
/// Every package's macros and dbt's rules for finding one. An unqualified name, called from a package, is
/// looked up in that package, then the root project, then the internal packages (xform's and the adapter's
/// macros, dbt's <c>dbt</c> namespace); a qualified one (<c>dbt_utils.star</c>, <c>dbt.date_trunc</c>) only in
/// its package. <c>adapter.dispatch</c> tries <c>{adapter}__name</c> then <c>default__name</c> in each package
/// of its search order: the normal lookup without a <c>macro_namespace</c>, else the project's <c>dispatch:</c>
/// search order for that namespace, or the root project then the namespace.
/// </summary>
internal sealed class MacroResolver
{
    /// <summary>dbt's name for its internal namespace; xform's own and the adapter's macros live there.</summary>
    public const string InternalNamespace = "dbt";

    readonly Dictionary<string, Dictionary<string, Unit>> _packages = new(StringComparer.Ordinal);
    readonly List<string> _internal = [];
    readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _dispatchOrder;

    public MacroResolver(IEnumerable<MacroPackage> packages, string adapterType,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? dispatchOrder, List<XformException> errors)
    {
        AdapterType = adapterType;
        _dispatchOrder = dispatchOrder ?? new Dictionary<string, IReadOnlyList<string>>();
        foreach (var package in packages)
        {
            if (package.Kind == MacroPackageKind.Root) RootPackage = package.Name;
            if (package.Kind == MacroPackageKind.Internal) _internal.Add(package.Name);
            if (!_packages.TryGetValue(package.Name, out var units)) _packages[package.Name] = units = new(StringComparer.Ordinal);
            Load(package, units, errors);
        }
        _rootUnits = _packages.GetValueOrDefault(RootPackage);
    }

    public string AdapterType { get; }

    public string RootPackage { get; } = "";

    readonly Dictionary<string, Unit>? _rootUnits;

    /// <summary>The root project's and the installed packages' names.</summary>
    public IEnumerable<string> PackageNames => _packages.Keys.Where(p => !_internal.Contains(p));

    /// <summary>Names a template can use as a namespace: each package, and <c>dbt</c>.</summary>
    public bool IsNamespace(string name) => name == InternalNamespace || _packages.ContainsKey(name);

    /// <summary>A name as the root project sees it: its own macros first, then the internal ones.</summary>
    public IEnumerable<Unit> Visible()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var package in SearchOrder(null))
            foreach (var unit in _packages[package].Values)
                if (seen.Add(unit.Name)) yield return unit;
    }

    /// <summary>Every macro of every package, the shadowed ones included (the manifest lists them all).</summary>
    public IEnumerable<Unit> All() => _packages.Values.SelectMany(units => units.Values);

    /// <summary>
    /// The macro a call in <paramref name="fromPackage"/> reaches, as a render would find it (null when none):
    /// the normal lookup, <c>pkg.name</c>, or the implementation <c>adapter.dispatch</c> picks.
    /// </summary>
    public Unit? Resolve(MacroCall call, string? fromPackage)
    {
        if (!call.Dispatched) return call.Package is { } p ? FindIn(p, call.Name) : Find(call.Name, fromPackage);
        try
        {
            return Dispatch(call.Name, call.DispatchNamespace, fromPackage);
        }
        catch (JinjaError)
        {
            return null; // a dispatch with no implementation fails when rendered, not here
        }
    }

    /// <summary>The macro an unqualified call finds from <paramref name="localPackage"/> (null: the root project).</summary>
    public Unit? Find(string name, string? localPackage) => FindOwn(name, localPackage) ?? FindInternal(name);

    /// <summary>Only the calling package's own or the root project's macro: these may shadow the built-in globals.</summary>
    public Unit? FindOwn(string name, string? localPackage)
    {
        // Per name a template looks up (a hot path): no enumerator, at most two dictionary lookups.
        if (localPackage is not null && localPackage != RootPackage && !_internal.Contains(localPackage) &&
            _packages.TryGetValue(localPackage, out var units) && units.TryGetValue(name, out var unit))
            return unit;
        return _rootUnits is not null && _rootUnits.TryGetValue(name, out unit) ? unit : null;
    }

    /// <summary>An internal macro (xform's and the adapter's, dbt's <c>dbt</c> namespace), the last place an unqualified name is looked for.</summary>
    public Unit? FindInternal(string name)
    {
        foreach (var p in _internal)
            if (_packages[p].TryGetValue(name, out var unit)) return unit;
        return null;
    }

    /// <summary><c>package.name</c>: only that package (<c>dbt</c>: the internal packages).</summary>
    public Unit? FindIn(string package, string name)
    {
        foreach (var p in package == InternalNamespace ? _internal : [package])
            if (_packages.TryGetValue(p, out var units) && units.TryGetValue(name, out var unit)) return unit;
        return null;
    }

    /// <summary>The macros a namespace holds, for suggestions.</summary>
    public IEnumerable<string> NamesIn(string package) =>
        (package == InternalNamespace ? _internal : [package]).Where(_packages.ContainsKey).SelectMany(p => _packages[p].Keys);

    /// <summary><c>adapter.dispatch(name, macro_namespace)</c>, called from <paramref name="localPackage"/>.</summary>
    public Unit Dispatch(string name, string? macroNamespace, string? localPackage)
    {
        var prefixes = new[] { AdapterType, "default" };
        // null stands for the normal lookup (local package, root project, internal).
        IReadOnlyList<string?> packages = macroNamespace is null ? new string?[] { null }
            : _dispatchOrder.TryGetValue(macroNamespace, out var order) ? [.. order] : [RootPackage, macroNamespace];
        var tried = new List<string>();
        foreach (var package in packages)
            foreach (var prefix in prefixes)
            {
                var candidate = $"{prefix}__{name}";
                tried.Add(package is null ? candidate : $"{package}.{candidate}");
                if ((package is null ? Find(candidate, localPackage) : FindIn(package, candidate)) is { } unit) return unit;
            }
        throw new JinjaError($"adapter.dispatch('{name}') found no implementation: tried macros {string.Join(" and ", tried.Select(t => $"'{t}'"))}");
    }

    /// <summary>
    /// The block <c>{% materialization name %}</c> a model with <c>materialized=name</c> runs, by dbt's rules: the adapter's
    /// block before <c>default</c>, then the root project before an installed package before the internal ones. A built-in
    /// name (<paramref name="builtIn"/>) is replaced only by the root project's block, as dbt 1.8+ does
    /// (<c>require_explicit_package_overrides_for_builtin_materializations</c>); null when no block applies.
    /// </summary>
    public Unit? FindMaterialization(string name, bool builtIn)
    {
        foreach (var adapter in new[] { AdapterType, "default" })
        {
            var macro = $"materialization_{name}_{adapter}";
            if (_rootUnits is not null && _rootUnits.TryGetValue(macro, out var root)) return root;
            if (builtIn) continue;
            foreach (var (package, units) in _packages.OrderBy(p => p.Key, StringComparer.Ordinal))
                if (package != RootPackage && !_internal.Contains(package) && units.TryGetValue(macro, out var found)) return found;
            if (FindInternal(macro) is { } own) return own;
        }
        return null;
    }

    /// <summary>Every materialization block of every package: (name, adapter, the macro), for warnings and messages.</summary>
    public IEnumerable<(string Name, string Adapter, Unit Unit)> MaterializationBlocks()
    {
        foreach (var unit in All())
        {
            if (!unit.Name.StartsWith("materialization_", StringComparison.Ordinal)) continue;
            var rest = unit.Name["materialization_".Length..];
            var cut = rest.LastIndexOf('_');
            if (cut > 0) yield return (rest[..cut], rest[(cut + 1)..], unit);
        }
    }

    IEnumerable<string> SearchOrder(string? localPackage)
    {
        if (localPackage is not null && localPackage != RootPackage && _packages.ContainsKey(localPackage) && !_internal.Contains(localPackage))
            yield return localPackage;
        if (_packages.ContainsKey(RootPackage)) yield return RootPackage;
        foreach (var p in _internal) yield return p;
    }

    static void Load(MacroPackage package, Dictionary<string, Unit> units, List<XformException> errors)
    {
        var isInternal = package.Kind == MacroPackageKind.Internal;
        foreach (var file in package.Files)
        {
            try
            {
                var src = SourceText.Of(file.Path, file.Text);
                var emitter = new ScribanEmitter(src);
                foreach (var m in JinjaParser.Parse(src).OfType<MacroStmt>())
                {
                    try
                    {
                        var unit = emitter.CompileMacro(m);
                        unit.IsInternal = isInternal;
                        unit.Package = package.Name;
                        unit.Text = src.Text[m.TextStart..m.TextEnd];
                        unit.Calls = JinjaCalls.Of(m.Body);
                        if (units.TryGetValue(unit.Name, out var existing))
                        {
                            errors.Add(new XformException(
                                $"{(isInternal ? "internal " : "")}macro '{unit.Name}' is defined twice: at {existing.Location} and at {unit.Location}",
                                unit.Location));
                            continue;
                        }
                        units[unit.Name] = unit;
                    }
                    catch (XformException e)
                    {
                        errors.Add(e);
                    }
                }
            }
            catch (XformException e)
            {
                errors.Add(e);
            }
        }
    }
}

/// <summary>A package as templates see it: <c>dbt_utils.star(...)</c>, <c>dbt.date_trunc(...)</c>.</summary>
internal sealed class MacroNamespaceObject(MacroResolver resolver, string package) : ITemplateObject
{
    public bool TryGetMember(string name, out object? value)
    {
        value = resolver.FindIn(package, name)?.AsMacro;
        return value is not null;
    }

    public override string ToString() => package;
}
