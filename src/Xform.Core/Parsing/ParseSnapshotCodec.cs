using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>
/// How the saved parse (<see cref="ParseSnapshot"/>) writes what a parse found: nodes with their configs and where each
/// config key was set, YAML objects, docs blocks, warnings and the model templates' text and macro calls. Values are
/// written with their exact .NET type (<see cref="CacheCodec"/>), so a loaded parse writes the same manifest bytes as a
/// fresh one; a value of any other type, or a mapping of another kind, stops the save (<see cref="NotSupportedException"/>).
/// </summary>
internal static class ParseSnapshotCodec
{
    static void Value(BinaryWriter w, object? value)
    {
        if (!CacheCodec.CanWrite(value)) throw new NotSupportedException($"a {value!.GetType()} value");
        CacheCodec.WriteValue(w, value);
    }

    static void Map(BinaryWriter w, IReadOnlyDictionary<string, object?>? map)
    {
        if (map is not null and not Dictionary<string, object?>) throw new NotSupportedException($"a {map.GetType().Name} mapping");
        Value(w, map);
    }

    static IReadOnlyDictionary<string, object?>? ReadMap(BinaryReader r) => (Dictionary<string, object?>?)CacheCodec.ReadValue(r);

    static void Strings(BinaryWriter w, IReadOnlyList<string> items)
    {
        w.Write(items.Count);
        foreach (var s in items) w.Write(s);
    }

    // an empty one as the one empty array, as CacheCodec.ReadList reads lists
    static string[] ReadStrings(BinaryReader r)
    {
        var count = r.ReadInt32();
        if (count == 0) return [];
        var items = new string[count];
        for (var i = 0; i < items.Length; i++) items[i] = r.ReadString();
        return items;
    }

    static void Values(BinaryWriter w, IReadOnlyList<object?> items)
    {
        w.Write(items.Count);
        foreach (var v in items) Value(w, v);
    }

    static List<object?> ReadValues(BinaryReader r)
    {
        var items = new List<object?>(r.ReadInt32());
        for (var i = items.Capacity; i > 0; i--) items.Add(CacheCodec.ReadValue(r));
        return items;
    }

    static void Nullable(BinaryWriter w, string? s) => CacheCodec.WriteNullable(w, s);

    static string? ReadNullable(BinaryReader r) => CacheCodec.ReadNullable(r);

    internal static void Relation(BinaryWriter w, RelationName relation)
    {
        Nullable(w, relation.Database);
        w.Write(relation.Schema);
        w.Write(relation.Identifier);
    }

    internal static RelationName ReadRelation(BinaryReader r) => new(ReadNullable(r), r.ReadString(), r.ReadString());

    /// <summary>
    /// A node's config: its values, then where each key was set, as one text. Nodes of one folder share their origins, so
    /// with a <see cref="PooledWriter"/> the text is written once and read back as one shared value (<see cref="Origins"/>).
    /// </summary>
    internal static void Config(BinaryWriter w, NodeConfig config)
    {
        WriteConfigValues(w, config);
        w.Write(OriginsText(config));
    }

    internal static NodeConfig ReadConfig(BinaryReader r, Dictionary<string, ConfigValues> origins) =>
        NodeConfig.Restored(ReadConfigValues(r), ReadOrigins(r, origins));

    static void WriteConfigValues(BinaryWriter w, NodeConfig config)
    {
        w.Write(config.Count);
        foreach (var (key, value) in config)
        {
            w.Write(key);
            Value(w, value);
        }
    }

    static Dictionary<string, object?> ReadConfigValues(BinaryReader r)
    {
        var n = r.ReadInt32();
        var values = new Dictionary<string, object?>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++) values[r.ReadString()] = CacheCodec.ReadValue(r);
        return values;
    }

    static string OriginsText(NodeConfig config)
    {
        var origins = new System.Text.StringBuilder();
        foreach (var (key, _) in config)
            if (config.OriginOf(key) is { } at)
                origins.Append(key).Append('\0').Append(at.File).Append('\0').Append(at.Line).Append('\0').Append(at.Column).Append('\0');
        return origins.ToString();
    }

    static ConfigValues ReadOrigins(BinaryReader r, Dictionary<string, ConfigValues> origins)
    {
        var text = r.ReadString();
        if (!origins.TryGetValue(text, out var placed)) origins[text] = placed = Origins(text);
        return placed;
    }

    /// <summary>
    /// A node's config as <see cref="Config"/> writes it, but its values by number when the same values were written before
    /// with the same <see cref="PooledWriter"/>: thousands of nodes share a few sets of values (their origins differ, a
    /// config() call is in each file), and reading each set once saves a dictionary per node.
    /// </summary>
    static void SharedConfig(BinaryWriter w, NodeConfig config)
    {
        var number = w is PooledWriter pooled ? pooled.ValuesSeen(ValuesKey(config)) : null;
        w.Write7BitEncodedInt(number is { } n ? n + 1 : 0);
        if (number is null) WriteConfigValues(w, config);
        w.Write(OriginsText(config));
    }

    /// <summary>The values of a config as bytes (in a text), to tell equal ones.</summary>
    static string ValuesKey(NodeConfig config)
    {
        using var bytes = new MemoryStream();
        using (var plain = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true)) WriteConfigValues(plain, config);
        return System.Text.Encoding.Latin1.GetString(bytes.GetBuffer(), 0, (int)bytes.Length);
    }

    /// <summary>Reads what <see cref="SharedConfig"/> wrote: values read before are the same (read-only) dictionary.</summary>
    static NodeConfig ReadSharedConfig(BinaryReader r, Dictionary<string, ConfigValues> origins)
    {
        var number = r.Read7BitEncodedInt();
        IReadOnlyDictionary<string, object?> values;
        if (number > 0) values = ((PooledReader)r).ConfigValues[number - 1];
        else
        {
            var read = ReadConfigValues(r);
            if (r is PooledReader pooled) pooled.ConfigValues.Add(read);
            values = read;
        }
        return NodeConfig.Restored(values, ReadOrigins(r, origins));
    }

    /// <summary>The origins text of <see cref="Config"/> as config locations (read only: shared by every node that has the same).</summary>
    static ConfigValues Origins(string text)
    {
        var parts = text.Split('\0');
        var placed = new ConfigValues();
        for (var i = 0; i + 3 < parts.Length; i += 4)
            placed.Set(parts[i], null, new SourceLocation(parts[i + 1], int.Parse(parts[i + 2], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(parts[i + 3], System.Globalization.CultureInfo.InvariantCulture)));
        return placed;
    }

    static void Constraints(BinaryWriter w, IReadOnlyList<ColumnConstraint> constraints)
    {
        w.Write(constraints.Count);
        foreach (var c in constraints)
        {
            w.Write(c.Type);
            Nullable(w, c.Expression);
            Nullable(w, c.Name);
            Nullable(w, c.To);
            Strings(w, c.ToColumns);
            Strings(w, c.Columns);
            w.Write(c.WarnUnenforced);
            w.Write(c.WarnUnsupported);
            CacheCodec.WriteLocation(w, c.Location);
        }
    }

    static IReadOnlyList<ColumnConstraint> ReadConstraints(BinaryReader r) => CacheCodec.ReadList(r, r =>
        new ColumnConstraint(r.ReadString(), ReadNullable(r), ReadNullable(r), ReadNullable(r), ReadStrings(r), ReadStrings(r),
            r.ReadBoolean(), r.ReadBoolean(), CacheCodec.ReadLocation(r)));

    static void Columns(BinaryWriter w, IReadOnlyList<ColumnInfo> columns)
    {
        w.Write(columns.Count);
        foreach (var c in columns)
        {
            w.Write(c.Name);
            w.Write(c.Description);
            Nullable(w, c.DataType);
            Values(w, c.Tests);
            Map(w, c.Meta.Count == 0 ? null : c.Meta); // most are empty: read back as the one shared empty mapping
            CacheCodec.WriteLocation(w, c.Location);
            Constraints(w, c.Constraints);
        }
    }

    static IReadOnlyList<ColumnInfo> ReadColumns(BinaryReader r) => CacheCodec.ReadList(r, r =>
        new ColumnInfo(r.ReadString(), r.ReadString(), ReadNullable(r), ReadValues(r), ReadMap(r) ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, object?>.Empty, CacheCodec.ReadLocation(r))
        {
            Constraints = ReadConstraints(r),
        });

    static void Fixture(BinaryWriter w, FixtureRows rows)
    {
        w.Write((int)rows.Format);
        w.Write(rows.Rows.Count);
        foreach (var row in rows.Rows) Map(w, row);
        Nullable(w, rows.Sql);
        CacheCodec.WriteLocation(w, rows.Location);
    }

    static FixtureRows ReadFixture(BinaryReader r)
    {
        var format = (FixtureFormat)r.ReadInt32();
        var rows = new List<IReadOnlyDictionary<string, object?>>(r.ReadInt32());
        for (var i = rows.Capacity; i > 0; i--) rows.Add(ReadMap(r)!);
        return new FixtureRows(format, rows, ReadNullable(r), CacheCodec.ReadLocation(r));
    }

    static void UnitTest(BinaryWriter w, UnitTestSpec spec)
    {
        w.Write(spec.ModelId);
        w.Write(spec.Given.Count);
        foreach (var given in spec.Given)
        {
            w.Write(given.Text);
            w.Write(given.Input is not null);
            if (given.Input is { } input) CacheCodec.WriteReferences(w, [input]);
            Fixture(w, given.Rows);
        }
        Fixture(w, spec.Expect);
        Map(w, spec.Macros);
        Map(w, spec.Vars);
        w.Write(spec.EnvVars.Count);
        foreach (var (k, v) in spec.EnvVars)
        {
            w.Write(k);
            w.Write(v);
        }
    }

    static UnitTestSpec ReadUnitTest(BinaryReader r)
    {
        var model = r.ReadString();
        var given = new List<UnitTestInput>(r.ReadInt32());
        for (var i = given.Capacity; i > 0; i--)
            given.Add(new UnitTestInput(r.ReadString(), r.ReadBoolean() ? CacheCodec.ReadReferences(r)[0] : null, ReadFixture(r)));
        var expect = ReadFixture(r);
        var macros = ReadMap(r)!;
        var vars = ReadMap(r)!;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var n = r.ReadInt32(); n > 0; n--) env[r.ReadString()] = r.ReadString();
        return new UnitTestSpec(model, given, expect, macros, vars, env);
    }

    /// <param name="dependsOn">false: the node as the parse made it, without what the graph resolved (a saved parse is written while
    /// the graph is built on the same nodes; a parse's nodes depend on nothing yet)</param>
    public static void WriteNode(BinaryWriter w, Node n, bool dependsOn = true)
    {
        w.Write(n.UniqueId);
        w.Write((int)n.ResourceType);
        w.Write(n.Name);
        w.Write(n.PackageName);
        w.Write(n.OriginalFilePath);
        w.Write(n.Path);
        Strings(w, n.Fqn);
        SharedConfig(w, n.Config);
        Relation(w, n.Relation);
        w.Write(n.RawCode);
        w.Write(n.Description);
        Columns(w, n.Columns);
        Constraints(w, n.Constraints);
        CacheCodec.WriteReferences(w, n.Refs);
        CacheCodec.WriteReferences(w, n.SourceRefs);
        Strings(w, n.MacroCalls);
        Strings(w, dependsOn ? n.DependsOn : []);
        w.Write(n.Source is not null);
        if (n.Source is { } s)
        {
            w.Write(s.SourceName);
            w.Write(s.TableName);
            Nullable(w, s.LoadedAtField);
            Map(w, s.Freshness);
            Nullable(w, s.ExternalLocation);
        }
        CacheCodec.WriteLocation(w, n.Location);
        Nullable(w, n.AttachedNode);
        w.Write(n.TestMetadata is not null);
        if (n.TestMetadata is { } test)
        {
            w.Write(test.Name);
            w.Write(test.Macro);
            Map(w, test.Kwargs.Count == 0 ? null : test.Kwargs);
            Nullable(w, test.ColumnName);
            Nullable(w, test.Namespace);
        }
        Nullable(w, n.Version);
        Nullable(w, n.LatestVersion);
        Nullable(w, n.DeprecationDate);
        w.Write(n.UnitTest is not null);
        if (n.UnitTest is { } spec) UnitTest(w, spec);
    }

    /// <param name="origins">config origins read so far, by their text (shared between nodes)</param>
    public static Node ReadNode(BinaryReader r, Dictionary<string, ConfigValues> origins) => new()
    {
        UniqueId = r.ReadString(),
        ResourceType = (ResourceType)r.ReadInt32(),
        Name = r.ReadString(),
        PackageName = r.ReadString(),
        OriginalFilePath = r.ReadString(),
        Path = r.ReadString(),
        Fqn = ReadStrings(r),
        Config = ReadSharedConfig(r, origins),
        Relation = ReadRelation(r),
        RawCode = r.ReadString(),
        Description = r.ReadString(),
        Columns = ReadColumns(r),
        Constraints = ReadConstraints(r),
        Refs = CacheCodec.ReadReferences(r),
        SourceRefs = CacheCodec.ReadReferences(r),
        MacroCalls = ReadStrings(r),
        DependsOn = ReadStrings(r),
        Source = r.ReadBoolean() ? new SourceTableInfo(r.ReadString(), r.ReadString(), ReadNullable(r), ReadMap(r), ReadNullable(r)) : null,
        Location = CacheCodec.ReadLocation(r),
        AttachedNode = ReadNullable(r),
        TestMetadata = r.ReadBoolean() ? new TestMetadata(r.ReadString(), r.ReadString(), ReadMap(r) ?? TestMetadata.NoKwargs, ReadNullable(r), ReadNullable(r)) : null,
        Version = ReadNullable(r),
        LatestVersion = ReadNullable(r),
        DeprecationDate = ReadNullable(r),
        UnitTest = r.ReadBoolean() ? ReadUnitTest(r) : null,
    };

    public static void WriteObject(BinaryWriter w, ProjectObject o)
    {
        w.Write(o.Kind);
        w.Write(o.Name);
        w.Write(o.PackageName);
        w.Write(o.OriginalFilePath);
        CacheCodec.WriteLocation(w, o.Location);
        Map(w, o.Properties);
        CacheCodec.WriteReferences(w, o.Refs);
        w.Write(o.Needs.Count);
        foreach (var (kind, name, at) in o.Needs)
        {
            w.Write(kind);
            w.Write(name);
            CacheCodec.WriteLocation(w, at);
        }
        Strings(w, o.DependsOn);
    }

    public static ProjectObject ReadObject(BinaryReader r)
    {
        var o = new ProjectObject(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), CacheCodec.ReadLocation(r), ReadMap(r)!)
        {
            Refs = CacheCodec.ReadReferences(r),
        };
        var needs = new List<(string, string, SourceLocation)>(r.ReadInt32());
        for (var i = needs.Capacity; i > 0; i--) needs.Add((r.ReadString(), r.ReadString(), CacheCodec.ReadLocation(r)));
        return o with { Needs = needs, DependsOn = ReadStrings(r) };
    }

    public static void WriteDocs(BinaryWriter w, DocsBlock block)
    {
        w.Write(block.Name);
        w.Write(block.Text);
        CacheCodec.WriteLocation(w, block.Location);
    }

    public static DocsBlock ReadDocs(BinaryReader r) => new(r.ReadString(), r.ReadString(), CacheCodec.ReadLocation(r));

    /// <summary>A node's template: its file, text, package and macro calls (it is parsed again only if something renders it).</summary>
    public static void WriteTemplate(BinaryWriter w, CompiledTemplate template)
    {
        w.Write(template.Source.Path);
        w.Write(template.Source.Text);
        Nullable(w, template.Package);
        CacheCodec.WriteCalls(w, template.Calls);
    }

    public static CompiledTemplate ReadTemplate(BinaryReader r, TemplateEngine engine)
    {
        var source = new TemplateSource(r.ReadString(), r.ReadString());
        var package = ReadNullable(r);
        return engine.ParseLater(source, package, CacheCodec.ReadCalls(r));
    }

    public static void WriteFile(BinaryWriter w, ProjectFile f)
    {
        w.Write(f.Path);
        w.Write(f.Package);
        w.Write(f.Kind);
        w.Write(f.Checksum);
    }

    public static ProjectFile ReadFile(BinaryReader r) => new(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString());
}
