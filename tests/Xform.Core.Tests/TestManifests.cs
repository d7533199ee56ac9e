using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Core.Tests;

/// <summary>Builds manifests in memory: <c>("b", "models/x/b.sql", ["a"])</c> is model b reading a.</summary>
static class TestManifests
{
    /// <summary>The project in folder <paramref name="dir"/> as xform loads it: target schema <c>main</c> on DuckDB, no vars, no adapter macros.</summary>
    public static LoadedProject Load(string dir) => ProjectLoader.Load(new LoadOptions(dir,
        new TargetConfig("proj", "dev", "duckdb", "main", "", 1, new Dictionary<string, object?>()), new Dictionary<string, object?>(), [],
        name => $"\"{name}\"", _ => { }));

    /// <summary>Project <c>proj</c> with the default folders and no folder configs.</summary>
    public static readonly ProjectConfig Project = new("proj", "/p", "project.yml", "proj", ["models"], ["seeds"], ["macros"], ["tests"], ["snapshots"],
        "target", ["target"], new Dictionary<string, object?>(), ConfigScope.Empty, ConfigScope.Empty, ConfigScope.Empty, ConfigScope.Empty, ConfigScope.Empty);

    public static Manifest Of(params (string Name, string Path, string[] Refs)[] models) =>
        Of(models.Select(m => Model(m.Name, m.Path, m.Refs)).ToArray());

    public static Manifest Of(params Node[] nodes) =>
        new(Project, nodes.ToDictionary(n => n.UniqueId), new Dictionary<string, Templating.MacroInfo>(),
            new Dictionary<string, Templating.DocsBlock>(), []);

    public static Node Model(string name, string path, string[] refs, Dictionary<string, object?>? config = null) => new()
    {
        UniqueId = $"model.proj.{name}",
        ResourceType = ResourceType.Model,
        Name = name,
        PackageName = "proj",
        OriginalFilePath = path,
        Path = path["models/".Length..],
        Fqn = ["proj", .. Path.GetDirectoryName(path["models/".Length..])!.Split('/', StringSplitOptions.RemoveEmptyEntries), name],
        Config = new NodeConfig(config ?? new Dictionary<string, object?>()),
        Relation = new RelationName(null, "main", name),
        Refs = refs.Select((r, i) => new Reference(r, null, new SourceLocation(path, 2 + i, 8))).ToList(),
        Location = new SourceLocation(path, 1, 1),
    };

    /// <summary>Seed <paramref name="name"/> from <c>seeds/name.csv</c>.</summary>
    public static Node Seed(string name) => Model(name, $"models/{name}.csv", []) with
    {
        UniqueId = $"seed.proj.{name}", ResourceType = ResourceType.Seed, OriginalFilePath = $"seeds/{name}.csv",
        Location = new SourceLocation($"seeds/{name}.csv", 0, 0),
    };

    /// <summary>Table <paramref name="table"/> of source <paramref name="source"/>, declared in <c>models/sources.yml</c>.</summary>
    public static Node Source(string source, string table, IReadOnlyDictionary<string, object?>? freshness = null) =>
        Model(table, "models/sources.yml", []) with
        {
            UniqueId = $"source.proj.{source}.{table}", ResourceType = ResourceType.Source, Fqn = ["proj", source, table],
            Relation = new RelationName(null, source, table), Source = new SourceTableInfo(source, table, null, freshness, null),
            Location = new SourceLocation("models/sources.yml", 3, 9),
        };

    /// <summary>A data test that reads the models or seeds <paramref name="reads"/>, as a YAML test with a ref() argument does.</summary>
    public static Node Test(string name, params string[] reads) => Model(name, "models/schema.yml", reads) with
    {
        UniqueId = $"test.proj.{name}", ResourceType = ResourceType.Test, Fqn = ["proj", name],
        Relation = new RelationName(null, "main_dbt_test__audit", name),
        Location = new SourceLocation("models/schema.yml", 5, 11),
    };

    /// <summary>
    /// <paramref name="node"/> with the YAML mapping <paramref name="yaml"/> layered on its config, each value placed
    /// where it stands in <c>models/schema.yml</c> (the first line of the text is line 1), as a <c>config:</c> block is.
    /// </summary>
    public static Node Configured(Node node, string yaml)
    {
        var values = new ConfigValues();
        foreach (var entry in ((YamlMapping)Yaml.LoadText(yaml, "models/schema.yml")!).Entries)
            values.Set(entry.Key, Yaml.ToValue(entry.Value), entry.Value.At("models/schema.yml"));
        return node with { Config = node.Config.With(values) };
    }

    /// <summary>The message of the error <paramref name="read"/> throws, which must be at <paramref name="line"/> of the
    /// <c>models/schema.yml</c> that <see cref="Configured"/> writes.</summary>
    public static string ErrorAtLine(int line, TestDelegate read)
    {
        var e = Assert.Throws<XformException>(read)!;
        Assert.That((e.Location.File, e.Location.Line), Is.EqualTo(("models/schema.yml", line)), e.Message);
        return e.Message;
    }
}
