using System.Text.Json;
using Xform.Core.Project;

namespace Xform.Core.Artifacts;

public static partial class ManifestWriter
{
    sealed partial class Emitter
    {
        /// <summary>manifest.json's <c>unit_tests</c> section, in dbt's shape: the model, given and expected rows, overrides.</summary>
        void UnitTests(Manifest manifest)
        {
            w.WriteStartObject("unit_tests"u8);
            foreach (var n in manifest.Of(ResourceType.UnitTest).OrderBy(n => n.UniqueId, StringComparer.Ordinal))
            {
                var spec = n.UnitTest!;
                var model = manifest.Nodes[spec.ModelId];
                w.WriteStartObject(n.UniqueId);
                w.WriteString("model"u8, model.Name);
                w.WritePropertyName("given"u8);
                w.WriteStartArray();
                foreach (var input in spec.Given)
                {
                    w.WriteStartObject();
                    w.WriteString("input"u8, input.Text);
                    Rows(input.Rows);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WritePropertyName("expect"u8);
                w.WriteStartObject();
                Rows(spec.Expect);
                w.WriteEndObject();
                w.WriteString("name"u8, n.Name);
                w.WriteString("resource_type"u8, "unit_test");
                w.WriteString("package_name"u8, n.PackageName);
                w.WriteString("path"u8, n.Path);
                w.WriteString("original_file_path"u8, n.OriginalFilePath);
                w.WriteString("unique_id"u8, n.UniqueId);
                w.WritePropertyName("fqn"u8);
                Strings(w, n.Fqn);
                w.WriteString("description"u8, n.Description);
                w.WritePropertyName("overrides"u8);
                w.WriteStartObject();
                w.WritePropertyName("macros"u8);
                Mapping(w, spec.Macros);
                w.WritePropertyName("vars"u8);
                Mapping(w, spec.Vars);
                w.WritePropertyName("env_vars"u8);
                Mapping(w, spec.EnvVars.ToDictionary(kv => kv.Key, kv => (object?)kv.Value));
                w.WriteEndObject();
                w.WriteStartObject("depends_on"u8);
                EmptyArray("macros"u8);
                w.WritePropertyName("nodes"u8);
                Strings(w, [spec.ModelId]);
                w.WriteEndObject();
                // the config as every node writes it, so that state:modified.configs compares like with like
                w.WritePropertyName("config"u8);
                Config(w, n, n.Config.Tags, SortedConfig(n, _configBuffer));
                w.WriteStartObject("checksum"u8);
                w.WriteString("name"u8, "sha256");
                w.WriteString("checksum"u8, BodyChecksum(n));
                w.WriteEndObject();
                w.WriteString("schema"u8, model.Relation.Schema);
                w.WriteNumber("created_at"u8, 0.0);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }

        void Rows(FixtureRows rows)
        {
            w.WriteString("format"u8, rows.Format.ToString().ToLowerInvariant());
            w.WritePropertyName("rows"u8);
            if (rows.Format == FixtureFormat.Sql) w.WriteStringValue(rows.Sql);
            else
            {
                w.WriteStartArray();
                foreach (var row in rows.Rows) Mapping(w, row);
                w.WriteEndArray();
            }
            w.WriteNull("fixture"u8);
        }
    }
}
