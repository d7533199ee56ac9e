using Xform.Adapters.Conformance;
using Xform.Core.Adapters;
using Xform.Core.Project;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>One throwaway server for every test of this assembly, stopped and deleted at the end.</summary>
[SetUpFixture]
public sealed class ServerFixture
{
    public static PostgresServer? Server { get; private set; }
    public static string? SkipReason { get; private set; }

    [OneTimeSetUp]
    public void StartServer()
    {
        Server = PostgresServer.Start(out var reason);
        SkipReason = reason;
        TestContext.Progress.WriteLine(Server is null
            ? $"PostgreSQL test server not started: {reason}"
            : $"PostgreSQL {Server.Version} started on {Server.Host}:{Server.Port} in {Server.StartupTime.TotalSeconds:0.00}s");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        Server?.Dispose();
        Server = null;
    }

    /// <summary>
    /// The running server; without one (no binaries installed) the test is ignored with the printed reason,
    /// or failed when CI=true (<see cref="Unavailable"/>).
    /// </summary>
    public static PostgresServer Require()
    {
        if (Server is null) Unavailable.Skip(SkipReason ?? "the PostgreSQL test server did not start");
        return Server;
    }
}

/// <summary>The conformance suite on the throwaway server: one schema per project.</summary>
sealed class PostgresTarget : ConformanceTarget
{
    public static readonly PostgresTarget Instance = new();

    public override string Type => "postgres";

    public override string? SkipReason => ServerFixture.Server is null ? ServerFixture.SkipReason ?? "the PostgreSQL test server did not start" : null;

    public override IReadOnlyDictionary<string, string> Output(string projectDir, string schema)
    {
        var s = ServerFixture.Require();
        return new Dictionary<string, string>
        {
            ["host"] = s.Host, ["port"] = s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["user"] = PostgresServer.User,
            ["password"] = s.Password, ["dbname"] = PostgresServer.Database, ["schema"] = schema, ["threads"] = "4", ["sslmode"] = "disable",
        };
    }

    public override IAdapter CreateAdapter(TargetConfig target, string projectRoot) => new PostgresAdapter(target, projectRoot);

    public override string CommentsQuery(string schema, string relation) => $"""
        select null, obj_description(c.oid, 'pg_class') from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = '{schema}' and c.relname = '{relation}' and obj_description(c.oid, 'pg_class') is not null
        union all
        select lower(a.attname), col_description(c.oid, a.attnum) from pg_class c join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0
        where n.nspname = '{schema}' and c.relname = '{relation}' and col_description(c.oid, a.attnum) is not null
        """;
}

public class PostgresBuildFlagConformance : BuildFlagConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresMaterializationConformance : MaterializationConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresSeedConformance : SeedConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresDataTestConformance : DataTestConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresIncrementalConformance : IncrementalConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresSnapshotConformance : SnapshotConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresCrossDbMacroConformance : CrossDbMacroConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresCrossDbMacroKnownAnswers : CrossDbMacroKnownAnswers
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresFaultConformance : FaultConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresDatabaseObjectsConformance : DatabaseObjectsConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresContextConformance : ContextConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresDeferConformance : DeferConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresCloneConformance : CloneConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}

public class PostgresCommandConformance : CommandConformance
{
    protected override ConformanceTarget Target => PostgresTarget.Instance;
}
