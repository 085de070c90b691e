using Hearth.Server.Backends;
using Hearth.Server.Backends.Local;
using Hearth.Server.Tests.Support;
using Hearth.TestSupport;
using Microsoft.Extensions.AI;

namespace Hearth.Server.Tests.Backends.Conformance;

/// <summary>The local engine backend as a node builds it: <see cref="ModelBackends"/> with the default loader, no pipeline.</summary>
public sealed class LocalBackendConformanceTests(LocalBackendConformanceTests.Fixture fixture)
    : ChatBackendConformanceTests, IClassFixture<LocalBackendConformanceTests.Fixture>
{
    protected override IChatClient Backend => fixture.Client;
    protected override string ModelId => ToolModel.Id;
    protected override string ResponseModelId => ToolModel.Id;
    protected override int ContextWindowTokens => ToolModel.ContextWindowTokens;

    [Fact]
    public void Backend_BuiltByModelBackends_IsTheLocalSchedulerClient() =>
        Assert.IsType<LocalBackendChatClient>(fixture.Client);

    public sealed class Fixture : IDisposable
    {
        private readonly TempDir _home = new("hearth-conformance-local-");
        private readonly ModelBackends _backends;

        public Fixture()
        {
            ToolModel.WriteInto(_home);
            var options = TestNodes.Options(_home);
            options = options with { Local = options.Local with { Threads = 1, ContextLength = ToolModel.ContextWindowTokens } };
            var catalog = new ModelCatalog(options);
            _backends = new ModelBackends(options, DefaultLocalModelLoader.Create());
            Client = _backends.GetChatClient(catalog.Find(ToolModel.Id) ?? throw new InvalidOperationException("the catalog does not list " + ToolModel.Id));
        }

        public IChatClient Client { get; }

        public void Dispose()
        {
            _backends.Dispose();
            _home.Dispose();
        }
    }
}
