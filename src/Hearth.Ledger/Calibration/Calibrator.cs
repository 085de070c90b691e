using System.Diagnostics;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;

namespace Hearth.Ledger.Calibration;

/// <summary>One calibration result.</summary>
public sealed record CalibrationResult(
    string Workload, long Tokens, double WallSeconds, double CpuSeconds, double EnergyWattHours, EnergyMethod Method,
    double UncertaintyFraction, string PowerBasis)
{
    public double WattHoursPer1kTokens => Tokens == 0 ? 0 : EnergyWattHours * 1000 / Tokens;
}

/// <summary>
/// Runs a fixed local workload through the meter so a site can compare Hearth's Wh per 1,000 tokens with a power meter.
/// Until the inference engine can serve a model, the workload is a CPU stand-in: each "token" is one 256×256 fp32
/// matrix-vector product plus a 256-wide softmax (a tiny decoder step), repeated; the report says so.
/// </summary>
public static class Calibrator
{
    public const string CpuWorkloadName = "cpu-standin: 256x256 fp32 matvec + softmax per token (inference engine not used)";

    /// <summary>Runs <paramref name="tokens"/> stand-in tokens on <paramref name="threads"/> threads through <paramref name="meter"/>.</summary>
    public static CalibrationResult RunCpuWorkload(RequestMeter meter, long tokens, int threads)
    {
        ArgumentNullException.ThrowIfNull(meter);
        using var scope = meter.BeginRequest(new RequestInfo { Tenant = "calibration", Route = "calibrate", Backend = "local", ModelId = "cpu-standin", ModelVersion = "v1" });
        var sw = Stopwatch.StartNew();
        var perThread = tokens / threads;
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            using (scope.MeasureThreadCpu())
            {
                Work(perThread + (t == 0 ? tokens % threads : 0), t);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        sw.Stop();
        var e = scope.Complete(0, tokens);
        return new CalibrationResult(CpuWorkloadName, tokens, sw.Elapsed.TotalSeconds, e.CpuSeconds, e.EnergyWattHours, e.EnergyMethod,
            e.EnergyUncertaintyFraction, meter.CpuModel.Basis);
    }

    private static void Work(long tokens, int seed)
    {
        const int n = 256;
        var m = new float[n * n];
        var x = new float[n];
        var y = new float[n];
        var rng = new Random(seed);
        for (var i = 0; i < m.Length; i++)
        {
            m[i] = (float)(rng.NextDouble() - 0.5) * 0.1f;
        }
        for (var i = 0; i < n; i++)
        {
            x[i] = (float)rng.NextDouble();
        }
        for (long t = 0; t < tokens; t++)
        {
            for (var r = 0; r < n; r++)
            {
                var row = m.AsSpan(r * n, n);
                float acc = 0;
                for (var c = 0; c < n; c++)
                {
                    acc += row[c] * x[c];
                }
                y[r] = acc;
            }
            var max = y.Max();
            float sum = 0;
            for (var i = 0; i < n; i++)
            {
                y[i] = MathF.Exp(y[i] - max);
                sum += y[i];
            }
            for (var i = 0; i < n; i++)
            {
                x[i] = y[i] / sum;
            }
        }
        GC.KeepAlive(x);
    }
}
