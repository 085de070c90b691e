using Hearth.Server.Auth;
using Hearth.Server.Hosting;

namespace Hearth.Server.Tests.Hosting;

public sealed class NetworkExposureTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", true)]
    [InlineData("::1", true)]
    [InlineData("localhost", true)]
    [InlineData("*", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("192.168.1.20", false)]
    [InlineData("10.0.0.7", false)]
    public void IsLoopbackOnly_HostValue_TrueOnlyForLoopback(string host, bool expected) =>
        Assert.Equal(expected, NetworkExposure.IsLoopbackOnly(host));

    [Theory]
    [InlineData("*", ApiKeyAuthState.Off, true)]
    [InlineData("0.0.0.0", ApiKeyAuthState.Off, true)]
    [InlineData("192.168.1.20", ApiKeyAuthState.Off, true)]
    [InlineData("*", ApiKeyAuthState.Required, false)]
    [InlineData("*", ApiKeyAuthState.Unavailable, false)]
    [InlineData("127.0.0.1", ApiKeyAuthState.Off, false)]
    [InlineData("localhost", ApiKeyAuthState.Off, false)]
    public void OpenNodeWarning_HostAndAuthState_WarnsOnlyForAnOpenNetworkNode(string host, ApiKeyAuthState state, bool warns)
    {
        var warning = NetworkExposure.OpenNodeWarning(host, state);

        Assert.Equal(warns, warning is not null);
        if (warning is not null)
        {
            Assert.StartsWith("WARNING:", warning, StringComparison.Ordinal);
            Assert.Contains($"'{host}'", warning, StringComparison.Ordinal);
            Assert.Contains("hearth keys create --tenant NAME --admin", warning, StringComparison.Ordinal);
        }
    }
}
