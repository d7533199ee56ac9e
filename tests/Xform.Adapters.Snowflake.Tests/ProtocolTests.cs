using System.Text.Json.Nodes;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Templating;

namespace Xform.Adapters.Snowflake.Tests;

/// <summary>Every status path of the SQL API, against the loopback server.</summary>
public class ProtocolTests
{
    FakeSnowflake _fake = null!;

    [SetUp]
    public void Start() => _fake = new FakeSnowflake();

    [TearDown]
    public void Stop() => _fake.Dispose();

    static string Query(string pathAndQuery, string key) =>
        System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + pathAndQuery).Query)[key] ?? "";

    [Test]
    public void A_200_answer_is_decoded_and_the_request_carries_the_documented_fields()
    {
        using var adapter = Fixtures.Adapter(_fake);
        using var connection = adapter.Open();
        var result = connection.Query("select 1 as one, 'a' as letter");
        Assert.That(result.Columns, Is.EqualTo(new[] { "ONE", "LETTER" }), "unquoted aliases are stored in upper case");
        Assert.That(result.Rows[0], Is.EqualTo(new object[] { 1L, "a" }));

        var post = _fake.Posts.Single();
        Assert.That(Guid.TryParse(Query(post.PathAndQuery, "requestId"), out _), Is.True, post.PathAndQuery);
        Assert.That(post.TokenType, Is.EqualTo("KEYPAIR_JWT"));
        var body = JsonNode.Parse(post.Body)!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)body["statement"], Is.EqualTo("select 1 as one, 'a' as letter"));
            Assert.That((string?)body["database"], Is.EqualTo("ANALYTICS"), "unquoted names fold to upper case");
            Assert.That((string?)body["schema"], Is.EqualTo("PUBLIC"));
            Assert.That((string?)body["warehouse"], Is.EqualTo("TRANSFORMING"));
            Assert.That((string?)body["role"], Is.EqualTo("TRANSFORMER"));
            Assert.That((string?)body["parameters"]!["MULTI_STATEMENT_COUNT"], Is.EqualTo("1"));
            Assert.That((string?)body["parameters"]!["QUERY_TAG"], Is.EqualTo("xform-tests"));
            Assert.That(_fake.JwtIssuersSeen, Has.All.EqualTo($"XY12345.XFORM_USER.{_fake.Fingerprint}"));
        });
    }

    [Test]
    public void A_202_is_polled_at_the_statement_status_url_until_200()
    {
        using var adapter = Fixtures.Adapter(_fake);
        _fake.Enqueue(Fault.Accepted(3));
        var result = adapter.Open().Query("select 42 as answer");
        Assert.That(result.Rows.Single()[0], Is.EqualTo(42L));
        var gets = _fake.Requests.Where(r => r.Method == "GET").ToList();
        Assert.That(gets, Has.Count.EqualTo(3), "202 on the POST, 202 twice more on the status URL, then 200");
        Assert.That(gets.Select(g => g.PathAndQuery), Has.All.StartsWith("/api/v2/statements/01b2c3d4-"));
    }

    [Test]
    public void A_422_becomes_a_database_error_with_code_sql_state_and_message()
    {
        using var adapter = Fixtures.Adapter(_fake);
        _fake.Enqueue(Fault.SqlError("002003", "42S02", "SQL compilation error:\nObject 'ORDERS' does not exist or not authorized. line 2 at position 5"));
        var e = Assert.Throws<DatabaseException>(() => adapter.Open().Query("select *\nfrom orders"))!;
        Assert.That(e.Message, Does.Contain("Object 'ORDERS' does not exist"));
        Assert.That(e.Message, Does.Contain("Snowflake error 002003, SQL state 42S02"));
        Assert.That(e.Message, Does.Contain("2 | from orders"), "the line of the statement the error points at");
        var inner = (SnowflakeApiException)e.InnerException!;
        Assert.That((inner.Code, inner.SqlState), Is.EqualTo(("002003", "42S02")));
    }

    [Test]
    public void A_real_sql_error_from_the_engine_is_a_422_too()
    {
        using var adapter = Fixtures.Adapter(_fake);
        var e = Assert.Throws<DatabaseException>(() => adapter.Open().Execute("select * from no_such_table"))!;
        Assert.That(e.Message, Does.Contain("42S02"));
    }

    [Test]
    public void A_408_says_the_statement_timed_out()
    {
        using var adapter = Fixtures.Adapter(_fake, s => s with { StatementTimeout = 1 });
        _fake.Enqueue(Fault.Http(408));
        var e = Assert.Throws<DatabaseException>(() => adapter.Open().Execute("select 1"))!;
        Assert.That(e.Message, Does.Contain("statement_timeout of 1s").And.Contain("408"));
        Assert.That((int?)JsonNode.Parse(_fake.Posts.Single().Body)!["timeout"], Is.EqualTo(1));
    }

    [TestCase(429)]
    [TestCase(503)]
    [TestCase(504)]
    public void Throttling_is_retried_with_backoff_and_the_same_request_id(int status)
    {
        using var adapter = Fixtures.Adapter(_fake);
        _fake.Enqueue(Fault.Http(status));
        _fake.Enqueue(Fault.Http(status));
        Assert.That(adapter.Open().Query("select 7").Rows.Single()[0], Is.EqualTo(7L));
        var posts = _fake.Posts.ToList();
        Assert.That(posts, Has.Count.EqualTo(3));
        Assert.That(posts.Select(p => Query(p.PathAndQuery, "requestId")).Distinct().Count(), Is.EqualTo(1));
        Assert.That(posts.Skip(1).Select(p => Query(p.PathAndQuery, "retry")), Has.All.EqualTo("true"));
    }

    [Test]
    public void A_500_after_execution_is_resubmitted_with_retry_true_and_runs_once()
    {
        using var adapter = Fixtures.Adapter(_fake);
        using var connection = adapter.Open();
        connection.Execute("create table \"PUBLIC\".\"T\" (x integer)");
        _fake.Enqueue(Fault.Http(500));
        connection.Execute("insert into \"PUBLIC\".\"T\" values (1)");
        Assert.That(_fake.Query("select count(*) from \"PUBLIC\".\"T\"")[0][0], Is.EqualTo(1L), "Snowflake keeps the requestId: no second insert");
        var inserts = _fake.Posts.Where(p => p.Body.Contains("insert", StringComparison.Ordinal)).ToList();
        Assert.That(inserts, Has.Count.EqualTo(2));
        Assert.That(Query(inserts[1].PathAndQuery, "requestId"), Is.EqualTo(Query(inserts[0].PathAndQuery, "requestId")));
        Assert.That(Query(inserts[1].PathAndQuery, "retry"), Is.EqualTo("true"));
    }

    [Test]
    public void A_502_is_retried()
    {
        using var adapter = Fixtures.Adapter(_fake);
        _fake.Enqueue(Fault.Http(502));
        Assert.That(adapter.Open().Query("select 3").Rows.Single()[0], Is.EqualTo(3L));
        Assert.That(_fake.Posts.Count(), Is.EqualTo(2));
    }

    [Test]
    public void Retries_stop_after_the_configured_number()
    {
        using var adapter = Fixtures.Adapter(_fake, s => s with { Retries = 2 });
        for (var i = 0; i < 3; i++) _fake.Enqueue(Fault.Http(503));
        var e = Assert.Throws<DatabaseException>(() => adapter.Open().Query("select 1"))!;
        Assert.That(e.Message, Does.Contain("HTTP 503").And.Contain("after 2 retries"));
        Assert.That(_fake.Posts.Count(), Is.EqualTo(3));
    }

    [Test]
    public void Result_partitions_are_fetched_gunzipped_and_in_order()
    {
        _fake.PartitionRows = 3;
        using var adapter = Fixtures.Adapter(_fake);
        var rows = adapter.Open().Query("select range as n from range(10) order by 1").Rows;
        Assert.That(rows.Select(r => r[0]), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (object)(long)i)));
        Assert.That(_fake.Requests.Where(r => r.Method == "GET").Select(r => Query(r.PathAndQuery, "partition")), Is.EqualTo(new[] { "1", "2", "3" }));
    }

    [Test]
    public void Max_rows_stops_fetching_partitions()
    {
        _fake.PartitionRows = 3;
        using var adapter = Fixtures.Adapter(_fake);
        var rows = adapter.Open().Query("select range as n from range(10) order by 1", maxRows: 4).Rows;
        Assert.That(rows, Has.Count.EqualTo(4));
        Assert.That(_fake.Requests.Count(r => r.Method == "GET"), Is.EqualTo(1));
    }

    [Test]
    public void A_transaction_is_one_multi_statement_request()
    {
        using var adapter = Fixtures.Adapter(_fake);
        using var connection = adapter.Open();
        connection.ExecuteTransaction(["create table \"PUBLIC\".\"A\" (x integer)", "insert into \"PUBLIC\".\"A\" values (1); insert into \"PUBLIC\".\"A\" values (2)"]);
        var post = _fake.Posts.Single();
        var body = JsonNode.Parse(post.Body)!;
        Assert.That((string?)body["parameters"]!["MULTI_STATEMENT_COUNT"], Is.EqualTo("6"), "begin, create, begin again after the DDL, 2 inserts, commit");
        Assert.That((string?)body["statement"], Does.StartWith("begin transaction;").And.EndWith("commit"));
        Assert.That(_fake.Query("select sum(x) from \"PUBLIC\".\"A\"")[0][0], Is.EqualTo(3m).Or.EqualTo(3L).Or.EqualTo(new System.Numerics.BigInteger(3)));
    }

    [Test]
    public void Begin_and_commit_through_execute_are_refused_and_nothing_is_sent()
    {
        using var adapter = Fixtures.Adapter(_fake);
        using var connection = adapter.Open();
        foreach (var control in new[] { "begin transaction", "COMMIT;", "rollback  work" })
            Assert.That(() => connection.Execute(control), Throws.TypeOf<DatabaseException>().With.Message.Contains("ExecuteTransaction"));
        Assert.That(_fake.Posts, Is.Empty, "a transaction is only ever sent whole, by ExecuteTransaction");
    }

    [Test]
    public void A_failing_statement_fails_the_whole_transaction_request()
    {
        using var adapter = Fixtures.Adapter(_fake);
        using var connection = adapter.Open();
        Assert.Throws<DatabaseException>(() => connection.ExecuteTransaction(["create table \"PUBLIC\".\"C\" (x integer)", "insert into \"PUBLIC\".\"NOPE\" values (1)"]));
        Assert.That(_fake.Posts.Count(), Is.EqualTo(1));
    }

    [Test]
    public void A_multi_statement_query_returns_the_last_statements_rows()
    {
        using var adapter = Fixtures.Adapter(_fake);
        var result = adapter.Open().Query("select 1; select 'last' as which");
        Assert.That(result.Rows.Single()[0], Is.EqualTo("last"));
        Assert.That((string?)JsonNode.Parse(_fake.Posts.Single().Body)!["parameters"]!["MULTI_STATEMENT_COUNT"], Is.EqualTo("2"));
    }

    [Test]
    public void Cancel_posts_to_the_cancel_endpoint_of_running_statements()
    {
        using var adapter = Fixtures.Adapter(_fake);
        _fake.Enqueue(Fault.HangUntilCancelled());
        var running = Task.Run(() => adapter.Open().Query("select 1"));
        SpinWait.SpinUntil(() => _fake.Requests.Any(r => r.Method == "GET"), TimeSpan.FromSeconds(10));
        adapter.Client.CancelAll();
        var e = Assert.Throws<AggregateException>(() => running.Wait(TimeSpan.FromSeconds(10)))!;
        Assert.That(e.InnerException, Is.TypeOf<DatabaseException>().And.Message.Contains("cancelled"));
        Assert.That(_fake.Cancelled, Has.Count.EqualTo(1));
        Assert.That(_fake.Requests.Any(r => r.Method == "POST" && r.PathAndQuery.EndsWith("/cancel", StringComparison.Ordinal)));
        Assert.Throws<DatabaseException>(() => adapter.Open().Query("select 2"), "nothing new is sent after a cancel");
    }

    [Test]
    public void The_jwt_is_signed_again_before_it_expires()
    {
        var now = DateTimeOffset.UtcNow;
        var clock = now;
        using var adapter = Fixtures.Adapter(_fake, clock: () => clock);
        using var connection = adapter.Open();
        connection.Query("select 1");
        connection.Query("select 1");
        Assert.That(adapter.Jwt!.Signed, Is.EqualTo(1), "one token while it is fresh");
        clock = now + TimeSpan.FromMinutes(55);
        connection.Query("select 1");
        Assert.That(adapter.Jwt.Signed, Is.EqualTo(2), "renewed with less than 5 minutes left");
        Assert.That(_fake.TokensSeen.Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public void A_401_signs_a_new_token_once_then_reports_refused_credentials_without_the_token()
    {
        _fake.ExpectedToken = ("right-token", "OAUTH");
        using var adapter = Fixtures.Adapter(_fake, s => s with { Authenticator = SnowflakeAuthenticator.OAuth, Token = "wrong-token", PrivateKey = null });
        var e = Assert.Throws<XformException>(() => adapter.Open().Query("select 1"))!;
        Assert.That(e.Message, Does.Contain("refused the credentials").And.Not.Contain("wrong-token"));
        Assert.That(_fake.Posts.Count(), Is.EqualTo(2));
    }

    [TestCase(SnowflakeAuthenticator.OAuth, "OAUTH")]
    [TestCase(SnowflakeAuthenticator.Pat, "PROGRAMMATIC_ACCESS_TOKEN")]
    public void Tokens_are_sent_with_their_type(SnowflakeAuthenticator authenticator, string type)
    {
        _fake.ExpectedToken = ("tok-123", type);
        using var adapter = Fixtures.Adapter(_fake, s => s with { Authenticator = authenticator, Token = "tok-123", PrivateKey = null });
        Assert.That(adapter.Open().Query("select 1").Rows.Single()[0], Is.EqualTo(1L));
        Assert.That(_fake.Posts.Single().Authorization, Is.EqualTo("Bearer tok-123"));
    }

    [Test]
    public void An_encrypted_pkcs8_key_is_read_with_its_passphrase()
    {
        var pem = _fake.Key.ExportEncryptedPkcs8PrivateKeyPem("s3cret-pass",
            new System.Security.Cryptography.PbeParameters(System.Security.Cryptography.PbeEncryptionAlgorithm.Aes256Cbc, System.Security.Cryptography.HashAlgorithmName.SHA256, 10_000));
        using (var adapter = Fixtures.Adapter(_fake, s => s with { PrivateKey = pem, PrivateKeyPassphrase = "s3cret-pass" }))
            Assert.That(adapter.Open().Query("select 1").Rows.Single()[0], Is.EqualTo(1L));

        var settings = Fixtures.Settings(_fake, s => s with { PrivateKey = pem, PrivateKeyPassphrase = "wrong-pass" });
        using var bad = new SnowflakeAdapter(settings, Path.GetTempPath());
        var e = Assert.Throws<XformException>(() => bad.Open())!;
        Assert.That(e.Message, Does.Contain("private_key_passphrase").And.Not.Contain("wrong-pass").And.Not.Contain("PRIVATE KEY-----"));
        var missing = Fixtures.Settings(_fake, s => s with { PrivateKey = pem, PrivateKeyPassphrase = null });
        using var none = new SnowflakeAdapter(missing, Path.GetTempPath());
        Assert.That(Assert.Throws<XformException>(() => none.Open())!.Message, Does.Contain("is encrypted"));
    }

    [Test]
    public void Relations_columns_and_query_shapes_are_listed()
    {
        using var adapter = Fixtures.Adapter(_fake);
        using var connection = adapter.Open();
        connection.EnsureSchema("staging");
        connection.Execute("create table \"STAGING\".\"ORDERS\" (id integer, amount decimal(10,2), note varchar)");
        connection.Execute("create view \"STAGING\".\"V\" as select 1 as x");
        var relations = connection.ListRelations();
        Assert.That(relations, Does.Contain(new RelationInfo("STAGING", "ORDERS", RelationKind.Table)));
        Assert.That(relations, Does.Contain(new RelationInfo("STAGING", "V", RelationKind.View)));
        var columns = connection.GetColumns(new Xform.Core.Project.RelationName(null, "staging", "orders"));
        Assert.That(columns.Select(c => $"{c.Name} {c.DataType}"), Is.EqualTo(new[] { "ID NUMBER(38,0)", "AMOUNT NUMBER(10,2)", "NOTE VARCHAR(16777216)" }),
            "unquoted names in upper case; INTEGER is NUMBER(38,0), an unsized VARCHAR the longest");
        var shape = connection.DescribeQuery("select 1::bigint as n, 'x' as s, 1.5::decimal(10,2) as d");
        Assert.That(shape.Select(c => c.DataType), Is.EqualTo(new[] { "NUMBER(38,0)", "VARCHAR(16777216)", "NUMBER(10,2)" }));
    }
}
