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
        var bytes = Encoding.UTF8.GetBytes(sql);
        if (!SameContent(path, bytes)) File.WriteAllBytes(path, bytes);
        stamps?.Note(path, sql);
    }

    /// <summary>Rewriting a file in place costs a truncate and a block reallocation; most files of a
    /// recompile are unchanged (measured: 10,000 files 50 ms compared, 600-800 ms rewritten).</summary>
    static bool SameContent(string path, byte[] bytes)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            if (RandomAccess.GetLength(handle) != bytes.Length) return false;
            var existing = bytes.Length <= 4096 ? stackalloc byte[bytes.Length] : new byte[bytes.Length];
            return RandomAccess.Read(handle, existing, 0) == bytes.Length && existing.SequenceEqual(bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }
}
