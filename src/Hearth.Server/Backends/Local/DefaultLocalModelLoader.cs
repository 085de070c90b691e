namespace Hearth.Server.Backends.Local;

/// <summary>The loader a node uses when none is supplied: Hearth's in-process engine.</summary>
internal static class DefaultLocalModelLoader
{
    public static ILocalModelLoader Create() => new Engine.EngineModelLoader();
}
