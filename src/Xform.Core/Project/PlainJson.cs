using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xform.Core.Project;

/// <summary>
/// Plain values (what YAML, templates and databases hand over: text, numbers, booleans, dates, mappings, lists) written as
/// JSON without the serializer's reflection, which a natively compiled xform does not have. The bytes are the ones
/// <c>JsonSerializer.Serialize</c> wrote for these values before (same writer, same escaping, mappings in their own order),
/// so ids and checksums hashed from them do not change.
/// </summary>
public static class PlainJson
{
    /// <summary>The value as JSON text, as <c>JsonSerializer.Serialize(value)</c> with the default options.</summary>
    public static string Serialize(object? value, JsonWriterOptions options = default) =>
        System.Text.Encoding.UTF8.GetString(Written(value, static (w, v) => Write(w, v), options).WrittenSpan);

    /// <summary>The value as UTF-8 JSON.</summary>
    public static byte[] SerializeToUtf8Bytes(object? value) => Written(value, static (w, v) => Write(w, v), default).WrittenSpan.ToArray();

    /// <summary>The JSON text <paramref name="write"/> writes of <paramref name="state"/> (a document of a shape of its own).</summary>
    public static string Text<T>(T state, Action<Utf8JsonWriter, T> write) =>
        System.Text.Encoding.UTF8.GetString(Written(state, write, default).WrittenSpan);

    static ArrayBufferWriter<byte> Written<T>(T state, Action<Utf8JsonWriter, T> write, JsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer, options)) write(w, state);
        return buffer;
    }

    public static void Write(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case long l: w.WriteNumberValue(l); break;
            case int i: w.WriteNumberValue(i); break;
            case double d: w.WriteNumberValue(d); break;
            case decimal m: w.WriteNumberValue(m); break;
            case float f: w.WriteNumberValue(f); break;
            case short or sbyte or byte or ushort: w.WriteNumberValue(Convert.ToInt32(value, CultureInfo.InvariantCulture)); break;
            case uint u: w.WriteNumberValue(u); break;
            case ulong u: w.WriteNumberValue(u); break;
            // numbers without a writer overload of their own, in their exact digits
            case Int128 or UInt128 or BigInteger: w.WriteRawValue(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)); break;
            case char c: w.WriteStringValue(c.ToString()); break;
            case DateTime t: w.WriteStringValue(t); break;
            case DateTimeOffset t: w.WriteStringValue(t); break;
            case DateOnly d: w.WriteStringValue(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case TimeOnly t: w.WriteStringValue(t.ToTimeSpan().ToString("c", CultureInfo.InvariantCulture)); break;
            case TimeSpan t: w.WriteStringValue(t.ToString("c", CultureInfo.InvariantCulture)); break;
            case Guid g: w.WriteStringValue(g); break;
            case Enum e: w.WriteNumberValue(Convert.ToInt64(e, CultureInfo.InvariantCulture)); break;
            case JsonElement e: e.WriteTo(w); break;
            case JsonNode n: n.WriteTo(w); break;
            // the common shapes first, walked without an interface enumerator
            case Dictionary<string, object?> map:
                w.WriteStartObject();
                foreach (var (k, v) in map)
                {
                    w.WritePropertyName(k);
                    Write(w, v);
                }
                w.WriteEndObject();
                break;
            case List<object?> list:
                w.WriteStartArray();
                foreach (var item in list) Write(w, item);
                w.WriteEndArray();
                break;
            case IReadOnlyDictionary<string, object?> or IDictionary<string, object?>:
                w.WriteStartObject();
                foreach (var (k, v) in (IEnumerable<KeyValuePair<string, object?>>)value)
                {
                    w.WritePropertyName(k);
                    Write(w, v);
                }
                w.WriteEndObject();
                break;
            case IDictionary map:
                w.WriteStartObject();
                foreach (DictionaryEntry e in map)
                {
                    w.WritePropertyName(Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "");
                    Write(w, e.Value);
                }
                w.WriteEndObject();
                break;
            case IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items) Write(w, item);
                w.WriteEndArray();
                break;
            // an object of the runtime (a relation, a date of the template modules): its text, as templates print it
            default: w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""); break;
        }
    }
}
