using Hearth.Server.Configuration;

namespace Hearth.Server.Backends;

/// <summary>
/// The models this node serves: every <c>*.gguf</c> in the models folder (no configuration needed, listed fresh on each call so a
/// pulled or removed file shows at once) plus every model configured under <c>Upstreams</c>. An upstream alias wins over a file of the same name.
/// </summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelDescriptor> _upstream = new(StringComparer.Ordinal);

    public ModelCatalog(HearthOptions options, TimeProvider? timeProvider = null)
    {
        ModelsDirectory = HearthHome.ModelsDirectory(options.Home ?? HearthHome.Resolve());
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        foreach (var u in options.Upstreams)
        {
            foreach (var entry in u.Models)
            {
                var (alias, remote) = UpstreamModelName.Parse(entry);
                _upstream[alias] = new ModelDescriptor(alias, BackendKind.Upstream, u.Name, remote, null, 0, now);
            }
        }
    }

    public string ModelsDirectory { get; }

    /// <summary>All models, upstream aliases first then local files, each group sorted by id.</summary>
    public IReadOnlyList<ModelDescriptor> List()
    {
        var list = _upstream.Values.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        list.AddRange(LocalModels().Where(m => !_upstream.ContainsKey(m.Id)));
        return list;
    }

    /// <summary>The model with this id, or null.</summary>
    public ModelDescriptor? Find(string id)
    {
        if (_upstream.TryGetValue(id, out var upstream))
        {
            return upstream;
        }
        if (!LocalModelFiles.IsValidModelName(id))
        {
            return null;
        }
        var path = Path.Combine(ModelsDirectory, id + LocalModelFiles.Extension);
        var file = new FileInfo(path);
        return file.Exists ? Describe(file) : null;
    }

    /// <summary>The ids to list in a 404's message.</summary>
    public IEnumerable<string> Ids() => List().Select(m => m.Id);

    public IEnumerable<ModelDescriptor> LocalModels()
    {
        if (!Directory.Exists(ModelsDirectory))
        {
            return [];
        }
        return new DirectoryInfo(ModelsDirectory).EnumerateFiles("*" + LocalModelFiles.Extension)
            .Where(f => LocalModelFiles.IsValidModelName(Path.GetFileNameWithoutExtension(f.Name)))
            .Select(Describe)
            .OrderBy(m => m.Id, StringComparer.Ordinal);
    }

    private static ModelDescriptor Describe(FileInfo f) =>
        new(Path.GetFileNameWithoutExtension(f.Name), BackendKind.Local, "hearth", null, f.FullName, f.Length, f.LastWriteTimeUtc);
}

/// <summary>Naming rules for model files in the models folder.</summary>
public static class LocalModelFiles
{
    public const string Extension = ".gguf";

    /// <summary>Letters, digits and <c>. _ - :</c>; no path separators, not starting with a dot; at most 200 characters.</summary>
    public static bool IsValidModelName(string name) =>
        name.Length is > 0 and <= 200 && name[0] != '.' &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':');
}
