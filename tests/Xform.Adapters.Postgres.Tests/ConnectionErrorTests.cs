using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Xform.Adapters.Conformance;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>
/// Every way a PostgreSQL connection fails, through the CLI: exit 2 and one line at the output in profiles.yml that
/// says what was refused and what to check; no stack trace, no "internal error", never the password.
/// </summary>
public class ConnectionErrorTests
{
    readonly List<ConformanceProject> _projects = [];

    [TearDown]
    public void Cleanup()
    {
        foreach (var p in _projects) p.Dispose();
        _projects.Clear();
    }

    static PostgresServer Server => ServerFixture.Require();

    /// <summary>A project on the test server with the given profile keys changed (null: removed), and one model.</summary>
    ConformanceProject Project(params (string Key, string? Value)[] changes)
    {
        ServerFixture.Require();
        var p = new ConformanceProject(PostgresTarget.Instance);
        _projects.Add(p);
        var profile = p.Read("profiles.yml");
        foreach (var (key, value) in changes)
        {
            var line = new Regex($"^      {key}: .*\n", RegexOptions.Multiline);
            var replacement = value is null ? "" : $"      {key}: '{value}'\n";
            profile = line.IsMatch(profile) ? line.Replace(profile, replacement) : profile + replacement;
        }
        p.Write("profiles.yml", profile);
        p.Write("models/m.sql", "{{ config(materialized='table') }}select 1 as id");
        return p;
    }

    /// <summary>run: exit 2, exactly the expected line on stderr; debug: exit 1 (dbt's, a failed check) and the same reason; neither shows a secret or a trace.</summary>
    static void Expect(ConformanceProject p, string user, string server, string reason, params string[] secrets)
    {
        var expected = $"profiles.yml:4:5: error: cannot connect to PostgreSQL at {server} as '{user}' (output 'dev'): {reason}";
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(Lines(r.Err), Is.EqualTo(new[] { expected }), r.ToString());
        var debug = p.Run("debug");
        Assert.That(debug.ExitCode, Is.EqualTo(1), debug.ToString());
        Assert.That(debug.All, Does.Contain(reason));
        foreach (var output in new[] { r.All, debug.All })
        {
            Assert.That(output, Does.Not.Contain("   at ").And.Not.Contain("internal error").And.Not.Contain("Exception"));
            foreach (var secret in secrets) Assert.That(output, Does.Not.Contain(secret));
        }
    }

    static string[] Lines(string text) =>
        ConsoleText.UntimedLines(text);

    static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Test]
    public void A_wrong_password() =>
        Expect(Project(("password", "not-the-password")), "postgres", $"127.0.0.1:{Server.Port}",
            "password authentication failed: check 'password' and 'user'", "not-the-password", Server.Password);

    [Test]
    public void No_password_where_the_server_asks_for_one()
    {
        if (Environment.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 })
            Assert.Ignore("PGPASSWORD is set: a profile without a password uses it");
        Expect(Project(("password", null)), "postgres", $"127.0.0.1:{Server.Port}",
            "the server asks for a password and none was given: set 'password' (or PGPASSWORD, ~/.pgpass)", Server.Password);
    }

    [Test]
    public void A_database_that_does_not_exist() =>
        Expect(Project(("dbname", "no_such_db")), "postgres", $"127.0.0.1:{Server.Port}",
            "database 'no_such_db' does not exist: check 'dbname'", Server.Password);

    [Test]
    public void A_role_that_does_not_exist() =>
        Expect(Project(("role", "no_such_role")), "postgres", $"127.0.0.1:{Server.Port}",
            "role \"no_such_role\" does not exist: check 'role'", Server.Password);

    [Test]
    public void A_port_where_no_server_runs()
    {
        var port = ClosedPort();
        Expect(Project(("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))), "postgres", $"127.0.0.1:{port}",
            "connection refused: check 'host' and 'port', and that the server is running and accepts TCP connections there", Server.Password);
    }

    [Test]
    public void A_socket_directory_where_no_server_runs()
    {
        var dir = Directory.CreateTempSubdirectory("xform-nosocket-").FullName;
        try
        {
            Expect(Project(("host", dir)), "postgres", $"{dir} (port {Server.Port})",
                $"no server listens on the socket '{dir}/.s.PGSQL.{Server.Port}': check 'host' and 'port', and that the server is running", Server.Password);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Test]
    public void A_host_name_that_does_not_resolve() =>
        Expect(Project(("host", "no-such-host.invalid")), "postgres", $"no-such-host.invalid:{Server.Port}",
            "unknown host 'no-such-host.invalid': check 'host'", Server.Password);

    [Test]
    public void A_server_that_never_answers_times_out()
    {
        // accepts the connection and says nothing, as a host behind a firewall that drops the packets would
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            try { while (true) accepted.Add(await silent.AcceptTcpClientAsync()); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        });
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        Expect(Project(("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("connect_timeout", "1")), "postgres", $"127.0.0.1:{port}",
            "no answer within 1s: check 'host', 'port' and the network (a firewall that drops packets), or raise 'connect_timeout'", Server.Password);
        silent.Stop();
        accepting.Wait();
        foreach (var c in accepted) c.Dispose();
    }
}
