using System.Text.RegularExpressions;
using System.Xml.Linq;
using NUnit.Framework;
using YamlDotNet.RepresentationModel;

namespace Xform.Cli.Tests.Pipeline;

/// <summary>
/// The GitHub Actions workflow and the Dockerfile cannot run here (no GitHub, no Docker engine), so they are checked for
/// what would break them: the workflow is valid YAML whose jobs call scripts that exist and are executable and pass the
/// artifact from the job that uploads it to the one that downloads it; the Dockerfile publishes the CLI project that
/// exists, runs the assembly that project builds, and runs it as a non-root user. The scripts themselves run for real
/// in the CI recipe tests.
/// </summary>
[TestFixture]
public sealed class PipelineFilesTests
{
    static readonly string Root = TestProject.RepositoryRoot;

    static YamlMappingNode Workflow()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, ".github/workflows/xform.yml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];
    static string? Scalar(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;

    static IEnumerable<(string Job, YamlMappingNode Step)> Steps(YamlMappingNode workflow) =>
        Map(workflow, "jobs").Children.SelectMany(job =>
            ((YamlSequenceNode)((YamlMappingNode)job.Value).Children[new YamlScalarNode("steps")]).Cast<YamlMappingNode>()
                .Select(step => (((YamlScalarNode)job.Key).Value!, step)));

    [Test]
    public void The_workflow_runs_on_pull_requests_and_on_main()
    {
        var on = Map(Workflow(), "on");
        Assert.That(on.Children.Keys.Select(k => ((YamlScalarNode)k).Value), Is.SupersetOf(new[] { "pull_request", "push" }));
        var branches = (YamlSequenceNode)Map(on, "push").Children[new YamlScalarNode("branches")];
        Assert.That(branches.Select(b => ((YamlScalarNode)b).Value), Is.EqualTo(new[] { "main" }));
    }

    [Test]
    public void Every_job_has_a_runner_and_every_step_a_pinned_action_or_an_existing_executable_script()
    {
        var workflow = Workflow();
        foreach (var job in Map(workflow, "jobs").Children)
            Assert.That(Scalar(job.Value, "runs-on"), Is.Not.Null.And.Not.Empty, $"job {job.Key} has no runs-on");
        var scripts = 0;
        foreach (var (job, step) in Steps(workflow))
        {
            var uses = Scalar(step, "uses");
            var run = Scalar(step, "run");
            Assert.That(uses is null ^ run is null, $"a step of job {job} must have exactly one of uses and run");
            if (uses is not null) Assert.That(uses, Does.Match(@"^[\w.-]+/[\w.-]+@v\d+$"), $"job {job}: pin the action to a major version");
            foreach (Match m in Regex.Matches(run ?? "", @"scripts/[\w/.-]+\.sh"))
            {
                var path = Path.Combine(Root, m.Value);
                Assert.That(File.Exists(path), $"job {job} runs {m.Value}, which does not exist");
                if (!OperatingSystem.IsWindows())
                    Assert.That(File.GetUnixFileMode(path) & UnixFileMode.UserExecute, Is.Not.EqualTo(UnixFileMode.None), $"{m.Value} is not executable");
                scripts++;
            }
        }
        Assert.That(scripts, Is.GreaterThanOrEqualTo(4), "the workflow's steps are the scripts under scripts/ci");
    }

    [Test]
    public void Pull_requests_read_the_artifact_the_main_branch_uploads()
    {
        var steps = Steps(Workflow()).ToList();
        var upload = steps.Single(s => Scalar(s.Step, "uses")?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true);
        Assert.That(upload.Job, Is.EqualTo("production"));
        var name = Scalar(Map(upload.Step, "with"), "name");
        var restore = File.ReadAllText(Path.Combine(Root, "scripts/ci/restore-artifacts.sh"));
        Assert.That(restore, Does.Contain($"--name {name} "), "restore-artifacts.sh downloads the artifact under the name production uploads");
        Assert.That(restore, Does.Contain("--workflow xform "), "and finds the runs of this workflow");
        Assert.That(Scalar(Workflow(), "name"), Is.EqualTo("xform"));
        var pages = steps.Single(s => Scalar(s.Step, "uses")?.StartsWith("actions/upload-pages-artifact@", StringComparison.Ordinal) == true);
        Assert.That(Scalar(Map(pages.Step, "with"), "path"), Is.EqualTo($"{Scalar(Map(upload.Step, "with"), "path")}/site"),
            "the docs site is published from site/, never the artifacts with production's database");
        var pr = steps.Where(s => s.Job == "pull-request").Select(s => Scalar(s.Step, "run")).OfType<string>().ToList();
        Assert.That(pr, Has.Some.StartsWith("scripts/ci/restore-artifacts.sh prod-artifacts"));
        Assert.That(pr, Has.Some.StartsWith("scripts/ci/pull-request.sh prod-artifacts"));
    }

    [Test]
    public void Every_ci_script_is_valid_bash()
    {
        foreach (var script in Directory.EnumerateFiles(Path.Combine(Root, "scripts/ci"), "*.sh"))
        {
            using var bash = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-n", script]) { RedirectStandardError = true })!;
            var errors = bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            Assert.That(bash.ExitCode, Is.Zero, $"{script}: {errors}");
        }
    }

    [Test]
    public void The_dockerfile_publishes_the_cli_and_runs_it_as_a_non_root_user()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.That(stages, Has.Count.EqualTo(2), "an SDK stage and a runtime stage");
        Assert.That(stages[0], Does.Contain("/dotnet/sdk:10.0").And.EndWith(" AS build"));
        Assert.That(stages[1], Does.Contain("/dotnet/runtime:10.0"));

        var final = lines.Skip(lines.IndexOf(stages[1])).ToList();
        var user = final.LastOrDefault(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.That(user, Is.Not.Null.And.Not.EqualTo("USER root").And.Not.EqualTo("USER 0"), "the runtime stage runs as a non-root user");

        var publish = Regex.Match(string.Join("\n", lines), @"dotnet publish (\S+)");
        Assert.That(publish.Success, "the SDK stage publishes the CLI");
        var csproj = Directory.GetFiles(Path.Combine(Root, publish.Groups[1].Value), "*.csproj").Single();
        var assembly = XDocument.Load(csproj).Descendants("AssemblyName").Single().Value;
        Assert.That(final.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal)), Does.Contain($"/{assembly}.dll\""));

        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
            foreach (var source in copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
                Assert.That(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)), $"{copy}: {source} does not exist");
    }
}
