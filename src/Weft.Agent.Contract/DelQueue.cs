using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Weft.Agent.Contract;

/// <summary>
/// DEL requests that <c>weft-cni</c> could not deliver because the agent was unreachable. The runtime
/// is told DEL succeeded; the agent replays each entry (idempotently) once it runs, then removes it.
/// Layout: one <c>&lt;hash&gt;.json</c> file per (containerId, ifname) holding the <see cref="CniRequest"/>
/// JSON, written as a dot-temp file and renamed into place, plus a <c>.lock</c> file that serialises
/// writers so the bound of <see cref="MaxEntries"/> holds.
/// </summary>
public static class DelQueue
{
    /// <summary>Most entries the queue holds; past this, enqueueing a new attachment fails.</summary>
    public const int MaxEntries = 256;

    /// <summary>Name of the lock file inside the queue directory.</summary>
    public const string LockFileName = ".lock";

    private const string EntrySuffix = ".json";

    /// <summary>
    /// Queues <paramref name="request"/>. A later DEL for the same attachment replaces the earlier entry,
    /// which is allowed even when the queue is full. Creates the directory (mode 0700) if needed.
    /// </summary>
    /// <returns>The full path of the entry file.</returns>
    /// <exception cref="DelQueueFullException">The queue already holds <see cref="MaxEntries"/> other entries.</exception>
    /// <exception cref="IOException">The lock was not acquired within <paramref name="lockTimeout"/> (default 2 s) or the write failed.</exception>
    public static string Enqueue(string directory, CniRequest request, TimeSpan? lockTimeout = null)
    {
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var fileName = EntryName(request.ContainerId, request.IfName);
        var path = Path.Combine(directory, fileName);
        using var _ = AcquireLock(directory, lockTimeout ?? TimeSpan.FromSeconds(2));

        var others = EntryFiles(directory).Count(p => Path.GetFileName(p) != fileName);
        if (others >= MaxEntries)
        {
            throw new DelQueueFullException(directory, others);
        }

        var temp = Path.Combine(directory, $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(file, request, AgentJsonContext.Default.CniRequest);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return path;
    }

    /// <summary>
    /// Every queued request, oldest first; an empty list when the directory does not exist. A file that
    /// is not a valid <see cref="CniRequest"/> can never be replayed and is deleted.
    /// </summary>
    public static IReadOnlyList<DelQueueEntry> ReadAll(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var entries = new List<DelQueueEntry>();
        foreach (var path in EntryFiles(directory))
        {
            try
            {
                var request = JsonSerializer.Deserialize(File.ReadAllBytes(path), AgentJsonContext.Default.CniRequest);
                if (request is not null)
                {
                    entries.Add(new DelQueueEntry(Path.GetFileName(path), request, File.GetLastWriteTimeUtc(path)));
                    continue;
                }
            }
            catch (FileNotFoundException)
            {
                continue; // removed by a concurrent reader
            }
            catch (JsonException)
            {
                // Falls through to delete.
            }

            File.Delete(path);
        }

        return [.. entries.OrderBy(e => e.QueuedAtUtc).ThenBy(e => e.FileName, StringComparer.Ordinal)];
    }

    /// <summary>Deletes an entry after it was replayed; a missing file is fine.</summary>
    public static void Remove(string directory, DelQueueEntry entry) => File.Delete(Path.Combine(directory, entry.FileName));

    /// <summary>
    /// The entry file name for an attachment: 16 hex digits of FNV-1a-64 over "containerId/ifname", plus ".json".
    /// </summary>
    public static string EntryName(string? containerId, string? ifName)
    {
        // FNV instead of SHA-256: crypto would make the static binary load libssl on the host exactly
        // when things are already failing, and a 64-bit hash is plenty for at most 256 entries.
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes($"{containerId}/{ifName}"))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture) + EntrySuffix;
    }

    private static IEnumerable<string> EntryFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*" + EntrySuffix).Where(p => !Path.GetFileName(p).StartsWith('.'));

    private static FileStream AcquireLock(string directory, TimeSpan timeout)
    {
        var lockPath = Path.Combine(directory, LockFileName);
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            try
            {
                // On Unix, FileShare.None takes flock(LOCK_EX | LOCK_NB) for as long as the stream is open.
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (Environment.TickCount64 >= deadline)
                {
                    throw new IOException($"DEL queue lock {lockPath} is held by another process for more than {timeout.TotalSeconds:0.###} s", ex);
                }

                Thread.Sleep(10);
            }
        }
    }
}

/// <summary>One queued DEL.</summary>
/// <param name="FileName">File name inside the queue directory.</param>
/// <param name="Request">The DEL request to replay.</param>
/// <param name="QueuedAtUtc">When it was (last) queued.</param>
public sealed record DelQueueEntry(string FileName, CniRequest Request, DateTime QueuedAtUtc);

/// <summary>The DEL queue already holds <see cref="DelQueue.MaxEntries"/> entries.</summary>
public sealed class DelQueueFullException(string directory, int count)
    : IOException($"DEL queue {directory} is full ({count} of {DelQueue.MaxEntries} entries)")
{
    /// <summary>The queue directory.</summary>
    public string Directory { get; } = directory;
}
