using Hearth.Ledger.Energy;

namespace Hearth.Ledger.Tests.Energy;

public class CpuClockTests
{
    [Fact]
    public void ThreadCpuSeconds_Spinning_AdvancesAndStaysBelowProcessTotal()
    {
        var t0 = CpuClock.ThreadCpuSeconds();
        var until = DateTime.UtcNow.AddMilliseconds(150);
        double x = 1;
        while (DateTime.UtcNow < until)
        {
            x = Math.Sqrt(x + 1);
        }
        var spent = CpuClock.ThreadCpuSeconds() - t0;
        Assert.True(x > 0);
        Assert.True(CpuClock.HasThreadClock, "expected the Linux per-thread CPU clock");
        Assert.InRange(spent, 0.001, 10);
        Assert.True(CpuClock.ThreadCpuSeconds() <= CpuClock.ProcessCpuSeconds() + 0.01);
    }
}
