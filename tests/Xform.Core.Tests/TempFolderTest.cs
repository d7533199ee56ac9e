namespace Xform.Core.Tests;

/// <summary>A test class whose every test gets a fresh temporary folder (<see cref="Dir"/>), deleted after it.</summary>
public abstract class TempFolderTest
{
    protected string Dir { get; private set; } = "";

    [SetUp]
    public void CreateFolder() => Dir = Directory.CreateTempSubdirectory("xform-test-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(Dir, recursive: true);

    /// <summary>Writes a file under <see cref="Dir"/>, creating its folders.</summary>
    protected void Write(string path, string text)
    {
        var full = Path.Combine(Dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }
}
