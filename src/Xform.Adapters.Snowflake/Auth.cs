using System.Security.Cryptography;
using System.Text;
using Xform.Core.Project;
using Xform.Core.Diagnostics;
using Xform.Core.Templating;

namespace Xform.Adapters.Snowflake;

/// <summary>The bearer token of each request and the value of <c>X-Snowflake-Authorization-Token-Type</c>.</summary>
interface ITokenSource
{
    (string Token, string Type) Current();
    /// <summary>Forget a cached token (after a 401) so the next request gets a fresh one.</summary>
    void Invalidate();
}

/// <summary>An OAuth or programmatic access token from the profile, sent as is.</summary>
sealed class StaticToken(string token, string type) : ITokenSource
{
    public (string Token, string Type) Current() => (token, type);
    public void Invalidate() { }
}

/// <summary>
/// Key-pair authentication: a JWT signed with RS256 by the user's private key, with
/// <c>iss = ACCOUNT.USER.SHA256:&lt;fingerprint&gt;</c> and <c>sub = ACCOUNT.USER</c>, where the fingerprint is the
/// base64 SHA-256 of the public key's DER SubjectPublicKeyInfo. Tokens live an hour at most; a new one is
/// signed when less than <see cref="RefreshMargin"/> of the current one remains.
/// </summary>
sealed class KeyPairJwt : ITokenSource, IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(59);
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    readonly RSA _key;
    readonly Func<DateTimeOffset> _clock;
    readonly object _gate = new();
    string? _token;
    DateTimeOffset _expires;

    public KeyPairJwt(string account, string user, RSA key, Func<DateTimeOffset>? clock = null)
    {
        _key = key;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        Subject = $"{AccountForClaims(account)}.{user.ToUpperInvariant()}";
        Fingerprint = FingerprintOf(key);
        Issuer = $"{Subject}.{Fingerprint}";
    }

    public string Subject { get; }
    public string Issuer { get; }
    /// <summary><c>SHA256:base64</c>, as <c>DESCRIBE USER</c> shows in RSA_PUBLIC_KEY_FP.</summary>
    public string Fingerprint { get; }

    /// <summary>How many tokens were signed (for tests of the refresh).</summary>
    public int Signed { get; private set; }

    /// <summary>
    /// The account part of the claims: upper case; an account locator with a region
    /// (<c>xy12345.us-east-1</c>) keeps only the locator; <c>.global</c> accounts drop the suffix after the dash.
    /// </summary>
    public static string AccountForClaims(string account)
    {
        var a = account.Trim();
        if (a.EndsWith(".global", StringComparison.OrdinalIgnoreCase))
        {
            a = a[..^".global".Length];
            var dash = a.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0) a = a[..dash];
        }
        else
        {
            var dot = a.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0) a = a[..dot];
        }
        return a.ToUpperInvariant();
    }

    public static string FingerprintOf(RSA key) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    public (string Token, string Type) Current()
    {
        lock (_gate)
        {
            var now = _clock();
            if (_token is null || _expires - now < RefreshMargin)
            {
                _expires = now + Lifetime;
                _token = Sign(now, _expires);
                Signed++;
            }
            return (_token, "KEYPAIR_JWT");
        }
    }

    public void Invalidate()
    {
        lock (_gate) _token = null;
    }

    string Sign(DateTimeOffset issuedAt, DateTimeOffset expires)
    {
        var header = Base64Url(PlainJson.SerializeToUtf8Bytes(new Dictionary<string, object?> { ["alg"] = "RS256", ["typ"] = "JWT" }));
        var payload = Base64Url(PlainJson.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["iss"] = Issuer,
            ["sub"] = Subject,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
        }));
        var signingInput = $"{header}.{payload}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// Reads an RSA private key: PEM (<c>PRIVATE KEY</c>, <c>ENCRYPTED PRIVATE KEY</c> with a passphrase,
    /// <c>RSA PRIVATE KEY</c>) or base64 DER PKCS#8. Errors name where the key came from, never its content.
    /// </summary>
    public static RSA LoadKey(string text, string? passphrase, string origin)
    {
        var rsa = RSA.Create();
        try
        {
            text = text.Trim();
            if (text.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
            {
                if (passphrase is null)
                    throw new XformException($"the private key in {origin} is encrypted: set 'private_key_passphrase' (for example with env_var)");
                rsa.ImportFromEncryptedPem(text, passphrase);
            }
            else if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                rsa.ImportFromPem(text);
            }
            else
            {
                var der = Convert.FromBase64String(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));
                if (passphrase is not null) rsa.ImportEncryptedPkcs8PrivateKey(passphrase, der, out _);
                else rsa.ImportPkcs8PrivateKey(der, out _);
            }
            return rsa;
        }
        catch (XformException)
        {
            rsa.Dispose();
            throw;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
        {
            rsa.Dispose();
            var hint = passphrase is not null ? " (is 'private_key_passphrase' right?)" : "";
            throw new XformException($"cannot read the RSA private key in {origin}{hint}: expected a PKCS#8 PEM key such as 'openssl genrsa 2048 | openssl pkcs8 -topk8' writes");
        }
    }

    public void Dispose() => _key.Dispose();
}
