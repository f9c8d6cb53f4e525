using System.Globalization;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;

namespace CniBench.Kubernetes.Provisioning;

/// <summary>A provisioner or destroy command that failed, with the tail of what it printed.</summary>
public sealed class ProvisioningException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Runs one CNI's <c>provision</c> and <c>destroy</c> commands through an <see cref="IProcessRunner"/>, never a shell.
/// </summary>
public sealed class ClusterProvisioner
{
    /// <summary>How many trailing lines of the command's output a failure message quotes.</summary>
    public const int TailLines = 20;

    private const int TailCharacters = 2000;

    private readonly IProcessRunner _runner;
    private readonly string _cni;
    private readonly KubernetesClusterSpec _spec;
    private readonly Func<string> _podCidr;
    private readonly TimeSpan _provisionTimeout;
    private readonly TimeSpan _destroyTimeout;

    /// <param name="podCidr">Looked up only when a command uses <c>{podCidr}</c>.</param>
    public ClusterProvisioner(IProcessRunner runner, string cni, KubernetesClusterSpec spec, Func<string> podCidr, TimeSpan provisionTimeout, TimeSpan destroyTimeout)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Provision is null)
        {
            throw new ArgumentException($"the cluster for '{cni}' has no provision command", nameof(spec));
        }

        _runner = runner;
        _cni = cni;
        _spec = spec;
        _podCidr = podCidr;
        _provisionTimeout = provisionTimeout;
        _destroyTimeout = destroyTimeout;
    }

    public bool HasDestroy => !string.IsNullOrWhiteSpace(_spec.Destroy);

    /// <summary>Checks both command lines (quotes, placeholders, pod CIDR) before anything runs.</summary>
    public void Validate()
    {
        _ = Provision();
        if (HasDestroy)
        {
            _ = Destroy();
        }
    }

    public async Task ProvisionAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var command = Provision();
        progress?.Report($"{_cni}: provisioning a cluster: {command}");
        ProcessResult result;
        try
        {
            result = await _runner.RunAsync(command, cancellationToken);
        }
        catch (ProcessTimeoutException ex)
        {
            throw new ProvisioningException($"provisioning the cluster for '{_cni}' did not finish within {Minutes(_provisionTimeout)}: {command}", ex);
        }
        catch (Exception ex) when (ex is ToolMissingException or InvalidOperationException)
        {
            throw new ProvisioningException($"cannot run the provisioner for '{_cni}' ({command}): {ex.Message}", ex);
        }

        if (!result.Succeeded)
        {
            throw new ProvisioningException($"provisioning the cluster for '{_cni}' failed with exit code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}: {command}{Tail(result)}");
        }
    }

    /// <summary>
    /// Runs the destroy command, bounded by its own timeout and deaf to the run's cancellation (it also runs after
    /// Ctrl-C). Returns a message when it failed; it never throws, because a run's results outweigh its clean-up.
    /// </summary>
    public async Task<string?> DestroyAsync(IProgress<string>? progress)
    {
        if (!HasDestroy)
        {
            return null;
        }

        ProcessSpec? command = null;
        try
        {
            command = Destroy();
            progress?.Report($"{_cni}: destroying the provisioned cluster: {command}");
            var result = await _runner.RunAsync(command, CancellationToken.None);
            return result.Succeeded
                ? null
                : Report(progress, $"destroying the cluster for '{_cni}' failed with exit code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}: {command}{Tail(result)}");
        }
        catch (ProcessTimeoutException)
        {
            return Report(progress, $"destroying the cluster for '{_cni}' did not finish within {Minutes(_destroyTimeout)}: {command}");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever went wrong, the run goes on; the message says which cluster may still exist.
            return Report(progress, $"destroying the cluster for '{_cni}' failed ({command?.ToString() ?? _spec.Destroy}): {ex.Message}");
        }
    }

    private ProcessSpec Provision() => ProvisionerCommand.Expand(_spec.Provision!, _cni, _podCidr, _provisionTimeout);

    private ProcessSpec Destroy() => ProvisionerCommand.Expand(_spec.Destroy!, _cni, _podCidr, _destroyTimeout);

    private static string Report(IProgress<string>? progress, string message)
    {
        progress?.Report(message + "; the cluster may still exist: remove it yourself");
        return message;
    }

    private static string Minutes(TimeSpan timeout) => $"{timeout.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture)} min";

    /// <summary>The last lines of stdout then stderr: provisioners such as kind print the cause last, on stderr.</summary>
    internal static string Tail(ProcessResult result)
    {
        var lines = (result.StandardOutput + "\n" + result.StandardError)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .TakeLast(TailLines);
        var text = string.Join('\n', lines);
        if (text.Length > TailCharacters)
        {
            text = "…" + text[^TailCharacters..];
        }

        return text.Length == 0 ? " (it printed nothing)" : $"; its output ends with:\n{text}";
    }
}
