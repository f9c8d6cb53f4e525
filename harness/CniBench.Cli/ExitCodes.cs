namespace CniBench.Cli;

/// <summary>Process exit codes; documented in README so CI jobs can branch on them.</summary>
public static class ExitCodes
{
    /// <summary>Everything asked for ran; unsupported measurements (with reasons) do not count as failures.</summary>
    public const int Ok = 0;

    /// <summary>A comparison found a regression (reserved for <c>compare</c>).</summary>
    public const int Regression = 1;

    /// <summary>Bad input: a malformed scenario, an unknown CNI, a wrong option.</summary>
    public const int BadInput = 2;

    /// <summary>The run finished, but some measurements failed; their reasons are in measurements.csv.</summary>
    public const int MeasurementsFailed = 3;

    /// <summary>The host cannot run it: not root, a tool missing, a kernel feature absent.</summary>
    public const int Environment = 4;

    /// <summary>
    /// The run (or <c>lab down</c>) left something of its labs on this host: a namespace, a process, a socket, keys or a
    /// state file. What is left and the command that removes it are printed; this outranks the codes above, since the
    /// host is no longer clean for the next run.
    /// </summary>
    public const int LeftBehind = 5;

    /// <summary>Interrupted by Ctrl-C or SIGTERM; everything was torn down and results so far are on disk.</summary>
    public const int Interrupted = 130;
}
