namespace Hearth.TestSupport;

/// <summary>
/// Locates the read-only shared test data (models, vocabularies, chat templates, routing and carbon data).
/// One setting: <c>HEARTH_TEST_DATA</c>; default <c>../shared</c> beside the repository root.
/// A missing file is a test failure (never a skip), so CI cannot pass without the data.
/// </summary>
public static class TestData
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>Absolute path of the shared data folder.</summary>
    public static string Root => s_root.Value;

    /// <summary>Absolute path of a file under the shared data folder; throws if it does not exist.</summary>
    public static string File(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        if (!System.IO.File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException(
                $"Test data '{relativePath}' not found under '{Root}'. Set HEARTH_TEST_DATA to the shared data folder.", path);
        }
        return path;
    }

    /// <summary>The repository root (the folder holding Hearth.slnx).</summary>
    public static string RepoRoot => s_repoRoot.Value;

    private static readonly Lazy<string> s_repoRoot = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Hearth.slnx")))
        {
            dir = dir.Parent;
        }
        if (dir is not null)
        {
            return dir.FullName;
        }
        var built = typeof(TestData).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "HearthRepoRoot")?.Value;
        return built is not null && System.IO.File.Exists(Path.Combine(built, "Hearth.slnx"))
            ? built
            : throw new DirectoryNotFoundException("Could not find the repository root (Hearth.slnx) above " + AppContext.BaseDirectory);
    });

    private static string FindRoot()
    {
        var configured = Environment.GetEnvironmentVariable("HEARTH_TEST_DATA");
        var root = string.IsNullOrWhiteSpace(configured)
            ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"))
            : Path.GetFullPath(configured);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException(
                $"Shared test data folder '{root}' does not exist. Set HEARTH_TEST_DATA or place the data beside the repository as ../shared.");
        }
        return root;
    }
}
