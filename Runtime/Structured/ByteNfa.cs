namespace QwenVL.Runtime.Structured;

/// <summary>
/// A frozen byte-level NFA with one start and one accepting state, trimmed so that every state lies on
/// some path from start to accept. Trimming is what guarantees the matcher never reaches a dead end:
/// any set of live states can still complete. Edges are stored compactly (CSR) for subset construction.
/// </summary>
internal sealed class ByteNfa
{
    private ByteNfa(int stateCount) => StateCount = stateCount;

    public int StateCount { get; }
    public int Start { get; private init; }
    public int Accept { get; private init; }

    public int[] ByteEdgeOffsets { get; private init; } = [];
    public byte[] EdgeLo { get; private init; } = [];
    public byte[] EdgeHi { get; private init; } = [];
    public int[] EdgeTarget { get; private init; } = [];
    public int[] EpsilonOffsets { get; private init; } = [];
    public int[] EpsilonTarget { get; private init; } = [];

    /// <summary>Fewest bytes that lead from each state to acceptance.</summary>
    public int[] BytesToAccept { get; private init; } = [];

    /// <summary>Bytes that no edge tells apart share a class; the DFA keeps one transition per class.</summary>
    public byte[] ClassOfByte { get; private init; } = new byte[256];
    public byte[] ClassRepresentative { get; private init; } = [];
    public int ClassCount => ClassRepresentative.Length;

    /// <summary>The trimmed automaton, or null when no string at all leads from start to accept.</summary>
    public static ByteNfa? TryCreate(int stateCount, List<(int From, byte Lo, byte Hi, int To)> byteEdges,
        List<(int From, int To)> epsilonEdges, int start, int accept)
    {
        var live = LiveStates(stateCount, byteEdges, epsilonEdges, start, accept);
        if (!live[start]) return null;

        var newIndex = new int[stateCount];
        var liveCount = 0;
        for (var s = 0; s < stateCount; s++) newIndex[s] = live[s] ? liveCount++ : -1;

        var keptBytes = byteEdges.Where(e => live[e.From] && live[e.To])
            .Select(e => (From: newIndex[e.From], e.Lo, e.Hi, To: newIndex[e.To])).OrderBy(e => e.From).ToArray();
        var keptEpsilon = epsilonEdges.Where(e => live[e.From] && live[e.To])
            .Select(e => (From: newIndex[e.From], To: newIndex[e.To])).OrderBy(e => e.From).ToArray();

        var (classOf, representatives) = ByteClasses(keptBytes);
        return new ByteNfa(liveCount)
        {
            Start = newIndex[start],
            Accept = newIndex[accept],
            ByteEdgeOffsets = Offsets(liveCount, keptBytes.Select(e => e.From)),
            EdgeLo = keptBytes.Select(e => e.Lo).ToArray(),
            EdgeHi = keptBytes.Select(e => e.Hi).ToArray(),
            EdgeTarget = keptBytes.Select(e => e.To).ToArray(),
            EpsilonOffsets = Offsets(liveCount, keptEpsilon.Select(e => e.From)),
            EpsilonTarget = keptEpsilon.Select(e => e.To).ToArray(),
            BytesToAccept = Distances(liveCount, keptBytes.Select(e => (e.From, e.To)), keptEpsilon, newIndex[accept]),
            ClassOfByte = classOf,
            ClassRepresentative = representatives,
        };
    }

    private static bool[] LiveStates(int stateCount, List<(int From, byte Lo, byte Hi, int To)> byteEdges,
        List<(int From, int To)> epsilonEdges, int start, int accept)
    {
        var forward = new List<int>[stateCount];
        var backward = new List<int>[stateCount];
        for (var s = 0; s < stateCount; s++) { forward[s] = []; backward[s] = []; }
        foreach (var (from, to) in byteEdges.Select(e => (e.From, e.To)).Concat(epsilonEdges))
        {
            forward[from].Add(to);
            backward[to].Add(from);
        }
        var reachable = Flood(forward, start);
        var coReachable = Flood(backward, accept);
        for (var s = 0; s < stateCount; s++) reachable[s] &= coReachable[s];
        return reachable;
    }

    private static bool[] Flood(List<int>[] adjacency, int origin)
    {
        var seen = new bool[adjacency.Length];
        var pending = new Stack<int>();
        seen[origin] = true;
        pending.Push(origin);
        while (pending.TryPop(out var state))
        {
            foreach (var next in adjacency[state])
            {
                if (seen[next]) continue;
                seen[next] = true;
                pending.Push(next);
            }
        }
        return seen;
    }

    private static int[] Offsets(int stateCount, IEnumerable<int> sortedSources)
    {
        var offsets = new int[stateCount + 1];
        foreach (var source in sortedSources) offsets[source + 1]++;
        for (var s = 0; s < stateCount; s++) offsets[s + 1] += offsets[s];
        return offsets;
    }

    /// <summary>0-1 breadth-first search backwards from accept: byte edges cost one, epsilon edges nothing.</summary>
    private static int[] Distances(int stateCount, IEnumerable<(int From, int To)> byteEdges,
        IEnumerable<(int From, int To)> epsilonEdges, int accept)
    {
        var incoming = new List<(int From, int Cost)>[stateCount];
        for (var s = 0; s < stateCount; s++) incoming[s] = [];
        foreach (var (from, to) in byteEdges) incoming[to].Add((from, 1));
        foreach (var (from, to) in epsilonEdges) incoming[to].Add((from, 0));

        var distance = new int[stateCount];
        Array.Fill(distance, int.MaxValue);
        distance[accept] = 0;
        var queue = new LinkedList<int>();
        queue.AddFirst(accept);
        while (queue.First != null)
        {
            var state = queue.First.Value;
            queue.RemoveFirst();
            foreach (var (from, cost) in incoming[state])
            {
                var candidate = distance[state] + cost;
                if (candidate >= distance[from]) continue;
                distance[from] = candidate;
                if (cost == 0) queue.AddFirst(from); else queue.AddLast(from);
            }
        }
        return distance;
    }

    private static (byte[] ClassOf, byte[] Representatives) ByteClasses(IEnumerable<(int From, byte Lo, byte Hi, int To)> edges)
    {
        var boundary = new bool[257];
        boundary[0] = true;
        foreach (var edge in edges)
        {
            boundary[edge.Lo] = true;
            boundary[edge.Hi + 1] = true;
        }
        var classOf = new byte[256];
        var representatives = new List<byte>();
        for (var b = 0; b < 256; b++)
        {
            if (boundary[b]) representatives.Add((byte)b);
            classOf[b] = (byte)(representatives.Count - 1);
        }
        return (classOf, representatives.ToArray());
    }
}
