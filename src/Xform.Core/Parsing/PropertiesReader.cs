using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>Properties of one model, seed or snapshot from a YAML file, applied to the node of that name.</summary>
public sealed record NodePatch(string Kind, string Name, string Description, ConfigValues Config,
    IReadOnlyList<ColumnInfo> Columns, IReadOnlyList<object?> Tests, SourceLocation Location, string? Relation = null)
{
    /// <summary>A model's <c>versions:</c> (empty: unversioned).</summary>
    public IReadOnlyList<VersionPatch> Versions { get; init; } = [];
    public string? LatestVersion { get; init; }
    public string? DeprecationDate { get; init; }

    /// <summary>The model-level <c>constraints:</c>.</summary>
    public IReadOnlyList<ColumnConstraint> Constraints { get; init; } = [];
}

public sealed record SourceTablePatch(string SourceName, string TableName, string Description, string? Database, string Schema,
    string Identifier, ConfigValues Config, IReadOnlyList<ColumnInfo> Columns,
    IReadOnlyList<object?> Tests, SourceTableInfo Info, IReadOnlyList<string> Tags, SourceLocation Location);

/// <summary>Everything the YAML property files of a project declare.</summary>
public sealed record Properties(IReadOnlyList<NodePatch> Nodes, IReadOnlyList<SourceTablePatch> SourceTables,
    IReadOnlyDictionary<string, string> MacroDescriptions)
{
    /// <summary>Groups, exposures, semantic models, metrics and saved queries (their package set by the loader).</summary>
    public IReadOnlyList<ProjectObject> Objects { get; init; } = [];

    /// <summary>The <c>unit_tests:</c> entries, read once the models they test are known (<see cref="UnitTestParser"/>).</summary>
    public IReadOnlyList<YamlMap> UnitTests { get; init; } = [];
}

/// <summary>Reads <c>models:</c>, <c>seeds:</c>, <c>snapshots:</c>, <c>sources:</c> and <c>macros:</c> entries, strictly.</summary>
public sealed class PropertiesReader(ICollection<Warning> warnings, Func<string, SourceLocation, string> renderString)
{
    static readonly string[] FileKeys = ["version", "models", "seeds", "snapshots", "sources", "macros", "exposures", "metrics", "semantic_models", "saved_queries", "groups", "unit_tests"];
    static readonly string[] FileUnused = ["analyses"];
    static readonly string[] NodeKeys = ["name", "description", "config", "columns", "tests", "data_tests", "meta", "tags", "docs", "relation",
        "latest_version", "versions", "access", "group", "deprecation_date", "constraints"];
    static readonly string[] NodeUnused = ["time_spine"];
    static readonly string[] ColumnKeys = ["name", "description", "data_type", "tests", "data_tests", "meta", "quote", "tags", "constraints"];
    static readonly string[] ColumnUnused = ["policy_tags", "granularity", "docs"];
    static readonly string[] SourceKeys = ["name", "description", "database", "schema", "loader", "loaded_at_field", "freshness", "meta", "tags", "config", "tables", "quoting", "overrides"];
    static readonly string[] TableKeys = ["name", "description", "identifier", "loaded_at_field", "freshness", "columns", "meta", "tags", "tests", "data_tests", "config", "quoting", "external", "loader"];
    static readonly string[] MacroKeys = ["name", "description", "arguments", "docs", "meta"];

    readonly List<NodePatch> _nodes = [];
    readonly List<SourceTablePatch> _tables = [];
    readonly Dictionary<string, string> _macros = new(StringComparer.Ordinal);
    readonly List<YamlMap> _unitTests = [];

    readonly List<ProjectObject> _objects = [];

    public Properties Result => new(_nodes, _tables, _macros) { Objects = _objects, UnitTests = _unitTests };

    public void ReadFile(string fullPath, string file, string defaultSchema) => ReadText(TextFile.Read(fullPath), file, defaultSchema);

    /// <summary>Reads the text of a properties file (<paramref name="file"/> is its project-relative path).</summary>
    public void ReadText(string text, string file, string defaultSchema) => Read(Yaml.LoadText(text, file), file, defaultSchema);

    /// <summary>A properties file already parsed as YAML (<see cref="Yaml.LoadText"/>; null: an empty file).</summary>
    public void Read(YamlValue? root, string file, string defaultSchema)
    {
        if (root is null) return;
        var map = new YamlMap(root, file, "a properties file");
        map.CheckKeys("a properties file", FileKeys, FileUnused, warnings);
        foreach (var (kinds, kind) in new[] { ("models", "model"), ("seeds", "seed"), ("snapshots", "snapshot") })
            foreach (var entry in map.Maps(kinds, $"an entry of '{kinds}'"))
                _nodes.Add(ReadNode(kind, entry));
        _unitTests.AddRange(map.Maps("unit_tests", "a unit test"));
        foreach (var source in map.Maps("sources", "a source"))
            ReadSource(source, defaultSchema);
        foreach (var (kind, key, _) in ProjectObject.Kinds)
            foreach (var entry in map.Maps(key, $"an entry of '{key}'"))
                _objects.Add(ObjectReader.Read(kind, entry));
        foreach (var macro in map.Maps("macros", "a macro entry"))
        {
            macro.CheckKeys("a macro entry", MacroKeys, [], warnings);
            _macros[macro.RequiredString("name", "a macro entry")] = macro.String("description") ?? "";
        }
    }

    NodePatch ReadNode(string kind, YamlMap entry)
    {
        var what = $"{kind} properties";
        entry.CheckKeys(what, NodeKeys, NodeUnused, warnings);
        var name = entry.RequiredString("name", $"a {kind} entry");
        var config = Config(entry.Get("config"), entry.File, $"config of {kind} '{name}'");
        if (entry.Get("tags") is { } tags) config = config.With("tags", Yaml.ToValue(tags), tags.At(entry.File));
        if (entry.Get("meta") is { } meta) config = config.With("meta", Yaml.ToValue(meta), meta.At(entry.File));
        // dbt's older top-level access/group keys are the configs of those names.
        foreach (var key in new[] { "access", "group" })
            if (entry.Get(key) is { } v) config = config.With(key, Yaml.ToValue(v), v.At(entry.File));
        if (entry.Get("tags") is not null || entry.Get("meta") is not null || entry.Get("access") is not null) ConfigTypes.Check(config);
        var relation = entry.String("relation");
        if (relation is not null && kind != "snapshot")
            throw new XformException($"'relation' is for snapshots declared in YAML, not for a {kind}", entry.Get("relation")!.At(entry.File));
        var columns = Columns(entry);
        if (kind != "model" && (entry.Get("versions") ?? entry.Get("latest_version")) is { } misplaced)
            throw new XformException($"only models have versions, not a {kind}", misplaced.At(entry.File));
        var versions = ModelVersions.Read(entry, name, columns, warnings, Config, ColumnsOf, Tests);
        if (versions.Count == 0 && entry.Get("latest_version") is { } lonely)
            throw new XformException($"model '{name}' has a latest_version but no versions", lonely.At(entry.File));
        return new NodePatch(kind, name, entry.String("description") ?? "", config, columns, Tests(entry), entry.Location, relation)
        {
            Constraints = Constraints(entry, modelLevel: true),
            Versions = versions, LatestVersion = entry.String("latest_version"), DeprecationDate = entry.String("deprecation_date"),
        };
    }

    void ReadSource(YamlMap source, string defaultSchema)
    {
        source.CheckKeys("a source", SourceKeys, [], warnings);
        var sourceName = source.RequiredString("name", "a source");
        var schema = Render(source, "schema") ?? sourceName;
        var database = Render(source, "database");
        var sourceConfig = Config(source.Get("config"), source.File, $"config of source '{sourceName}'");
        var sourceFreshness = source.Get("freshness") is { } f ? Yaml.ToValue(f) as IReadOnlyDictionary<string, object?> : null;
        var sourceLoadedAt = source.String("loaded_at_field");
        var sourceTags = source.Strings("tags", []);
        var sourceMeta = source.Get("meta") is { } sm ? Yaml.ToValue(sm) as IReadOnlyDictionary<string, object?> : null;
        foreach (var table in source.Maps("tables", $"a table of source '{sourceName}'"))
        {
            table.CheckKeys($"a table of source '{sourceName}'", TableKeys, [], warnings);
            var name = table.RequiredString("name", $"a table of source '{sourceName}'");
            var config = Config(table.Get("config"), table.File, $"config of source table '{sourceName}.{name}'");
            var meta = table.Get("meta") is { } tm ? Yaml.ToValue(tm) as IReadOnlyDictionary<string, object?> : null;
            var external = Lookup(config, "external_location") ?? Lookup(meta, "external_location")
                           ?? Lookup(sourceConfig, "external_location") ?? Lookup(sourceMeta, "external_location");
            if (external is not null)
            {
                external = external.Replace("{name}", name, StringComparison.Ordinal).Replace("{identifier}", table.String("identifier") ?? name, StringComparison.Ordinal);
                external = renderString(external, (table.Get("config") ?? table.Get("meta") ?? table.Node).At(table.File));
                // A location that renders empty (e.g. only on DuckDB targets) means an ordinary table.
                if (string.IsNullOrWhiteSpace(external)) external = null;
            }
            // An explicit 'freshness: null' on a table switches the source's check off for it.
            var freshness = table.Node.ContainsKey("freshness")
                ? table.Get("freshness") is { } tf ? Yaml.ToValue(tf) as IReadOnlyDictionary<string, object?> : null
                : sourceFreshness;
            var info = new SourceTableInfo(sourceName, name, table.String("loaded_at_field") ?? sourceLoadedAt, freshness, external);
            var merged = sourceConfig.With(config);
            if (meta is not null) merged = merged.With("meta", meta, table.Get("meta")!.At(table.File));
            _tables.Add(new SourceTablePatch(sourceName, name, table.String("description") ?? "", database, schema,
                Render(table, "identifier") ?? name, merged, Columns(table), Tests(table), info,
                sourceTags.Concat(table.Strings("tags", [])).Distinct().ToList(), table.Location));
        }
    }

    string? Render(YamlMap map, string key) =>
        map.String(key) is { } s ? renderString(s, map.Get(key)!.At(map.File)) : null;

    static string? Lookup(IReadOnlyDictionary<string, object?>? d, string key) =>
        d is not null && d.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    ConfigValues Config(YamlValue? node, string file, string what)
    {
        if (node is null || Yaml.IsNull(node)) return ConfigValues.Empty;
        var map = new YamlMap(node, file, what);
        var result = new ConfigValues();
        foreach (var (key, value, at) in map.Entries)
        {
            var name = key.TrimStart('+');
            ConfigKeys.Check(name, what, at, warnings);
            result.Set(name, Yaml.ToValue(value), value.At(file));
        }
        return ConfigRendering.Render(result, renderString);
    }

    IReadOnlyList<ColumnInfo> Columns(YamlMap entry) => ColumnsOf(entry.Maps("columns", "a column"));

    IReadOnlyList<ColumnInfo> ColumnsOf(IEnumerable<YamlMap> entries)
    {
        var columns = new List<ColumnInfo>();
        foreach (var col in entries)
        {
            col.CheckKeys("a column", ColumnKeys, ColumnUnused, warnings);
            var meta = col.Get("meta") is { } m ? Yaml.ToValue(m) as IReadOnlyDictionary<string, object?> : null;
            columns.Add(new ColumnInfo(col.RequiredString("name", "a column"), col.String("description") ?? "",
                col.String("data_type"), Tests(col), meta ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, object?>.Empty, col.Location)
            {
                Constraints = Constraints(col, modelLevel: false),
            });
        }
        return columns;
    }

    static readonly string[] ConstraintKeys = ["type", "expression", "name", "columns", "to", "to_columns", "warn_unenforced", "warn_unsupported"];

    /// <summary>A column's or a model's <c>constraints:</c>; a model's name their <c>columns</c>, except a check.</summary>
    IReadOnlyList<ColumnConstraint> Constraints(YamlMap owner, bool modelLevel)
    {
        if (owner.Get("constraints") is null) return []; // most have none: no list per column
        var result = new List<ColumnConstraint>();
        foreach (var c in owner.Maps("constraints", "a constraint"))
        {
            c.CheckKeys("a constraint", ConstraintKeys, [], warnings);
            var type = c.RequiredString("type", "a constraint");
            if (!ColumnConstraint.Types.Contains(type))
                throw new XformException($"constraint type '{type}' is not one of {string.Join(", ", ColumnConstraint.Types)}.{Suggestions.DidYouMean(type, ColumnConstraint.Types)}",
                    c.Get("type")!.At(c.File));
            var expression = c.String("expression");
            var to = c.String("to");
            var toColumns = c.Strings("to_columns", []);
            var columns = c.Strings("columns", []);
            if (type is "check" or "custom" && string.IsNullOrWhiteSpace(expression))
                throw new XformException($"a {type} constraint needs an expression", c.Location);
            if (type == "foreign_key" && expression is null && (to is null || toColumns.Count == 0))
                throw new XformException("a foreign_key constraint needs to (such as ref('customers')) and to_columns, or an expression such as customers (id)", c.Location);
            if (!modelLevel && columns.Count > 0)
                throw new XformException("columns belongs to a model-level constraint; a column's constraint is about that column", c.Get("columns")!.At(c.File));
            if (modelLevel && columns.Count == 0 && type is not ("check" or "custom"))
                throw new XformException($"a model-level {type} constraint needs columns (the columns it is about)", c.Location);
            result.Add(new ColumnConstraint(type, expression, c.String("name"), to, toColumns, columns,
                Flag(c, "warn_unenforced"), Flag(c, "warn_unsupported"), c.Location));
        }
        return result;
    }

    static bool Flag(YamlMap map, string key) => map.String(key) is not { } v ? true
        : NodeConfig.AsBool(v) ?? throw new XformException($"{key} must be true or false, not '{v}'", map.Get(key)!.At(map.File));

    static IReadOnlyList<object?> Tests(YamlMap entry)
    {
        var node = entry.Get("data_tests") ?? entry.Get("tests");
        if (node is null) return [];
        if (node is not YamlSequence seq) throw new XformException("tests must be a list", node.At(entry.File));
        // Each test keeps its position so later stages can report errors at it.
        return seq.Items.Select(c => (object?)new PositionedValue(Yaml.ToValue(c), c.At(entry.File))).ToList();
    }
}

/// <summary>A YAML value with the position it was read from.</summary>
public sealed record PositionedValue(object? Value, SourceLocation Location);
