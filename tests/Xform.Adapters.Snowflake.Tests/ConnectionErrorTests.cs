using System.Net;
using System.Net.Sockets;
using Xform.Cli;
using Xform.Core.Diagnostics;

namespace Xform.Adapters.Snowflake.Tests;

/// <summary>
/// Refused credentials, refused access, an account that does not exist, a host that does not resolve, nothing
/// listening and nothing answering, against the stand-in: each is exit 2 and one line at the output in profiles.yml
/// saying what was refused and what to check; no stack trace, no "internal error", no token or passphrase.
/// </summary>
[NonParallelizable]
public class ConnectionErrorTests
{
    const string Token = "tok-not-for-output-7f3a";
    FakeSnowflake _fake = null!;
    string _dir = null!;

    [SetUp]
    public void Start()
    {
        _fake = new FakeSnowflake { ExpectedToken = (Token, "OAUTH") };
        _dir = Path.Combine(Path.GetTempPath(), "xform-sf-conn", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllText(Path.Combine(_dir, "project.yml"), "name: shop\nprofile: shop\n");
        File.WriteAllText(Path.Combine(_dir, "models", "m.sql"), "{{ config(materialized='table') }}select 1 as id\n");
    }

    [TearDown]
    public void Stop()
    {
        _fake.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    /// <summary>A token-authenticated output (the stand-in expects <see cref="Token"/> unless told otherwise); no retries.</summary>
    void Profile(string host = "127.0.0.1", int? port = null, string token = Token) =>
        File.WriteAllText(Path.Combine(_dir, "profiles.yml"), $"""
            shop:
              target: dev
              outputs:
                dev:
                  type: snowflake
                  account: xy12345.us-east-1
                  user: xform_user
                  database: analytics
                  schema: public
                  authenticator: oauth
                  token: {token}
                  protocol: http
                  host: {host}
                  port: {port ?? _fake.Port}
                  retries: 0
            """);

    /// <summary><c>run</c>: exit 2 and exactly <paramref name="expected"/> (after profiles.yml:4:5: error:) on stderr.</summary>
    void Expect(string expected)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = XformCli.Run(["run", "--project-dir", _dir], stdout, stderr);
        var all = stdout + "\n" + stderr;
        Assert.That(code, Is.EqualTo(2), all);
        var lines = ConsoleText.UntimedLines(stderr.ToString());
        Assert.That(lines, Is.EqualTo(new[] { "profiles.yml:4:5: error: " + expected }), all);
        Assert.That(all, Does.Not.Contain("   at ").And.Not.Contain("internal error").And.Not.Contain(Token));
    }

    static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Test]
    public void A_refused_token_is_401_after_one_fresh_try()
    {
        _fake.ExpectedToken = ("another-token", "OAUTH");
        Profile();
        Expect("Snowflake refused the credentials of output 'dev' (HTTP 401: token or token type rejected (code 390144)): " +
               "check 'token' (expired or revoked?) and 'user' (xform_user)");
        Assert.That(_fake.Posts.Count(), Is.EqualTo(2), "the first request and one retry with a fresh token; no statement ran");
        Assert.That(_fake.Executed, Is.Empty);
    }

    [Test]
    public void Docs_are_written_without_the_catalog_when_the_token_is_refused()
    {
        _fake.ExpectedToken = ("another-token", "OAUTH");
        Profile();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = XformCli.Run(["docs", "generate", "--project-dir", _dir], stdout, stderr);
        var all = stdout + "\n" + stderr;
        Assert.That(code, Is.Zero, all);
        Assert.That(all, Does.Contain("catalog: could not read the database, so column types and row counts are missing: " +
                                      "Snowflake refused the credentials of output 'dev' (HTTP 401"));
        Assert.That(all, Does.Not.Contain(Token).And.Not.Contain("internal error"));
        Assert.That(File.Exists(Path.Combine(_dir, "target", "index.html")));
    }

    [Test]
    public void A_refused_key_pair_names_the_public_key()
    {
        _fake.ExpectedToken = null; // a JWT signed by the registered key
        using var other = System.Security.Cryptography.RSA.Create(2048);
        Profile();
        var profile = File.ReadAllText(Path.Combine(_dir, "profiles.yml"))
            .Replace("authenticator: oauth", "authenticator: jwt").Replace($"token: {Token}", "private_key_path: rsa_key.p8");
        File.WriteAllText(Path.Combine(_dir, "profiles.yml"), profile);
        File.WriteAllText(Path.Combine(_dir, "rsa_key.p8"), other.ExportPkcs8PrivateKeyPem());
        Expect("Snowflake refused the credentials of output 'dev' (HTTP 401: JWT signature does not verify with the user's public key (code 390144)): " +
               "check 'user' (xform_user), 'account' and the private key: its public key must be the user's RSA_PUBLIC_KEY");
    }

    [Test]
    public void Access_refused_by_a_network_policy_is_403()
    {
        _fake.RefuseAll = (403, "Incoming request with IP 127.0.0.1 is not allowed to access Snowflake.");
        Profile();
        Expect("Snowflake refused the credentials of output 'dev' (HTTP 403: Incoming request with IP 127.0.0.1 is not allowed to access Snowflake.): " +
               "check 'account' (an account that does not exist may answer 403) and the network policy of user xform_user");
    }

    [TestCase(404)]
    [TestCase(513)]
    public void An_account_that_does_not_exist(int status)
    {
        _fake.RefuseAll = (status, null);
        Profile();
        Expect($"Snowflake has no account at 127.0.0.1 for output 'dev' (HTTP {status}): check 'account' (xy12345.us-east-1; e.g. xy12345.us-east-1 or myorg-myaccount) or 'host'");
    }

    [Test]
    public void A_host_that_does_not_resolve_is_not_retried()
    {
        Profile(host: "no-such-account.invalid", port: 80);
        File.WriteAllText(Path.Combine(_dir, "profiles.yml"), File.ReadAllText(Path.Combine(_dir, "profiles.yml")).Replace("retries: 0", "retries: 5"));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Expect("cannot find the Snowflake host no-such-account.invalid of output 'dev' (the name does not resolve): check 'account' (xy12345.us-east-1) or 'host', and the network");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "five retries would back off for seconds");
    }

    [Test]
    public void A_port_where_nothing_listens()
    {
        var port = ClosedPort();
        Profile(port: port);
        Expect($"cannot reach Snowflake at 127.0.0.1:{port} for output 'dev': connection refused: check 'account' (or 'host' and 'port') and the network (proxy, firewall, VPN)");
    }

    [Test]
    public void A_server_that_never_answers_times_out_after_the_retries()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // the kernel accepts connections into the backlog; nobody reads or answers
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var settings = Fixtures.Settings(_fake, s => s with { BaseUri = new Uri($"http://127.0.0.1:{port}/"), Retries = 1, Output = "dev" });
        using var adapter = new SnowflakeAdapter(settings, _dir);
        adapter.Client.HttpTimeout = TimeSpan.FromSeconds(1);
        adapter.Client.BackoffBase = TimeSpan.FromMilliseconds(5);
        var e = Assert.Throws<XformException>(() => adapter.Open().Query("select 1"))!;
        Assert.That(e.Message, Is.EqualTo($"cannot reach Snowflake at 127.0.0.1:{port} for output 'dev': no answer within 1s (after 1 retry): " +
                                          "check 'account' (or 'host' and 'port') and the network (proxy, firewall, VPN)"));
    }

    [Test]
    public void A_database_that_cannot_be_read_before_any_node_is_a_user_error()
    {
        Profile();
        _fake.Enqueue(Fault.SqlError("002043", "02000", "SQL compilation error:\nObject does not exist, or operation cannot be performed."));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = XformCli.Run(["run", "--project-dir", _dir], stdout, stderr);
        Assert.That(code, Is.EqualTo(2), stdout + "\n" + stderr);
        Assert.That(stderr.ToString(), Does.Contain("error: cannot list the relations of the snowflake account xy12345.us-east-1").And.Contain("Object does not exist"));
        Assert.That(stdout + "\n" + stderr, Does.Not.Contain("internal error").And.Not.Contain("   at "));
    }
}
