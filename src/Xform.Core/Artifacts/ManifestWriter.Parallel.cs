using System.Buffers;
using System.Text.Json;
using Xform.Core.Graph;
using Xform.Core.Project;

namespace Xform.Core.Artifacts;

public static partial class ManifestWriter
{
    internal sealed partial class Emitter
    {
        /// <summary>Whether the nodes are written on several threads (false: one writer, as the tests compare).</summary>
        public bool InParallel { get; init; }

        /// <summary>The last manifest.json's nodes to copy where unchanged, and the index of this one (with <see cref="InParallel"/>).</summary>
        public ManifestFragments? Fragments { get; init; }

        /// <summary>
        /// The nodes section, the largest (about half of manifest.json's time): each node's JSON written by a writer of
        /// its own on the thread pool, a window of nodes at a time (so memory holds a window, not the section), then copied
        /// in graph order. A node written alone starts at depth 0; its lines get the 4 spaces of its depth in the
        /// document (nodes are at depth 2), so the file is byte for byte what one writer makes.
        /// </summary>
        void NodesInParallel(DependencyGraph graph, IReadOnlyDictionary<string, string> compiledCode)
        {
            const int Chunk = 128, Window = 1024;
            var manifest = graph.Manifest;
            var ids = graph.Order.Where(id => manifest.Nodes[id].ResourceType is not (ResourceType.Source or ResourceType.UnitTest)).ToList();
            _index.ResolveAll();
            for (var start = 0; start < ids.Count; start += Window)
            {
                var count = Math.Min(Window, ids.Count - start);
                var fragments = new byte[count][];
                var fingerprints = new string[count];
                // where a node's unchanged JSON lies in the last manifest.json (length -1: it is written anew)
                var copies = new (long Offset, int Length)[count];
                Parallel.For(0, (count + Chunk - 1) / Chunk, chunk =>
                {
                    ArrayBufferWriter<byte>? buffer = null;
                    Utf8JsonWriter? writer = null;
                    Emitter? emitter = null;
                    for (var i = chunk * Chunk; i < Math.Min(count, (chunk + 1) * Chunk); i++)
                    {
                        var id = ids[start + i];
                        copies[i] = (0, -1);
                        // the fingerprints (checksums of compiled code) are computed here too: on one thread they took 80 to 100 ms at 30,000 nodes
                        if (Fragments is { } saved)
                        {
                            fingerprints[i] = saved.Fingerprint(manifest.Nodes[id], compiledCode.GetValueOrDefault(id));
                            if (saved.Find(id, fingerprints[i]) is { } at)
                            {
                                copies[i] = at;
                                continue; // copied from the last manifest.json
                            }
                        }
                        buffer ??= new ArrayBufferWriter<byte>();
                        writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true });
                        emitter ??= new Emitter(writer, loaded);
                        emitter.Node(manifest.Nodes[id], compiledCode.TryGetValue(id, out var code) ? code : null);
                        writer.Flush();
                        fragments[i] = Indent(buffer.WrittenSpan, "    "u8);
                        buffer.ResetWrittenCount();
                        writer.Reset(buffer);
                    }
                    writer?.Dispose();
                });
                for (var i = 0; i < count; i++)
                {
                    w.WritePropertyName(ids[start + i]);
                    // the value's bytes follow the name's at once: where they start in the file is what the writer has taken so far
                    var offset = w.BytesCommitted + w.BytesPending;
                    if (copies[i].Length >= 0 && Fragments!.Copy(copies[i].Offset, copies[i].Length) is { } copy)
                    {
                        Fragments.Written(ids[start + i], fingerprints[i], offset, copy.Length);
                        w.WriteRawValue(copy.Span, skipInputValidation: true);
                    }
                    else
                    {
                        var fragment = fragments[i] ?? Fragment(manifest.Nodes[ids[start + i]], compiledCode);
                        Fragments?.Written(ids[start + i], fingerprints[i], offset, fragment.Length);
                        w.WriteRawValue(fragment, skipInputValidation: true);
                    }
                    FlushIfFull();
                }
            }
        }

        /// <summary>One node's JSON at its depth in the document (a copy that could not be read after all).</summary>
        byte[] Fragment(Node node, IReadOnlyDictionary<string, string> compiledCode)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
                new Emitter(writer, loaded).Node(node, compiledCode.GetValueOrDefault(node.UniqueId));
            return Indent(buffer.WrittenSpan, "    "u8);
        }

        /// <summary><paramref name="json"/> with <paramref name="indent"/> after each line break (a string never holds a raw one: JSON escapes it).</summary>
        static byte[] Indent(ReadOnlySpan<byte> json, ReadOnlySpan<byte> indent)
        {
            var result = new byte[json.Length + json.Count((byte)'\n') * indent.Length];
            var at = 0;
            while (json.IndexOf((byte)'\n') is var next and >= 0)
            {
                json[..(next + 1)].CopyTo(result.AsSpan(at));
                at += next + 1;
                indent.CopyTo(result.AsSpan(at));
                at += indent.Length;
                json = json[(next + 1)..];
            }
            json.CopyTo(result.AsSpan(at));
            return result;
        }
    }
}
