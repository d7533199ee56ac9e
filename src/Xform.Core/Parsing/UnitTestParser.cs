using System.Text;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Seeds;
using Xform.Core.Templating;
using Xform.Core.YamlReading;

namespace Xform.Core.Parsing;

/// <summary>
/// dbt's <c>unit_tests:</c> entries of the root project's YAML files, each a node (<c>unit_test.project.model.name</c>) that
/// reads what its model reads: inputs as dict, csv (inline or a fixture file under test-paths/fixtures) or sql rows.
/// </summary>
internal static class UnitTestParser
{
    static readonly string[] Keys = ["name", "model", "given", "expect", "overrides", "config", "description"];
    static readonly string[] Unused = ["versions"];
    static readonly string[] InputKeys = ["input", "format", "rows", "fixture"];
    static readonly string[] ExpectKeys = ["format", "rows", "fixture"];
    static readonly string[] OverrideKeys = ["macros", "vars", "env_vars"];
    static readonly string[] ConfigKeys = ["tags", "meta", "enabled"];

    public static void Parse(ParseContext context, ICollection<Warning> warnings)
    {
        // dbt unit-tests the current project's models only.
        if (context.TemplatePackage is not null) return;
        foreach (var entry in context.Properties.UnitTests)
        {
            try
            {
                if (Read(context, entry, warnings) is { } node) context.Add(node);
            }
            catch (XformException e)
            {
                context.Errors.Add(e);
            }
        }
    }

    static Node? Read(ParseContext context, YamlMap entry, ICollection<Warning> warnings)
    {
        entry.CheckKeys("a unit test", Keys, Unused, warnings);
        var name = entry.RequiredString("name", "a unit test");
        var modelName = entry.RequiredString("model", $"unit test '{name}'");
        var project = context.Project;
        var config = Config(entry, name, warnings);
        if (!config.Enabled) return null;
        var model = context.Nodes.Values.FirstOrDefault(n => n.ResourceType == ResourceType.Model && n.PackageName == project.Name && n.Name == modelName);
        if (model is null)
        {
            if (context.Disabled.Any(n => n.ResourceType == ResourceType.Model && n.Name == modelName)) return null;
            throw new XformException($"unit test '{name}' tests model '{modelName}', which is not a model of this project." +
                Suggestions.DidYouMean(modelName, context.Nodes.Values.Where(n => n.ResourceType == ResourceType.Model).Select(n => n.Name)),
                entry.Get("model")!.At(entry.File));
        }
        var id = $"unit_test.{project.Name}.{model.Name}.{name}";
        if (context.Nodes.TryGetValue(id, out var same))
            throw new XformException($"unit test '{name}' of model '{model.Name}' is declared twice (first at {same.Location})", entry.Location);

        var given = new List<UnitTestInput>();
        foreach (var input in entry.Maps("given", $"an input of unit test '{name}'"))
        {
            input.CheckKeys($"an input of unit test '{name}'", InputKeys, [], warnings);
            var text = input.RequiredString("input", $"an input of unit test '{name}'");
            var reference = Input(text, input.Get("input")!.At(input.File), name);
            given.Add(new UnitTestInput(text, reference, Rows(context, input, $"input {text} of unit test '{name}'")));
        }
        CheckInputs(model, given, name, entry);
        if (entry.Get("expect") is not { } expectNode) throw new XformException($"unit test '{name}' needs 'expect'", entry.Location);
        var expect = new YamlMap(expectNode, entry.File, $"'expect' of unit test '{name}'");
        expect.CheckKeys($"'expect' of unit test '{name}'", ExpectKeys, [], warnings);

        var (macros, vars, env) = Overrides(entry, name, warnings);
        var spec = new UnitTestSpec(model.UniqueId, given, Rows(context, expect, $"'expect' of unit test '{name}'"), macros, vars, env);
        return new Node
        {
            UniqueId = id, ResourceType = ResourceType.UnitTest, Name = name, PackageName = project.Name,
            OriginalFilePath = entry.File, Path = entry.File, Fqn = [.. model.Fqn, name], Config = config, Relation = model.Relation,
            Description = entry.String("description") ?? "", Refs = model.Refs, SourceRefs = model.SourceRefs,
            // the definition as text: its checksum is the body state:modified compares
            RawCode = Definition(model.Name, spec),
            Location = entry.Location, UnitTest = spec,
        };
    }

    /// <summary>
    /// The definition as JSON: <c>{"model":…,"given":[{"Text":…,"Rows":{"format":…,"Rows":…,"Sql":…}}],"expect":…,"Macros":…,"Vars":…,"EnvVars":…}</c>,
    /// the names and order the serializer gave the anonymous object this once was (the same bytes, the same checksum).
    /// </summary>
    internal static string Definition(string model, UnitTestSpec spec) => PlainJson.Text((model, spec), static (w, d) =>
    {
        w.WriteStartObject();
        w.WriteString("model", d.model);
        w.WriteStartArray("given");
        foreach (var g in d.spec.Given)
        {
            w.WriteStartObject();
            w.WriteString("Text", g.Text);
            w.WritePropertyName("Rows");
            Fixture(w, g.Rows);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WritePropertyName("expect");
        Fixture(w, d.spec.Expect);
        w.WritePropertyName("Macros");
        PlainJson.Write(w, d.spec.Macros);
        w.WritePropertyName("Vars");
        PlainJson.Write(w, d.spec.Vars);
        w.WritePropertyName("EnvVars");
        PlainJson.Write(w, d.spec.EnvVars);
        w.WriteEndObject();
    });

    static void Fixture(System.Text.Json.Utf8JsonWriter w, FixtureRows rows)
    {
        w.WriteStartObject();
        w.WriteString("format", rows.Format.ToString());
        w.WritePropertyName("Rows");
        PlainJson.Write(w, rows.Rows);
        w.WriteString("Sql", rows.Sql);
        w.WriteEndObject();
    }

    static NodeConfig Config(YamlMap entry, string name, ICollection<Warning> warnings)
    {
        if (entry.Get("config") is not { } node) return NodeConfig.Empty;
        var map = new YamlMap(node, entry.File, $"config of unit test '{name}'");
        map.CheckKeys($"config of unit test '{name}'", ConfigKeys, [], warnings);
        var values = new List<KeyValuePair<string, object?>>();
        if (map.Get("tags") is { } tags) values.Add(new("tags", map.Strings("tags", []).Cast<object?>().ToList()));
        if (map.Get("meta") is { } meta) values.Add(new("meta", Yaml.ToValue(meta)));
        if (map.Get("enabled") is { } enabled)
            values.Add(new("enabled", Yaml.ToValue(enabled) is bool b ? b
                : throw new XformException($"'enabled' of unit test '{name}' must be true or false", enabled.At(entry.File))));
        return NodeConfig.Empty.With(values, map.Location);
    }

    /// <summary><c>ref('x')</c>, <c>ref('package', 'x')</c>, <c>source('s', 't')</c> or <c>this</c>.</summary>
    static Reference? Input(string text, SourceLocation at, string test)
    {
        if (text.Trim() == "this") return null;
        return RelationCall.Read(text) switch
        {
            { Function: "ref", Literals: [var model] } => new Reference(model, null, at),
            { Function: "ref", Literals: [var package, var model] } => new Reference(model, package, at),
            { Function: "source", Literals: [var source, var table] } => new Reference(table, null, at, source),
            _ => throw new XformException($"input '{text}' of unit test '{test}' must be ref('name'), source('source', 'table') or this", at),
        };
    }

    static bool Same(Reference a, Reference b) =>
        a.Name == b.Name && a.SourceName == b.SourceName && (a.Package is null || b.Package is null || a.Package == b.Package);

    /// <summary>Every ref and source of the model must be given (its rows stand in for it), and nothing else.</summary>
    static void CheckInputs(Node model, IReadOnlyList<UnitTestInput> given, string test, YamlMap entry)
    {
        var reads = model.Refs.Concat(model.SourceRefs).ToList();
        foreach (var input in given)
            if (input.Input is { } r && !reads.Any(m => Same(m, r)))
                throw new XformException($"unit test '{test}' gives rows for {r}, which model '{model.Name}' does not read", r.Location);
        foreach (var read in reads)
            if (!given.Any(g => g.Input is { } r && Same(read, r)))
                throw new XformException($"unit test '{test}' gives no rows for {read}, which model '{model.Name}' reads: add it under 'given'", entry.Location);
    }

    static (IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, string>) Overrides(
        YamlMap entry, string test, ICollection<Warning> warnings)
    {
        var empty = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (entry.Get("overrides") is not { } node) return (empty, empty, new Dictionary<string, string>());
        var map = new YamlMap(node, entry.File, $"'overrides' of unit test '{test}'");
        map.CheckKeys($"'overrides' of unit test '{test}'", OverrideKeys, [], warnings);
        IReadOnlyDictionary<string, object?> Mapping(string key) => map.Get(key) is { } v
            ? Yaml.ToValue(v) as IReadOnlyDictionary<string, object?> ?? throw new XformException($"'{key}' of unit test '{test}' must be a mapping", v.At(entry.File))
            : empty;
        var env = Mapping("env_vars").ToDictionary(kv => kv.Key, kv => Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparer.Ordinal);
        return (Mapping("macros"), Mapping("vars"), env);
    }

    /// <summary>An input's or the expectation's rows, in its format; csv and sql may come from a fixture file.</summary>
    static FixtureRows Rows(ParseContext context, YamlMap map, string what)
    {
        var format = map.String("format") ?? "dict";
        var at = map.Location;
        var fixture = map.String("fixture");
        if (fixture is not null && map.Get("rows") is not null)
            throw new XformException($"{what} has both 'rows' and 'fixture'; give one", map.Get("fixture")!.At(map.File));
        switch (format)
        {
            case "dict":
                if (fixture is not null) throw new XformException($"{what}: a fixture file is csv or sql; set 'format: csv' or 'format: sql'", map.Get("fixture")!.At(map.File));
                var rows = map.Get("rows");
                if (rows is null) return new FixtureRows(FixtureFormat.Dict, [], null, at);
                if (rows is not YamlSequence seq) throw new XformException($"'rows' of {what} must be a list of mappings (format: dict)", rows.At(map.File));
                return new FixtureRows(FixtureFormat.Dict, seq.Items.Select(i => Yaml.ToValue(i) as IReadOnlyDictionary<string, object?>
                    ?? throw new XformException($"each row of {what} must be a mapping of column to value", i.At(map.File))).ToList(), null, at);
            case "csv":
                var (csv, csvFile) = Text(context, map, fixture, ".csv", what);
                return new FixtureRows(FixtureFormat.Csv, Csv(csv, csvFile), null, at);
            case "sql":
                var (sql, _) = Text(context, map, fixture, ".sql", what);
                return new FixtureRows(FixtureFormat.Sql, [], sql, at);
            default:
                throw new XformException($"'format' of {what} must be dict, csv or sql, not '{format}'", map.Get("format")!.At(map.File));
        }
    }

    static (string Text, string File) Text(ParseContext context, YamlMap map, string? fixture, string extension, string what)
    {
        if (fixture is null)
            return (map.String("rows") ?? throw new XformException($"{what} needs 'rows' as text or a 'fixture'", map.Location), map.File);
        var file = context.Files.Of(context.Project.TestPaths, extension)
            .FirstOrDefault(f => System.IO.Path.GetFileName(f.InFolder) == fixture + extension && f.InFolder.StartsWith("fixtures/", StringComparison.Ordinal));
        if (file.Full is null)
            throw new XformException($"fixture '{fixture}' of {what} is not a file: looked for fixtures/{fixture}{extension} under {string.Join(", ", context.Project.TestPaths)}",
                map.Get("fixture")!.At(map.File));
        return (context.Read(file, "fixture"), file.Relative);
    }

    /// <summary>CSV text to rows: the first line names the columns; an empty field is null.</summary>
    static IReadOnlyList<IReadOnlyDictionary<string, object?>> Csv(string text, string file)
    {
        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes(text.Trim() + "\n")), file);
        if (!reader.Read()) return [];
        var header = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i).Trim()).ToList();
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (reader.Read())
        {
            if (reader.FieldCount != header.Count)
                throw new XformException($"this CSV row has {reader.FieldCount} values, the header names {header.Count} columns", reader.LocationOf(0));
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
                row[header[i]] = reader.IsEmpty(i) ? null : reader.IsQuoted(i) ? reader.GetString(i) : reader.GetString(i).Trim();
            rows.Add(row);
        }
        return rows;
    }
}
