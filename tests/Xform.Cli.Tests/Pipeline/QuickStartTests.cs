using System.Diagnostics;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Xform.Cli.Tests.Pipeline;

/// <summary>
/// The README's quick start: exactly two commands, the first the script that installs xform and runs the main job,
/// the second the test command .ci/run runs; every later example uses the installed xform. The script itself runs
/// through bash with a stand-in dotnet that records what it was asked to do (the real build takes minutes).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // a bash script and its file modes
public sealed class QuickStartTests
{
    static readonly string Root = TestProject.RepositoryRoot;

    static string Readme => File.ReadAllText(Path.Combine(Root, "README.md"));

    static string[] QuickStartCommands()
    {
        var section = Readme[Readme.IndexOf("## Quick start", StringComparison.Ordinal)..];
        var block = Regex.Match(section, "```sh\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        return block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('#')[0].Trim()).ToArray();
    }

    [Test]
    public void The_quick_start_is_two_commands_that_the_script_and_ci_run()
    {
        var commands = QuickStartCommands();
        Assert.That(commands, Is.EqualTo(new[] { "scripts/quickstart", "dotnet test Transform.sln -c Release" }));
        Assert.That(File.Exists(Path.Combine(Root, commands[0])), commands[0]);
        Assert.That(File.GetUnixFileMode(Path.Combine(Root, commands[0])) & UnixFileMode.UserExecute, Is.EqualTo(UnixFileMode.UserExecute),
            "the first command runs as it is written");
        Assert.That(File.ReadAllText(Path.Combine(Root, ".ci", "run")), Does.Contain($"\n{commands[1]} "), ".ci/run runs the README's test command");

        // The script installs the package and command the CLI project packs, and the README's manual steps are the script's.
        var project = File.ReadAllText(Path.Combine(Root, "src", "Xform.Cli", "Xform.Cli.csproj"));
        Assert.That(project, Does.Contain("<PackageId>Xform.Cli</PackageId>").And.Contain("<ToolCommandName>xform</ToolCommandName>"));
        var script = File.ReadAllText(Path.Combine(Root, "scripts", "quickstart"));
        Assert.That(script, Does.Contain("pack src/Xform.Cli -c Release -o \"$packages\"").And.Contain("tool update --global Xform.Cli"));
        Assert.That(Readme, Does.Contain("dotnet pack src/Xform.Cli -c Release -o target/nupkg -p:PackageVersion=1.0.0-local.1")
            .And.Contain("dotnet tool update --global Xform.Cli --version 1.0.0-local.1 --add-source target/nupkg --ignore-failed-sources --allow-downgrade"));
        Assert.That(script, Does.Contain("-p:PackageVersion=\"$version\"").And.Contain("--version \"$version\" --add-source \"$packages\" --ignore-failed-sources --allow-downgrade"));
        Assert.That(script, Does.Contain("packages=\"${XFORM_PACKAGES:-$root/target/nupkg}\""));

        // Past the quick start, examples use the installed command, never `dotnet run` of the CLI.
        Assert.That(Regex.IsMatch(Readme, @"^\s*dotnet run --project src/Xform\.Cli", RegexOptions.Multiline), Is.False);
        Assert.That(Readme, Does.Not.Contain("... -- "), "no elided `dotnet run ... --` either");
    }

    /// <param name="tool">which build the script tries first (a C compiler on PATH: native; XFORM_TOOL=readytorun: ReadyToRun)</param>
    /// <param name="failing">the packs that fail (no linker, offline, no runtime pack): the script falls back to the next build</param>
    [TestCase("native", "")]
    [TestCase("native", "XformNativeTool")]
    [TestCase("native", "XformNativeTool XformReadyToRunTool")]
    [TestCase("readytorun", "")]
    [TestCase("readytorun", "XformReadyToRunTool")]
    public void The_script_says_at_once_what_it_builds_then_installs_xform_and_runs_the_main_job(string tool, string failing)
    {
        var work = Path.Combine(Path.GetTempPath(), "xform-tests", "quickstart-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(work, "bin"));
        try
        {
            // A stand-in dotnet: logs each call, fails the packs named in `failing`; 'tool update' installs an xform that
            // logs its arguments. A stand-in clang on PATH is the C toolchain the native build links with.
            var log = Path.Combine(work, "calls.log");
            var dotnet = Path.Combine(work, "dotnet");
            File.WriteAllText(dotnet, $$"""
                #!/usr/bin/env bash
                echo "dotnet $*" >> '{{log}}'
                for f in {{failing}}; do [[ "$*" == *"-p:$f=true"* ]] && exit 1; done
                if [ "$1 $2" = "tool update" ]; then
                  mkdir -p "$DOTNET_CLI_HOME/.dotnet/tools"
                  printf '#!/usr/bin/env bash\necho "xform $*" >> %s\necho "Done. PASS=1"\n' "'{{log}}'" > "$DOTNET_CLI_HOME/.dotnet/tools/xform"
                  chmod +x "$DOTNET_CLI_HOME/.dotnet/tools/xform"
                fi
                """.Replace("\r", ""));
            var clang = Path.Combine(work, "bin", "clang");
            File.WriteAllText(clang, "#!/usr/bin/env bash\nexit 0\n");
            foreach (var file in new[] { dotnet, clang })
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var info = new ProcessStartInfo("bash", [Path.Combine(Root, "scripts", "quickstart"), "--threads", "2"])
            {
                WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            info.Environment["DOTNET"] = dotnet;
            info.Environment["DOTNET_CLI_HOME"] = work;
            info.Environment["XFORM_PACKAGES"] = Path.Combine(work, "nupkg");
            info.Environment["PATH"] = Path.Combine(work, "bin") + ":/usr/bin:/bin";
            info.Environment["XFORM_TOOL"] = tool;
            using var process = Process.Start(info)!;
            var first = process.StandardOutput.ReadLine();
            var rest = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            Assert.That(process.WaitForExit(60_000), "the script ends");
            Assert.That(process.ExitCode, Is.Zero, first + rest + stderr);

            // The first lines say what is under way and how long the first build takes, before the SDK says anything.
            Assert.That(first, Is.EqualTo("== building the xform command from this clone (.NET SDK, Release)"));
            var lines = rest.Split('\n');
            Assert.That(lines[0], tool == "native" ? Does.Contain($"compiles the tool to native code for this machine ({clang})") : Does.Contain("precompiled (ReadyToRun)"));
            Assert.That(lines[1], Does.Contain(tool == "native" ? "about 2 minutes on 2 cores" : "about 2 to 3 minutes the first time"));

            // Each build the script tries, in order, until one packs: native (this platform's package, then the one
            // `tool update` names, from the same build), ReadyToRun, portable.
            var pack = @"^dotnet pack src/Xform.Cli -c Release -o \S+/nupkg -nologo -v minimal -p:PackageVersion=1\.0\.0-local\.\d{14}";
            var expected = new List<string>();
            if (tool == "native")
            {
                expected.Add(pack + " --use-current-runtime -p:XformNativeTool=true$");
                if (!failing.Contains("XformNativeTool")) expected.Add(pack + " --no-build -p:XformNativeTool=true$");
            }
            if (tool != "native" || failing.Contains("XformNativeTool"))
            {
                expected.Add(pack + " -p:XformReadyToRunTool=true$");
                if (failing.Contains("XformReadyToRunTool")) expected.Add(pack + "$");
            }
            var calls = File.ReadAllLines(log).ToList();
            Assert.That(calls, Has.Count.EqualTo(expected.Count + 2), string.Join("\n", calls));
            for (var i = 0; i < expected.Count; i++) Assert.That(calls[i], Does.Match(expected[i]));
            Assert.That(rest.Contains("the native tool could not be built"), Is.EqualTo(failing.Contains("XformNativeTool")));
            Assert.That(rest.Contains("packing the portable one"), Is.EqualTo(failing.Contains("XformReadyToRunTool")));
            var version = Regex.Match(calls[0], @"PackageVersion=(\S+)").Groups[1].Value;
            Assert.That(calls.Where(c => c.StartsWith("dotnet pack", StringComparison.Ordinal)).Select(c => Regex.Match(c, @"PackageVersion=(\S+)").Groups[1].Value),
                Is.All.EqualTo(version), "one version for every pack");
            Assert.That(calls[^2], Is.EqualTo($"dotnet tool update --global Xform.Cli --version {version} --add-source {work}/nupkg --ignore-failed-sources --allow-downgrade"));
            Assert.That(calls[^1], Is.EqualTo("xform build --threads 2"), "then the main job, with the script's arguments");
            Assert.That(rest, Does.Contain($"{work}/.dotnet/tools is not on your PATH").And.Contain($"export PATH=\"$PATH:{work}/.dotnet/tools\""));
            Assert.That(rest, Does.Contain("Done. PASS=1"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
