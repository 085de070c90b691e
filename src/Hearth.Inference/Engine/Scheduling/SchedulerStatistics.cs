namespace Hearth.Inference.Engine.Scheduling;

/// <summary>Counters of a <see cref="StepScheduler"/> since the model was loaded.</summary>
/// <param name="Steps">Forward passes run.</param>
/// <param name="SequenceSteps">Sum over steps of the sequences in each (Steps × mean batch size).</param>
/// <param name="Tokens">Tokens run (prompt and generated).</param>
/// <param name="MaxSequencesInStep">Most sequences one step has held.</param>
/// <param name="CpuSeconds">CPU time of all steps (the scheduler thread and the compute workers), NaN without per-thread clocks.</param>
public readonly record struct SchedulerStatistics(long Steps, long SequenceSteps, long Tokens, int MaxSequencesInStep, double CpuSeconds)
{
    /// <summary>Mean sequences per step.</summary>
    public double MeanSequencesPerStep => Steps == 0 ? 0 : (double)SequenceSteps / Steps;
}
