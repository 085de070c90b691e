using Hearth.Contracts;
using Hearth.Routing.Hybrid;

namespace Hearth.Routing.Tests.Hybrid;

public sealed class RoutingRequestExceptionTests
{
    [Fact]
    public void Constructor_Message_InvalidRequestOnPolicyHeaderWithInvalidPolicyCode()
    {
        HearthRequestException e = new RoutingRequestException("unknown policy 'fastest'");

        Assert.Equal(RequestErrorKind.InvalidRequest, e.Kind);
        Assert.Equal("x-hearth-policy", e.Param);
        Assert.Equal("invalid_policy", e.Code);
        Assert.Equal("unknown policy 'fastest'", e.Message);
        Assert.False(e.RefusedBeforeWork);
    }

    [Fact]
    public void Constructor_Inner_KeptWithSameKind()
    {
        var inner = new InvalidOperationException("x");

        var e = new RoutingRequestException("bad", inner);

        Assert.Same(inner, e.InnerException);
        Assert.Equal(RequestErrorKind.InvalidRequest, e.Kind);
        Assert.Equal("invalid_policy", e.Code);
    }
}
