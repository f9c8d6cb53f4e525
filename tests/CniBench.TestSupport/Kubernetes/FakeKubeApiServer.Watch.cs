using System.Globalization;
using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace CniBench.TestSupport.Kubernetes;

/// <summary>
/// Pod watches as the API server serves them: every change gets a resourceVersion; a watch from a resourceVersion
/// replays the changes after it, one without starts with synthetic ADDED events; bookmarks when asked for; a
/// resourceVersion older than the kept history gets 410 Gone (an ERROR event, as the watch cache answers, or the
/// HTTP status); a server-side watch timeout ends watches, as --min-request-timeout does.
/// </summary>
public sealed partial class FakeKubeApiServer
{
    private readonly List<Channel<PodEvent>> _watchers = [];
    private readonly List<PodEvent> _podHistory = [];
    private long _resourceVersion = 1;
    private long _oldestWatchable;
    private int _watchesServed;

    /// <summary>Each watch ends after this long (the server's request timeout); null: only the client ends it.</summary>
    public TimeSpan? WatchTimeout { get; set; }

    /// <summary>Runs when the server has ended a watch, before the client can open the next one.</summary>
    public Action? OnWatchClosed { get; set; }

    /// <summary>True answers a too old resourceVersion with HTTP 410 instead of an ERROR event.</summary>
    public bool GoneAsHttpStatus { get; set; }

    /// <summary>When set, every watch answers with this ERROR event (code, reason, message) and ends.</summary>
    public (int Code, string Reason, string Message)? WatchFailure { get; set; }

    public int WatchesServed => Volatile.Read(ref _watchesServed);

    /// <summary>Forgets the change history: a watch from any resourceVersion handed out so far gets 410 Gone.</summary>
    public void CompactWatchHistory()
    {
        lock (_gate)
        {
            _oldestWatchable = _resourceVersion + 1;
            _podHistory.Clear();
        }
    }

    public void DeletePod(string ns, string name)
    {
        V1Pod? gone;
        lock (_gate)
        {
            _pods.Remove($"{ns}/{name}", out gone);
        }

        if (gone is not null)
        {
            Publish("DELETED", gone);
        }
    }

    /// <summary>Turns a pod Ready now (for tests that set <see cref="ReadyAfter"/> to null).</summary>
    public void MakeReady(string ns, string name) => TurnReady(ns, name);

    private V1ListMeta ListMeta()
    {
        lock (_gate)
        {
            return new V1ListMeta { ResourceVersion = _resourceVersion.ToString(CultureInfo.InvariantCulture) };
        }
    }

    private void Publish(string type, V1Pod pod)
    {
        lock (_gate)
        {
            var version = ++_resourceVersion;
            pod.Metadata.ResourceVersion = version.ToString(CultureInfo.InvariantCulture);
            var change = new PodEvent(version, type, pod.Metadata.NamespaceProperty, KubernetesJson.Serialize(pod));
            _podHistory.Add(change);
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(change);
            }
        }
    }

    private async Task WatchPodsAsync(HttpContext http, string ns)
    {
        Interlocked.Increment(ref _watchesServed);
        var query = http.Request.Query;
        var bookmarks = query["allowWatchBookmarks"] is ["true"] or ["1"];
        var from = long.TryParse(query["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : (long?)null;
        var channel = Channel.CreateUnbounded<PodEvent>();
        string? expired = null;
        long current;
        lock (_gate)
        {
            current = _resourceVersion;
            if (from is { } version && version < _oldestWatchable)
            {
                expired = $"too old resource version: {version} ({_oldestWatchable})";
            }
            else if (from is { } since)
            {
                foreach (var change in _podHistory.Where(c => c.Version > since))
                {
                    channel.Writer.TryWrite(change);
                }
            }
            else
            {
                foreach (var pod in _pods.Values.Where(p => p.Metadata.NamespaceProperty == ns))
                {
                    channel.Writer.TryWrite(new PodEvent(current, "ADDED", ns, KubernetesJson.Serialize(pod)));
                }
            }

            if (expired is null && WatchFailure is null)
            {
                _watchers.Add(channel);
            }
        }

        if (expired is not null && GoneAsHttpStatus)
        {
            await WriteStatusAsync(http, HttpStatusCode.Gone, expired);
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.StartAsync(http.RequestAborted);
        if (expired is not null)
        {
            await WriteEventAsync(http, "ERROR", StatusObject(410, "Expired", expired));
            return;
        }

        if (WatchFailure is { } failure)
        {
            await WriteEventAsync(http, "ERROR", StatusObject(failure.Code, failure.Reason, failure.Message));
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        if (WatchTimeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        try
        {
            var replayed = false;
            while (true)
            {
                if (!replayed && !channel.Reader.TryPeek(out _))
                {
                    // Past the replay: a bookmark, where asked for, tells the client how far it has seen.
                    replayed = true;
                    if (bookmarks)
                    {
                        await WriteEventAsync(http, "BOOKMARK", $"{{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{{\"resourceVersion\":\"{current.ToString(CultureInfo.InvariantCulture)}\"}}}}");
                    }
                }

                var change = await channel.Reader.ReadAsync(timeout.Token);
                if (change.Namespace == ns)
                {
                    await WriteEventAsync(http, change.Type, change.Json);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client stopped watching, or the server's request timeout ended the watch.
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }

        if (!http.RequestAborted.IsCancellationRequested)
        {
            OnWatchClosed?.Invoke();
        }
    }

    private static async Task WriteEventAsync(HttpContext http, string type, string objectJson)
    {
        await http.Response.WriteAsync($"{{\"type\":\"{type}\",\"object\":{objectJson}}}\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private static string StatusObject(int code, string reason, string message) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new Dictionary<string, object>(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        });

    private sealed record PodEvent(long Version, string Type, string Namespace, string Json);
}
