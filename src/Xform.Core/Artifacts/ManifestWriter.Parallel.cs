using System.Buffers;
using System.Text.Json;
using Xform.Core.Graph;
using Xform.Core.Parsing;
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

        /// <summary>The stream the writer writes to: copied runs of nodes go to it directly (with <see cref="Fragments"/>).</summary>
        public Stream? Output { get; init; }

        // bytes written to Output past the writer
        long _direct;

        /// <summary>
        /// The nodes section, the largest (about half of manifest.json's time): each node's JSON written by a writer of
        /// its own on the thread pool, a window of nodes at a time (so memory holds a window, not the section), then copied
        /// in graph order. The document is compact, so a node written alone is byte for byte what one writer makes of it.
        /// </summary>
        void NodesInParallel(DependencyGraph graph, IReadOnlyDictionary<string, string> compiledCode)
        {
            const int Chunk = 128, Window = 1024;
            var manifest = graph.Manifest;
            var ids = graph.Order.Where(id => manifest.Nodes[id].ResourceType is not (ResourceType.Source or ResourceType.UnitTest)).ToList();
            _index.ResolveAll();
            // Each chunk's nodes one after another in a buffer of the chunk's own, reused by every window: 30,000 nodes'
            // JSON (65 MB at 10,000 models) allocated once per window's chunk instead of once per node.
            var outputs = new ArrayBufferWriter<byte>[(Window + Chunk - 1) / Chunk];
            for (var start = 0; start < ids.Count; start += Window)
            {
                var count = Math.Min(Window, ids.Count - start);
                // where each node's JSON lies in its chunk's output (length -1: not written here)
                var fragments = new (int Start, int Length)[count];
                var fingerprints = new ulong[count];
                // where a node's unchanged JSON lies in the last manifest.json (length -1: it is written anew)
                var copies = new (long Offset, int Length)[count];
                Parallel.For(0, (count + Chunk - 1) / Chunk, chunk =>
                {
                    Utf8JsonWriter? writer = null;
                    Emitter? emitter = null;
                    // sized at once for a chunk of nodes of about 2 KB each: grown from 256 bytes by doubling, each of the
                    // buffers left about as much garbage as it held behind (the larger steps on the large object heap)
                    var output = outputs[chunk] ??= new ArrayBufferWriter<byte>(Chunk * 2048);
                    output.ResetWrittenCount();
                    for (var i = chunk * Chunk; i < Math.Min(count, (chunk + 1) * Chunk); i++)
                    {
                        var id = ids[start + i];
                        copies[i] = (0, -1);
                        fragments[i] = (0, -1);
                        // the fingerprints (checksums of compiled code and parents) are computed here too, on every core
                        if (Fragments is { } saved)
                        {
                            fingerprints[i] = saved.Fingerprint(manifest.Nodes[id], compiledCode.GetValueOrDefault(id));
                            if (saved.Find(id, fingerprints[i]) is { } at)
                            {
                                copies[i] = at;
                                continue; // copied from the last manifest.json
                            }
                        }
                        writer ??= new Utf8JsonWriter(output);
                        emitter ??= new Emitter(writer, loaded);
                        var from = output.WrittenCount;
                        emitter.Node(manifest.Nodes[id], compiledCode.TryGetValue(id, out var code) ? code : null);
                        writer.Flush();
                        fragments[i] = (from, output.WrittenCount - from);
                        // the next node is a value of its own, not an element after this one (no comma before it)
                        writer.Reset(output);
                    }
                    writer?.Dispose();
                });
                for (var i = 0; i < count;)
                {
                    w.WritePropertyName(ids[start + i]);
                    // the value's bytes follow the name's at once: where they start in the file is what the writer (and the
                    // copies past it) has taken so far
                    var offset = w.BytesCommitted + w.BytesPending + _direct;
                    // Copied nodes that followed one another in the last file, as here, are copied in one piece with the names
                    // between them: after one edit, a window's 1,024 nodes are one read and one write instead of 1,024 of each.
                    var end = i + 1;
                    if (copies[i].Length >= 0)
                        while (end < count && copies[end].Length >= 0 && Fragments!.Follows(ids[start + end - 1], ids[start + end])) end++;
                    var run = copies[i].Length < 0 ? 0 : copies[end - 1].Offset + copies[end - 1].Length - copies[i].Offset;
                    if (copies[i].Length >= 0 && Fragments!.Copy(copies[i].Offset, (int)run, end - i) is { } copy)
                    {
                        for (var k = i; k < end; k++)
                            Fragments.Written(ids[start + k], fingerprints[k], offset + copies[k].Offset - copies[i].Offset, copies[k].Length);
                        CopyRaw(copy.Span, copies[i].Length);
                        i = end;
                    }
                    else
                    {
                        ReadOnlySpan<byte> fragment = fragments[i].Length >= 0 ? outputs[i / Chunk].WrittenSpan.Slice(fragments[i].Start, fragments[i].Length)
                            : Fragment(loaded, manifest.Nodes[ids[start + i]], compiledCode);
                        Fragments?.Written(ids[start + i], fingerprints[i], offset, fragment.Length);
                        w.WriteRawValue(fragment, skipInputValidation: true);
                        i++;
                    }
                    FlushIfFull();
                }
            }
        }

        /// <summary>
        /// Bytes copied from the last manifest.json: the value of the property just named (its first <paramref name="first"/>
        /// bytes) through the writer, which then puts a comma before the next name, and the properties after it straight to
        /// <see cref="Output"/>: megabytes of raw value in the writer's buffer would be copied and cleared again.
        /// </summary>
        void CopyRaw(ReadOnlySpan<byte> bytes, int first)
        {
            w.WriteRawValue(bytes[..first], skipInputValidation: true);
            if (bytes.Length == first) return;
            w.Flush();
            Output!.Write(bytes[first..]);
            _direct += bytes.Length - first;
        }

        /// <summary>
        /// <c>parent_map</c> and <c>child_map</c>: copied from the last manifest.json when the graph has the same edges (one read
        /// and one write of a few megabytes instead of 60,000 sorted lists at 30,000 nodes, 40 to 60 ms), else written.
        /// </summary>
        void Maps(DependencyGraph graph)
        {
            var edges = Fragments is null ? 0 : ManifestFragments.EdgesFingerprint(graph.OrderedNodes);
            w.WritePropertyName("parent_map"u8);
            var offset = w.BytesCommitted + w.BytesPending + _direct;
            if (Fragments?.FindMaps(edges) is { } at && Fragments.Copy(at.Offset, at.Length, nodes: 0) is { } copy)
            {
                CopyRaw(copy.Span, at.ParentLength); // child_map, its comma and name included, past the writer
                Fragments.WrittenMaps(edges, offset, at.ParentLength, at.Length, copied: true);
                return;
            }
            EdgesValue(graph.Order, graph.Parents);
            var parentEnd = w.BytesCommitted + w.BytesPending + _direct;
            Edges("child_map"u8, graph.Order, graph.Children);
            var end = w.BytesCommitted + w.BytesPending + _direct;
            Fragments?.WrittenMaps(edges, offset, (int)(parentEnd - offset), (int)(end - offset), copied: false);
        }

        /// <summary>One node's JSON as the document holds it (a copy that could not be read after all, a node patched in).</summary>
        internal static byte[] Fragment(LoadedProject loaded, Node node, IReadOnlyDictionary<string, string> compiledCode)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
                new Emitter(writer, loaded).Node(node, compiledCode.GetValueOrDefault(node.UniqueId));
            return buffer.WrittenSpan.ToArray();
        }
    }
}
