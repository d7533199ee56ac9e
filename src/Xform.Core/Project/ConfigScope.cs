using Xform.Core.Diagnostics;
using Xform.Core.YamlReading;

namespace Xform.Core.Project;

/// <summary>
/// Folder-level configs from project.yml (<c>models: {proj: {staging: {+materialized: view}}}</c>).
/// A key with '+' or a known config name is a config; any other key is a sub-folder (or a node name).
/// </summary>
public sealed class ConfigScope
{
    public static readonly ConfigScope Empty = new(ConfigValues.Empty, new Dictionary<string, ConfigScope>());

    public ConfigScope(ConfigValues configs, IReadOnlyDictionary<string, ConfigScope> children)
    {
        Configs = configs;
        Children = children;
    }

    public ConfigValues Configs { get; }
    public IReadOnlyDictionary<string, ConfigScope> Children { get; }

    /// <summary>Sets nothing (an absent or empty mapping).</summary>
    public bool IsEmpty => Configs.Count == 0 && Children.Count == 0;

    public static ConfigScope Read(YamlValue node, string file, string what, ICollection<Warning> warnings)
    {
        var map = new YamlMap(node, file, what);
        var configs = new ConfigValues();
        var children = new Dictionary<string, ConfigScope>(StringComparer.Ordinal);
        foreach (var (key, value, at) in map.Entries)
        {
            var name = key.TrimStart('+');
            // As dbt reads it: '+key', or any key whose value is not a mapping, is a config (custom keys too);
            // a mapping is a folder, except the configs whose values are mappings.
            if (key.StartsWith('+') || value is not YamlMapping || name is "meta" or "docs" or "freshness")
            {
                ConfigKeys.Check(name, what, at, warnings);
                configs.Set(name, Yaml.ToValue(value), value.At(file));
            }
            else
            {
                children[key] = Read(value, file, what, warnings);
            }
        }
        return new ConfigScope(configs, children);
    }

    /// <summary>
    /// <paramref name="config"/> with the configs along the path (project name, folders..., node name) layered on it,
    /// outermost first (a loop, not an iterator: it runs for every node and test of a parse).
    /// </summary>
    public NodeConfig Layered(NodeConfig config, IReadOnlyList<string> fqn)
    {
        var scope = this;
        config = config.With(scope.Configs);
        for (var i = 0; i < fqn.Count && scope.Children.TryGetValue(fqn[i], out var child); i++)
        {
            scope = child;
            config = config.With(scope.Configs);
        }
        return config;
    }
}
