namespace CniBench.Ingress.Yarp;

/// <summary>Where the controller's configuration comes from (files, or the API server); what the health endpoint asks.</summary>
public interface IIngressConfigSource
{
    /// <summary>Configurations applied so far; 0 until the first one is, and the proxy has nothing to serve.</summary>
    int Generation { get; }
}
