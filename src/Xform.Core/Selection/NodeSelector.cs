using System.Text.RegularExpressions;
using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Selection;

/// <summary>
/// dbt's node selection: space-separated unions of comma-separated intersections of criteria, each
/// criterion <c>[N+|@]method:value[+N]</c>. Methods: name (default, with fqn and wildcards), tag, path,
/// config.KEY, resource_type, source, fqn, test_type, package.
/// </summary>
public sealed partial class NodeSelector(DependencyGraph graph, IStateComparison? state = null)
{
    static readonly string[] Methods = ["tag", "path", "file", "config", "resource_type", "source", "fqn", "package", "test_type", "test_name", "state"];

    [GeneratedRegex(@"^(?<at>@)?(?:(?<up>\d*)\+)?(?<body>.+?)(?:\+(?<down>\d*))?$")]
    private static partial Regex CriterionPattern();

    /// <summary>The nodes matched by <paramref name="select"/> (all when empty) minus <paramref name="exclude"/>.</summary>
    public HashSet<string> Select(IReadOnlyList<string> select, IReadOnlyList<string> exclude)
    {
        var selected = select.Count == 0
            ? new HashSet<string>(graph.Order, StringComparer.Ordinal)
            : Union(select);
        if (exclude.Count > 0) selected.ExceptWith(Union(exclude));
        return selected;
    }

    HashSet<string> Union(IReadOnlyList<string> specs)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
            foreach (var term in spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                result.UnionWith(Intersection(term));
        return result;
    }

    HashSet<string> Intersection(string term)
    {
        HashSet<string>? result = null;
        foreach (var part in term.Split(','))
        {
            if (part.Length == 0) throw new XformException($"empty selector in '{term}'");
            var matched = Criterion(part);
            if (result is null) result = matched;
            else result.IntersectWith(matched);
        }
        return result ?? [];
    }

    HashSet<string> Criterion(string text)
    {
        var m = CriterionPattern().Match(text);
        if (!m.Success) throw new XformException($"cannot read selector '{text}'");
        var body = m.Groups["body"].Value;
        var at = m.Groups["at"].Success;
        var up = m.Groups["up"].Success ? Depth(m.Groups["up"].Value) : (int?)-1;
        var down = m.Groups["down"].Success ? Depth(m.Groups["down"].Value) : (int?)-1;
        if (at && (m.Groups["up"].Success || m.Groups["down"].Success))
            throw new XformException($"selector '{text}': '@' cannot be combined with '+'");

        var seeds = Match(body, text);
        var result = new HashSet<string>(seeds, StringComparer.Ordinal);
        foreach (var id in seeds)
        {
            if (up != -1) result.UnionWith(graph.Ancestors(id, up));
            if (down != -1 || at) result.UnionWith(graph.Descendants(id, at ? null : down));
        }
        if (at)
        {
            // @x: x, its descendants, and every ancestor of those descendants.
            foreach (var id in result.ToList()) result.UnionWith(graph.Ancestors(id));
        }
        return result;
    }

    static int? Depth(string digits) => digits.Length == 0 ? null : int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);

    HashSet<string> Match(string body, string text)
    {
        var nodes = graph.Manifest.Nodes.Values;
        var colon = body.IndexOf(':');
        var method = colon < 0 ? "" : body[..colon];
        var value = colon < 0 ? body : body[(colon + 1)..];
        var sub = "";
        var dot = method.IndexOf('.');
        if (dot >= 0) (method, sub) = (method[..dot], method[(dot + 1)..]);

        IEnumerable<Node> hits = method switch
        {
            "" when value.Contains('/') || value.EndsWith(".sql", StringComparison.Ordinal) || value.EndsWith(".csv", StringComparison.Ordinal) => nodes.Where(n => PathMatches(n, value)),
            "" => nodes.Where(n => NameMatches(n, value)),
            "tag" => nodes.Where(n => n.Config.Tags.Any(t => Wildcard(value, t))),
            "path" or "file" => nodes.Where(n => PathMatches(n, value)),
            "config" when sub.Length > 0 => nodes.Where(n => n.Config.TryGetValue(sub, out var v) && ConfigMatches(v, value)),
            "resource_type" => nodes.Where(n => string.Equals(n.ResourceType.ToString(), value, StringComparison.OrdinalIgnoreCase)),
            "source" => nodes.Where(n => n.ResourceType == ResourceType.Source && SourceMatches(n, value)),
            "fqn" => nodes.Where(n => FqnMatches(n, value)),
            "package" => nodes.Where(n => Wildcard(value, n.PackageName)),
            "test_type" => nodes.Where(n => n.ResourceType == ResourceType.Test &&
                (value == "generic") == (n.TestMetadata is not null) && value is "generic" or "singular" or "data"),
            "state" => StateMatches(nodes, value, text),
            "test_name" => nodes.Where(n => n.TestMetadata is { } t && t.TryGetValue("name", out var tn) && Wildcard(value, tn as string ?? "")),
            _ => throw new XformException(
                $"unknown selector method '{method}' in '{text}'.{Suggestions.DidYouMean(method, Methods)}"),
        };
        return hits.Select(n => n.UniqueId).ToHashSet(StringComparer.Ordinal);
    }

    IEnumerable<Node> StateMatches(IEnumerable<Node> nodes, string value, string text)
    {
        if (state is null) throw new XformException($"'{text}' compares with a previous run: pass --state DIR (the target folder holding its manifest.json)");
        var dot = value.IndexOf('.');
        var (kind, sub) = dot < 0 ? (value, "") : (value[..dot], value[(dot + 1)..]);
        return kind switch
        {
            "new" => nodes.Where(state.IsNew),
            "modified" => nodes.Where(n => state.IsModified(n, sub)),
            _ => throw new XformException($"unknown state selector '{text}'; use state:new or state:modified"),
        };
    }

    static bool NameMatches(Node n, string value) =>
        Wildcard(value, n.Name) || (n.ResourceType != ResourceType.Source && FqnMatches(n, value));

    /// <summary>dbt's fqn method: <c>staging</c> matches every node under models/staging; <c>proj.staging.stg_x</c> one node.</summary>
    static bool FqnMatches(Node n, string value)
    {
        var parts = value.Split('.');
        var fqn = n.Fqn;
        for (var start = 0; start <= 1; start++)
        {
            if (parts.Length > fqn.Count - start) continue;
            var ok = true;
            for (var i = 0; i < parts.Length && ok; i++) ok = Wildcard(parts[i], fqn[start + i]);
            if (ok && (start == 0 || parts.Length < fqn.Count)) return true;
        }
        return false;
    }

    static bool PathMatches(Node n, string value)
    {
        var v = value.TrimEnd('/').Replace('\\', '/');
        if (v.StartsWith("./", StringComparison.Ordinal)) v = v[2..];
        var p = n.OriginalFilePath;
        return p == v || p.StartsWith(v + "/", StringComparison.Ordinal) || Wildcard(v, p);
    }

    static bool SourceMatches(Node n, string value)
    {
        var parts = value.Split('.');
        return parts.Length switch
        {
            1 => Wildcard(parts[0], n.Source!.SourceName),
            2 => Wildcard(parts[0], n.Source!.SourceName) && Wildcard(parts[1], n.Name),
            _ => false,
        };
    }

    static bool ConfigMatches(object? configured, string value) => configured switch
    {
        null => false,
        bool b => string.Equals(b ? "true" : "false", value, StringComparison.OrdinalIgnoreCase),
        string s => Wildcard(value, s),
        System.Collections.IEnumerable e => e.Cast<object?>().Any(x => ConfigMatches(x, value)),
        _ => string.Equals(Convert.ToString(configured, System.Globalization.CultureInfo.InvariantCulture), value, StringComparison.Ordinal),
    };

    static bool Wildcard(string pattern, string text)
    {
        if (!pattern.Contains('*') && !pattern.Contains('?')) return string.Equals(pattern, text, StringComparison.Ordinal);
        var regex = "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$";
        return Regex.IsMatch(text, regex);
    }
}
