using Hearth.Server.Backends;
using Hearth.Server.Configuration;

namespace Hearth.Server.Store;

/// <summary>The local model files in <c>$HEARTH_HOME/models</c>: list, describe, delete (the CLI's models / show / rm).</summary>
public sealed class ModelStore(string home)
{
    public string ModelsDirectory { get; } = HearthHome.ModelsDirectory(home);

    public IReadOnlyList<ModelDescriptor> List() =>
        new ModelCatalog(new HearthOptions { Home = home }).LocalModels().ToList();

    public ModelDescriptor? Find(string name) =>
        LocalModelFiles.IsValidModelName(name) ? List().FirstOrDefault(m => m.Id == name) : null;

    /// <summary>Deletes the model file; false when there is no such model.</summary>
    public bool Delete(string name)
    {
        var model = Find(name);
        if (model?.FilePath is null)
        {
            return false;
        }
        File.Delete(model.FilePath);
        return true;
    }
}
