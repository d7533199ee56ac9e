using System.Collections.Concurrent;
using System.Text;
using Xform.Core.Project;

namespace Xform.Core.Compilation;

/// <summary>Writes compiled and executed SQL under target/compiled and target/run, as dbt does.</summary>
public sealed class SqlFileWriter(string targetDir, string projectName)
{
    readonly ConcurrentDictionary<string, bool> _createdDirs = new(StringComparer.Ordinal);

    /// <summary>The compiled files known by their size and time: one found current is neither read nor written.</summary>
    internal CompiledFileStamps? Stamps { get; init; }

    public void WriteCompiled(Node node, string sql) => Write("compiled", node, sql, Stamps);

    public void WriteRun(Node node, string sql) => Write("run", node, sql, null);

    public string CompiledPath(Node node) => PathOf("compiled", node);

    /// <summary>dbt's layout: generic tests under the YAML file's folder, by test name.</summary>
    string PathOf(string kind, Node node)
    {
        var relative = node.UnitTest is not null ? $"{node.OriginalFilePath}/{node.Fqn[^2]}/{node.Name}.sql"
            : node.TestMetadata is not null
            ? $"{node.OriginalFilePath}/{node.Name}.sql"
            : node.OriginalFilePath.Replace(".csv", ".sql", StringComparison.Ordinal);
        return Path.Combine(targetDir, kind, projectName, relative);
    }

    void Write(string kind, Node node, string sql, CompiledFileStamps? stamps)
    {
        var path = PathOf(kind, node);
        if (stamps?.Holds(path, sql) == true) return;
        var directory = Path.GetDirectoryName(path)!;
        if (!_createdDirs.ContainsKey(directory))
        {
            // marked only once it exists: another thread may be writing into the same folder
            Directory.CreateDirectory(directory);
            _createdDirs.TryAdd(directory, true);
        }
        var (size, modified) = WriteIfChanged(path, Encoding.UTF8.GetBytes(sql));
        stamps?.Note(path, sql, size, modified);
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> unless the file already holds them, with one open whether it exists or not. A file
    /// is written over in place and never truncated to nothing first: ext4 writes such a file's data out to disk when it
    /// is closed (measured: 10,000 new compiled files 1.3 s more, in the kernel), and most files of a recompile are
    /// unchanged anyway (10,000 files 50 ms compared, 600-800 ms rewritten).
    /// </summary>
    /// <returns>the file's size and time as it is now (read from the open file: no second look-up of the path)</returns>
    static (long Size, long Modified) WriteIfChanged(string path, byte[] bytes)
    {
        using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        var length = RandomAccess.GetLength(handle);
        if (length == bytes.Length && length > 0)
        {
            var existing = bytes.Length <= 4096 ? stackalloc byte[bytes.Length] : new byte[bytes.Length];
            if (RandomAccess.Read(handle, existing, 0) == bytes.Length && existing.SequenceEqual(bytes))
                return (length, File.GetLastWriteTimeUtc(handle).Ticks);
        }
        RandomAccess.Write(handle, bytes, 0);
        if (length > bytes.Length) RandomAccess.SetLength(handle, bytes.Length);
        return (bytes.Length, File.GetLastWriteTimeUtc(handle).Ticks);
    }
}
