namespace QwenVL.Runtime.Structured;

/// <summary>
/// The deterministic automaton of a <see cref="ByteNfa"/>, built by subset construction one transition
/// at a time as matching needs it, so a large grammar (json_object nests 2^depth contexts) costs only the
/// states actually visited. Thread-safe: reads take no lock; a missing transition is computed under one.
/// </summary>
internal sealed class LazyDfa
{
    public const int Dead = -1;
    private const int Unknown = -2;

    private sealed class State(int[] members, bool accepting, int bytesToAccept, int classCount)
    {
        public readonly int[] Members = members;
        public readonly bool Accepting = accepting;
        public readonly int BytesToAccept = bytesToAccept;
        public readonly int[] Next = NewRow(classCount);

        private static int[] NewRow(int length)
        {
            var row = new int[length];
            Array.Fill(row, Unknown);
            return row;
        }
    }

    private readonly ByteNfa _nfa;
    private readonly byte[] _classOf;
    private readonly Lock _gate = new();
    private readonly Dictionary<int[], int> _idOfMembers = new(MembersComparer.Instance);
    private readonly int[] _seenStamp;
    private int _stamp;
    private State[] _states = new State[64];
    private int _count;

    public LazyDfa(ByteNfa nfa)
    {
        _nfa = nfa;
        _classOf = nfa.ClassOfByte;
        _seenStamp = new int[nfa.StateCount];
        lock (_gate) Start = Intern(Closure([nfa.Start]));
    }

    public int Start { get; }

    public int StateCount => Volatile.Read(ref _count);

    public bool IsAccepting(int state) => Volatile.Read(ref _states)[state].Accepting;

    /// <summary>Fewest bytes from <paramref name="state"/> to an accepting state (finite for every state: the NFA is trimmed).</summary>
    public int BytesToAccept(int state) => Volatile.Read(ref _states)[state].BytesToAccept;

    /// <summary>The state after <paramref name="input"/>, or <see cref="Dead"/>.</summary>
    public int Step(int state, byte input)
    {
        var row = Volatile.Read(ref _states)[state].Next;
        var cls = _classOf[input];
        var next = Volatile.Read(ref row[cls]);
        return next != Unknown ? next : ComputeTransition(state, cls);
    }

    /// <summary>Steps through all of <paramref name="input"/>; <see cref="Dead"/> as soon as a byte is refused.</summary>
    public int Walk(int state, ReadOnlySpan<byte> input)
    {
        foreach (var b in input)
        {
            state = Step(state, b);
            if (state == Dead) return Dead;
        }
        return state;
    }

    private int ComputeTransition(int state, byte cls)
    {
        lock (_gate)
        {
            var source = _states[state];
            if (source.Next[cls] != Unknown) return source.Next[cls];
            var representative = _nfa.ClassRepresentative[cls];
            var targets = new List<int>();
            foreach (var member in source.Members)
            {
                for (var e = _nfa.ByteEdgeOffsets[member]; e < _nfa.ByteEdgeOffsets[member + 1]; e++)
                {
                    if (_nfa.EdgeLo[e] <= representative && representative <= _nfa.EdgeHi[e]) targets.Add(_nfa.EdgeTarget[e]);
                }
            }
            var next = targets.Count == 0 ? Dead : Intern(Closure(targets));
            Volatile.Write(ref source.Next[cls], next);
            return next;
        }
    }

    /// <summary>Sorted, de-duplicated epsilon closure. Called under the lock (it shares the stamp array).</summary>
    private int[] Closure(List<int> seeds)
    {
        _stamp++;
        var members = new List<int>();
        var pending = new Stack<int>();
        foreach (var seed in seeds)
        {
            if (_seenStamp[seed] == _stamp) continue;
            _seenStamp[seed] = _stamp;
            pending.Push(seed);
        }
        while (pending.TryPop(out var state))
        {
            // States with byte edges or acceptance are the ones that matter; pure epsilon junctions are dropped.
            if (_nfa.ByteEdgeOffsets[state] != _nfa.ByteEdgeOffsets[state + 1] || state == _nfa.Accept) members.Add(state);
            for (var e = _nfa.EpsilonOffsets[state]; e < _nfa.EpsilonOffsets[state + 1]; e++)
            {
                var next = _nfa.EpsilonTarget[e];
                if (_seenStamp[next] == _stamp) continue;
                _seenStamp[next] = _stamp;
                pending.Push(next);
            }
        }
        var sorted = members.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private int Intern(int[] members)
    {
        if (_idOfMembers.TryGetValue(members, out var existing)) return existing;
        var accepting = false;
        var bytesToAccept = int.MaxValue;
        foreach (var member in members)
        {
            accepting |= member == _nfa.Accept;
            bytesToAccept = Math.Min(bytesToAccept, _nfa.BytesToAccept[member]);
        }
        var id = _count;
        if (id == _states.Length)
        {
            var grown = new State[id * 2];
            Array.Copy(_states, grown, id);
            Volatile.Write(ref _states, grown);
        }
        _states[id] = new State(members, accepting, bytesToAccept, _nfa.ClassCount);
        _idOfMembers[members] = id;
        Volatile.Write(ref _count, id + 1);
        return id;
    }

    private sealed class MembersComparer : IEqualityComparer<int[]>
    {
        public static readonly MembersComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] members)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(members.AsSpan()));
            return hash.ToHashCode();
        }
    }
}
