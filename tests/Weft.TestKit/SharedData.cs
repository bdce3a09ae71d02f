namespace Weft.TestKit;

/// <summary>
/// Finds the workplace's shared data (conformance cases): WEFT_SHARED, else the `shared` folder beside the
/// repository, which is where CI puts it next to the clone.
/// </summary>
public static class SharedData
{
    public static string Dir(params string[] parts)
    {
        if (Environment.GetEnvironmentVariable("WEFT_SHARED") is { Length: > 0 } shared)
        {
            return Path.Combine([shared, .. parts]);
        }
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Weft.slnx")))
            {
                return Path.GetFullPath(Path.Combine([d.FullName, "..", "shared", .. parts]));
            }
        }
        throw new InvalidOperationException("repository root (Weft.slnx) not found above " + AppContext.BaseDirectory);
    }
}
