using System.Runtime.CompilerServices;
using Hearth.Contracts;
using Hearth.Inference.Engine.Json;
using Hearth.Inference.Engine.Sampling;
using Hearth.Inference.Engine.Scheduling;
using Hearth.Inference.Kernels;
using Hearth.Inference.Models;
using Hearth.Inference.Tokenizers;

namespace Hearth.Inference.Engine;

public sealed partial class LoadedModel
{
    /// <summary>
    /// Streams the generation token by token. The sequence joins the model's step scheduler: the prompt runs in chunks of at
    /// most <see cref="EngineOptions.PrefillBatchTokens"/>, then one token per step, each step batched with the steps of the
    /// other live sequences. The next token's step is queued before the current token is yielded, so it runs while the
    /// consumer handles the token. Cancellation is checked before every step and every emitted token. Throws
    /// <see cref="ContextOverflowException"/> when the prompt does not fit the context window (never truncates); the output
    /// stops with <see cref="FinishReason.Length"/> when the window fills.
    /// </summary>
    public async IAsyncEnumerable<GeneratedToken> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var vocabulary = Hyperparameters.VocabularySize;
        request.Validate(vocabulary);
        var context = Info.ContextLength;
        var prompt = request.PromptTokens.ToArray();
        if (prompt.Length > context)
        {
            throw new ContextOverflowException(prompt.Length, context);
        }
        // The last sampled token is never fed back, so the window holds prompt + budget - 1 positions.
        var budget = Math.Min(request.MaxTokens, context - prompt.Length + 1);

        await _sequenceSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        ScheduledSequence? sequence = null;
        try
        {
            var cache = CreateCache(Math.Max(1, Math.Min(context, prompt.Length + budget - 1)));
            var sampler = new Sampler(request.Sampling, vocabulary);
            var constraint = request.Format == OutputFormat.JsonObject ? new JsonTokenConstraint(JsonTokenTable.For(Tokenizer)) : null;
            var decoder = new StreamingTextDecoder(Tokenizer);
            var stops = new StopStringMatcher(request.StopStrings);
            var history = new List<int>(prompt.Length + budget);
            history.AddRange(prompt);
            var logits = new float[vocabulary];
            var work = new float[vocabulary];
            var topIds = new int[request.TopLogProbs];
            var next = new int[1];

            cancellationToken.ThrowIfCancellationRequested();
            sequence = _scheduler.Join(cache);
            var step = sequence.StepAsync(prompt, logits, null, cancellationToken);

            for (var n = 0; n < budget; n++)
            {
                await step.ConfigureAwait(false);
                var cpuStart = ThreadCpuClock.CurrentThreadSeconds();
                cancellationToken.ThrowIfCancellationRequested();

                logits.CopyTo(work, 0);
                if (Tokenizer.VocabularySize < vocabulary)
                {
                    // Embedding rows beyond the tokenizer's vocabulary (padding) have no text: never sample them.
                    work.AsSpan(Tokenizer.VocabularySize).Fill(float.NegativeInfinity);
                }
                sampler.ApplyPenalties(work, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(history));
                constraint?.Mask(work, budget - n);
                var id = sampler.Choose(work);
                var logSumExp = LogProbabilities.LogSumExp(logits, work);
                var alternatives = Alternatives(logits, logSumExp, topIds);
                var logProbability = logits[id] - logSumExp;
                history.Add(id);

                string text;
                FinishReason? finish = null;
                // (Under a JSON constraint end-of-generation tokens are masked: the output ends when the object closes.)
                if (Tokenizer.IsEndOfGeneration(id))
                {
                    text = stops.Append(decoder.Flush()) + stops.Flush();
                    finish = FinishReason.Stop;
                }
                else
                {
                    constraint?.Accept(id);
                    text = stops.Append(decoder.Append(id));
                    if (stops.Stopped || (constraint?.IsComplete ?? false))
                    {
                        text += stops.Append(decoder.Flush()) + stops.Flush();
                        finish = FinishReason.Stop;
                    }
                    else if (n == budget - 1)
                    {
                        text += stops.Append(decoder.Flush()) + stops.Flush();
                        finish = FinishReason.Length;
                    }
                }
                if (finish is null)
                {
                    // Queue the next step before handing the token out: it runs (batched) while the consumer works.
                    next[0] = id;
                    step = sequence.StepAsync(next, logits, null, cancellationToken);
                }
                sequence.AddCpuSeconds(ThreadCpuClock.CurrentThreadSeconds() - cpuStart);
                var token = new GeneratedToken(id, text, logProbability, alternatives, finish) { CpuSeconds = sequence.CpuSeconds, TokenText = TokenText(id) };
                sequence.Park();
                yield return token;
                sequence.Unpark();
                if (finish is not null)
                {
                    yield break;
                }
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            sequence?.Dispose();
            _sequenceSlots.Release();
        }
    }

    /// <summary>The text a token adds mid-sequence (its exact bytes as UTF-8; a partial character shows as U+FFFD).</summary>
    internal string TokenText(int tokenId) =>
        (uint)tokenId < (uint)Tokenizer.VocabularySize ? System.Text.Encoding.UTF8.GetString(Tokenizer.TokenBytes(tokenId)) : string.Empty;

    private IReadOnlyList<TokenLogProb> Alternatives(float[] logits, float logSumExp, int[] topIds)
    {
        if (topIds.Length == 0)
        {
            return [];
        }
        var count = LogProbabilities.TopIds(logits, topIds);
        var result = new TokenLogProb[count];
        for (var i = 0; i < count; i++)
        {
            var id = topIds[i];
            result[i] = new TokenLogProb(TokenText(id), logits[id] - logSumExp, id);
        }
        return result;
    }
}
