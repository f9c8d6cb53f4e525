namespace CniBench.Core.Clusters;

/// <summary>
/// A provider cannot build the requested datapath on this host or cluster (e.g. the kernel lacks the ipip
/// module). Every measurement planned on it is recorded <c>unsupported</c> with <see cref="Exception.Message"/>
/// as the reason, instead of <c>failed</c>: nothing went wrong, the host simply cannot do it.
/// </summary>
public sealed class ClusterUnsupportedException : Exception
{
    public ClusterUnsupportedException(string reason)
        : base(reason)
    {
    }

    public ClusterUnsupportedException(string reason, Exception inner)
        : base(reason, inner)
    {
    }

    public ClusterUnsupportedException()
    {
    }
}
