using Xform.Adapters.Conformance;
using Xform.Adapters.DuckDb;
using Xform.Core.Adapters;
using Xform.Core.Project;

namespace Xform.Adapters.DuckDb.Tests;

/// <summary>The adapter conformance suite on DuckDB: one database file per throwaway project.</summary>
sealed class DuckDbTarget : ConformanceTarget
{
    public static readonly DuckDbTarget Instance = new();

    public override string Type => "duckdb";

    public override IReadOnlyDictionary<string, string> Output(string projectDir, string schema) =>
        new Dictionary<string, string> { ["path"] = "target/test.duckdb", ["schema"] = schema, ["threads"] = "4" };

    /// <summary>Each project has its own database file: build into DuckDB's default schema.</summary>
    public override string Schema(string fresh) => "main";

    /// <summary>A pull request builds into a file of its own; --defer attaches production's file read-only.</summary>
    public override IReadOnlyDictionary<string, string> CiOutput(string projectDir, string schema) =>
        new Dictionary<string, string> { ["path"] = "target/ci.duckdb", ["schema"] = "main", ["threads"] = "4" };

    public override string CiSchema(string schema) => "main";

    public override IAdapter CreateAdapter(TargetConfig target, string projectRoot) => new DuckDbAdapter(target, projectRoot);

    public override string CommentsQuery(string schema, string relation) => $"""
        select null, comment from duckdb_tables() where schema_name = '{schema}' and table_name = '{relation}' and comment is not null
        union all select null, comment from duckdb_views() where schema_name = '{schema}' and view_name = '{relation}' and comment is not null
        union all select lower(column_name), comment from duckdb_columns() where schema_name = '{schema}' and table_name = '{relation}' and comment is not null
        """;
}

public class DuckDbBuildFlagConformance : BuildFlagConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbMaterializationConformance : MaterializationConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbSeedConformance : SeedConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbDataTestConformance : DataTestConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbIncrementalConformance : IncrementalConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbSnapshotConformance : SnapshotConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbCrossDbMacroConformance : CrossDbMacroConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbFaultConformance : FaultConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbCrossDbMacroKnownAnswers : CrossDbMacroKnownAnswers
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbDatabaseObjectsConformance : DatabaseObjectsConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbContextConformance : ContextConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbDeferConformance : DeferConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbCloneConformance : CloneConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}

public class DuckDbCommandConformance : CommandConformance
{
    protected override ConformanceTarget Target => DuckDbTarget.Instance;
}
