using System.Globalization;
using Npgsql;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Adapters.Postgres;

/// <summary>
/// A postgres target, in dbt's shape: <c>host</c>, <c>port</c>, <c>user</c>, <c>password</c>, <c>dbname</c> (or
/// <c>database</c>), <c>schema</c>, <c>sslmode</c>, <c>connect_timeout</c>, <c>role</c>, <c>search_path</c>. Each
/// connection setting falls back to libpq's variable (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE,
/// PGSSLMODE, PGCONNECT_TIMEOUT), then to libpq's default. The password is only ever put in the connection string.
/// </summary>
public sealed record PostgresProfile(string Host, int Port, string User, string? Password, string Database, string Schema,
    SslMode SslMode, int ConnectTimeout, string? Role, string? SearchPath)
{
    public static PostgresProfile From(TargetConfig target, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? Setting(string key, string? variable = null)
        {
            var v = target.Get(key);
            if (!string.IsNullOrWhiteSpace(v)) return v.Trim();
            if (variable is null) return null;
            var e = environment(variable);
            return string.IsNullOrWhiteSpace(e) ? null : e.Trim();
        }

        var host = Setting("host", "PGHOST") ?? "localhost";
        var portText = Setting("port", "PGPORT") ?? "5432";
        if (!int.TryParse(portText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new XformException($"'port' of target '{target.Name}' must be a TCP port number (1 to 65535), not '{portText}'", target.At("port"));
        var user = Setting("user", "PGUSER") ?? Setting("username") ?? Environment.UserName;
        // the password is read but never echoed: not in messages, not in Describe()
        var password = target.Get("password") is { Length: > 0 } p ? p : environment("PGPASSWORD") is { Length: > 0 } ep ? ep : null;
        var database = Setting("dbname") ?? Setting("database", "PGDATABASE") ?? user;
        var schema = string.IsNullOrWhiteSpace(target.Schema) ? "public" : target.Schema;
        var sslText = Setting("sslmode", "PGSSLMODE") ?? "prefer";
        var ssl = sslText.ToLowerInvariant() switch
        {
            "disable" => SslMode.Disable,
            "allow" => SslMode.Allow,
            "prefer" => SslMode.Prefer,
            "require" => SslMode.Require,
            "verify-ca" => SslMode.VerifyCA,
            "verify-full" => SslMode.VerifyFull,
            _ => throw new XformException(
                $"'sslmode' of target '{target.Name}' must be one of disable, allow, prefer, require, verify-ca, verify-full, not '{sslText}'", target.At("sslmode")),
        };
        var timeoutText = Setting("connect_timeout", "PGCONNECT_TIMEOUT") ?? "10";
        if (!int.TryParse(timeoutText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var timeout) || timeout < 0)
            throw new XformException($"'connect_timeout' of target '{target.Name}' must be a whole number of seconds, not '{timeoutText}'", target.At("connect_timeout"));
        return new PostgresProfile(host, port, user, password, database, schema, ssl, timeout, Setting("role"), Setting("search_path"));
    }

    /// <summary>
    /// dbt-postgres's target (its connection keys, with the dbname alias): the values this connection uses, where the
    /// profile left them to libpq's variables or defaults too; then the profile's other settings. Never the password.
    /// </summary>
    public IReadOnlyDictionary<string, object?> TargetFields(TargetConfig target)
    {
        object? Given(string key, object? fallback) => target.Settings.TryGetValue(key, out var v) && v is not null ? v : fallback;
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["host"] = Host,
            ["port"] = (long)Port,
            ["user"] = User,
            ["database"] = Database,
            ["schema"] = Schema,
            ["connect_timeout"] = (long)ConnectTimeout,
            ["role"] = Role,
            ["search_path"] = SearchPath,
            ["keepalives_idle"] = Given("keepalives_idle", 0L),
            ["sslmode"] = SslModeText,
            ["sslcert"] = Given("sslcert", null),
            ["sslkey"] = Given("sslkey", null),
            ["sslrootcert"] = Given("sslrootcert", null),
            ["application_name"] = "xform",
            ["retries"] = Given("retries", 1L),
            ["dbname"] = Database,
        };
        foreach (var (key, value) in target.Settings)
            if (key is not ("password" or "pass")) fields.TryAdd(key, value);
        return fields;
    }

    string SslModeText => SslMode switch
    {
        SslMode.VerifyCA => "verify-ca",
        SslMode.VerifyFull => "verify-full",
        _ => SslMode.ToString().ToLowerInvariant(),
    };

    /// <summary>Where the connection goes, for messages: <c>127.0.0.1:5432</c> (or the socket directory).</summary>
    public string Server => Host.StartsWith('/') ? $"{Host} (port {Port})" : $"{Host}:{Port}";

    public string ConnectionString()
    {
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = User,
            Database = Database,
            SslMode = SslMode,
            Timeout = ConnectTimeout,
            CommandTimeout = 0, // a model may run for hours; the engine's statement_timeout applies if set
            ApplicationName = "xform",
            // no credentials kept in the connection's own ConnectionString after open
            PersistSecurityInfo = false,
            // the engine's DETAIL (which key was duplicated, ...) is data, not a secret: show it
            IncludeErrorDetail = true,
        };
        if (Password is not null) b.Password = Password;
        if (SearchPath is not null) b.SearchPath = SearchPath;
        return b.ConnectionString;
    }

    /// <summary>No secret: host, port, database, user and schema.</summary>
    public override string ToString() => $"postgres database '{Database}' at {Server} as '{User}', schema '{Schema}'";
}
