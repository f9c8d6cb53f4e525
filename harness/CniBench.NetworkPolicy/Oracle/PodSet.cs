using System.Numerics;

namespace CniBench.NetworkPolicy.Oracle;

/// <summary>A set of pods as a bit per model index: selection is computed once, verdicts are word operations.</summary>
internal sealed class PodSet
{
    private readonly ulong[] _words;

    public PodSet(int capacity)
    {
        Capacity = capacity;
        _words = new ulong[(capacity + 63) / 64];
    }

    public int Capacity { get; }

    public static PodSet All(int capacity)
    {
        var set = new PodSet(capacity);
        for (var i = 0; i < capacity; i++)
        {
            set.Add(i);
        }

        return set;
    }

    public bool Contains(int index) => (_words[index >> 6] & (1UL << index)) != 0;

    public void Add(int index) => _words[index >> 6] |= 1UL << index;

    public bool IsEmpty => _words.All(w => w == 0);

    public int Count => _words.Sum(BitOperations.PopCount);

    public void UnionWith(PodSet other)
    {
        for (var i = 0; i < _words.Length; i++)
        {
            _words[i] |= other._words[i];
        }
    }

    /// <summary>this ∪= (a ∩ b), without allocating the intersection.</summary>
    public void UnionWithIntersection(PodSet a, PodSet b)
    {
        for (var i = 0; i < _words.Length; i++)
        {
            _words[i] |= a._words[i] & b._words[i];
        }
    }

    public IEnumerable<int> Members()
    {
        for (var i = 0; i < Capacity; i++)
        {
            if (Contains(i))
            {
                yield return i;
            }
        }
    }
}
