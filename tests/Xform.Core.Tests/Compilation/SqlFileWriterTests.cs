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

        new SqlFileWriter(_dir, "proj").WriteCompiled(node, "select 2 as longer_than_before");
        Assert.That(File.ReadAllText(path), Is.EqualTo("select 2 as longer_than_before"), "longer content written over it whole");

        new SqlFileWriter(_dir, "proj").WriteCompiled(node, "");
        Assert.That(new FileInfo(path).Length, Is.Zero, "empty SQL leaves an empty file");
        new SqlFileWriter(_dir, "proj").WriteCompiled(node, "select 3");
        Assert.That(File.ReadAllText(path), Is.EqualTo("select 3"));
    }

    [Test]
    public void A_file_known_by_its_size_and_time_is_not_read_again_until_either_changes()
    {
        var node = TestManifests.Model("m", "models/m.sql", []);
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        string path = "";
        void Compile(string sql)
        {
            var stamps = CompiledFileStamps.Open(_dir);
            var writer = new SqlFileWriter(_dir, "proj") { Stamps = stamps };
            path = writer.CompiledPath(node);
            writer.WriteCompiled(node, sql);
            stamps.Save();
        }

        Compile("select 1");
        File.SetLastWriteTimeUtc(path, old);
        Compile("select 1"); // written just before: read, found the same, and known by its (old) time from now on
        File.WriteAllText(path, "select 9"); // the same size, its time put back: what a stamp cannot see (as in git)
        File.SetLastWriteTimeUtc(path, old);
        Compile("select 1");
        Assert.That(File.ReadAllText(path), Is.EqualTo("select 9"), "known by its stamp: not read");

        File.WriteAllText(path, "select 8"); // a real edit moves the time
        Compile("select 1");
        Assert.That(File.ReadAllText(path), Is.EqualTo("select 1"), "its time moved: read and rewritten");

        File.SetLastWriteTimeUtc(path, old);
        Compile("select 1");
        Compile("select 2");
        Assert.That(File.ReadAllText(path), Is.EqualTo("select 2"), "other SQL: written whatever the stamp");

        File.Delete(path);
        Compile("select 2");
        Assert.That(File.ReadAllText(path), Is.EqualTo("select 2"), "a deleted file is written again");
    }

    [Test]
    public void A_file_written_just_before_the_note_is_read_next_time()
    {
        var node = TestManifests.Model("m", "models/m.sql", []);
        var stamps = CompiledFileStamps.Open(_dir);
        var writer = new SqlFileWriter(_dir, "proj") { Stamps = stamps };
        writer.WriteCompiled(node, "select 1");
        stamps.Save();
        var path = writer.CompiledPath(node);
        var time = File.GetLastWriteTimeUtc(path);
        File.WriteAllText(path, "select 9"); // changed within the clock's resolution of the write
        File.SetLastWriteTimeUtc(path, time);

        var next = CompiledFileStamps.Open(_dir);
        new SqlFileWriter(_dir, "proj") { Stamps = next }.WriteCompiled(node, "select 1");
        Assert.That(File.ReadAllText(path), Is.EqualTo("select 1"), "too recent to be known by its time: read, and rewritten");
    }
}
