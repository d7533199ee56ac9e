using Xform.Core.Compilation;

namespace Xform.Core.Tests.Compilation;

public class SqlFileWriterTests
{
    string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("xform-artifacts-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Workers_write_into_new_folders_at_the_same_time()
    {
        var writer = new SqlFileWriter(_dir, "proj");
        // folder i % 100: the workers, each on its own range of indexes, reach the same new folder together
        var nodes = Enumerable.Range(0, 800).Select(i => TestManifests.Model($"m{i}", $"models/f{i % 100}/m{i}.sql", [])).ToArray();
        Parallel.For(0, nodes.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => writer.WriteCompiled(nodes[i], $"select {i}"));
        for (var i = 0; i < nodes.Length; i++)
            Assert.That(File.ReadAllText(writer.CompiledPath(nodes[i])), Is.EqualTo($"select {i}"));
    }

    [Test]
    public void An_unchanged_file_is_not_rewritten_and_a_changed_one_is()
    {
        var node = TestManifests.Model("m", "models/m.sql", []);
        var path = new SqlFileWriter(_dir, "proj").CompiledPath(node);
        new SqlFileWriter(_dir, "proj").WriteCompiled(node, "select 1 as é");
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, old);

        new SqlFileWriter(_dir, "proj").WriteCompiled(node, "select 1 as é");
        Assert.That(File.GetLastWriteTimeUtc(path), Is.EqualTo(old), "same bytes: left alone");

        new SqlFileWriter(_dir, "proj").WriteCompiled(node, "select 2 as é");
        Assert.That(File.ReadAllText(path), Is.EqualTo("select 2 as é"));
        Assert.That(File.GetLastWriteTimeUtc(path), Is.GreaterThan(old));

        new SqlFileWriter(_dir, "proj").WriteCompiled(node, "select 2");
        Assert.That(File.ReadAllText(path), Is.EqualTo("select 2"), "shorter content replaces the file whole");
    }
}
