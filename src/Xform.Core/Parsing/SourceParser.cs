using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Parsing;

/// <summary>Sources: each table of the <c>sources:</c> blocks the YAML property files declare.</summary>
internal static class SourceParser
{
    public static void Parse(ParseContext context)
    {
        var project = context.Project;
        foreach (var table in context.Properties.SourceTables)
        {
            var id = $"source.{project.Name}.{table.SourceName}.{table.TableName}";
            if (context.Nodes.ContainsKey(id))
                throw new XformException($"source table '{table.SourceName}.{table.TableName}' is declared twice", table.Location);
            var fqn = new[] { project.Name, table.SourceName, table.TableName };
            var config = context.Configure(p => p.Sources, fqn, null).With(table.Config).With([new("tags", table.Tags)], table.Location);
            context.AddIfEnabled(new Node
            {
                UniqueId = id, ResourceType = ResourceType.Source, Name = table.TableName, PackageName = project.Name,
                OriginalFilePath = table.Location.File, Path = table.Location.File, Fqn = fqn, Config = config,
                Relation = new RelationName(table.Database, table.Schema, table.Identifier), Description = table.Description,
                Columns = table.Columns, Source = table.Info, Location = table.Location,
            });
        }
    }
}
