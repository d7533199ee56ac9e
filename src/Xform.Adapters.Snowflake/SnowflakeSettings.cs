using System.Globalization;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Adapters.Snowflake;

public enum SnowflakeAuthenticator { Jwt, OAuth, Pat }

/// <summary>
/// A snowflake target of profiles.yml, checked. Secrets (<c>private_key</c>, <c>private_key_passphrase</c>,
/// <c>token</c>) are kept here and never appear in <see cref="Describe"/> or in error messages.
/// </summary>
public sealed record SnowflakeSettings
{
    public required string Account { get; init; }
    public required string User { get; init; }
    public string? Role { get; init; }
    public string? Warehouse { get; init; }
    public required string Database { get; init; }
    public required string Schema { get; init; }
    public SnowflakeAuthenticator Authenticator { get; init; }
    public string? PrivateKeyPath { get; init; }
    public string? PrivateKey { get; init; }
    public string? PrivateKeyPassphrase { get; init; }
    public string? Token { get; init; }
    public string? QueryTag { get; init; }
    /// <summary>Seconds a statement may run before Snowflake cancels it (0: the account's default).</summary>
    public int StatementTimeout { get; init; }
    /// <summary>How many times a throttled or failed request is retried.</summary>
    public int Retries { get; init; } = 5;
    public required Uri BaseUri { get; init; }
    /// <summary>The output's name and where profiles.yml names it, for connection errors.</summary>
    public string Output { get; init; } = "";
    public SourceLocation OutputLocation { get; init; }

    public XformException ConnectionError(string message) => new(message, OutputLocation);

    static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "type", "threads", "account", "user", "role", "warehouse", "database", "schema", "authenticator", "private_key_path",
        "private_key", "private_key_passphrase", "token", "query_tag", "statement_timeout", "retries", "host", "port", "protocol",
    };

    public static SnowflakeSettings From(TargetConfig target, string projectRoot)
    {
        string Where() => $"target '{target.Name}' of profile '{target.ProfileName}'";
        string? Opt(string key) => target.Get(key) is { } v && v.Trim().Length > 0 ? v.Trim() : null;
        string Req(string key) => Opt(key) ?? throw new XformException($"{Where()} (type snowflake) needs '{key}'", target.Location);
        int Int(string key, int fallback, int min)
        {
            var text = Opt(key);
            if (text is null) return fallback;
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new XformException($"'{key}' of {Where()} must be a whole number of at least {min}, not '{text}'", target.At(key));
        }

        foreach (var name in target.Settings.Keys)
        {
            if (Known.Contains(name)) continue;
            if (name is "password")
                throw new XformException($"{Where()}: the Snowflake SQL API does not accept passwords; use authenticator: jwt with a key pair, oauth or pat", target.At("password"));
            throw new XformException($"{Where()} has an unknown key '{name}'; snowflake targets take: {string.Join(", ", Known.Order(StringComparer.Ordinal))}", target.At(name));
        }

        var account = Req("account");
        var authText = (Opt("authenticator") ?? "jwt").ToLowerInvariant();
        var auth = authText switch
        {
            "jwt" or "snowflake_jwt" or "keypair" => SnowflakeAuthenticator.Jwt,
            "oauth" => SnowflakeAuthenticator.OAuth,
            "pat" or "programmatic_access_token" => SnowflakeAuthenticator.Pat,
            _ => throw new XformException($"'authenticator' of {Where()} must be jwt, oauth or pat, not '{authText}'", target.At("authenticator")),
        };
        var keyPath = Opt("private_key_path");
        var key = Opt("private_key");
        var token = Opt("token");
        switch (auth)
        {
            case SnowflakeAuthenticator.Jwt when keyPath is null && key is null:
                throw new XformException($"{Where()} uses key-pair authentication (jwt): set 'private_key_path' or 'private_key'", target.Location);
            case SnowflakeAuthenticator.Jwt when keyPath is not null && key is not null:
                throw new XformException($"{Where()}: set only one of 'private_key_path' and 'private_key'", target.At("private_key"));
            case SnowflakeAuthenticator.OAuth or SnowflakeAuthenticator.Pat when token is null:
                throw new XformException($"{Where()} uses authenticator {authText}: set 'token' (for example with {{{{ env_var('SNOWFLAKE_TOKEN') }}}})", target.Location);
        }

        var protocol = (Opt("protocol") ?? "https").ToLowerInvariant();
        if (protocol is not ("https" or "http"))
            throw new XformException($"'protocol' of {Where()} must be https or http, not '{protocol}'", target.At("protocol"));
        var host = Opt("host") ?? $"{account.ToLowerInvariant().Replace('_', '-')}.snowflakecomputing.com";
        var port = Int("port", protocol == "https" ? 443 : 80, 1);
        Uri baseUri;
        try
        {
            baseUri = new UriBuilder(protocol, host, port).Uri;
        }
        catch (UriFormatException)
        {
            throw new XformException($"{Where()}: '{host}' is not a valid host name", target.At("host"));
        }

        return new SnowflakeSettings
        {
            Account = account,
            User = Req("user"),
            Role = Opt("role"),
            Warehouse = Opt("warehouse"),
            Database = Req("database"),
            Schema = Opt("schema") ?? target.Schema,
            Authenticator = auth,
            PrivateKeyPath = keyPath is null ? null : Path.GetFullPath(Path.Combine(projectRoot, Environment.ExpandEnvironmentVariables(keyPath.StartsWith("~/", StringComparison.Ordinal)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), keyPath[2..]) : keyPath))),
            PrivateKey = key,
            PrivateKeyPassphrase = Opt("private_key_passphrase"),
            Token = token,
            QueryTag = Opt("query_tag"),
            StatementTimeout = Int("statement_timeout", 0, 0),
            Retries = Int("retries", 5, 0),
            BaseUri = baseUri,
            Output = target.Name,
            OutputLocation = target.Location,
        };
    }

    /// <summary>
    /// dbt-snowflake's target (its connection keys): account, user, database, warehouse, role, schema, ... as this
    /// connection uses them. Never a key, passphrase or token.
    /// </summary>
    public IReadOnlyDictionary<string, object?> TargetFields() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["account"] = Account,
        ["user"] = User,
        ["database"] = Database,
        ["warehouse"] = Warehouse,
        ["role"] = Role,
        ["schema"] = Schema,
        ["authenticator"] = Authenticator.ToString().ToLowerInvariant(),
        ["query_tag"] = QueryTag,
        ["host"] = BaseUri.Host,
        ["port"] = (long)BaseUri.Port,
        ["protocol"] = BaseUri.Scheme,
        ["retries"] = (long)Retries,
        ["statement_timeout"] = (long)StatementTimeout,
    };

    /// <summary>The same as <see cref="Describe"/>: a record would otherwise print every property, secrets included.</summary>
    public override string ToString() => Describe();

    /// <summary>One line for <c>xform debug</c>: where and as whom, never a secret.</summary>
    public string Describe() =>
        $"snowflake account {Account} at {BaseUri.GetLeftPart(UriPartial.Authority)}, user {User}" +
        (Role is null ? "" : $", role {Role}") + (Warehouse is null ? "" : $", warehouse {Warehouse}") +
        $", database {Database}, schema {Schema}, authenticator {Authenticator.ToString().ToLowerInvariant()}";
}
