using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>
/// Reads the <c>groups:</c>, <c>exposures:</c>, <c>semantic_models:</c>, <c>metrics:</c> and <c>saved_queries:</c> entries
/// of a properties file: their properties kept as written, what they name (ref()/source() calls, measures, metrics)
/// with its position, and the few shapes dbt rejects (an exposure's type and owner, a group's owner).
/// </summary>
internal static class ObjectReader
{
    static readonly string[] ExposureTypes = ["dashboard", "notebook", "analysis", "ml", "application"];
    static readonly string[] Maturities = ["high", "medium", "low"];

    public static ProjectObject Read(string kind, YamlMap entry)
    {
        var name = entry.RequiredString("name", $"a {kind.Replace('_', ' ')}");
        var properties = (IReadOnlyDictionary<string, object?>)Yaml.ToValue(entry.Node)!;
        var refs = new List<Reference>();
        var needs = new List<(string, string, SourceLocation)>();
        switch (kind)
        {
            case "group":
                Owner(entry, kind, name);
                break;
            case "exposure":
                OneOf(entry, "type", ExposureTypes, required: true, $"exposure '{name}'");
                OneOf(entry, "maturity", Maturities, required: false, $"exposure '{name}'");
                Owner(entry, kind, name);
                if (entry.Get("depends_on") is { } deps)
                {
                    if (deps is not YamlSequence seq) throw new XformException("'depends_on' must be a list of ref() or source() calls", deps.At(entry.File));
                    foreach (var item in seq.Items) refs.Add(Relation(item, entry.File, $"each entry of an exposure's depends_on"));
                }
                break;
            case "semantic_model":
                if (entry.Get("model") is not { } model) throw new XformException($"semantic model '{name}' needs 'model', such as model: ref('orders')", entry.Location);
                refs.Add(Relation(model, entry.File, "a semantic model's 'model'"));
                break;
            case "metric":
                if (entry.Get("type_params") is YamlMapping tp)
                {
                    var p = new YamlMap(tp, entry.File, "type_params");
                    foreach (var key in new[] { "measure", "numerator", "denominator" })
                        if (p.Get(key) is { } v && NameOf(v) is { } n)
                            // A ratio metric's numerator and denominator are metrics; a simple metric's measure belongs to a semantic model.
                            needs.Add((key == "measure" ? "measure" : "metric", n, v.At(entry.File)));
                    if (p.Get("metrics") is YamlSequence ms)
                        foreach (var m in ms.Items)
                            if (NameOf(m) is { } n) needs.Add(("metric", n, m.At(entry.File)));
                }
                break;
            case "saved_query":
                if (entry.Get("query_params") is YamlMapping qp && new YamlMap(qp, entry.File, "query_params").Get("metrics") is YamlSequence metrics)
                    foreach (var m in metrics.Items)
                        if (NameOf(m) is { } n) needs.Add(("metric", n, m.At(entry.File)));
                break;
        }
        return new ProjectObject(kind, name, "", entry.File, entry.Location, properties) { Refs = refs, Needs = needs };
    }

    /// <summary>A name given as text or as a mapping with 'name' (<c>measure: {name: revenue}</c>).</summary>
    static string? NameOf(YamlValue v) => v switch
    {
        YamlScalar s => s.Value,
        YamlMapping m => m.Find("name") is YamlScalar n ? n.Value : null,
        _ => null,
    };

    static Reference Relation(YamlValue value, string file, string what)
    {
        var at = value.At(file);
        var text = value is YamlScalar s ? s.Value ?? "" : "";
        if (RelationCall.Read(text) is not { } call || call.Args.Any(a => a is null) || call.HasKeywords && call.Function == "source")
            throw new XformException($"{what} must be a ref() or source() call with quoted names, such as ref('orders'), not '{text}'", at);
        return (call.Function, call.Args) switch
        {
            ("ref", [var m]) => new Reference(m!, null, at),
            ("ref", [var pkg, var m]) => new Reference(m!, pkg, at),
            ("source", [var src, var table]) => new Reference(table!, null, at, src),
            _ => throw new XformException($"{what}: '{text}' takes a model name (ref) or a source and table name (source)", at),
        };
    }

    static void OneOf(YamlMap entry, string key, string[] allowed, bool required, string what)
    {
        var v = entry.String(key);
        if (v is null)
        {
            if (required) throw new XformException($"{what} needs '{key}' (one of {string.Join(", ", allowed)})", entry.Location);
            return;
        }
        if (!allowed.Contains(v))
            throw new XformException($"'{v}' is not a valid {key} of {what}; use one of {string.Join(", ", allowed)}.{Suggestions.DidYouMean(v, allowed)}",
                entry.Get(key)!.At(entry.File));
    }

    /// <summary>dbt requires an owner with a name or an email on groups and exposures.</summary>
    static void Owner(YamlMap entry, string kind, string name)
    {
        if (entry.Get("owner") is not YamlMapping owner || (owner.Find("name") is null && owner.Find("email") is null))
            throw new XformException($"{kind} '{name}' needs an owner with a name or an email, such as owner: {{name: Finance team}}",
                entry.Get("owner")?.At(entry.File) ?? entry.Location);
    }
}
