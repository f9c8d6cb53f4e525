using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CniBench.Kubernetes;

/// <summary>A Kubernetes call that failed, described in one sentence naming the cluster and the object.</summary>
public sealed class KubeOperationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Turns client exceptions into one sentence a platform engineer can act on.</summary>
public static class KubeErrors
{
    /// <param name="cluster">The context or cluster name, as the user wrote it.</param>
    /// <param name="what">What was being done, e.g. "creating namespace cnibench-3fa2".</param>
    public static string Describe(Exception exception, string cluster, string what)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var subject = $"cluster '{cluster}'";
        return exception switch
        {
            HttpOperationException http => DescribeHttp(http, subject, what),
            KubernetesException kube => $"{subject} failed {what}: {kube.Status?.Message ?? kube.Message}",
            HttpRequestException { InnerException: SocketException socket } =>
                $"cannot reach the API server of {subject} while {what}: {socket.SocketErrorCode} ({socket.Message}); is the cluster running and the kubeconfig's server address right?",
            HttpRequestException request =>
                $"cannot reach the API server of {subject} while {what}: {request.Message}",
            System.Net.WebSockets.WebSocketException socket =>
                $"the exec connection to {subject} failed while {what}: {socket.Message}",
            TimeoutException or TaskCanceledException =>
                $"the API server of {subject} did not answer in time while {what}",
            _ => $"{subject} failed {what}: {exception.Message}",
        };
    }

    /// <summary>True for the failures <see cref="Describe"/> knows; others (bugs) propagate unchanged.</summary>
    public static bool IsApiFailure(Exception exception) =>
        exception is HttpOperationException or KubernetesException or HttpRequestException
            or System.Net.WebSockets.WebSocketException or TimeoutException;

    /// <summary>Runs a call and rethrows any API failure as <see cref="KubeOperationException"/>.</summary>
    public static async Task<T> GuardAsync<T>(Func<Task<T>> call, string cluster, string what)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (Exception ex) when (IsApiFailure(ex))
        {
            throw new KubeOperationException(Describe(ex, cluster, what), ex);
        }
    }

    public static async Task GuardAsync(Func<Task> call, string cluster, string what) =>
        await GuardAsync(
            async () =>
            {
                await call();
                return true;
            },
            cluster,
            what);

    private static string DescribeHttp(HttpOperationException http, string subject, string what)
    {
        var code = http.Response?.StatusCode ?? 0;
        var detail = ServerMessage(http);
        var reason = code switch
        {
            HttpStatusCode.Unauthorized => "rejected the credentials (401 Unauthorized): the token or client certificate in the kubeconfig is wrong or expired; refresh it (e.g. log in again or re-export the kubeconfig)",
            HttpStatusCode.Forbidden => "refused (403 Forbidden): the kubeconfig's user lacks the RBAC permission for this",
            HttpStatusCode.NotFound => "does not have it (404 Not Found)",
            HttpStatusCode.Conflict => "reported a conflict (409 Conflict): it already exists or another field manager owns it; run 'cnibench clean' if a previous run left it",
            HttpStatusCode.UnprocessableEntity => "rejected the object as invalid (422)",
            HttpStatusCode.TooManyRequests => "is throttling requests (429)",
            >= HttpStatusCode.InternalServerError => $"failed with a server error ({(int)code} {code})",
            _ => $"answered {(int)code} {code}",
        };
        return detail is null ? $"{subject} {reason} while {what}" : $"{subject} {reason} while {what}: {detail}";
    }

    private static string? ServerMessage(HttpOperationException http)
    {
        var content = http.Response?.Content;
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            var status = KubernetesJson.Deserialize<V1Status>(content);
            if (!string.IsNullOrWhiteSpace(status?.Message))
            {
                return status.Message;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a Status object (e.g. a proxy's HTML page): show a bounded piece of it instead.
        }

        var text = content.Trim();
        return text.Length <= 200 ? text : text[..200];
    }
}
