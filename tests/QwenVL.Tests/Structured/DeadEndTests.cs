using QwenVL.Runtime.Structured;
using Xunit;

namespace QwenVL.Tests.Structured;

/// <summary>From every reachable state some accepting state is reachable, so no output can get stuck.</summary>
public class DeadEndTests
{
    public static TheoryData<string> Schemas => new(RandomWalkSchemas.All.Select(s => s.Schema).Take(12));

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Every_reachable_state_can_still_complete(string schema) => AssertNoDeadEnd(StructuredKit.Schema(schema));

    [Fact]
    public void Json_object_and_regexes_have_no_dead_end()
    {
        AssertNoDeadEnd(StructuredKit.Compile(GrammarSpec.JsonObject(), GrammarOptions.Default with { JsonObjectDepth = 3 }));
        AssertNoDeadEnd(StructuredKit.Compile(GrammarSpec.Regex(@"(\d{2,4}|x+)-[^a]?\w*")));
    }

    /// <summary>Breadth-first over bytes from the start (up to a state budget), then a concrete path to acceptance from each state found.</summary>
    private static void AssertNoDeadEnd(CompiledGrammar grammar, int maxStates = 3000)
    {
        var dfa = grammar.Dfa;
        var seen = new HashSet<int> { dfa.Start };
        var queue = new Queue<int>([dfa.Start]);
        while (queue.TryDequeue(out var state) && seen.Count < maxStates)
        {
            Assert.True(CanAccept(dfa, state), $"state {state} cannot complete");
            foreach (var next in Successors(dfa, state))
            {
                if (seen.Add(next)) queue.Enqueue(next);
            }
        }
    }

    /// <summary>Follows bytes that bring the output one byte closer to complete until it is: a concrete path to acceptance.</summary>
    private static bool CanAccept(LazyDfa dfa, int state)
    {
        while (!dfa.IsAccepting(state))
        {
            var distance = dfa.BytesToAccept(state);
            var closer = Successors(dfa, state).Where(next => dfa.BytesToAccept(next) == distance - 1).Take(1).ToArray();
            if (closer.Length == 0) return false;
            state = closer[0];
        }
        return true;
    }

    private static IEnumerable<int> Successors(LazyDfa dfa, int state) =>
        Enumerable.Range(0, 256).Select(b => dfa.Step(state, (byte)b)).Where(next => next != LazyDfa.Dead).Distinct();
}
