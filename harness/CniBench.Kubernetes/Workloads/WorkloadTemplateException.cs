namespace CniBench.Kubernetes.Workloads;

/// <summary>A workload template or its inputs are wrong; <see cref="Errors"/> has every problem found, not just the first.</summary>
public sealed class WorkloadTemplateException : Exception
{
    public WorkloadTemplateException()
        : this([])
    {
    }

    public WorkloadTemplateException(string message)
        : this([message])
    {
    }

    public WorkloadTemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public WorkloadTemplateException(IReadOnlyList<string> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }

    private static string Describe(IReadOnlyList<string> errors) => errors.Count switch
    {
        0 => "workload templates are invalid",
        1 => errors[0],
        _ => $"{errors.Count} problems in the workload templates:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors),
    };
}
