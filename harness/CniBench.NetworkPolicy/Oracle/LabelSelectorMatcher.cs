using k8s.Models;

namespace CniBench.NetworkPolicy.Oracle;

/// <summary>
/// metav1.LabelSelector semantics: matchLabels and every matchExpression must all hold; an empty
/// selector matches everything. NotIn and DoesNotExist also match objects without the key.
/// </summary>
public static class LabelSelectorMatcher
{
    public static bool Matches(V1LabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var expression in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(expression.Key, out var actual);
            var values = expression.Values ?? [];
            var holds = expression.OperatorProperty switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                var op => throw new ArgumentException($"unknown label selector operator '{op}'", nameof(selector)),
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }
}
