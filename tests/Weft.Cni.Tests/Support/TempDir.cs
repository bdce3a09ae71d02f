namespace Weft.Cni.Tests.Support;

/// <summary>A scratch directory under /tmp named wt + 6 hex chars, removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        // Short path: unix socket paths must fit in 108 bytes.
        Path = System.IO.Path.Combine("/tmp", "wt" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
