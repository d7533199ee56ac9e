using Xform.Adapters.Snowflake;

namespace Xform.Adapters.Snowflake.Tests;

static class Fixtures
{
    public static SnowflakeSettings Settings(FakeSnowflake fake, Func<SnowflakeSettings, SnowflakeSettings>? change = null)
    {
        var s = new SnowflakeSettings
        {
            Account = fake.Account.ToLowerInvariant() + ".us-east-1",
            User = fake.User.ToLowerInvariant(),
            Database = fake.Database.ToLowerInvariant(),
            Schema = "public",
            Warehouse = "transforming",
            Role = "transformer",
            Authenticator = SnowflakeAuthenticator.Jwt,
            PrivateKey = fake.PrivateKeyPem,
            QueryTag = "xform-tests",
            Retries = 3,
            BaseUri = new Uri($"http://127.0.0.1:{fake.Port}/"),
        };
        return change is null ? s : change(s);
    }

    public static SnowflakeAdapter Adapter(FakeSnowflake fake, Func<SnowflakeSettings, SnowflakeSettings>? change = null, Func<DateTimeOffset>? clock = null)
    {
        var adapter = new SnowflakeAdapter(Settings(fake, change), Path.GetTempPath(), clock: clock);
        adapter.Client.BackoffBase = TimeSpan.FromMilliseconds(5);
        adapter.Client.PollStart = TimeSpan.FromMilliseconds(5);
        return adapter;
    }
}
