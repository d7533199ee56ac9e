using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Cli.Commands;

/// <summary>Commands that read the project and report: debug, parse, ls, clean, init.</summary>
static class InfoCommands
{
    public static readonly Option<string> OutputFormat = new("--output", "-o") { Description = "selector, name, path or json", DefaultValueFactory = _ => "selector" };
    public static readonly Option<string[]> ResourceType = new("--resource-type") { Description = "model, seed, source, test, snapshot", AllowMultipleArgumentsPerToken = true };
    public static readonly Argument<string> InitName = new("name") { Description = "Folder and project name", DefaultValueFactory = _ => "my_project" };

    static InfoCommands()
    {
        OutputFormat.AcceptOnlyFromAmong("selector", "name", "path", "json");
    }

    public static int Debug(CommandContext context)
    {
        var o = context.Output;
        o.Info($"xform version: {Version.Text}");
        o.Info($"project dir: {context.ProjectDir}");
        var project = context.Project;
        o.Info($"project file: {project.FilePath} [OK found and valid], project '{project.Name}'");
        var profilesDir = ProfileReader.ResolveDir(context.Get(CliOptions.ProfilesDir), context.ProjectDir);
        o.Info($"profiles.yml: {Path.Combine(profilesDir, ProfileReader.FileName)}");
        var target = context.Target;
        o.Info($"profile '{target.ProfileName}', target '{target.Name}' [OK found and valid]");
        foreach (var (key, value) in target.Describe()) o.Info($"  {key}: {value}");
        try
        {
            using var connection = context.Adapter.Open();
            connection.Query("select 1");
            o.Info($"connection: {context.Adapter.Describe()} [OK connection ok]");
        }
        catch (Exception e) when (e is XformException or Core.Adapters.DatabaseException)
        {
            o.Error($"connection: {context.Adapter.Describe()} [ERROR] {e.Message}");
            return XformCli.UserError;
        }
        o.Info("All checks passed!");
        return XformCli.Success;
    }

    public static int Parse(CommandContext context)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var manifest = context.Manifest;
        context.WriteManifest();
        context.Output.Info($"Parsed {Summary.Of(manifest)} in {watch.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)}s");
        return XformCli.Success;
    }

    public static int List(CommandContext context)
    {
        var types = (context.Get(ResourceType) ?? []).Select(t => Enum.TryParse<Core.Project.ResourceType>(t, true, out var r)
            ? r : throw new XformException($"unknown resource type '{t}'; use model, seed, source, test or snapshot")).ToArray();
        var format = context.Get(OutputFormat);
        foreach (var node in context.Selected(types))
        {
            context.Output.Data(format switch
            {
                "name" => node.Name,
                "path" => node.OriginalFilePath,
                "json" => JsonSerializer.Serialize(new
                {
                    name = node.Name, resource_type = node.ResourceType.ToString().ToLowerInvariant(), package_name = node.PackageName,
                    original_file_path = node.OriginalFilePath, unique_id = node.UniqueId, alias = node.Relation.Identifier,
                    config = new { materialized = node.Materialized, tags = node.Config.Tags, schema = node.Relation.Schema },
                    tags = node.Config.Tags, depends_on = new { nodes = node.DependsOn },
                }),
                _ => node.ResourceType == Core.Project.ResourceType.Source
                    ? $"source:{string.Join(".", node.Fqn)}"
                    : string.Join(".", node.Fqn),
            });
        }
        return XformCli.Success;
    }

    public static int Clean(CommandContext context)
    {
        var root = context.Project.RootDir;
        foreach (var target in context.Project.CleanTargets)
        {
            var full = Path.GetFullPath(Path.Combine(root, target));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new XformException($"clean-targets entry '{target}' is outside the project folder; xform only deletes inside it",
                    new SourceLocation(context.Project.FilePath, 0, 0));
            if (!Directory.Exists(full)) continue;
            Directory.Delete(full, recursive: true);
            context.Output.Info($"Deleted {target}");
        }
        context.Output.Info("Finished cleaning");
        return XformCli.Success;
    }

    public static int Init(CommandContext context)
    {
        var name = context.ParseResult.GetValue(InitName) ?? "my_project";
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z_][A-Za-z0-9_]*$"))
            throw new XformException($"project name '{name}' must be letters, digits and underscores, not starting with a digit");
        var dir = Path.Combine(context.ProjectDir, name);
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new XformException($"folder '{name}' already exists and is not empty");
        StarterProject.Write(dir, name);
        context.Output.Info($"Created project '{name}'. Next: cd {name} && xform build");
        return XformCli.Success;
    }
}
