using Microsoft.Win32.SafeHandles;
using Weft.Linux.Interop;
using static Weft.Linux.Interop.LinuxConstants;

namespace Weft.Linux.Netns;

/// <summary>
/// An open handle on a Linux network namespace. Holding it keeps the namespace alive even if its
/// /run/netns entry is deleted. Named namespaces follow the iproute2 convention (/run/netns/NAME,
/// a bind mount of the namespace file), so `ip netns` sees them and vice versa.
/// </summary>
public sealed partial class NetNamespace : IDisposable
{
    /// <summary>Where named namespaces are bind-mounted, as with <c>ip netns</c>.</summary>
    public const string RunDirectory = "/run/netns";

    private NetNamespace(SafeFileHandle handle, string path)
    {
        Handle = handle;
        Path = path;
    }

    /// <summary>The path the namespace was opened from (for messages; the handle is what counts).</summary>
    public string Path { get; }

    /// <summary>The namespace descriptor, e.g. for IFLA_NET_NS_FD.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>The raw descriptor number; valid while this object is not disposed.</summary>
    public int Fd => (int)Handle.DangerousGetHandle();

    /// <summary>
    /// The namespace's inode number, its identity: two handles with the same inode refer to the
    /// same namespace, and /proc/*/ns/net links read "net:[INODE]".
    /// </summary>
    public ulong Inode => Syscalls.GetInode(Handle, Path);

    /// <summary>Opens a namespace file such as /run/netns/x or /proc/PID/ns/net.</summary>
    /// <exception cref="SyscallException">The file cannot be opened.</exception>
    /// <exception cref="ArgumentException">The file is not a network namespace.</exception>
    public static NetNamespace Open(string path)
    {
        var handle = Syscalls.Open(path, O_RDONLY);
        int type = Syscalls.TryGetNamespaceType(handle);
        if (type != CLONE_NEWNET)
        {
            handle.Dispose();
            string why = type < 0 ? Errno.Describe(-type) : $"namespace type 0x{type:x}";
            throw new ArgumentException($"'{path}' is not a network namespace ({why})", nameof(path));
        }

        return new NetNamespace(handle, path);
    }

    /// <summary>Opens the network namespace of the calling thread.</summary>
    public static NetNamespace OpenCurrent() =>
        Open($"/proc/{Syscalls.GetPid()}/task/{Syscalls.GetTid()}/ns/net");

    /// <summary>The /run/netns path for <paramref name="name"/>.</summary>
    public static string PathOf(string name)
    {
        ValidateName(name);
        return $"{RunDirectory}/{name}";
    }

    /// <summary>True if /run/netns/NAME exists and is a mounted network namespace.</summary>
    public static bool Exists(string name)
    {
        if (Syscalls.TryOpen(PathOf(name), O_RDONLY, out var handle) != 0)
        {
            return false;
        }

        using (handle)
        {
            return Syscalls.TryGetNamespaceType(handle!) == CLONE_NEWNET;
        }
    }

    /// <summary>Names of the entries under /run/netns (empty if the directory does not exist).</summary>
    public static IReadOnlyList<string> List()
    {
        if (!Directory.Exists(RunDirectory))
        {
            return [];
        }

        return [.. Directory.EnumerateFileSystemEntries(RunDirectory).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Creates a new, empty network namespace and pins it at /run/netns/NAME, like
    /// <c>ip netns add NAME</c>. The returned handle refers to the new namespace.
    /// </summary>
    /// <exception cref="IOException">/run/netns/NAME already exists.</exception>
    public static NetNamespace Create(string name)
    {
        string path = PathOf(name);
        EnsureRunDirectoryIsSharedMount();

        int errno = Syscalls.TryOpen(path, O_RDONLY | O_CREAT | O_EXCL, out var placeholder);
        if (errno == Errno.EEXIST)
        {
            throw new IOException($"network namespace '{name}' already exists ({path})");
        }

        if (errno != 0)
        {
            throw new SyscallException($"create {path}", errno);
        }

        placeholder!.Dispose();
        try
        {
            // unshare moves only the calling thread, so do it on a thread that dies right after;
            // the bind mount is what keeps the namespace alive from then on.
            RunOnThrowawayThread(() =>
            {
                Syscalls.Unshare(CLONE_NEWNET);
                Syscalls.Mount("/proc/thread-self/ns/net", path, "none", MS_BIND);
            });
            return Open(path);
        }
        catch
        {
            Delete(name);
            throw;
        }
    }

    /// <summary>
    /// Unpins /run/netns/NAME (lazy unmount, then unlink), like <c>ip netns delete</c>. The
    /// namespace itself disappears once no process, thread or handle uses it. No error when missing.
    /// </summary>
    public static void Delete(string name)
    {
        string path = PathOf(name);
        int errno = Syscalls.TryUmount2(path, MNT_DETACH);

        // EINVAL: not a mount point (a stale placeholder); ENOENT: already gone.
        if (errno is not (0 or Errno.EINVAL or Errno.ENOENT))
        {
            throw new SyscallException($"umount2 {path}", errno);
        }

        File.Delete(path);
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"netns {Path}";

    private static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Length > 255)
        {
            throw new ArgumentException($"invalid network namespace name '{name}': must be 1-255 characters without '/'", nameof(name));
        }
    }

    // Mount events on /run/netns must propagate to other mount namespaces (e.g. a container
    // runtime's), so the directory is made a shared mount point first, as iproute2 does.
    private static void EnsureRunDirectoryIsSharedMount()
    {
        Directory.CreateDirectory(RunDirectory);
        int errno = Syscalls.TryMount("none", RunDirectory, null, MS_SHARED | MS_REC);
        if (errno == Errno.EINVAL)
        {
            // Not a mount point yet: bind it onto itself, then retry.
            Syscalls.Mount(RunDirectory, RunDirectory, "none", MS_BIND | MS_REC);
            errno = Syscalls.TryMount("none", RunDirectory, null, MS_SHARED | MS_REC);
        }

        if (errno != 0)
        {
            throw new SyscallException($"mount --make-rshared {RunDirectory}", errno);
        }
    }
}
