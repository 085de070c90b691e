using Hearth.Inference.Engine;
using Hearth.Ledger.Calibration;

namespace Hearth.Cli.Commands;

/// <summary>The ledger's calibration workload over the inference engine: a fixed prompt and token counts, greedy (composition of Ledger and Inference).</summary>
internal sealed class EngineCalibrationWorkload : ICalibrationWorkload, IDisposable
{
    /// <summary>The fixed calibration text (repeated or cut to <see cref="PromptTokens"/> tokens by each model's tokenizer).</summary>
    public const string PromptText =
        "The library opened early on Saturday. A small group of volunteers sorted returned books, checked the heating and " +
        "wrote the week's schedule on the board by the door. Outside, the first visitors waited with their coffee and talked " +
        "about the weather, the market and the long winter that was coming. ";

    public const int PromptTokens = 128;

    public const int GenerateTokens = 128;

    private readonly LoadedModel _model;
    private readonly FixedGenerationWorkload _workload;

    private EngineCalibrationWorkload(LoadedModel model)
    {
        _model = model;
        _workload = new FixedGenerationWorkload(model, FixedGenerationWorkload.PromptFromText(model.Tokenizer, PromptText, PromptTokens), GenerateTokens);
    }

    /// <summary>Loads <paramref name="path"/> with a context just large enough for the workload.</summary>
    public static EngineCalibrationWorkload Load(string path, int threads)
    {
        var model = LoadedModel.Load(path, new EngineOptions { Threads = threads, ContextLength = PromptTokens + GenerateTokens, MaxConcurrentSequences = 1 });
        try
        {
            return new EngineCalibrationWorkload(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public string ModelId => _model.Info.Id;

    public string ModelVersion => _model.Info.FileSha256;

    public int Threads => _model.Options.Threads;

    public async Task<CalibrationTokens> RunOnceAsync(CancellationToken cancellationToken)
    {
        _ = await _workload.RunAsync(cancellationToken).ConfigureAwait(false);
        return new CalibrationTokens(_workload.PromptTokens, _workload.GenerateTokens);
    }

    public void Dispose() => _model.Dispose();
}
