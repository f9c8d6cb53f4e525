using System.Globalization;
using System.Text.RegularExpressions;
using CniBench.NetworkPolicy.Model;
using k8s.Models;

namespace CniBench.NetworkPolicy.Policies;

/// <summary>A rule of the NetworkPolicy API that a policy breaks, located by field path.</summary>
public sealed record PolicyViolation(string Field, string Message);

/// <summary>
/// The API server's validation of networking.k8s.io/v1 NetworkPolicy, reduced to what changes
/// evaluation: every violation is reported, not just the first.
/// </summary>
public static partial class PolicyValidator
{
    private static readonly string[] Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    public static IReadOnlyList<PolicyViolation> Validate(V1NetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new List<PolicyViolation>();
        if (string.IsNullOrEmpty(policy.Metadata?.Name))
        {
            errors.Add(new("metadata.name", "required"));
        }

        if (string.IsNullOrEmpty(policy.Metadata?.NamespaceProperty))
        {
            errors.Add(new("metadata.namespace", "required: offline evaluation has no current namespace to put the policy in"));
        }

        var spec = policy.Spec;
        if (spec is null)
        {
            errors.Add(new("spec", "required"));
            return errors;
        }

        ValidateSelector(spec.PodSelector, "spec.podSelector", errors);
        ValidatePolicyTypes(spec.PolicyTypes, errors);
        for (var i = 0; i < (spec.Ingress?.Count ?? 0); i++)
        {
            var rule = spec.Ingress![i];
            var path = $"spec.ingress[{i}]";
            ValidatePeers(rule?.FromProperty, path + ".from", errors);
            ValidatePorts(rule?.Ports, path + ".ports", errors);
        }

        for (var i = 0; i < (spec.Egress?.Count ?? 0); i++)
        {
            var rule = spec.Egress![i];
            var path = $"spec.egress[{i}]";
            ValidatePeers(rule?.To, path + ".to", errors);
            ValidatePorts(rule?.Ports, path + ".ports", errors);
        }

        return errors;
    }

    private static void ValidatePolicyTypes(IList<string>? types, List<PolicyViolation> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (types?.Count ?? 0); i++)
        {
            var type = types![i];
            if (type is not ("Ingress" or "Egress"))
            {
                errors.Add(new($"spec.policyTypes[{i}]", $"unsupported value '{type}': must be Ingress or Egress"));
            }
            else if (!seen.Add(type))
            {
                errors.Add(new($"spec.policyTypes[{i}]", $"duplicate value '{type}'"));
            }
        }
    }

    private static void ValidatePeers(IList<V1NetworkPolicyPeer>? peers, string path, List<PolicyViolation> errors)
    {
        for (var i = 0; i < (peers?.Count ?? 0); i++)
        {
            var peer = peers![i];
            var peerPath = $"{path}[{i}]";
            if (peer is null || (peer.PodSelector is null && peer.NamespaceSelector is null && peer.IpBlock is null))
            {
                errors.Add(new(peerPath, "must specify one of podSelector, namespaceSelector, ipBlock"));
                continue;
            }

            if (peer.IpBlock is not null && (peer.PodSelector is not null || peer.NamespaceSelector is not null))
            {
                errors.Add(new(peerPath, "ipBlock may not be combined with podSelector or namespaceSelector"));
            }

            ValidateSelector(peer.PodSelector, peerPath + ".podSelector", errors);
            ValidateSelector(peer.NamespaceSelector, peerPath + ".namespaceSelector", errors);
            if (peer.IpBlock is not null)
            {
                ValidateIpBlock(peer.IpBlock, peerPath + ".ipBlock", errors);
            }
        }
    }

    private static void ValidateIpBlock(V1IPBlock block, string path, List<PolicyViolation> errors)
    {
        if (string.IsNullOrEmpty(block.Cidr))
        {
            errors.Add(new(path + ".cidr", "required"));
            return;
        }

        // A placeholder ({{pod y/b}}) is checked for its syntax here; what it stands for is known per cluster, so the
        // strict-subset rule is checked again once it is resolved (IpBlockPlaceholders.Resolve).
        var placeholder = ValidPlaceholder(block.Cidr, path + ".cidr", errors);
        var cidr = default(Cidr);
        if (placeholder is null && !Cidr.TryParse(block.Cidr, out cidr))
        {
            errors.Add(new(path + ".cidr", $"'{block.Cidr}' is not a valid CIDR"));
            return;
        }

        for (var i = 0; i < (block.Except?.Count ?? 0); i++)
        {
            var text = block.Except![i];
            var exceptPath = $"{path}.except[{i}]";
            if (ValidPlaceholder(text, exceptPath, errors) is not null)
            {
                continue;
            }

            if (!Cidr.TryParse(text, out var except))
            {
                errors.Add(new(exceptPath, $"'{text}' is not a valid CIDR"));
            }
            else if (placeholder is null && !cidr.StrictlyContains(except))
            {
                errors.Add(new(exceptPath, $"'{text}' must be a strict subset of cidr '{block.Cidr}'"));
            }
        }
    }

    /// <summary>True (non-null) when <paramref name="text"/> is a placeholder; a malformed one is reported.</summary>
    private static bool? ValidPlaceholder(string? text, string path, List<PolicyViolation> errors)
    {
        if (!Addressing.IpBlockPlaceholders.IsPlaceholder(text))
        {
            return null;
        }

        if (!Addressing.IpBlockPlaceholders.TryParse(text!, out _, out var error))
        {
            errors.Add(new(path, error));
        }

        return true;
    }

    private static void ValidatePorts(IList<V1NetworkPolicyPort>? ports, string path, List<PolicyViolation> errors)
    {
        for (var i = 0; i < (ports?.Count ?? 0); i++)
        {
            var port = ports![i];
            var portPath = $"{path}[{i}]";
            if (port is null)
            {
                continue;
            }

            if (port.Protocol is not null && !NetpolProtocols.TryParse(port.Protocol, out _))
            {
                errors.Add(new(portPath + ".protocol", $"unsupported value '{port.Protocol}': must be TCP, UDP or SCTP"));
            }

            var value = port.Port?.Value;
            var isNumber = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number);
            if (value is not null)
            {
                if (isNumber && number is < 1 or > 65535)
                {
                    errors.Add(new(portPath + ".port", $"{value} is out of range: must be between 1 and 65535"));
                }
                else if (!isNumber && !IsPortName(value))
                {
                    errors.Add(new(portPath + ".port", $"'{value}' is neither a port number nor a valid port name " +
                        "(at most 15 lower-case letters, digits and '-', with at least one letter)"));
                }
            }

            if (port.EndPort is not { } endPort)
            {
                continue;
            }

            if (value is null)
            {
                errors.Add(new(portPath + ".endPort", "may not be set without port"));
            }
            else if (!isNumber)
            {
                errors.Add(new(portPath + ".endPort", $"may not be set when port is the named port '{value}'"));
            }
            else if (endPort < number)
            {
                errors.Add(new(portPath + ".endPort", $"{endPort} must be greater than or equal to port {number}"));
            }

            if (endPort is < 1 or > 65535)
            {
                errors.Add(new(portPath + ".endPort", $"{endPort} is out of range: must be between 1 and 65535"));
            }
        }
    }

    private static void ValidateSelector(V1LabelSelector? selector, string path, List<PolicyViolation> errors)
    {
        if (selector is null)
        {
            return;
        }

        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!IsQualifiedName(key))
            {
                errors.Add(new($"{path}.matchLabels.{key}", $"'{key}' is not a valid label key"));
            }

            if (!IsLabelValue(value))
            {
                errors.Add(new($"{path}.matchLabels.{key}", $"'{value}' is not a valid label value"));
            }
        }

        for (var i = 0; i < (selector.MatchExpressions?.Count ?? 0); i++)
        {
            var expression = selector.MatchExpressions![i];
            var expressionPath = $"{path}.matchExpressions[{i}]";
            if (expression is null)
            {
                continue;
            }

            if (!IsQualifiedName(expression.Key ?? string.Empty))
            {
                errors.Add(new(expressionPath + ".key", $"'{expression.Key}' is not a valid label key"));
            }

            var valueCount = expression.Values?.Count ?? 0;
            switch (expression.OperatorProperty)
            {
                case "In" or "NotIn" when valueCount == 0:
                    errors.Add(new(expressionPath + ".values", $"must be non-empty when operator is {expression.OperatorProperty}"));
                    break;
                case "Exists" or "DoesNotExist" when valueCount > 0:
                    errors.Add(new(expressionPath + ".values", $"must be empty when operator is {expression.OperatorProperty}"));
                    break;
                case var op when !Operators.Contains(op, StringComparer.Ordinal):
                    errors.Add(new(expressionPath + ".operator", $"'{op}' is not a valid selector operator: must be In, NotIn, Exists or DoesNotExist"));
                    break;
            }

            foreach (var value in expression.Values ?? [])
            {
                if (!IsLabelValue(value))
                {
                    errors.Add(new(expressionPath + ".values", $"'{value}' is not a valid label value"));
                }
            }
        }
    }

    /// <summary>IANA_SVC_NAME, the rule for container port names.</summary>
    internal static bool IsPortName(string name) =>
        name.Length is >= 1 and <= 15 && PortNamePattern().IsMatch(name) && !name.Contains("--", StringComparison.Ordinal)
        && name.Any(char.IsAsciiLetterLower);

    private static bool IsQualifiedName(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length is 0 or > 253 || !DnsSubdomainPattern().IsMatch(prefix))
            {
                return false;
            }
        }

        return name.Length is >= 1 and <= 63 && LabelNamePattern().IsMatch(name);
    }

    private static bool IsLabelValue(string? value) =>
        value is null || value.Length == 0 || (value.Length <= 63 && LabelNamePattern().IsMatch(value));

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex PortNamePattern();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelNamePattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomainPattern();
}
