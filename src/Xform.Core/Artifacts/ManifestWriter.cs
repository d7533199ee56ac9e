using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Project;
using Xform.Core.Runtime;

namespace Xform.Core.Artifacts;

/// <summary>
/// target/manifest.json in dbt's v12 shape, so tools that read dbt artifacts read xform's. Nothing from
/// profiles except the adapter type goes in: no secrets. Streamed node by node to the file: a DOM of the
/// whole document costs hundreds of MB on big projects.
/// </summary>
public static partial class ManifestWriter
{
    public const string SchemaVersion = "https://schemas.getdbt.com/dbt/manifest/v12.json";
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Writes manifest.json.tmp, then moves it over manifest.json, so readers never see half a file; or, when the file written
    /// before would be written the same but for its metadata, rewrites those (<see cref="ManifestReuse"/>). Says which, and the
    /// key the file is noted with (null: none, it is not a saved parse's).
    /// </summary>
    /// <param name="inParallel">false: the nodes by one writer (the tests compare the two)</param>
    /// <param name="debug">told how many nodes were copied from the last manifest.json (<see cref="ManifestFragments"/>)</param>
    public static (bool Reused, string? Key) Write(string targetDir, LoadedProject loaded, DependencyGraph graph, IReadOnlyDictionary<string, string> compiledCode,
        string invocationId, bool inParallel = true, Action<string>? debug = null)
    {
        Directory.CreateDirectory(targetDir);
        var key = ManifestReuse.Key(loaded, compiledCode);
        if (key is not null && ManifestReuse.TryReuse(targetDir, key, Now(), invocationId)) return (true, key);
        var tmp = Path.Combine(targetDir, "manifest.json.tmp");
        var fragments = inParallel ? ManifestFragments.Open(targetDir, loaded) : null;
        try
        {
            // No FileStream buffer: the writer hands it 64 KB at a time.
            // a new file, not one truncated: ext4 writes a truncated file's data back when it is closed (30 ms for 90 MB)
            File.Delete(tmp);
            using var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            // Compact, as dbt writes it: indented, the file of 10,000 models is 90 MB instead of 65 MB (bench/README.md).
            using var writer = new Utf8JsonWriter(stream);
            new Emitter(writer, loaded) { InParallel = inParallel, Fragments = fragments, Output = stream }.Manifest(graph, compiledCode, invocationId);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
        finally
        {
            fragments?.Dispose(); // the last manifest.json is read no more: it can be replaced
        }
        FileRanges.Replace(tmp, Path.Combine(targetDir, "manifest.json")).GetAwaiter().GetResult();
        ManifestFragments.Save(targetDir, loaded, fragments);
        if (fragments is { Copied: > 0 } f)
            debug?.Invoke($"manifest.json: {f.Copied} of {f.Nodes} nodes copied from the last one (the same saved parse){(f.MapsCopied ? ", and the parent and child maps (the same edges)" : "")}");
        ManifestReuse.Remember(targetDir, key);
        return (false, key);
    }

    /// <summary>Keeps the manifest.json written with <paramref name="key"/> (unchanged since), with this command's metadata; false: it is not that one.</summary>
    public static bool Refresh(string targetDir, string key, string invocationId) => ManifestReuse.TryReuse(targetDir, key, Now(), invocationId);

    /// <summary>A node's JSON as manifest.json holds it, at its depth in the document (what a compile patches in).</summary>
    internal static byte[] NodeFragment(LoadedProject loaded, Node node, string? compiledCode)
    {
        var code = new Dictionary<string, string>(StringComparer.Ordinal);
        if (compiledCode is not null) code[node.UniqueId] = compiledCode;
        return Emitter.Fragment(loaded, node, code);
    }

    /// <summary>The manifest as a document in memory (what <c>ls --output json</c> picks each node's properties from).</summary>
    public static JsonObject Document(LoadedProject loaded, DependencyGraph graph, string invocationId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            new Emitter(writer, loaded).Manifest(graph, new Dictionary<string, string>(), invocationId);
        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    public static JsonObject Metadata(string schema, string invocationId, LoadedProject loaded) => new()
    {
        ["dbt_schema_version"] = schema,
        ["dbt_version"] = DbtContext.Version,
        ["xform_version"] = XformVersion,
        ["generated_at"] = Now(),
        ["invocation_id"] = invocationId,
        ["env"] = new JsonObject(),
        ["project_name"] = loaded.Manifest.Project.Name,
        ["project_id"] = MacroIndex.Sha256(loaded.Manifest.Project.Name)[..32],
        ["user_id"] = null,
        ["send_anonymous_usage_stats"] = false,
        ["adapter_type"] = loaded.Session.Target.Type,
    };

    static string? XformVersion => typeof(ManifestWriter).Assembly.GetName().Version?.ToString(3);

    internal static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// A node's config as the manifest writes it (and as state:modified.configs compares it): the writer's
    /// own bytes read back, so the two cannot drift apart.
    /// </summary>
    public static JsonObject ConfigJson(Node n)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            Emitter.Config(writer, n, n.Config.Tags, Emitter.SortedConfig(n, []));
        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    /// <summary>The body's checksum ignores whitespace at the ends of the file, so a trailing newline is no change.</summary>
    public static string BodyChecksum(Node n)
    {
        Span<char> hex = stackalloc char[64];
        BodyChecksum(n, hex);
        return new string(hex);
    }

    static void BodyChecksum(Node n, Span<char> hex)
    {
        if (n.TestMetadata is { } m) MacroIndex.Sha256(TestBody(m, n.AttachedNode), hex);
        else MacroIndex.Sha256(n.RawCode.AsSpan().Trim(), hex);
    }

    /// <summary>
    /// What a test's checksum hashes: <c>{"m":{metadata},"AttachedNode":…}</c> in UTF-8, written as the serializer wrote the
    /// anonymous object it once was (the same bytes, so the same checksums), without its reflection on a cold start. The
    /// bytes lie in this thread's buffer: read them before the thread's next call.
    /// </summary>
    internal static ReadOnlySpan<byte> TestBody(TestMetadata metadata, string? attachedNode)
    {
        // the thread's reused writer: a new one per test was a third of manifest.json's allocations, and at 50,000 models each
        // collection they cause in that late phase costs 30 to 50 ms (the heap is large by then)
        var w = HashedJson.Start();
        w.WriteStartObject();
        w.WritePropertyName("m"u8);
        w.WriteStartObject();
        // the keys in the order of the dictionary the metadata once was
        w.WriteString("name"u8, metadata.Name);
        w.WriteString("macro"u8, metadata.Macro);
        w.WritePropertyName("kwargs"u8);
        Emitter.Mapping(w, metadata.Kwargs);
        w.WriteString("column_name"u8, metadata.ColumnName);
        w.WriteString("namespace"u8, metadata.Namespace);
        w.WriteEndObject();
        if (attachedNode is null) w.WriteNull("AttachedNode"u8);
        else w.WriteString("AttachedNode"u8, attachedNode);
        w.WriteEndObject();
        return HashedJson.Written(w);
    }

    /// <summary>Streams the document to the file: no string of the whole (tens of MB on big projects) in memory.</summary>
    public static void WriteJson(string path, JsonNode document)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        document.WriteTo(writer);
    }

    /// <summary>
    /// Writes the sections in the order, and values in the formats, the JsonNode DOM used to: config values
    /// as JsonSerializer writes them, a key set twice where it was first set.
    /// </summary>
    internal sealed partial class Emitter(Utf8JsonWriter w, LoadedProject loaded)
    {
        readonly MacroIndex _index = loaded.MacroIndex;
        readonly string _project = loaded.Manifest.Project.Name;
        readonly string? _database = loaded.Session.Target.Database is { Length: > 0 } db ? db : null;
        readonly Dictionary<string, string> _macroIds = new(StringComparer.Ordinal);
        // Data tests call the same few macros: their depends_on.macros once per macro.
        readonly Dictionary<string, IReadOnlyList<string>> _testCalls = new(StringComparer.Ordinal);
        readonly List<KeyValuePair<string, object?>> _configBuffer = [];
        readonly List<string> _idBuffer = [];
        readonly List<string> _calls = [];
        readonly HashSet<string> _columnNames = new(StringComparer.Ordinal);

        public void Manifest(DependencyGraph graph, IReadOnlyDictionary<string, string> compiledCode, string invocationId)
        {
            var manifest = graph.Manifest;
            var project = manifest.Project;
            w.WriteStartObject();
            w.WritePropertyName("metadata"u8);
            Metadata(invocationId);

            w.WriteStartObject("nodes"u8);
            if (InParallel) NodesInParallel(graph, compiledCode);
            else
                foreach (var id in graph.Order)
                {
                    var n = manifest.Nodes[id];
                    if (n.ResourceType is ResourceType.Source or ResourceType.UnitTest) continue;
                    w.WritePropertyName(id);
                    Node(n, compiledCode.TryGetValue(id, out var code) ? code : null);
                    FlushIfFull();
                }
            w.WriteEndObject();

            w.WriteStartObject("sources"u8);
            foreach (var id in graph.Order)
            {
                var n = manifest.Nodes[id];
                if (n.ResourceType != ResourceType.Source) continue;
                w.WritePropertyName(id);
                Source(n);
                FlushIfFull();
            }
            w.WriteEndObject();

            w.WriteStartObject("macros"u8);
            foreach (var key in _index.Keys.OrderBy(x => x, StringComparer.Ordinal))
            {
                var macro = _index.Info(key);
                var id = MacroId(key);
                w.WriteStartObject(id);
                w.WriteString("name"u8, macro.Name);
                w.WriteString("resource_type"u8, "macro");
                w.WriteString("package_name"u8, macro.Package);
                w.WriteString("path"u8, macro.Location.File);
                w.WriteString("original_file_path"u8, macro.Location.File);
                w.WriteString("unique_id"u8, id);
                w.WriteString("macro_sql"u8, macro.Sql);
                w.WriteStartObject("depends_on"u8);
                w.WriteStartArray("macros"u8);
                foreach (var m in _index.Closure(key)) w.WriteStringValue(MacroId(m));
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteString("description"u8, "");
                EmptyObject("meta"u8);
                Docs();
                w.WriteNull("patch_path"u8);
                EmptyArray("arguments"u8);
                w.WriteNumber("created_at"u8, 0.0);
                w.WriteNull("supported_languages"u8);
                w.WriteEndObject();
                FlushIfFull();
            }
            w.WriteEndObject();

            w.WriteStartObject("docs"u8);
            foreach (var (name, block) in manifest.Docs.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                var id = $"doc.{project.Name}.{name}";
                w.WriteStartObject(id);
                w.WriteString("name"u8, name);
                w.WriteString("resource_type"u8, "doc");
                w.WriteString("package_name"u8, project.Name);
                w.WriteString("path"u8, block.Location.File);
                w.WriteString("original_file_path"u8, block.Location.File);
                w.WriteString("unique_id"u8, id);
                w.WriteString("block_contents"u8, block.Text.AsSpan().Trim());
                w.WriteEndObject();
            }
            w.WriteEndObject();

            ObjectsWriter.Section(w, manifest, "exposure", "exposures");
            ObjectsWriter.Section(w, manifest, "metric", "metrics");
            ObjectsWriter.Section(w, manifest, "group", "groups");
            EmptyObject("selectors"u8);
            EmptyObject("disabled"u8);
            Maps(graph);
            ObjectsWriter.GroupMap(w, manifest);
            ObjectsWriter.Section(w, manifest, "saved_query", "saved_queries");
            ObjectsWriter.Section(w, manifest, "semantic_model", "semantic_models");
            UnitTests(manifest);
            w.WriteEndObject();
        }

        /// <summary>Hands the file what is written so far: the writer would otherwise hold the whole document.</summary>
        void FlushIfFull()
        {
            if (w.BytesPending >= 1 << 16) w.Flush();
        }

        void Metadata(string invocationId)
        {
            w.WriteStartObject();
            w.WriteString("dbt_schema_version"u8, SchemaVersion);
            w.WriteString("dbt_version"u8, DbtContext.Version);
            w.WriteString("xform_version"u8, XformVersion);
            w.WriteString("generated_at"u8, Now());
            w.WriteString("invocation_id"u8, invocationId);
            EmptyObject("env"u8);
            w.WriteString("project_name"u8, _project);
            w.WriteString("project_id"u8, MacroIndex.Sha256(_project)[..32]);
            w.WriteNull("user_id"u8);
            w.WriteBoolean("send_anonymous_usage_stats"u8, false);
            w.WriteString("adapter_type"u8, loaded.Session.Target.Type);
            w.WriteEndObject();
        }

        void Edges(ReadOnlySpan<byte> section, IReadOnlyList<string> order, Func<string, IEnumerable<string>> edges)
        {
            w.WritePropertyName(section);
            EdgesValue(order, edges);
        }

        void EdgesValue(IReadOnlyList<string> order, Func<string, IEnumerable<string>> edges)
        {
            w.WriteStartObject();
            foreach (var id in order)
            {
                _idBuffer.Clear();
                _idBuffer.AddRange(edges(id));
                _idBuffer.Sort(StringComparer.Ordinal);
                w.WritePropertyName(id);
                Strings(w, _idBuffer);
                FlushIfFull();
            }
            w.WriteEndObject();
        }

        /// <summary>dbt's id of a macro: <c>macro.package.name</c> (xform's internal ones are in <c>dbt</c>, as dbt's are).</summary>
        string MacroId(string key)
        {
            if (!_macroIds.TryGetValue(key, out var id)) _macroIds[key] = id = "macro." + key;
            return id;
        }

        void Node(Node n, string? compiled)
        {
            var project = loaded.Manifest.Project;
            w.WriteStartObject();
            Common(n);
            w.WriteString("alias"u8, n.Relation.Identifier);
            w.WriteStartObject("checksum"u8);
            w.WriteString("name"u8, "sha256");
            Span<char> checksum = stackalloc char[64];
            BodyChecksum(n, checksum);
            w.WriteString("checksum"u8, checksum);
            w.WriteEndObject();
            w.WriteNull("build_path"u8);
            w.WriteString("raw_code"u8, n.RawCode);
            w.WriteString("language"u8, "sql");
            w.WriteStartArray("refs"u8);
            foreach (var r in n.Refs)
            {
                w.WriteStartObject();
                w.WriteString("name"u8, r.Name);
                w.WriteString("package"u8, r.Package);
                VersionValue("version"u8, r.Version);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("sources"u8);
            foreach (var s in n.SourceRefs)
            {
                w.WriteStartArray();
                w.WriteStringValue(s.SourceName);
                w.WriteStringValue(s.Name);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            EmptyArray("metrics"u8);
            w.WriteStartObject("depends_on"u8);
            w.WriteStartArray("macros"u8);
            foreach (var m in MacroCalls(n)) w.WriteStringValue(MacroId(m));
            w.WriteEndArray();
            w.WritePropertyName("nodes"u8);
            Strings(w, n.DependsOn);
            w.WriteEndObject();
            if (compiled is null) w.WriteNull("compiled_path"u8);
            else w.WriteString("compiled_path"u8, $"{project.TargetPath}/compiled/{project.Name}/{n.OriginalFilePath}");
            w.WriteBoolean("compiled"u8, compiled is not null);
            w.WriteString("compiled_code"u8, compiled);
            w.WriteBoolean("extra_ctes_injected"u8, compiled is not null);
            EmptyArray("extra_ctes"u8);
            var contract = n.ResourceType == ResourceType.Model ? ModelContract.Of(n) : ModelContract.None;
            w.WriteStartObject("contract"u8);
            w.WriteBoolean("enforced"u8, contract.Enforced);
            w.WriteBoolean("alias_types"u8, contract.AliasTypes);
            w.WriteString("checksum"u8, ModelContract.Checksum(n));
            w.WriteEndObject();
            w.WriteString("access"u8, n.Access);
            Constraints(n.Constraints, modelLevel: true);
            VersionValue("version"u8, n.Version);
            VersionValue("latest_version"u8, n.LatestVersion);
            w.WriteString("deprecation_date"u8, n.DeprecationDate);
            if (n.TestMetadata is { } tm)
            {
                w.WriteStartObject("test_metadata"u8);
                w.WriteString("name"u8, tm.Name);
                w.WritePropertyName("kwargs"u8);
                Mapping(w, tm.Kwargs);
                w.WriteString("namespace"u8, tm.Namespace);
                w.WriteEndObject();
                w.WriteString("column_name"u8, tm.ColumnName);
                w.WriteString("attached_node"u8, n.AttachedNode);
                w.WriteString("file_key_name"u8, $"models.{loaded.Manifest.Nodes[n.AttachedNode!].Name}");
            }
            w.WriteEndObject();
        }

        /// <summary>A version as dbt writes it: a number when it is one (<c>v: 2</c>), else text; null when absent.</summary>
        void VersionValue(ReadOnlySpan<byte> name, string? version)
        {
            if (version is null) w.WriteNull(name);
            else if (long.TryParse(version, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var whole)) w.WriteNumber(name, whole);
            else if (double.TryParse(version, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)) w.WriteNumber(name, number);
            else w.WriteString(name, version);
        }

        IReadOnlyList<string> MacroCalls(Node n)
        {
            if (n.TestMetadata is not { } meta)
            {
                _index.AllCalls(loaded.MacroCallsOf(n), n.PackageName, _calls);
                return _calls;
            }
            var macro = meta.Macro;
            var cacheKey = n.PackageName + ":" + macro;
            if (!_testCalls.TryGetValue(cacheKey, out var calls)) _testCalls[cacheKey] = calls = _index.AllCalls(loaded.MacroCallsOf(n), n.PackageName);
            return calls;
        }

        void Source(Node n)
        {
            var s = n.Source!;
            w.WriteStartObject();
            Common(n);
            w.WriteString("source_name"u8, s.SourceName);
            w.WriteString("source_description"u8, "");
            w.WriteString("loader"u8, "");
            w.WriteString("identifier"u8, n.Relation.Identifier);
            EmptyObject("quoting"u8);
            w.WriteString("loaded_at_field"u8, s.LoadedAtField);
            w.WritePropertyName("freshness"u8);
            Mapping(w, s.Freshness);
            if (s.ExternalLocation is null) w.WriteNull("external"u8);
            else
            {
                w.WriteStartObject("external"u8);
                w.WriteString("location"u8, s.ExternalLocation);
                w.WriteEndObject();
            }
            EmptyObject("source_meta"u8);
            w.WriteEndObject();
        }

        void Common(Node n)
        {
            var tags = n.Config.Tags;
            w.WriteString("database"u8, n.Relation.Database ?? _database);
            w.WriteString("schema"u8, n.Relation.Schema);
            w.WriteString("name"u8, n.Name);
            w.WriteString("resource_type"u8, n.TypeName);
            w.WriteString("package_name"u8, n.PackageName);
            w.WriteString("path"u8, n.Path);
            w.WriteString("original_file_path"u8, n.OriginalFilePath);
            w.WriteString("unique_id"u8, n.UniqueId);
            w.WritePropertyName("fqn"u8);
            Strings(w, n.Fqn);
            w.WriteString("description"u8, n.Description);
            Columns(n);
            w.WritePropertyName("meta"u8);
            if (n.Config.TryGetValue("meta", out var meta)) PlainJson.Write(w, meta);
            else { w.WriteStartObject(); w.WriteEndObject(); }
            w.WritePropertyName("tags"u8);
            Strings(w, tags);
            var config = SortedConfig(n, _configBuffer);
            w.WritePropertyName("config"u8);
            Config(w, n, tags, config);
            w.WritePropertyName("unrendered_config"u8);
            Config(w, n, tags, config);
            w.WriteString("group"u8, n.Group);
            Docs();
            w.WriteNull("patch_path"u8);
            w.WriteNumber("created_at"u8, 0.0);
            // A test has a relation only when it stores its failures (dbt's is_relational for tests); an analysis never has one.
            if (n.ResourceType == ResourceType.Analysis
                || (n.ResourceType == ResourceType.Test && !TestSettings.Of(n, loaded.Session.Invocation.Flags.GetValueOrDefault("STORE_FAILURES") is true).StoreFailures))
                w.WriteNull("relation_name"u8);
            else w.WriteString("relation_name"u8, n.Relation.Render(loaded.Session.Quote));
        }

        void Columns(Node n)
        {
            var columns = n.Columns;
            _columnNames.Clear();
            var repeated = false;
            foreach (var c in columns) repeated |= !_columnNames.Add(c.Name);
            w.WriteStartObject("columns"u8);
            for (var i = 0; i < columns.Count; i++)
            {
                if (!repeated) { Column(columns[i]); continue; }
                // A name given twice: the DOM kept its first place and its last value.
                var name = columns[i].Name;
                var first = true;
                for (var j = 0; j < i && first; j++) first = columns[j].Name != name;
                if (!first) continue;
                var last = i;
                for (var j = i + 1; j < columns.Count; j++) if (columns[j].Name == name) last = j;
                Column(columns[last]);
            }
            w.WriteEndObject();
        }

        void Column(ColumnInfo c)
        {
            w.WriteStartObject(c.Name);
            w.WriteString("name"u8, c.Name);
            w.WriteString("description"u8, c.Description);
            w.WritePropertyName("meta"u8);
            Mapping(w, c.Meta);
            w.WriteString("data_type"u8, c.DataType);
            Constraints(c.Constraints, modelLevel: false);
            w.WriteNull("quote"u8);
            EmptyArray("tags"u8);
            w.WriteNull("granularity"u8);
            w.WriteEndObject();
        }

        void Docs()
        {
            w.WriteStartObject("docs"u8);
            w.WriteBoolean("show"u8, true);
            w.WriteNull("node_color"u8);
            w.WriteEndObject();
        }

        void EmptyObject(ReadOnlySpan<byte> name)
        {
            w.WriteStartObject(name);
            w.WriteEndObject();
        }

        /// <summary>A column's or model's constraints as dbt writes them (a model's with their columns).</summary>
        void Constraints(IReadOnlyList<ColumnConstraint> constraints, bool modelLevel)
        {
            w.WriteStartArray("constraints"u8);
            foreach (var c in constraints)
            {
                w.WriteStartObject();
                w.WriteString("type"u8, c.Type);
                w.WriteString("name"u8, c.Name);
                w.WriteString("expression"u8, c.Expression);
                w.WriteBoolean("warn_unenforced"u8, c.WarnUnenforced);
                w.WriteBoolean("warn_unsupported"u8, c.WarnUnsupported);
                w.WriteString("to"u8, c.To);
                w.WritePropertyName("to_columns"u8);
                Strings(w, c.ToColumns);
                if (modelLevel)
                {
                    w.WritePropertyName("columns"u8);
                    Strings(w, c.Columns);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }

        void EmptyArray(ReadOnlySpan<byte> name)
        {
            w.WriteStartArray(name);
            w.WriteEndArray();
        }

        /// <summary>The node's config entries in ordinal order of their keys, into a list the caller reuses.</summary>
        public static List<KeyValuePair<string, object?>> SortedConfig(Node n, List<KeyValuePair<string, object?>> into)
        {
            into.Clear();
            foreach (var entry in n.Config) into.Add(entry);
            into.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return into;
        }

        /// <summary>
        /// The config in key order; materialized (not for sources), enabled and tags are the node's effective
        /// values, in their sorted place when the config has them, else at the end.
        /// </summary>
        public static void Config(Utf8JsonWriter w, Node n, IReadOnlyList<string> tags, List<KeyValuePair<string, object?>> sorted)
        {
            var withMaterialized = n.ResourceType != ResourceType.Source;
            bool hasMaterialized = false, hasEnabled = false, hasTags = false;
            w.WriteStartObject();
            foreach (var (key, value) in sorted)
            {
                w.WritePropertyName(key);
                if (key == "materialized" && withMaterialized) { w.WriteStringValue(n.Materialized); hasMaterialized = true; }
                else if (key == "enabled") { w.WriteBooleanValue(n.Config.Enabled); hasEnabled = true; }
                else if (key == "tags") { Strings(w, tags); hasTags = true; }
                else PlainJson.Write(w, value);
            }
            if (withMaterialized && !hasMaterialized) w.WriteString("materialized"u8, n.Materialized);
            if (!hasEnabled) w.WriteBoolean("enabled"u8, n.Config.Enabled);
            if (!hasTags)
            {
                w.WritePropertyName("tags"u8);
                Strings(w, tags);
            }
            w.WriteEndObject();
        }

        static void Strings(Utf8JsonWriter w, IReadOnlyList<string> items)
        {
            w.WriteStartArray();
            for (var i = 0; i < items.Count; i++) w.WriteStringValue(items[i]);
            w.WriteEndArray();
        }

        /// <summary>
        /// A value the model declares as a dictionary: the serializer wrote it entry by entry, whatever its
        /// runtime type, and so does this.
        /// </summary>
        internal static void Mapping(Utf8JsonWriter w, IReadOnlyDictionary<string, object?>? map)
        {
            if (map is null) { w.WriteNullValue(); return; }
            w.WriteStartObject();
            if (map.Count == 0) { w.WriteEndObject(); return; } // most are empty: no enumerator to allocate
            foreach (var (k, v) in map)
            {
                w.WritePropertyName(k);
                PlainJson.Write(w, v);
            }
            w.WriteEndObject();
        }
    }
}
