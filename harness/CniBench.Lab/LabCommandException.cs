namespace CniBench.Lab;

/// <summary>An <c>ip</c>/<c>bridge</c> batch failed while building or removing a lab; the message names the failing line.</summary>
public sealed class LabCommandException(string message) : Exception(message);
