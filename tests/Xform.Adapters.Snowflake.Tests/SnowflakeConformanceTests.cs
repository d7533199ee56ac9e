using System.Globalization;
using Xform.Adapters.Conformance;
using Xform.Core.Adapters;
using Xform.Core.Project;

namespace Xform.Adapters.Snowflake.Tests.Conformance;

/// <summary>One loopback server for every conformance fixture of this namespace, stopped at the end.</summary>
[SetUpFixture]
public sealed class FakeSnowflakeFixture
{
    static FakeSnowflake? _fake;

    public static FakeSnowflake Fake => _fake ?? throw new InvalidOperationException("the FakeSnowflake of the conformance fixtures is not running");

    [OneTimeSetUp]
    public void Start() => _fake = new FakeSnowflake();

    [OneTimeTearDown]
    public void Stop()
    {
        _fake?.Dispose();
        _fake = null;
    }
}

/// <summary>
/// The conformance suite through the Snowflake adapter and the real SQL API protocol, against the loopback
/// <see cref="FakeSnowflake"/> (statements run on DuckDB after its rewrites): one schema per project, key-pair
/// authentication with the fake's registered key.
/// </summary>
sealed class SnowflakeTarget : ConformanceTarget
{
    public static readonly SnowflakeTarget Instance = new();

    public override string Type => "snowflake";

    public override IReadOnlyDictionary<string, string> Output(string projectDir, string schema)
    {
        var fake = FakeSnowflakeFixture.Fake;
        return new Dictionary<string, string>
        {
            ["account"] = fake.Account.ToLowerInvariant() + ".us-east-1", ["user"] = fake.User.ToLowerInvariant(),
            ["database"] = fake.Database.ToLowerInvariant(), ["schema"] = schema, ["warehouse"] = "transforming", ["role"] = "transformer",
            ["authenticator"] = "jwt", ["private_key"] = Convert.ToBase64String(fake.Key.ExportPkcs8PrivateKey()),
            ["protocol"] = "http", ["host"] = "127.0.0.1", ["port"] = fake.Port.ToString(CultureInfo.InvariantCulture), ["threads"] = "4",
        };
    }

    public override IAdapter CreateAdapter(TargetConfig target, string projectRoot) => new SnowflakeAdapter(target, projectRoot);

    public override string CommentsQuery(string schema, string relation) => $"""
        select null, comment from information_schema.tables
        where table_schema = upper('{schema}') and table_name = upper('{relation}') and comment is not null
        union all
        select lower(column_name), comment from information_schema.columns
        where table_schema = upper('{schema}') and table_name = upper('{relation}') and comment is not null
        """;

    public override string? KnownIssue(string testName) => testName switch
    {
        nameof(FaultConformance.Killing_xform_mid_build_keeps_the_previous_version) =>
            "a statement submitted to the SQL API runs to completion in Snowflake whatever becomes of the client (after 45 s it " +
            "goes on asynchronously, with a handle): killing xform once its one-request table build or merge transaction " +
            "was sent ends with the NEW version, whole, not the previous one (the fake does the same); only a Ctrl-C, which " +
            "cancels the statements, can stop it",
        _ => null,
    };
}

public class SnowflakeBuildFlagConformance : BuildFlagConformance
{
    protected override ConformanceTarget Target => SnowflakeTarget.Instance;
}

public class SnowflakeMaterializationConformance : MaterializationConformance
{
    protected override ConformanceTarget Target => SnowflakeTarget.Instance;
}

public class SnowflakeSeedConformance : SeedConformance
{
    protected override ConformanceTarget Target => SnowflakeTarget.Instance;
}

public class SnowflakeDataTestConformance : DataTestConformance
{
    protected override ConformanceTarget Target => SnowflakeTarget.Instance;
}

public class SnowflakeIncrementalConformance : IncrementalConformance
{
    protected override ConformanceTarget Target => SnowflakeTarget.Instance;
}

public class SnowflakeSnapshotConformance : SnapshotConformance
{
    protected override ConformanceTarget Target => SnowflakeTarget.Instance;
}

public class SnowflakeCrossDbMacroConformance : CrossDbMacroConformance
{
    protected override ConformanceTarget Target => SnowflakeTarget.Instance;
}

public class SnowflakeFaultConformance : FaultConformance
{
    protected override ConformanceTarget Target => SnowflakeTarget.Instance;
}

public class SnowflakeContextConformance : ContextConformance
{
    protected override ConformanceTarget Target => SnowflakeTarget.Instance;
}

public class SnowflakeCommandConformance : CommandConformance
{
    protected override ConformanceTarget Target => SnowflakeTarget.Instance;
}
