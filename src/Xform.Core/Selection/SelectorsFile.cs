using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.YamlReading;

namespace Xform.Core.Selection;

/// <summary>A named selection of selectors.yml: what <c>--selector NAME</c> selects; <c>default: true</c> applies it to commands given no selection.</summary>
public sealed record YamlSelector(string Name, string? Description, bool IsDefault, SelectionSpec Definition, SourceLocation Location);

/// <summary>
/// dbt's <c>selectors.yml</c> at the project root: <c>selectors: [{name, description, default, definition}]</c>. A
/// definition is a selector string (<c>"tag:nightly,config.materialized:table"</c>), a method entry
/// (<c>{method: tag, value: nightly, parents: true, children_depth: 2, indirect_selection: cautious, exclude: [...]}</c> or the
/// shorthand <c>{tag: nightly}</c>), <c>union</c> / <c>intersection</c> lists (with at most one <c>exclude</c> entry each), or
/// <c>{method: selector, value: other}</c>, a selector defined above it. Every mistake is an error at its file:line:col.
/// </summary>
public static class SelectorsFile
{
    public const string FileName = "selectors.yml";

    static readonly string[] SelectorKeys = ["name", "description", "default", "definition"];
    static readonly string[] MethodKeys = ["method", "value", "parents", "parents_depth", "children", "children_depth", "childrens_parents", "indirect_selection", "exclude"];

    /// <summary>The selectors of the project's selectors.yml by name (none when there is no file).</summary>
    public static IReadOnlyDictionary<string, YamlSelector> Read(string projectDir)
    {
        var path = Path.Combine(projectDir, FileName);
        var result = new Dictionary<string, YamlSelector>(StringComparer.Ordinal);
        if (!File.Exists(path)) return result;
        var root = Yaml.LoadFile(path, FileName);
        if (root is null) return result;
        var file = new YamlMap(root, FileName, FileName);
        foreach (var (key, _, at) in file.Entries)
            if (key != "selectors") throw new XformException($"unknown key '{key}' in {FileName}; it has one: 'selectors' (a list)", at);
        if (file.Get("selectors") is not { } list) return result;
        if (list is not YamlSequence items) throw new XformException($"'selectors' must be a list of selectors (each with a name and a definition), not {Yaml.Describe(list)}", list.At(FileName));
        YamlSelector? byDefault = null;
        foreach (var item in items.Items)
        {
            var entry = new YamlMap(item, FileName, "a selector");
            foreach (var (key, _, at) in entry.Entries)
                if (!SelectorKeys.Contains(key))
                    throw new XformException($"unknown key '{key}' in a selector; use {string.Join(", ", SelectorKeys)}.{Suggestions.DidYouMean(key, SelectorKeys)}", at);
            var name = entry.Text("name") is { Length: > 0 } n ? n : throw new XformException("a selector needs a 'name'", entry.Location);
            if (result.ContainsKey(name)) throw new XformException($"two selectors are named '{name}'", entry.Get("name")!.At(FileName));
            var definition = entry.Get("definition") ?? throw new XformException($"selector '{name}' needs a 'definition'", entry.Location);
            var selector = new YamlSelector(name, entry.Text("description"), Bool(entry, "default", name), new Reader(name, result).Definition(definition, rootLevel: true), entry.Location);
            if (selector.IsDefault)
            {
                if (byDefault is not null)
                    throw new XformException($"two selectors have 'default: true': '{byDefault.Name}' and '{name}'; only one can be the default", entry.Get("default")!.At(FileName));
                byDefault = selector;
            }
            result[name] = selector;
        }
        return result;
    }

    static bool Bool(YamlMap entry, string key, string selector)
    {
        if (entry.Get(key) is not { } v) return false;
        return v is YamlScalar s && Yaml.ToValue(s) is bool b
            ? b
            : throw new XformException($"'{key}' of selector '{selector}' must be true or false{(v is YamlScalar { Value: { } t } && t.Contains("{{", StringComparison.Ordinal) ? " (templates in selectors.yml are not supported yet)" : "")}", v.At(FileName));
    }

    /// <summary>Reads one selector's definition; <paramref name="defined"/> are the selectors above it (what 'method: selector' may name).</summary>
    sealed class Reader(string selector, IReadOnlyDictionary<string, YamlSelector> defined)
    {
        string Where => $"{FileName} selector '{selector}'";

        public SelectionSpec Definition(YamlValue value, bool rootLevel = false)
        {
            var at = value.At(FileName);
            switch (value)
            {
                case YamlScalar s when Yaml.ToValue(s) is string text:
                    NoTemplate(text, at);
                    return FromString(text, at);
                case YamlMapping m when m.ContainsKey("union") || m.ContainsKey("intersection"):
                    var key = m.ContainsKey("union") ? "union" : "intersection";
                    if (m.Entries.Count > 1)
                        throw new XformException($"'{key}' must be the only key of its entry{(rootLevel ? " in a selector's definition" : "")}; found {string.Join(", ", m.Entries.Select(e => e.Key))}", at);
                    return Set(m.Find(key)!, key == "intersection");
                case YamlMapping m:
                    return Method(new YamlMap(m, FileName, "a selector definition"), at);
                default:
                    throw new XformException($"a selector definition is a selector string, a mapping with method and value, or a union or intersection list; not {Yaml.Describe(value)}", at);
            }
        }

        SelectionSpec Set(YamlValue list, bool intersection)
        {
            var name = intersection ? "intersection" : "union";
            if (list is not YamlSequence items || items.Items.Count == 0)
                throw new XformException($"'{name}' must be a list of definitions", list.At(FileName));
            var parts = new List<SelectionSpec>();
            SelectionSpec? exclude = null;
            foreach (var item in items.Items)
            {
                if (item is YamlMapping m && m.ContainsKey("exclude") && m.Entries.Count == 1)
                {
                    if (exclude is not null) throw new XformException($"only one 'exclude' entry is allowed in a '{name}' list", item.At(FileName));
                    exclude = Exclusions(m.Find("exclude")!);
                }
                else parts.Add(Definition(item));
            }
            if (parts.Count == 0) throw new XformException($"'{name}' has nothing to include besides its 'exclude'", list.At(FileName));
            var at = list.At(FileName);
            SelectionSpec set = new SetSpec(intersection, parts, at);
            return exclude is null ? set : new DifferenceSpec(set, exclude, at);
        }

        SelectionSpec Exclusions(YamlValue list)
        {
            if (list is not YamlSequence items || items.Items.Count == 0)
                throw new XformException("'exclude' must be a list of definitions", list.At(FileName));
            var parts = items.Items.Select(i => Definition(i)).ToList();
            return parts.Count == 1 ? parts[0] : new SetSpec(false, parts, list.At(FileName));
        }

        SelectionSpec Method(YamlMap entry, SourceLocation at)
        {
            var keys = entry.Entries.Select(e => e.Key).ToList();
            // dbt's shorthand: a single key is the method, its value the value ({tag: nightly}).
            if (keys.Count == 1 && keys[0] is not ("method" or "value" or "exclude"))
                return Criterion($"{keys[0]}:{Scalar(entry.Get(keys[0]), keys[0])}", IndirectSelection.Eager, entry.Entries.First().KeyLocation);
            foreach (var (key, _, keyAt) in entry.Entries)
                if (!MethodKeys.Contains(key))
                    throw new XformException($"unknown key '{key}' in a selector definition; use {string.Join(", ", MethodKeys)}.{Suggestions.DidYouMean(key, MethodKeys)}", keyAt);
            var method = entry.Text("method") ?? throw new XformException("a selector definition with more than one key needs 'method' and 'value'", at);
            var value = Scalar(entry.Get("value") ?? throw new XformException($"method '{method}' needs a 'value'", at), "value");
            if (method == "selector")
            {
                if (keys.Count > 2) throw new XformException("'method: selector' takes only a 'value': the name of a selector defined above", at);
                return defined.TryGetValue(value, out var other)
                    ? other.Definition
                    : throw new XformException($"no selector '{value}' is defined above '{selector}'{Suggestions.DidYouMean(value, defined.Keys)}", entry.Get("value")!.At(FileName));
            }
            var text = (Flag(entry, "childrens_parents") ? "@" : "")
                + (Flag(entry, "parents") ? Depth(entry, "parents_depth") + "+" : "")
                + $"{method}:{value}"
                + (Flag(entry, "children") ? "+" + Depth(entry, "children_depth") : "");
            var criterion = Criterion(text, Indirect(entry), at);
            return entry.Get("exclude") is { } exclude ? new DifferenceSpec(criterion, Exclusions(exclude), at) : criterion;
        }

        CriterionSpec Criterion(string text, IndirectSelection indirect, SourceLocation at)
        {
            NoTemplate(text, at);
            try
            {
                return new CriterionSpec(SelectorSyntax.ParseCriterion(text, Where), indirect, at);
            }
            catch (XformException e) when (e.Location.File is null or "")
            {
                throw new XformException(e.Message, at);
            }
        }

        /// <summary>A selector string: dbt reads one criterion; xform also reads spaces (union) and commas (intersection).</summary>
        SelectionSpec FromString(string text, SourceLocation at)
        {
            IReadOnlyList<SelectorTerm> terms;
            try
            {
                terms = SelectorSyntax.Parse([text], Where);
            }
            catch (XformException e) when (e.Location.File is null or "")
            {
                throw new XformException(e.Message, at);
            }
            var union = terms.Select(t => t.Criteria.Count == 1
                ? (SelectionSpec)new CriterionSpec(t.Criteria[0], IndirectSelection.Eager, at)
                : new SetSpec(true, t.Criteria.Select(c => (SelectionSpec)new CriterionSpec(c, IndirectSelection.Eager, at)).ToList(), at)).ToList();
            return union.Count == 1 ? union[0] : new SetSpec(false, union, at);
        }

        static IndirectSelection Indirect(YamlMap entry)
        {
            if (entry.Text("indirect_selection") is not { } mode) return IndirectSelection.Eager;
            return mode switch
            {
                "eager" => IndirectSelection.Eager,
                "cautious" => IndirectSelection.Cautious,
                "buildable" => IndirectSelection.Buildable,
                "empty" => IndirectSelection.Empty,
                _ => throw new XformException($"'indirect_selection' is eager, cautious, buildable or empty, not '{mode}'.{Suggestions.DidYouMean(mode, ["eager", "cautious", "buildable", "empty"])}",
                    entry.Get("indirect_selection")!.At(FileName)),
            };
        }

        static bool Flag(YamlMap entry, string key) => entry.Get(key) switch
        {
            null => false,
            YamlScalar s when Yaml.ToValue(s) is bool b => b,
            var v => throw new XformException($"'{key}' must be true or false", v.At(FileName)),
        };

        static string Depth(YamlMap entry, string key) => entry.Get(key) switch
        {
            null => "",
            YamlScalar { Value: var text } when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n.ToString(CultureInfo.InvariantCulture),
            var v => throw new XformException($"'{key}' must be a whole number of generations", v.At(FileName)),
        };

        static string Scalar(YamlValue? v, string key) => v is YamlScalar { Value: { Length: > 0 } text }
            ? text
            : throw new XformException($"'{key}' must be a text value", v?.At(FileName) ?? default);

        static void NoTemplate(string text, SourceLocation at)
        {
            if (text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal))
                throw new XformException("templates in selectors.yml are not supported yet; write the value itself", at);
        }
    }
}
