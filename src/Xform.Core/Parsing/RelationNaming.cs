using System.Globalization;
using Xform.Core.Project;
using Xform.Core.Runtime;
using Xform.Core.Templating;

namespace Xform.Core.Parsing;

/// <summary>
/// Where a model, seed or snapshot is built: dbt's <c>generate_database_name</c>, <c>generate_schema_name</c> and
/// <c>generate_alias_name</c>. The built-in rules (custom schema <c>raw</c> under target schema <c>main</c> is
/// <c>main_raw</c>) run in C#; a macro runs only when the project overrides it (its own <c>generate_schema_name</c>,
/// or a <c>default__</c>/<c>{adapter}__</c> version that <c>adapter.dispatch(name, 'dbt')</c> finds), since calling
/// three macros for each of 10,000 nodes would cost more than the whole parse of their SQL.
/// </summary>
internal sealed class RelationNaming
{
    readonly CompileSession _session;
    readonly bool _database, _schema, _alias;

    // custom schema -> the built-in rule's schema: one string for every node of the same custom schema (every data test's
    // audit schema among them), not one per node kept as long as it
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _customSchemas = new(StringComparer.Ordinal);

    public RelationNaming(CompileSession session)
    {
        _session = session;
        _database = Overridden("generate_database_name");
        _schema = Overridden("generate_schema_name");
        _alias = Overridden("generate_alias_name");
    }

    bool Overridden(string name)
    {
        var engine = _session.Engine;
        if (engine.FindMacro(name, null) is { IsInternal: false }) return true;
        try
        {
            return !engine.Resolver.Dispatch(name, MacroResolver.InternalNamespace, null).IsInternal;
        }
        catch (JinjaError)
        {
            return false;
        }
    }

    /// <param name="package">the node's package (its vars and macros when a naming macro runs)</param>
    /// <param name="version">a versioned model's version: its default alias is <c>&lt;name&gt;_v&lt;version&gt;</c></param>
    public RelationName For(NodeConfig config, string name, ResourceType type, IReadOnlyList<string> fqn, string path, string package, string? version = null)
    {
        var target = _session.Target;
        var customSchema = config.GetString("schema");
        var customDatabase = config.GetString("database");
        var customAlias = config.GetString("alias");
        // dbt's default__generate_schema_name and default__generate_alias_name.
        var defaultSchema = string.IsNullOrEmpty(customSchema) ? target.Schema
            : _customSchemas.GetOrAdd(customSchema, (custom, schema) => $"{schema}_{custom.Trim()}", target.Schema);
        var defaultAlias = !string.IsNullOrEmpty(customAlias) ? customAlias.Trim() : version is null ? name : $"{name}_v{version.Replace('.', '_')}";
        if (!_database && !_schema && !_alias) return new RelationName(customDatabase, defaultSchema, defaultAlias);

        var node = NodeObject(config, name, type, fqn, path, package, version);
        string Call(string macro, string? custom) =>
            Convert.ToString(_session.Engine.CallMacro(macro, [custom, node], new Dictionary<string, object?>(), _session.BaseGlobals(package)),
                CultureInfo.InvariantCulture)?.Trim() ?? "";
        var database = _database ? Call("generate_database_name", customDatabase) : customDatabase;
        // The target's own database is the default, which relations leave out.
        if (_database && string.Equals(database, target.Database, StringComparison.OrdinalIgnoreCase)) database = null;
        var schema = _schema ? Call("generate_schema_name", customSchema) : defaultSchema;
        var alias = _alias ? Call("generate_alias_name", customAlias) : defaultAlias;
        return new RelationName(string.IsNullOrEmpty(database) ? null : database, schema, alias);
    }

    /// <summary>The <c>node</c> the naming macros receive: the fields dbt's node has that such macros read.</summary>
    static Dictionary<string, object?> NodeObject(NodeConfig config, string name, ResourceType type, IReadOnlyList<string> fqn, string path, string package, string? version) =>
        new(StringComparer.Ordinal)
        {
            ["name"] = name,
            ["resource_type"] = type.ToString().ToLowerInvariant(),
            ["package_name"] = package,
            ["fqn"] = fqn.ToList<object?>(),
            ["original_file_path"] = path,
            ["path"] = path,
            ["unique_id"] = $"{type.ToString().ToLowerInvariant()}.{package}.{name}{(version is null ? "" : $".v{version}")}",
            ["version"] = version,
            ["config"] = config.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            ["tags"] = config.Tags.ToList<object?>(),
        };
}
