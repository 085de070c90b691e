using BenchmarkDotNet.Attributes;
using Hearth.Ledger.Carbon;
using Hearth.Ledger.Energy;
using Hearth.Ledger.Entries;
using Hearth.Ledger.Metering;
using Hearth.Ledger.Options;

namespace Hearth.Bench.Ledger;

/// <summary>
/// Per-request hot paths of the ledger: the chain hash of one entry (done by the batch writer, off the request path)
/// and metering's begin + complete (on the request path). The end-to-end figures (appends/s per store, critical-path µs)
/// come from <c>hearth bench ledger</c>.
/// Run: dotnet run -c Release --project bench/Hearth.Bench -- --filter "*LedgerHotPath*" --inProcess
/// </summary>
[MemoryDiagnoser]
public class LedgerHotPathBenchmarks
{
    private LedgerEntry _entry = null!;
    private RequestMeter _meter = null!;
    private RequestInfo _info = null!;

    [GlobalSetup]
    public void Setup()
    {
        _entry = new LedgerEntry
        {
            Timestamp = DateTimeOffset.UtcNow,
            NodeId = "bench",
            Tenant = "tenant",
            Route = "/v1/chat/completions",
            Backend = "local",
            ModelId = "stories260K",
            ModelVersion = "sha256:0123456789abcdef",
            TokensIn = 42,
            TokensOut = 128,
            EnergyMethod = EnergyMethod.Modelled,
            IntensitySource = "static:FRA:2023",
            Zone = "FRA",
            SciGramsCo2ePer1kTokens = 0.002,
        };
        var options = new LedgerOptions { Zone = "FRA" };
        var s = new StaticZoneIntensitySource();
        _meter = new RequestMeter(options, new LiveIntensity(s, "FRA", s.Get("FRA", DateTimeOffset.UtcNow), TimeSpan.MaxValue), CpuPowerModel.Create(options.Cpu));
        _info = new RequestInfo { Tenant = "tenant", Route = "/v1/chat/completions", Backend = "local", ModelId = "stories260K" };
    }

    [Benchmark]
    public string ChainHash() => LedgerHash.Compute(_entry, LedgerHash.Genesis);

    [Benchmark]
    public LedgerEntry MeterBeginComplete()
    {
        using var scope = _meter.BeginRequest(_info);
        return scope.Complete(42, 128);
    }
}
