using System.Net;
using System.Net.Sockets;
using Xform.Core.Diagnostics;

namespace Xform.Adapters.Snowflake;

/// <summary>
/// The SQL API's connection and authentication failures, as user errors at the output in profiles.yml: one line that
/// says what was refused and what to check. Nothing secret goes in (the token, key and passphrase are not read here).
/// Every request authenticates on its own, so these can come from any request, the first one of a run included.
/// </summary>
static class ConnectionFailure
{
    /// <summary>401 (after a fresh token was tried) or 403.</summary>
    public static XformException Refused(SnowflakeSettings s, HttpStatusCode status, string details)
    {
        var check = status == HttpStatusCode.Forbidden
            ? $"check 'account' (an account that does not exist may answer 403) and the network policy of user {s.User}"
            : s.Authenticator == SnowflakeAuthenticator.Jwt
                ? $"check 'user' ({s.User}), 'account' and the private key: its public key must be the user's RSA_PUBLIC_KEY"
                : $"check 'token' (expired or revoked?) and 'user' ({s.User})";
        return s.ConnectionError($"Snowflake refused the credentials of output '{s.Output}' (HTTP {(int)status}{details}): {check}");
    }

    /// <summary>404 or 513 to a submission: the host answers, but has no such account (Snowflake's behaviour change 2024_03, BCR-1669).</summary>
    public static XformException NoAccount(SnowflakeSettings s, HttpStatusCode status) =>
        s.ConnectionError($"Snowflake has no account at {s.BaseUri.Host} for output '{s.Output}' (HTTP {(int)status}): " +
                          $"check 'account' ({s.Account}; e.g. xy12345.us-east-1 or myorg-myaccount) or 'host'");

    /// <summary>A name that does not resolve: retrying will not help.</summary>
    public static bool IsUnknownHost(Exception e) => Any(e, x => x is SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData });

    /// <summary>No HTTP answer at all: the name does not resolve, the connection is refused or nothing answers in time.</summary>
    public static XformException Unreachable(SnowflakeSettings s, Exception e, int retries, TimeSpan timeout)
    {
        if (IsUnknownHost(e))
            return s.ConnectionError($"cannot find the Snowflake host {s.BaseUri.Host} of output '{s.Output}' (the name does not resolve): " +
                                     $"check 'account' ({s.Account}) or 'host', and the network");
        var why = e switch
        {
            _ when Any(e, x => x is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) => "connection refused",
            _ when Any(e, x => x is TimeoutException) => "the connection timed out",
            OperationCanceledException => $"no answer within {timeout.TotalSeconds:0}s",
            _ => e.Message.Split('\n')[0].Trim(),
        };
        var after = retries > 0 ? $" (after {retries} retr{(retries == 1 ? "y" : "ies")})" : "";
        return s.ConnectionError($"cannot reach Snowflake at {s.BaseUri.Host}:{s.BaseUri.Port} for output '{s.Output}': {why}{after}: " +
                                 "check 'account' (or 'host' and 'port') and the network (proxy, firewall, VPN)");
    }

    static bool Any(Exception e, Func<Exception, bool> test)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (test(x)) return true;
        return false;
    }
}
