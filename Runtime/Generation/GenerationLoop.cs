using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;

namespace QwenVL.Runtime.Generation;

/// <summary>
/// Runs one request's choices to completion on an executor through the real <see cref="Scheduler"/>, in a plain
/// loop: schedule a step, execute it, feed the outcome back. The choices end and become text in the same
/// <see cref="ChoiceSet"/> as when serving, so `qwenvl generate` answers what `serve` answers. Each run starts a
/// fresh scheduler over the executor's KV cache, which must hold the config's <see cref="SchedulerConfig.NumBlocks"/>.
/// Constraints are compiled through <paramref name="grammars"/> (a loop of its own when none is given), once per spec.
/// </summary>
public sealed class GenerationLoop(IModelExecutor executor, SchedulerConfig config, QwenTokenizer tokenizer, IReadOnlyList<int> eosTokenIds,
    StructuredOutputs? grammars = null)
{
    private readonly ChoiceSetup _setup = new(tokenizer, eosTokenIds, config.MaxModelLength);
    private readonly StructuredOutputs _grammars = grammars ?? new StructuredOutputs(tokenizer);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> for a request that cannot run: bad sampling settings, a constraint that
    /// cannot be compiled (the inner <see cref="StructuredOutputException"/> names keyword and path), too long for the
    /// context or the KV cache.
    /// </summary>
    public GenerationResult Run(PreparedPrompt prompt, SamplingParams p, OutputTextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        int promptTokens = prompt.Prompt.Tokens.Length;
        if (ContextLength.Check(promptTokens, p.MaxTokens, config.MaxModelLength) is { } refused) throw new ArgumentException(refused.Message);
        var grammar = Compile(p.Constraint);
        var scheduler = new Scheduler(config);
        long nextId = 0;
        var choices = new ChoiceSet(prompt, p, options ?? OutputTextOptions.Default, _setup, () => new SequenceId(++nextId), grammar);
        foreach (var sequence in choices.Sequences)
        {
            var added = scheduler.Add(sequence);
            if (added != AddOutcome.Accepted)
                throw new ArgumentException(added == AddOutcome.TooLong ? ContextLength.ExceedsKvCache(promptTokens, config.MaxModelLength)
                    : $"the scheduler holds at most {config.MaxWaiting} waiting sequences; the request has {p.N}");
        }
        var collected = new ChoiceCollector(p.N);
        while (scheduler.Schedule() is { } batch)
        {
            var outcome = scheduler.Update(batch, executor.Execute(batch));
            choices.Add(outcome.Tokens, collected);
            foreach (var finished in outcome.Finished) choices.Finish(finished, collected);
            foreach (var id in choices.TakeStoppedByText()) scheduler.Abort(id);
        }
        return new GenerationResult(collected.Choices(), choices.PromptTokens, choices.CompletionTokens);
    }

    private CompiledGrammar? Compile(GrammarSpec? spec)
    {
        try
        {
            return _grammars.CompileOrNull(spec);
        }
        catch (StructuredOutputException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }
}

/// <summary>A request's finished choices and its token counts, as serving reports them in usage.</summary>
/// <param name="CompletionTokens">every choice's tokens, up to and including the one that ended it</param>
public sealed record GenerationResult(IReadOnlyList<GeneratedChoice> Choices, int PromptTokens, int CompletionTokens);
